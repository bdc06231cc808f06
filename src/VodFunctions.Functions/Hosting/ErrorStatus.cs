using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

/// <summary>The HTTP status of each contract error code (API.md sections 1 and 6).</summary>
public static class ErrorStatus
{
    public static int Of(VodError error) => error.Status ?? error.Code switch
    {
        "Unauthorized" => 401,
        "Forbidden" or "Forbidden.MediaHold" or "Forbidden.DeleteAge" => 403,
        "Throttling.User" => 429,
        "InternalError" => 500,
        "ServiceUnavailable" => 503,
        "InvalidFile.NotFound" or "InvalidMultipartUpload.NotFound" => 400,
        var code when code.EndsWith(".NotFound", StringComparison.Ordinal) || code == "NoSuchResource" => 404,
        var code when code.EndsWith("Failed", StringComparison.Ordinal) => 503,
        _ => 400,
    };
}
