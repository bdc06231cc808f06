using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// The JSON shape of a parameter or of an answer's field: its JSON Schema in <c>openapi.json</c> and its few words in
/// <c>docs/api.md</c>, from one declaration.
/// </summary>
public sealed class Shape
{
    private readonly Func<Schemas, JsonObject> _schema;
    private readonly Func<Schemas, JsonObject?>? _query;

    private Shape(string words, Func<Schemas, JsonObject> schema, Type? record = null, Func<Schemas, JsonObject?>? query = null)
    {
        Words = words;
        _schema = schema;
        Record = record;
        _query = query;
    }

    /// <summary>What it is, in a few words (<c>list of IDs, at most 20</c>).</summary>
    public string Words { get; }

    /// <summary>The record type whose fields it has (listed once in the reference), if any.</summary>
    public Type? Record { get; }

    public JsonObject Schema(Schemas schemas) => _schema(schemas);

    /// <summary>Its schema as a query-string parameter (a list is one comma-separated string); null when it cannot be one (objects).</summary>
    public JsonObject? QuerySchema(Schemas schemas) => _query is null ? _schema(schemas) : _query(schemas);

    public static readonly Shape Text = new("string", _ => new JsonObject { ["type"] = "string" });
    public static readonly Shape Id = new("ID", _ => new JsonObject { ["type"] = "string", ["description"] = "32 lowercase hexadecimal characters" });
    public static readonly Shape Flag = new("boolean", _ => new JsonObject { ["type"] = "boolean" });
    public static readonly Shape Count = new("integer", _ => new JsonObject { ["type"] = "integer" });
    public static readonly Shape Texts = ArrayOf(Text);
    public static readonly Shape Ids = ArrayOf(Id);

    public static Shape TextOf(int maxLength) =>
        new($"string, at most {maxLength} characters", _ => new JsonObject { ["type"] = "string", ["maxLength"] = maxLength });

    /// <summary>A string, or a number taken as its text (a category ID).</summary>
    public static Shape TextOrNumber(int maxLength) =>
        new($"string or number, at most {maxLength} characters", _ => new JsonObject { ["type"] = new JsonArray("string", "number"), ["maxLength"] = maxLength });

    public static Shape Integer(int min, int max) =>
        new($"integer, {min} to {max}", _ => new JsonObject { ["type"] = "integer", ["minimum"] = min, ["maximum"] = max });

    public static Shape OneOf(IEnumerable<string> values)
    {
        var list = values.ToArray();
        return new($"one of {string.Join(", ", list.Select(v => $"`{v}`"))}",
            _ => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(list.Select(v => (JsonNode)v!).ToArray()) });
    }

    /// <summary>A list parameter: a JSON array, or one comma-separated string.</summary>
    public static Shape List(Shape item, int max, string? exceededCode) =>
        new($"list of {Plural(item.Words)}, at most {max}" + (exceededCode is null ? "" : $" (more: `{exceededCode}`)") + "; a JSON array or one comma-separated string",
            schemas => new JsonObject
            {
                ["anyOf"] = new JsonArray(
                    new JsonObject { ["type"] = "array", ["items"] = item.Schema(schemas), ["maxItems"] = max },
                    new JsonObject { ["type"] = "string", ["description"] = "the items separated by commas" }),
            }, query: _ => new JsonObject { ["type"] = "string", ["description"] = "the items separated by commas" });

    public static Shape ArrayOf(Shape item, int? max = null) =>
        new($"array of {Plural(item.Words)}" + (max is null ? "" : $", at most {max}"), schemas =>
        {
            var schema = new JsonObject { ["type"] = "array", ["items"] = item.Schema(schemas) };
            if (max is not null) schema["maxItems"] = max;
            return schema;
        }, item.Record, _ => null);

    /// <summary>An object with the fields of the record <typeparamref name="T"/> (a schema of its own in the reference).</summary>
    public static Shape Of<T>() => new($"[{typeof(T).Name}](#{typeof(T).Name.ToLowerInvariant()})", schemas => schemas.Ref(typeof(T)), typeof(T), _ => null);

    /// <summary>An object whose fields are told in words.</summary>
    public static Shape Object(string fields) => new($"object: {fields}", _ => new JsonObject { ["type"] = "object", ["description"] = fields });

    private static string Plural(string words) => words switch
    {
        "ID" => "IDs",
        "string" => "strings",
        _ when words.StartsWith("one of ", StringComparison.Ordinal) => "strings, each " + words,
        _ => words,
    };
}

/// <summary>The reference's named schemas: records described once, by their public properties, and referred to by name.</summary>
public sealed class Schemas
{
    private readonly NullabilityInfoContext _nullability = new();

    public SortedDictionary<string, JsonObject> ByName { get; } = new(StringComparer.Ordinal);

    public JsonObject Ref(Type type)
    {
        if (!ByName.ContainsKey(type.Name))
        {
            ByName[type.Name] = new JsonObject();
            ByName[type.Name] = Describe(type);
        }
        return new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
    }

    /// <summary>The fields of a record in declaration order (as answers write them); a nullable one may be absent.</summary>
    public static IEnumerable<PropertyInfo> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken);

    public bool IsOptional(PropertyInfo property) => _nullability.Create(property).ReadState == NullabilityState.Nullable;

    private JsonObject Describe(Type type)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var property in Fields(type))
        {
            properties[property.Name] = SchemaOf(property.PropertyType);
            if (!IsOptional(property)) required.Add(property.Name);
        }
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
    }

    private JsonObject SchemaOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(int) || type == typeof(long)) return new JsonObject { ["type"] = "integer" };
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var item = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().Single();
            return new JsonObject { ["type"] = "array", ["items"] = SchemaOf(item) };
        }
        return Ref(type);
    }
}
