using System.Text.Json;
using System.Text.RegularExpressions;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Alibaba;

/// <summary>
/// VOD's encodings of parameters turned into the values the declared operation reads, as <c>/api</c> passes them:
/// repeat lists (<c>CateIds.1=7&amp;CateIds.2=8</c>, <c>Streams.1.Definition=HD</c>) become arrays (of objects), an array
/// of objects may also come as its JSON text, and everything else stays text (comma lists, numbers and booleans as text
/// are read by the parameters themselves). The common parameters (<c>Action</c>, <c>Signature</c>, ...) are left out.
/// </summary>
public static partial class VodEncodings
{
    [GeneratedRegex(@"^(?<name>[A-Za-z][A-Za-z0-9_]*)\.(?<index>[1-9][0-9]{0,3})(?:\.(?<field>[A-Za-z][A-Za-z0-9_]*))?$")]
    private static partial Regex RepeatItem();

    /// <summary>The name under which an operation's own <c>Action</c> parameter (SetMediaPolicy's) is given at <c>/</c>.</summary>
    public const string PolicyAction = "PolicyAction";

    public static Parameters ToParameters(ApiOperation operation, IReadOnlyDictionary<string, string> given)
    {
        var values = new List<KeyValuePair<string, JsonElement>>();
        var lists = new Dictionary<string, SortedDictionary<int, object>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (givenName, value) in given)
        {
            // Action names the operation here: SetMediaPolicy's own Action (the policy's) is given as PolicyAction.
            var name = givenName.Equals(PolicyAction, StringComparison.OrdinalIgnoreCase) && operation.Declares("Action") ? "Action" : givenName;
            if (name == givenName && CommonParameters.IsCommon(name)) continue;
            var item = RepeatItem().Match(name);
            if (!item.Success)
            {
                values.Add(new(name, ValueOf(operation, name, value)));
                continue;
            }
            var items = lists.TryGetValue(item.Groups["name"].Value, out var found) ? found : lists[item.Groups["name"].Value] = [];
            var index = int.Parse(item.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (!item.Groups["field"].Success)
            {
                if (!items.TryAdd(index, value)) throw ApiException.Invalid($"{name} is given twice.");
                continue;
            }
            if (!items.TryGetValue(index, out var fields)) items[index] = fields = new Dictionary<string, string>(StringComparer.Ordinal);
            if (fields is not Dictionary<string, string> record || !record.TryAdd(item.Groups["field"].Value, value))
                throw ApiException.Invalid($"{item.Groups["name"].Value}.{index} is given both as a value and as fields, or a field twice.");
        }
        foreach (var (name, items) in lists) values.Add(new(name, JsonSerializer.SerializeToElement(items.Values.ToList())));
        return Parameters.Of(values);
    }

    /// <summary>A declared array of objects may come as its JSON text (as VOD's JSON-valued parameters do); anything else is text.</summary>
    private static JsonElement ValueOf(ApiOperation operation, string name, string value)
    {
        var declared = operation.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (declared?.Shape.Record is null || !value.TrimStart().StartsWith('[')) return JsonSerializer.SerializeToElement(value);
        try
        {
            using var document = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = 32 });
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw ApiException.Invalid($"{name} is not a valid JSON array.");
        }
    }
}
