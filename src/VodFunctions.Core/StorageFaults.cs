namespace VodFunctions.Core;

/// <summary>Exceptions that mean storage failed a request for good (the SDK's retries are behind them).</summary>
public static class StorageFaults
{
    /// <summary>
    /// A refused request or transaction, or, when the network failed every attempt, the <see cref="AggregateException"/>
    /// the SDK's retry policy throws with each attempt's failure: a connection refused or reset, or storage that did not
    /// answer within the network timeout (a <see cref="TaskCanceledException"/>: the retry policy never retries the
    /// caller's own cancellation).
    /// </summary>
    public static bool Is(Exception e) =>
        e is RequestFailedException or TableTransactionFailedException or HttpRequestException
        || e is AggregateException { InnerExceptions.Count: > 0 } aggregate && aggregate.InnerExceptions.All(i => Is(i) || i is TaskCanceledException);
}
