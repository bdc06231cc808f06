using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace VodFunctions.Testing;

/// <summary>The Azurite instance the test command started (<c>VOD_TEST_STORAGE</c>), reached with the plain SDK clients.</summary>
public static class TestStorage
{
    public static string ConnectionString { get; } = Environment.GetEnvironmentVariable("VOD_TEST_STORAGE")
        ?? throw new InvalidOperationException("VOD_TEST_STORAGE is not set: run the tests with ./test.sh, which starts Azurite.");

    public static BlobServiceClient Blobs { get; } = new(ConnectionString);
    public static TableServiceClient Tables { get; } = new(ConnectionString);
    public static QueueServiceClient Queues { get; } = new(ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });

    /// <summary>A fresh name for a container, table prefix or queue: every test has its own storage.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];
}
