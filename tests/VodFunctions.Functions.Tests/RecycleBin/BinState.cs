using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;

namespace VodFunctions.Functions.Tests.RecycleBin;

/// <summary>What a test compares before a delete into the recycle bin and after its restore, read from storage itself.</summary>
public static class BinState
{
    public static Dictionary<string, string?> Bin => new() { ["Vod:RecycleBin:Retention"] = "P7D" };

    public static Task<TestApp> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestApp.StartAsync(new Dictionary<string, string?>(Bin.Concat(settings ?? new Dictionary<string, string?>())));

    /// <summary>Every blob: its name, length and ETag (a blob written again has a new ETag).</summary>
    public static async Task<List<string>> BlobsAsync(this TestApp app)
    {
        var blobs = new List<string>();
        await foreach (var blob in app.Container.GetBlobsAsync(new GetBlobsOptions()))
            blobs.Add($"{blob.Name} {blob.Properties.ContentLength} {blob.Properties.ETag}");
        return blobs;
    }

    /// <summary>Every row of the media and index tables but journal entries, as text without timestamps and ETags.</summary>
    public static async Task<List<string>> RowsAsync(this TestApp app)
    {
        var rows = new List<string>();
        foreach (var table in new[] { "Media", "Index" })
            await foreach (var row in TestStorage.Tables.GetTableClient(app.TablePrefix + table).QueryAsync<TableEntity>())
            {
                if (row.PartitionKey == "journal") continue;
                var values = row.Where(p => p.Key is not ("Timestamp" or "odata.etag")).OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key}={(p.Value is DateTimeOffset d ? d.UtcTicks : p.Value)}");
                rows.Add($"{table} {row.PartitionKey} {row.RowKey} {string.Join(",", values)}");
            }
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    /// <summary>The bin rows of the media table (entries and the copies they hold).</summary>
    public static async Task<List<string>> BinRowsAsync(this TestApp app) =>
        (await app.RowsAsync()).Where(r => r.Contains(" bin|", StringComparison.Ordinal) || r.StartsWith("Index bin", StringComparison.Ordinal)).ToList();

    public static async Task<List<JsonElement>> EntriesAsync(this TestApp app, string key = TestApp.AdminKey, object? body = null)
    {
        var listed = await app.CallAsync("ListRecycleBin", body ?? new { }, key);
        listed.Status.Should().Be(200, listed.ToString());
        return listed["Entries"].EnumerateArray().ToList();
    }

    public static async Task<ApiResponse> RestoreAsync(this TestApp app, params string[] entryIds) =>
        await app.CallAsync("RestoreMedia", new { EntryIds = entryIds }, TestApp.FullKey);

    /// <summary>The one entry a delete's answer names.</summary>
    public static string EntryOf(ApiResponse deleted)
    {
        deleted.Status.Should().Be(200, deleted.ToString());
        return deleted["RecycleBin"].GetProperty("EntryIds").EnumerateArray().Should().ContainSingle().Subject.GetString()!;
    }
}
