using System.Net;

namespace VodFunctions.Console.Tests.Infrastructure;

public sealed record TestStream(string JobId, string Definition, string Format, IReadOnlyList<string> Blobs, long Bytes);

public sealed record TestVideo(string VideoId, string Title, string Mezzanine, long MezzanineBytes, IReadOnlyList<TestStream> Streams,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshots)
{
    public string Folder => $"videos/{VideoId}/";
}

public sealed record TestFile(string MediaId, string Title, string Blob);

/// <summary>
/// Creates media the way upload and transcode pipelines do: through the public API (CreateUpload*,
/// a PUT to the upload URL, CompleteUpload, RegisterMediaFiles) with real blobs written to Azurite.
/// </summary>
public sealed class MediaFactory(TestApp app)
{
    private static readonly HttpClient Http = new();

    /// <summary>
    /// A video with a mezzanine, one stream per definition (HLS: a playlist and two segments; mp4: one file)
    /// and snapshots (type → count; CoverSnapshot files are real PNGs so that covers show).
    /// </summary>
    public async Task<TestVideo> VideoAsync(string title, string transcodeMode = "FastTranscode", string[]? definitions = null,
        Dictionary<string, int>? snapshots = null, string appId = TestApp.DefaultApp, int mezzanineBytes = 4096, int seed = 0)
    {
        var created = await app.CallAsync("CreateUploadVideo", new { Title = title, FileName = "source.mp4", TranscodeMode = transcodeMode, AppId = appId });
        created.Status.Should().Be(200, created.ToString());
        var videoId = created.Str("VideoId");
        await PutAsync(created.Str("UploadURL"), new byte[mezzanineBytes]);
        (await app.CallAsync("CompleteUpload", new { MediaId = videoId })).Status.Should().Be(200);

        var streams = new List<TestStream>();
        foreach (var (definition, index) in (definitions ?? []).Select((d, i) => (d, i)))
        {
            var jobId = Guid.NewGuid().ToString("N");
            var folder = $"videos/{videoId}/streams/{jobId}/";
            var hls = index % 2 == 0;
            var files = hls
                ? new[] { (folder + "index.m3u8", 200), (folder + "seg-0.ts", 1000 + index), (folder + "seg-1.ts", 900 + index) }
                : new[] { (folder + "video.mp4", 3000 + index) };
            foreach (var (blob, bytes) in files) await app.UploadAsync(blob, bytes);
            streams.Add(new TestStream(jobId, definition, hls ? "m3u8" : "mp4", files.Select(f => f.Item1).ToList(), files.Sum(f => (long)f.Item2)));
        }

        var shots = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (type, count) in snapshots ?? [])
        {
            var names = new List<string>();
            for (var i = 0; i < count; i++)
            {
                var blob = $"videos/{videoId}/snapshots/{type}/{i}.{(type == "CoverSnapshot" ? "png" : "jpg")}";
                if (type == "CoverSnapshot") await app.Container.GetBlobClient(blob).UploadAsync(new BinaryData(TestImages.Cover(seed + i)), overwrite: true);
                else await app.UploadAsync(blob, 500 + i);
                names.Add(blob);
            }
            shots[type] = names;
        }

        if (streams.Count > 0 || shots.Count > 0)
        {
            var registered = await app.CallAsync("RegisterMediaFiles", new
            {
                VideoId = videoId,
                Streams = streams.Select(s => new { s.JobId, s.Definition, s.Format, FileURL = Url(s.Blobs[0]) }),
                Images = shots.SelectMany(kv => kv.Value.Select(blob => new { ImageType = kv.Key, FileURL = Url(blob) })),
            });
            registered.Status.Should().Be(200, registered.ToString());
        }
        return new TestVideo(videoId, title, $"videos/{videoId}/mezzanine/source.mp4", mezzanineBytes, streams, shots);
    }

    /// <summary>A video that is only created (status Uploading, no files): cheap, for lists and paging.</summary>
    public async Task<string> EmptyVideoAsync(string title, string appId = TestApp.DefaultApp)
    {
        var created = await app.CallAsync("CreateUploadVideo", new { Title = title, FileName = "source.mp4", AppId = appId });
        created.Status.Should().Be(200, created.ToString());
        return created.Str("VideoId");
    }

    /// <summary>An uploaded image (a real PNG).</summary>
    public async Task<TestFile> ImageAsync(string title, int seed = 3, string appId = TestApp.DefaultApp)
    {
        var created = await app.CallAsync("CreateUploadImage", new { ImageType = "default", FileName = "poster.png", Title = title, AppId = appId });
        created.Status.Should().Be(200, created.ToString());
        var imageId = created.Str("ImageId");
        await PutAsync(created.Str("UploadURL"), TestImages.Cover(seed));
        (await app.CallAsync("CompleteUpload", new { MediaId = imageId })).Status.Should().Be(200);
        return new TestFile(imageId, title, $"images/{imageId}/poster.png");
    }

    /// <summary>Short video material (attached media).</summary>
    public async Task<TestFile> AttachedAsync(string title, string businessType = "watermark", string appId = TestApp.DefaultApp)
    {
        var created = await app.CallAsync("CreateUploadAttachedMedia", new { BusinessType = businessType, FileName = "mark.png", Title = title, AppId = appId });
        created.Status.Should().Be(200, created.ToString());
        var mediaId = created.Str("MediaId");
        await PutAsync(created.Str("UploadURL"), new byte[777]);
        (await app.CallAsync("CompleteUpload", new { MediaId = mediaId })).Status.Should().Be(200);
        return new TestFile(mediaId, title, $"attached/{mediaId}/mark.png");
    }

    private string Url(string blob) => app.Container.GetBlobClient(blob).Uri.AbsoluteUri;

    private static async Task PutAsync(string uploadUrl, byte[] content)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(content) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var response = await Http.SendAsync(put);
        response.StatusCode.Should().Be(HttpStatusCode.Created);
    }
}
