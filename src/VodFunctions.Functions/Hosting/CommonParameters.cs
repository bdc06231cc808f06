using System.Text.Json;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// Alibaba Cloud VOD's common request parameters. Every operation accepts them, so that a migrating caller's requests
/// still work, unless it declares one of them itself (<c>SetMediaPolicy</c> declares the policy's <c>Action</c>). Most
/// are ignored; <c>Action</c> and <c>Version</c>, when given, must agree with the call: <c>Action</c> names the operation
/// called, exactly (as Alibaba's is case-sensitive), and <c>Version</c> is VOD's API version. A slip such as
/// <c>DeleteVideo?Action=GetVideoInfo</c> must never run a delete.
/// </summary>
public static class CommonParameters
{
    /// <summary>The API version of Alibaba Cloud VOD whose operations this service implements.</summary>
    public const string ApiVersion = "2017-03-21";

    public static readonly IReadOnlyList<string> Names =
    [
        "Action", "Version", "Format", "RegionId", "AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion",
        "SignatureNonce", "Timestamp", "SecurityToken",
    ];

    public static bool IsCommon(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Refuses an <c>Action</c> that names another operation than <paramref name="function"/>, or another <c>Version</c>.</summary>
    public static void Check(string function, ApiOperation operation, Parameters given)
    {
        if (Given("Action", operation, given) is { } action && action != function)
            throw ApiException.Invalid($"Action {action} contradicts the operation called, {function}: when given, Action must be {function} (case-sensitive).");
        if (Given("Version", operation, given) is { } version && version != ApiVersion)
            throw ApiException.Invalid($"Version {version} is not this API's: when given, Version must be {ApiVersion}.");
    }

    /// <summary>The text of a common parameter the caller gave and the operation does not declare itself.</summary>
    private static string? Given(string name, ApiOperation operation, Parameters given) =>
        operation.Declares(name) || given.Raw(name) is not { } value ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
}
