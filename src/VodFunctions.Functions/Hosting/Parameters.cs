using System.Text.Json;
using VodFunctions.Core.Media;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// The calling convention of API.md section 1: parameters from the JSON body and the query string,
/// names matched case-insensitively, the same name twice with different values refused, list
/// parameters as JSON arrays or comma-separated strings.
/// </summary>
public sealed class Parameters
{
    public const int MaxListItems = 20;
    private readonly Dictionary<string, JsonElement> _values;

    private Parameters(Dictionary<string, JsonElement> values) => _values = values;

    public static Parameters Parse(IQueryCollection query, ReadOnlySpan<byte> body)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (!body.IsEmpty && !body.Trim(" \t\r\n"u8).IsEmpty)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
                EnsureText(document.RootElement);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw ApiException.Invalid("The request body is not valid JSON.");
            }
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.Invalid("The request body must be a JSON object.");
            foreach (var property in document.RootElement.EnumerateObject()) Add(values, property.Name, property.Value.Clone());
        }
        foreach (var (name, texts) in query)
        {
            if (name.Equals("code", StringComparison.OrdinalIgnoreCase)) continue; // the function key
            foreach (var text in texts) Add(values, name, JsonSerializer.SerializeToElement(text));
        }
        return new Parameters(values);
    }

    /// <summary>Reads every name and string once, so that invalid text (a lone surrogate escape) is refused here, not later.</summary>
    private static void EnsureText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) EnsureText(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    EnsureText(property.Value);
                }
                break;
        }
    }

    private static void Add(Dictionary<string, JsonElement> values, string name, JsonElement value)
    {
        if (values.TryGetValue(name, out var existing) && Text(existing) != Text(value))
            throw ApiException.Invalid($"The parameter {name} is given twice with different values.");
        values[name] = value;
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(Text)),
        _ => value.GetRawText(),
    };

    public bool Has(string name) => _values.ContainsKey(name) && _values[name].ValueKind != JsonValueKind.Null;

    public JsonElement? Raw(string name) => _values.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A scalar parameter as text (trimmed); null when absent or empty.</summary>
    public string? String(string name)
    {
        if (Raw(name) is not { } value) return null;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw ApiException.Invalid($"The parameter {name} must be a string."),
        };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    public string Required(string name) => String(name) ?? throw ApiException.Missing(name);

    /// <summary>A required string that must be one of <paramref name="allowed"/> (matched exactly).</summary>
    public string OneOf(string name, IReadOnlyCollection<string> allowed, string? fallback = null)
    {
        var value = String(name) ?? fallback ?? throw ApiException.Missing(name);
        return allowed.Contains(value) ? value : throw ApiException.Invalid($"{name} must be one of {string.Join(", ", allowed)}.");
    }

    /// <summary>
    /// A list parameter: items trimmed, empty ones dropped, duplicates folded (first wins); more than
    /// <paramref name="max"/> items answers <paramref name="exceededCode"/>.
    /// </summary>
    public IReadOnlyList<string> List(string name, string exceededCode = "InvalidParameter", int max = MaxListItems)
    {
        if (Raw(name) is not { } value) return [];
        IEnumerable<string> items = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Split(','),
            JsonValueKind.Array => value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw ApiException.Invalid($"Every item of {name} must be a string.")),
            _ => throw ApiException.Invalid($"The parameter {name} must be a list of strings."),
        };
        var list = items.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return list.Count <= max
            ? list
            : throw new ApiException(new Core.VodError(exceededCode, $"{name} holds {list.Count} items; at most {max} are allowed."));
    }

    public IReadOnlyList<string> RequiredList(string name, string exceededCode = "InvalidParameter") =>
        List(name, exceededCode) is { Count: > 0 } list ? list : throw ApiException.Missing(name);

    public bool Bool(string name, bool fallback = false) => Raw(name) switch
    {
        null => fallback,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } v when bool.TryParse(v.GetString(), out var b) => b,
        _ => throw ApiException.Invalid($"{name} must be true or false."),
    };

    public int Int(string name, int fallback, int min, int max)
    {
        var value = Raw(name) switch
        {
            null => fallback,
            { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out var i) => i,
            { ValueKind: JsonValueKind.String } v when int.TryParse(v.GetString(), out var i) => i,
            _ => throw ApiException.Invalid($"{name} must be a whole number."),
        };
        return value >= min && value <= max ? value : throw ApiException.Invalid($"{name} must be from {min} to {max}.");
    }

    /// <summary>A media ID parameter as given; a string that is not an ID is kept and then reported as missing.</summary>
    public string Id(string name) => Required(name);

    /// <summary>An array of objects (for example RegisterMediaFiles' Streams), deserialized case-insensitively.</summary>
    public IReadOnlyList<T> Objects<T>(string name)
    {
        if (Raw(name) is not { } value) return [];
        if (value.ValueKind != JsonValueKind.Array) throw ApiException.Invalid($"{name} must be a JSON array.");
        try
        {
            return value.Deserialize<List<T>>(CaseInsensitive)!
                .Select(item => item ?? throw ApiException.Invalid($"{name} may not hold null items.")).ToList();
        }
        catch (JsonException e)
        {
            throw ApiException.Invalid($"{name} is malformed: {e.Message}");
        }
    }

    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    public static bool IsMediaId(string id) => MediaIds.IsValid(id);
}
