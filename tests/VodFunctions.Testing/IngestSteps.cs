using System.Net;
using System.Text.Json;

namespace VodFunctions.Testing;

/// <summary>What an upload or transcode pipeline does, step by step, through the public API and the upload URLs.</summary>
public static class IngestSteps
{
    private static readonly HttpClient Http = new();

    /// <summary>PUT bytes to an upload URL, as a pipeline would; answers the storage service's status.</summary>
    public static async Task<HttpStatusCode> PutAsync(string uploadUrl, int bytes)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(new byte[bytes]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await Http.SendAsync(put);
        return response.StatusCode;
    }

    /// <summary>Creates a video, uploads its mezzanine through the upload URL and completes the upload; answers the VideoId.</summary>
    public static async Task<string> UploadVideoAsync(
        this TestApp app, string title = "Video", int bytes = 100, string transcodeMode = "FastTranscode",
        string fileName = "source.mp4", string key = TestApp.AdminKey, string? appId = null)
    {
        var created = await app.CallAsync("CreateUploadVideo",
            new Dictionary<string, string?> { ["Title"] = title, ["FileName"] = fileName, ["TranscodeMode"] = transcodeMode, ["AppId"] = appId }, key);
        created.Status.Should().Be(200, created.ToString());
        (await PutAsync(created.Str("UploadURL"), bytes)).Should().Be(HttpStatusCode.Created);
        var completed = await app.CallAsync("CompleteUpload", new { MediaId = created.Str("VideoId") }, key);
        completed.Status.Should().Be(200, completed.ToString());
        return created.Str("VideoId");
    }

    /// <summary>Creates an uploaded image or attached media, uploads it and completes the upload; answers its ID.</summary>
    public static async Task<string> UploadFileAsync(
        this TestApp app, string operation, object parameters, int bytes = 10, string key = TestApp.AdminKey)
    {
        var created = await app.CallAsync(operation, parameters, key);
        created.Status.Should().Be(200, created.ToString());
        (await PutAsync(created.Str("UploadURL"), bytes)).Should().Be(HttpStatusCode.Created);
        var id = created.Str(operation == "CreateUploadImage" ? "ImageId" : "MediaId");
        (await app.CallAsync("CompleteUpload", new { MediaId = id }, key)).Status.Should().Be(200);
        return id;
    }

    /// <summary>The URL of a blob in the app's media container.</summary>
    public static string UrlOf(this TestApp app, string blobName) => app.Container.GetBlobClient(blobName).Uri.AbsoluteUri;

    /// <summary>Writes blobs under a new stream folder of a video; answers the JobId and the play file's URL.</summary>
    public static async Task<(string JobId, string FileUrl)> WriteStreamAsync(
        this TestApp app, string videoId, string playFile = "playlist.m3u8", params (string Name, int Bytes)[] files)
    {
        var jobId = Guid.NewGuid().ToString("N");
        var folder = $"videos/{videoId}/streams/{jobId}/";
        foreach (var (name, bytes) in files.Append((playFile, 10))) await app.UploadAsync(folder + name, bytes);
        return (jobId, app.UrlOf(folder + playFile));
    }

    /// <summary>Every row of the app's catalog tables (records and index), read by the test's own client.</summary>
    public static async Task<List<string>> CatalogRowsAsync(this TestApp app)
    {
        var rows = new List<string>();
        foreach (var table in new[] { "Media", "Index" })
            await foreach (var row in TestStorage.Tables.GetTableClient(app.TablePrefix + table).QueryAsync<Azure.Data.Tables.TableEntity>())
                rows.Add($"{table}: {row.PartitionKey} / {row.RowKey}");
        return rows;
    }

    public static JsonElement[] Items(this JsonElement array) => array.EnumerateArray().ToArray();
}
