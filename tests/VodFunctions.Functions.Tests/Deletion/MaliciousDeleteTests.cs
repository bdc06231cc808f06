using System.Text;
using Azure.Data.Tables;

namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>
/// Generated malicious and malformed delete requests against a populated catalog: none answers 5xx,
/// none deletes a blob or a record.
/// </summary>
public sealed class MaliciousDeleteTests
{
    [Fact]
    public async Task NoMaliciousOrMalformedRequestDeletesAnything()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 2, snapshots: 1);
        var other = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 1, appId: TestApp.OtherApp);
        var image = await app.SeedFileAsync("image");
        var attached = await app.SeedFileAsync("attached");
        var blobsBefore = await app.ListBlobsAsync();
        var rowsBefore = await RowCountAsync(app);

        var corpus = Corpus(app, video, other, image.Id, attached.Id).ToList();
        corpus.Should().HaveCountGreaterThanOrEqualTo(100);
        foreach (var (operation, body, key, expectNotFound) in corpus)
        {
            var response = await app.CallAsync(operation, body, key);
            response.Status.Should().BeLessThan(500, $"{operation} {body} answered {response}");
            if (expectNotFound) response.Status.Should().BeOneOf([404, 400], $"{operation} {body} answered {response}");
        }

        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobsBefore);
        (await RowCountAsync(app)).Should().Be(rowsBefore);
    }

    private static async Task<int> RowCountAsync(TestApp app) =>
        await TestStorage.Tables.GetTableClient(app.TablePrefix + "Media").QueryAsync<TableEntity>(select: ["RowKey"]).CountAsync();

    private static IEnumerable<(string Operation, string Body, string Key, bool ExpectNotFound)> Corpus(
        TestApp app, SeededVideo video, SeededVideo other, string imageId, string attachedId)
    {
        string Json(object value) => System.Text.Json.JsonSerializer.Serialize(value);
        var snapshot = app.UrlOf($"{video.Folder}snapshots/CoverSnapshot/000.jpg");
        var root = app.Container.Uri.AbsoluteUri;
        var videoPath = $"{root}/{video.Folder}";

        // URLs that spell something other than a catalog image: each must be 404 NoSuchResource.
        string[] urls =
        [
            $"{videoPath}snapshots/CoverSnapshot/../../mezzanine/source.mp4",
            $"{videoPath}snapshots/CoverSnapshot/%2e%2e/%2e%2e/mezzanine/source.mp4",
            $"{videoPath}snapshots/CoverSnapshot/%2E%2E/%2E%2E/mezzanine/source.mp4",
            $"{videoPath}snapshots/CoverSnapshot/%252e%252e/%252e%252e/mezzanine/source.mp4",
            $"{videoPath}snapshots/CoverSnapshot/./000.jpg",
            $"{videoPath}snapshots/CoverSnapshot/../CoverSnapshot/000.jpg",
            $"{videoPath}snapshots\\CoverSnapshot\\000.jpg",
            $"{videoPath}snapshots/CoverSnapshot%2F000.jpg",
            $"{videoPath}snapshots/CoverSnapshot%5C000.jpg",
            $"{videoPath}snapshots//CoverSnapshot/000.jpg",
            $"{videoPath}snapshots/CoverSnapshot/",
            $"{videoPath}snapshots/",
            videoPath,
            $"{videoPath}mezzanine/source.mp4",
            $"{videoPath}streams/{video.JobIds[0]}/index.m3u8",
            $"{root}/{other.Folder}mezzanine/source.mp4",
            $"{root}/images/{imageId}/",
            $"{root}/attached/{attachedId}/mark.png",
            snapshot.Replace(app.Container.Name, "another-container"),
            snapshot.Replace("devstoreaccount1", "devstoreaccount2"),
            snapshot.Replace("http://", "ftp://"),
            snapshot.Replace("http://127.0.0.1", "http://127.0.0.2"),
            snapshot + "/extra",
            snapshot + "%00",
            snapshot.Replace("000.jpg", "000.jpg%00.png"),
            snapshot.Replace("000.jpg", "000.JPG"),
            "file:///etc/passwd",
            "javascript:alert(1)",
            "//127.0.0.1/" + video.Folder,
            "videos/" + video.VideoId + "/snapshots/CoverSnapshot/000.jpg",
            Uri.EscapeDataString(Uri.EscapeDataString(snapshot)),
            "http://" + new string('a', 3000) + ".example/x.jpg",
            "%",
            "http://[::1",
        ];
        foreach (var url in urls)
            yield return ("DeleteImage", Json(new { DeleteImageType = "ImageURL", ImageURLs = new[] { url } }), TestApp.AdminKey, true);

        // IDs that are not catalog IDs, in every ID-taking delete.
        string[] ids =
        [
            "../" + video.VideoId, video.VideoId + "/..", video.VideoId.ToUpperInvariant(), video.VideoId[..31], video.VideoId + "0",
            "*", "%", "' or PartitionKey ne ''", "PartitionKey eq '" + video.VideoId + "'", video.Folder, "videos", "\\", "null",
            "g" + video.VideoId[1..], "0x" + video.VideoId[2..], "\u0430" + video.VideoId[1..], video.VideoId + "%00",
        ];
        foreach (var id in ids)
        {
            yield return ("DeleteVideo", Json(new { VideoIds = new[] { id } }), TestApp.AdminKey, true);
            yield return ("DeleteMezzanines", Json(new { VideoIds = new[] { id }, Force = true }), TestApp.AdminKey, false);
            yield return ("DeleteStream", Json(new { VideoId = id, JobIds = video.JobIds }), TestApp.AdminKey, true);
            yield return ("DeleteStream", Json(new { VideoId = video.VideoId, JobIds = new[] { id } }), TestApp.AdminKey, true);
            yield return ("DeleteImage", Json(new { DeleteImageType = "ImageId", ImageIds = new[] { id } }), TestApp.AdminKey, true);
            yield return ("DeleteImage", Json(new { DeleteImageType = "VideoId", VideoId = id, ImageType = "All" }), TestApp.AdminKey, true);
            yield return ("DeleteAttachedMedia", Json(new { MediaIds = new[] { id } }), TestApp.AdminKey, false);
            yield return ("DeleteMultipartUpload", Json(new { MediaId = id, MediaType = "video" }), TestApp.AdminKey, true);
        }

        // Image types that try to leave the snapshots folder.
        foreach (var type in new[] { "../mezzanine", "CoverSnapshot/..", "All/..", "*", "cover", "default", "Streams", "CoverSnapshot/../../mezzanine" })
            yield return ("DeleteImage", Json(new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = type }), TestApp.AdminKey, true);

        // Another application's media with a key scoped elsewhere: forbidden or listed, never deleted.
        yield return ("DeleteVideo", Json(new { VideoIds = other.VideoId }), TestApp.FullKey, false);
        yield return ("DeleteMezzanines", Json(new { VideoIds = other.VideoId, Force = true }), TestApp.FullKey, false);
        yield return ("DeleteStream", Json(new { VideoId = other.VideoId, JobIds = other.JobIds }), TestApp.FullKey, false);
        yield return ("DeleteImage", Json(new { DeleteImageType = "VideoId", VideoId = other.VideoId, ImageType = "All" }), TestApp.FullKey, false);
        yield return ("DeleteImage", Json(new { DeleteImageType = "ImageId", ImageIds = other.ImageIds["CoverSnapshot"] }), TestApp.FullKey, false);
        yield return ("DeleteImage", Json(new { DeleteImageType = "ImageURL", ImageURLs = new[] { app.UrlOf($"{other.Folder}snapshots/CoverSnapshot/000.jpg") } }), TestApp.FullKey, false);
        yield return ("DeleteVideo", Json(new { VideoIds = video.VideoId }), TestApp.ReadOnlyKey, false);
        yield return ("DeleteVideo", Json(new { VideoIds = video.VideoId }), "wrong-key", false);

        // Malformed bodies and parameter shapes.
        string[] bodies =
        [
            "{", "[]", "\"text\"", "null", "{\"VideoIds\": {\"$ne\": null}}", "{\"VideoIds\": [1, 2]}", "{\"VideoIds\": [[\"" + video.VideoId + "\"]]}",
            "{\"VideoIds\": \"" + video.VideoId + "\", \"videoids\": \"" + other.VideoId + "\"}", "{\"VideoIds\": \"\"}", "{\"VideoIds\": \" , ,\"}",
            "{\"VideoIds\": " + Json(Enumerable.Range(0, 21).Select(i => video.VideoId[..30] + i.ToString("D2"))) + "}",
            "{\"VideoIds\": \"" + video.VideoId + "\", \"DryRun\": \"maybe\"}", "{\"VideoIds\": \"\\ud800\"}",
            "{\"VideoIds\": \"" + new string('x', 100_000) + "\"}",
        ];
        foreach (var body in bodies) yield return ("DeleteVideo", body, TestApp.AdminKey, false);
        yield return ("DeleteVideo", "{\"VideoIds\": \"" + new string('a', 1_100_000) + "\"}", TestApp.AdminKey, false);
        yield return ("DeleteImage", Json(new { DeleteImageType = "ImageURL", ImageURLs = 42 }), TestApp.AdminKey, false);
        yield return ("DeleteImage", Json(new { DeleteImageType = new[] { "ImageURL" }, ImageURLs = snapshot }), TestApp.AdminKey, false);
        yield return ("DeleteStream", Json(new { VideoId = video.VideoId, JobIds = Encoding.UTF8.GetString(new byte[] { 0xC3, 0x28 }) }), TestApp.AdminKey, false);
    }
}
