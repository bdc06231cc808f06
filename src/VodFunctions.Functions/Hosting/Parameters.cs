using System.Text.Json;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// The parameters of one request as the calling convention takes them: from the JSON body and the query string,
/// names matched case-insensitively, the same name twice with different values refused. An operation reads them
/// only through the <see cref="Parameter"/>s it declares.
/// </summary>
public sealed class Parameters
{
    private readonly Dictionary<string, JsonElement> _values;

    private Parameters(Dictionary<string, JsonElement> values) => _values = values;

    /// <summary>No parameters (an operation that does not read the request).</summary>
    public static Parameters None { get; } = new(new Dictionary<string, JsonElement>());

    /// <summary>Values already taken from another syntax (VOD's RPC encodings at <c>/</c>), checked the same way.</summary>
    public static Parameters Of(IEnumerable<KeyValuePair<string, JsonElement>> given)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in given) Add(values, name, value);
        return new Parameters(values);
    }

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
            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object) throw ApiException.Invalid("The request body must be a JSON object.");
                foreach (var property in document.RootElement.EnumerateObject()) Add(values, property.Name, property.Value.Clone());
            }
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

    /// <summary>The names the caller gave, as given (the first spelling of each).</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>A parameter's value; null when absent or JSON null.</summary>
    public JsonElement? Raw(string name) => _values.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
