namespace VodFunctions.Core;

/// <summary>
/// An expected failure named by a contract error code (for example <c>InvalidVideo.NotFound</c>);
/// <paramref name="Status"/> overrides the code's usual HTTP status where the contract says so.
/// </summary>
public sealed record VodError(string Code, string Message, int? Status = null)
{
    public static VodError InvalidParameter(string message) => new("InvalidParameter", message);
    public static VodError VideoNotFound() => new("InvalidVideo.NotFound", "The video does not exist.");
    public static VodError ImageNotFound() => new("NoSuchResource", "The image does not exist.");
    public static VodError MediaNotFound() => new("InvalidMedia.NotFound", "The media does not exist.");
    public static VodError Forbidden() => new("Forbidden", "The key may not access this application's media.");
}

/// <summary>A value or an expected failure: outcomes such as not found are values, not exceptions.</summary>
public readonly record struct Result<T>(T? Value, VodError? Error)
{
    public bool Ok => Error is null;
    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(VodError error) => new(default, error);
}
