using System.Globalization;
using System.Text.Json;
using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// A parameter an operation declares: its name, shape, whether it is required and one line about it. The operation's
/// body reads it through this declaration (<see cref="Parameter{T}.Read"/>), and the reference (<c>openapi.json</c>,
/// <c>docs/api.md</c>) describes it from the same declaration, so the two cannot drift apart.
/// </summary>
public abstract class Parameter(string name, string description, Shape shape)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public Shape Shape { get; } = shape;
    public bool Required { get; init; }

    /// <summary>The value taken when the parameter is absent (a string, number or boolean), as the reference shows it.</summary>
    public object? Default { get; init; }

    /// <summary>The code answered for a list longer than its maximum, if the operation has its own (<c>VideoIdsExceededMax</c>).</summary>
    public string? ExceededCode { get; init; }
}

/// <summary>A declared parameter that reads as <typeparamref name="T"/>.</summary>
public sealed class Parameter<T>(string name, string description, Shape shape, Func<string, JsonElement?, bool, T> read)
    : Parameter(name, description, shape)
{
    /// <summary>
    /// The parameter's value in this request: a contract error (400) when it is malformed, or when it is required and absent.
    /// Only a parameter the request's operation declares can be read.
    /// </summary>
    public T Read(ApiRequest request) => read(Name, request.ValueOf(this), Required);

    /// <summary>The value of a parameter the operation needs only in some cases (<c>DeleteImage</c>'s <c>VideoId</c>).</summary>
    public T Require(ApiRequest request) => read(Name, request.ValueOf(this), true);
}

/// <summary>The kinds of parameter the operations take, each read and described one way.</summary>
public static class Param
{
    public const int MaxListItems = 20;

    /// <summary>Every delete's <c>DryRun</c>.</summary>
    public static readonly Parameter<bool> DryRun = Flag("DryRun", "Validate exactly as the real call and delete nothing; the answer adds `Plan`.");

    /// <summary>Every delete's <c>Permanent</c>, where the recycle bin applies.</summary>
    public static readonly Parameter<bool> Permanent = Flag("Permanent",
        "Delete for good even when the recycle bin is on (`Vod__RecycleBin__Retention`); without it the call moves what it names into the bin.");

    /// <summary>Every delete's idempotency key as a parameter, VOD's name for the <c>Idempotency-Key</c> header (read by the preamble).</summary>
    public static readonly Parameter<string?> ClientToken = Text(Idempotency.ClientToken,
        "The call's idempotency key as a parameter (VOD's name for it, for `/`): the same as the `Idempotency-Key` header.", Idempotency.MaxLength);

    public static Parameter<string?> Text(string name, string description, int? maxLength = null, Func<string, bool>? valid = null, string? invalid = null) =>
        new(name, description, maxLength is { } max ? Shape.TextOf(max) : Shape.Text, (n, raw, required) => Checked(n, TextOf(n, raw, required), maxLength, valid, invalid));

    public static Parameter<string> RequiredText(string name, string description, int? maxLength = null, Func<string, bool>? valid = null, string? invalid = null) =>
        new(name, description, maxLength is { } max ? Shape.TextOf(max) : Shape.Text, (n, raw, _) => Checked(n, TextOf(n, raw, true), maxLength, valid, invalid)!)
        {
            Required = true,
        };

    /// <summary>A string, or a number taken as its text (a category ID).</summary>
    public static Parameter<string?> TextOrNumber(string name, string description, int maxLength) =>
        new(name, description, Shape.TextOrNumber(maxLength), (n, raw, required) => Checked(n, TextOf(n, raw, required), maxLength, null, null));

