using System.Text.Json;

namespace VodFunctions.Testing;

public sealed record SeededVideo(string VideoId, string MezzanineBlob, IReadOnlyList<string> JobIds, IReadOnlyDictionary<string, List<string>> ImageIds)
{
    public string Folder => $"videos/{VideoId}/";
}

/// <summary>Creates media through the public API with real blobs, as upload and transcode pipelines would.</summary>
public static class MediaSeeder
{
    /// <summary>
    /// A video with an uploaded mezzanine, <paramref name="streams"/> HLS streams (a playlist plus
    /// <paramref name="segments"/> segments each) and <paramref name="snapshots"/> images of each snapshot type.
    /// </summary>
    public static async Task<SeededVideo> SeedVideoAsync(
        this TestApp app, string transcodeMode = "FastTranscode", int streams = 2, int segments = 3, int snapshots = 1,
        string appId = TestApp.DefaultApp, string title = "Seeded video", string[]? snapshotTypes = null)
    {
        var created = await app.CallAsync("CreateUploadVideo", new { Title = title, FileName = "source.mp4", TranscodeMode = transcodeMode, AppId = appId });
        created.Status.Should().Be(200, created.ToString());
        var videoId = created.Str("VideoId");
        var mezzanine = $"videos/{videoId}/mezzanine/source.mp4";
        await app.UploadAsync(mezzanine, 1000);
        (await app.CallAsync("CompleteUpload", new { MediaId = videoId })).Status.Should().Be(200);

        var jobIds = Enumerable.Range(0, streams).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        var blobs = new List<(string Name, int Size)>();
        foreach (var jobId in jobIds)
        {
            blobs.Add(($"videos/{videoId}/streams/{jobId}/index.m3u8", 100));
            blobs.AddRange(Enumerable.Range(0, segments).Select(i => ($"videos/{videoId}/streams/{jobId}/seg-{i:D5}.ts", 200)));
        }
        var types = snapshotTypes ?? ["CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot"];
        var images = types.SelectMany(type => Enumerable.Range(0, snapshots).Select(i => (Type: type, Name: $"videos/{videoId}/snapshots/{type}/{i:D3}.jpg"))).ToList();
        blobs.AddRange(images.Select(i => (i.Name, 50)));
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (blob, _) => await app.UploadAsync(blob.Name, blob.Size));

        var imageIds = types.ToDictionary(t => t, _ => new List<string>());
        var streamFiles = jobIds.Select(j => (object)new { Definition = "HD", Format = "m3u8", FileURL = app.UrlOf($"videos/{videoId}/streams/{j}/index.m3u8") }).ToArray();
        foreach (var (chunk, index) in images.Chunk(100).DefaultIfEmpty([]).Select((c, i) => (c, i)))
        {
            if (index > 0 || streamFiles.Length > 0 || chunk.Length > 0)
            {
                var registered = await app.CallAsync("RegisterMediaFiles", new
                {
                    VideoId = videoId,
                    Streams = index == 0 ? streamFiles : [],
                    Images = chunk.Select(i => new { ImageType = i.Type, FileURL = app.UrlOf(i.Name) }).ToArray(),
                });
                registered.Status.Should().Be(200, registered.ToString());
                var ids = registered["ImageIds"].EnumerateArray().Select(e => e.GetString()!).ToList();
                for (var i = 0; i < chunk.Length; i++) imageIds[chunk[i].Type].Add(ids[i]);
            }
        }
        return new SeededVideo(videoId, mezzanine, jobIds, imageIds);
    }

    /// <summary>An uploaded image (<c>images/{ImageId}/</c>) or attached media (<c>attached/{MediaId}/</c>), uploaded and completed.</summary>
    public static async Task<(string Id, string Url)> SeedFileAsync(this TestApp app, string kind, string appId = TestApp.DefaultApp, string title = "Seeded file")
    {
        var created = kind == "image"
            ? await app.CallAsync("CreateUploadImage", new { ImageType = "default", FileName = "picture.png", AppId = appId, Title = title })
            : await app.CallAsync("CreateUploadAttachedMedia", new { BusinessType = "watermark", FileName = "mark.png", AppId = appId, Title = title });
        created.Status.Should().Be(200, created.ToString());
        var (id, url) = kind == "image" ? (created.Str("ImageId"), created.Str("ImageURL")) : (created.Str("MediaId"), created.Str("MediaURL"));
        await app.UploadAsync(new Azure.Storage.Blobs.BlobUriBuilder(new Uri(url)).BlobName, 300);
        (await app.CallAsync("CompleteUpload", new { MediaId = id })).Status.Should().Be(200);
        return (id, url);
    }

    /// <summary>The DeleteMediaComplete events on the app's queue, decoded (Base64 UTF-8 JSON).</summary>
    public static async Task<List<JsonElement>> EventsAsync(this TestApp app)
    {
        var queue = TestStorage.Queues.GetQueueClient(app.QueueName);
        var events = new List<JsonElement>();
        foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
            events.Add(JsonDocument.Parse(Convert.FromBase64String(message.MessageText)).RootElement.Clone());
        return events;
    }
}
