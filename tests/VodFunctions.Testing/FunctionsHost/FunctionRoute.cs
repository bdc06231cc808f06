namespace VodFunctions.Testing;

/// <summary>
/// An HTTP trigger's route template as the Functions host matches it: literal segments (case-insensitive),
/// <c>{name}</c>, <c>{name?}</c> as the last segment, <c>{*rest}</c> (or <c>{**rest}</c>) catch-all; a constraint or
/// default (<c>{id:int}</c>, <c>{id=1}</c>) is accepted but neither checked nor applied. A segment mixing literal text
/// and parameters never matches.
/// </summary>
internal sealed class FunctionRoute
{
    private enum Kind { Literal = 1, Complex = 2, ConstrainedParameter = 3, Parameter = 4, CatchAll = 5 }

    private sealed record Segment(Kind Kind, string Text, bool Optional);

    private readonly Segment[] _segments;

    public FunctionRoute(string template)
    {
        Template = template;
        _segments = template.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(ParseSegment).ToArray();
        // ASP.NET Core's inbound precedence: one digit a segment, the first segment the most significant; lower wins.
        Precedence = _segments.Select((s, i) => (int)s.Kind / (decimal)Math.Pow(10, i)).Sum();
    }

    public string Template { get; }

    /// <summary>Lower is more specific: when several routes match a path, the lowest wins (literal over parameter).</summary>
    public decimal Precedence { get; }

    /// <summary>Matches a path relative to the route prefix; the route values are unescaped.</summary>
    public bool TryMatch(string path, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            if (segment.Kind == Kind.CatchAll)
            {
                values[segment.Text] = Uri.UnescapeDataString(string.Join('/', parts.Skip(i)));
                return true;
            }
            if (i >= parts.Length)
            {
                return segment.Optional && i == _segments.Length - 1;
            }
            var part = Uri.UnescapeDataString(parts[i]);
            switch (segment.Kind)
            {
                case Kind.Literal when string.Equals(segment.Text, part, StringComparison.OrdinalIgnoreCase):
                    break;
                case Kind.Parameter or Kind.ConstrainedParameter:
                    values[segment.Text] = part;
                    break;
                default:
                    return false;
            }
        }
        return parts.Length == _segments.Length;
    }

    private static Segment ParseSegment(string text)
    {
        if (!text.Contains('{'))
        {
            return new Segment(Kind.Literal, text, false);
        }
        if (!text.StartsWith('{') || !text.EndsWith('}') || text.IndexOf('{', 1) >= 0)
        {
            return new Segment(Kind.Complex, text, false);
        }
        var inner = text[1..^1];
        if (inner.StartsWith('*'))
        {
            return new Segment(Kind.CatchAll, inner.TrimStart('*').Split(':', '=')[0], true);
        }
        var constrained = inner.IndexOfAny([':', '=']) >= 0;
        var name = inner.Split(':', '=')[0];
        var optional = name.EndsWith('?') || inner.EndsWith('?');
        return new Segment(constrained ? Kind.ConstrainedParameter : Kind.Parameter, name.TrimEnd('?'), optional);
    }
}