    /// <summary>An application (<c>AppId</c>): at most 64 letters, digits, <c>-</c> or <c>_</c>, wherever an operation takes one.</summary>
    public static Parameter<string?> AppId(string description) => Text("AppId", description + " At most 64 letters, digits, `-` or `_`.",
        maxLength: 64, valid: id => id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'), invalid: "AppId is at most 64 letters, digits, '-' or '_'.");

    /// <summary>A media ID, taken as given: a string that is not an ID is reported as a missing ID would be.</summary>
    public static Parameter<string> Id(string name, string description) =>
        new(name, description, Shape.Id, (n, raw, _) => TextOf(n, raw, true)!) { Required = true };

    public static Parameter<string?> OptionalId(string name, string description) =>
        new(name, description, Shape.Id, TextOf);

    /// <summary>One of <paramref name="values"/> (matched exactly); required unless it has a <paramref name="fallback"/>.</summary>
    public static Parameter<string> OneOf(string name, string description, IReadOnlyCollection<string> values, string? fallback = null, bool ignoreCase = false) =>
        new(name, description, Shape.OneOf(values),
            (n, raw, required) => Allowed(n, TextOf(n, raw, required && fallback is null) ?? fallback!, values, ignoreCase ? StringComparer.OrdinalIgnoreCase : null))
        {
            Required = fallback is null,
            Default = fallback,
        };

    public static Parameter<string?> OptionalOneOf(string name, string description, IReadOnlyCollection<string> values) =>
        new(name, description, Shape.OneOf(values), (n, raw, required) => TextOf(n, raw, required) is { } text ? Allowed(n, text, values) : null);

    /// <summary>
    /// A list: a JSON array or one comma-separated string; items trimmed, empty ones dropped, duplicates folded (first
    /// wins). More than <paramref name="max"/> items answers <paramref name="exceededCode"/> (else <c>InvalidParameter</c>).
    /// </summary>
    /// <param name="values">The items allowed, if only some are.</param>
    /// <param name="numbers">Whether an item may be a JSON number, taken as its text (category IDs).</param>
    public static Parameter<IReadOnlyList<string>> List(
        string name, string description, bool required, int max = MaxListItems, string? exceededCode = null,
        IReadOnlyCollection<string>? values = null, Shape? item = null, bool numbers = false) =>
        new(name, description, Shape.List(values is null ? item ?? Shape.Text : Shape.OneOf(values), max, exceededCode),
            (n, raw, isRequired) => ListOf(n, raw, isRequired, max, exceededCode, values, numbers))
        {
            Required = required,
            ExceededCode = exceededCode,
        };

    public static Parameter<bool> Flag(string name, string description, bool fallback = false) =>
        new(name, description, Shape.Flag, (n, raw, _) => raw switch
        {
            null => fallback,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            { ValueKind: JsonValueKind.String } v when bool.TryParse(v.GetString(), out var b) => b,
            _ => throw ApiException.Invalid($"{n} must be true or false."),
        })
        {
            Default = fallback,
        };

    public static Parameter<int> Int(string name, string description, int fallback, int min, int max) =>
        new(name, description, Shape.Integer(min, max), (n, raw, _) =>
        {
            var value = raw switch
            {
                null => fallback,
                { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out var i) => i,
                { ValueKind: JsonValueKind.String } v when int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
                _ => throw ApiException.Invalid($"{n} must be a whole number."),
            };
            return value >= min && value <= max ? value : throw ApiException.Invalid($"{n} must be from {min} to {max}.");
        })
        {
            Default = fallback,
        };

    /// <summary>An array of objects (<c>RegisterMediaFiles</c>' <c>Streams</c>), their fields matched case-insensitively.</summary>
    public static Parameter<IReadOnlyList<T>> Objects<T>(string name, string description, int max) =>
        new(name, description, Shape.ArrayOf(Shape.Of<T>(), max), (n, raw, required) =>
        {
            if (raw is not { } value) return required ? throw ApiException.Missing(n) : [];
            if (value.ValueKind != JsonValueKind.Array) throw ApiException.Invalid($"{n} must be a JSON array.");
            try
            {
                return value.Deserialize<List<T>>(CaseInsensitive)!
                    .Select(item => item ?? throw ApiException.Invalid($"{n} may not hold null items.")).ToList();
            }
            catch (JsonException e)
            {
                throw ApiException.Invalid($"{n} is malformed: {e.Message}");
            }
        });

    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    /// <summary>A scalar as text (trimmed); null when absent or empty, or <c>MissingParameter</c> when required.</summary>
    private static string? TextOf(string name, JsonElement? raw, bool required)
    {
        var text = raw switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString()!,
            { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } value => value.GetRawText(),
            _ => throw ApiException.Invalid($"The parameter {name} must be a string."),
        };
        return string.IsNullOrWhiteSpace(text) ? required ? throw ApiException.Missing(name) : null : text.Trim();
    }

    private static string? Checked(string name, string? text, int? maxLength, Func<string, bool>? valid, string? invalid) =>
        text is null || ((maxLength is null || text.Length <= maxLength) && (valid is null || valid(text)))
            ? text
            : throw ApiException.Invalid(invalid ?? (maxLength is null ? $"{name} is not valid." : $"{name} is at most {maxLength} characters."));

    /// <summary>The declared value <paramref name="value"/> matches (its own spelling, when matched case-insensitively).</summary>
    private static string Allowed(string name, string value, IReadOnlyCollection<string> values, IEqualityComparer<string>? comparer = null) =>
        values.FirstOrDefault(v => (comparer ?? StringComparer.Ordinal).Equals(v, value))
        ?? throw ApiException.Invalid($"{name} must be one of {string.Join(", ", values)}.");

    private static IReadOnlyList<string> ListOf(
        string name, JsonElement? raw, bool required, int max, string? exceededCode, IReadOnlyCollection<string>? values, bool numbers)
    {
        IEnumerable<string> items = raw switch
        {
            null => [],
            { ValueKind: JsonValueKind.String } value => value.GetString()!.Split(','),
            { ValueKind: JsonValueKind.Array } value => value.EnumerateArray().Select(item => item.ValueKind switch
            {
                JsonValueKind.String => item.GetString()!,
                JsonValueKind.Number when numbers => item.GetRawText(),
                _ => throw ApiException.Invalid($"Every item of {name} must be a {(numbers ? "string or a number" : "string")}."),
            }),
            _ => throw ApiException.Invalid($"The parameter {name} must be a list of {(numbers ? "strings or numbers" : "strings")}."),
        };
        var list = items.Select(i => i.Trim()).Where(i => i.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (list.Count == 0 && required) throw ApiException.Missing(name);
        if (list.Count > max) throw new ApiException(new VodError(exceededCode ?? "InvalidParameter", $"{name} holds {list.Count} items; at most {max} are allowed."));
        if (values is not null && list.FirstOrDefault(i => !values.Contains(i)) is { } bad)
            throw ApiException.Invalid($"{name} item '{bad}' must be one of {string.Join(", ", values)}.");
        return list;
    }
}
