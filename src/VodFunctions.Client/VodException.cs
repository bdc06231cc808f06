namespace VodFunctions.Client;

/// <summary>
/// A call the service answered with an error: the contract's <see cref="Code"/> (for example
/// <c>InvalidVideo.NotFound</c>), its <see cref="Exception.Message"/>, the request's ID and the HTTP status.
/// </summary>
public sealed class VodException(int status, string code, string message, string? requestId) : Exception(message)
{
    /// <summary>The HTTP status code of the response.</summary>
    public int Status { get; } = status;

    /// <summary>The contract's error code, or <c>UnexpectedResponse</c> when the body was not a service error.</summary>
    public string Code { get; } = code;

    /// <summary>The request's ID (the <c>RequestId</c> field or the <c>x-request-id</c> header), for support.</summary>
    public string? RequestId { get; } = requestId;

    /// <summary>Whether the contract says the call is safe to retry (500, 503, 429).</summary>
    public bool IsRetriable => Status is 500 or 503 or 429;

    /// <inheritdoc />
    public override string ToString() => $"{nameof(VodException)}: {Code} ({Status}) {Message} [RequestId {RequestId}]";
}
