namespace VodFunctions.Client;

/// <summary>Options of a <see cref="VodClient"/>.</summary>
public sealed class VodClientOptions
{
    /// <summary>
    /// How many times a call answered 500, 503 or 429 is sent again (the contract makes those safe to
    /// retry); 0 turns retries off. Default 3.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The wait before the first retry; it doubles before each further one. Default 0.5 s.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait before a retry, a server's <c>Retry-After</c> included. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
