using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace VodFunctions.Soak;

public sealed record Blob(string Name, int Size);

public sealed class VideoStream(string jobId, string definition, List<Blob> blobs)
{
    public string JobId { get; } = jobId;
    public string Definition { get; } = definition;
    /// <summary>The playlist first, then the segments.</summary>
    public List<Blob> Blobs { get; } = blobs;
    public bool Deleted { get; set; }
}

public sealed class Snapshot(string id, string type, Blob blob)
{
    public string Id { get; } = id;
    public string Type { get; } = type;
    public Blob Blob { get; } = blob;
    public bool Deleted { get; set; }
}

/// <summary>A video as the soak seeded it, and which of its parts it has deleted.</summary>
public sealed class Video(string id, string appId, string title, string mode, Blob mezzanine)
{
    public string Id { get; } = id;
    public string AppId { get; } = appId;
    public string Title { get; } = title;
    public string Mode { get; } = mode;
    public Blob Mezzanine { get; } = mezzanine;
    /// <summary>The mezzanine is upload blocks never committed (a multipart upload).</summary>
    public bool Uncommitted { get; init; }
    public bool MezzanineDeleted { get; set; }
    public List<VideoStream> Streams { get; } = [];
    public List<Snapshot> Images { get; } = [];
    public bool Deleted { get; set; }
    /// <summary>A trial is deleting it and has not settled yet: the part-wide checks leave it alone.</summary>
    public bool Busy { get; set; }
    public string Folder => $"videos/{Id}/";
    public string MezzanineFolder => $"{Folder}mezzanine/";
    public string StreamFolder(VideoStream stream) => $"{Folder}streams/{stream.JobId}/";

    public IEnumerable<Blob> AliveBlobs => Deleted
        ? []
        : (MezzanineDeleted ? [] : new[] { Mezzanine })
            .Concat(Streams.Where(s => !s.Deleted).SelectMany(s => s.Blobs)).Concat(Images.Where(i => !i.Deleted).Select(i => i.Blob));
}

/// <summary>An uploaded image (<c>images/{ImageId}/</c>) or attached media (<c>attached/{MediaId}/</c>).</summary>
public sealed class FileMedia(string id, string kind, string appId, string title, Blob blob, string url)
{
    public string Id { get; } = id;
    public string Kind { get; } = kind;
    public string AppId { get; } = appId;
    public string Title { get; } = title;
    public Blob Blob { get; } = blob;
    public string Url { get; } = url;
    public bool Deleted { get; set; }
    public bool Busy { get; set; }
    public string Folder => $"{(Kind == "image" ? "images" : "attached")}/{Id}/";
}

/// <summary>Everything one part seeded, and what of it the part deleted: what storage and the reads must show.</summary>
public sealed class Catalog
{
    public ConcurrentBag<Video> Videos { get; } = [];
    public ConcurrentBag<FileMedia> Files { get; } = [];

    public IEnumerable<Blob> AliveBlobs =>
        Videos.Where(v => !v.Busy).SelectMany(v => v.AliveBlobs).Concat(Files.Where(f => !f.Deleted && !f.Busy).Select(f => f.Blob));

    /// <summary>Prefixes (ending in '/') and names under which nothing may be left.</summary>
    public IEnumerable<string> DeletedAreas => Videos.Where(v => !v.Busy).SelectMany(v => v.Deleted
            ? [v.Folder]
            : v.Streams.Where(s => s.Deleted).Select(v.StreamFolder)
                .Concat(v.Images.Where(i => i.Deleted).Select(i => i.Blob.Name))
                .Concat(v.MezzanineDeleted ? [v.MezzanineFolder] : []))
        .Concat(Files.Where(f => f.Deleted && !f.Busy).Select(f => f.Folder));
}

/// <summary>Seeds media as upload and transcode pipelines do: records through the API, files straight into storage.</summary>
public sealed class Seeder(AppUnderTest app, BlobContainerClient container, Catalog catalog)
{
    public static readonly string[] SnapshotTypes = ["CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot"];
    private static readonly string[] Definitions = ["SD", "HD", "FD", "2K", "4K"];
    private int _uploaded;

    public string Url(string blob) => container.GetBlobClient(blob).Uri.AbsoluteUri;
    public string ContainerUrl => container.Uri.AbsoluteUri;

    /// <summary>
    /// A video of about <paramref name="blobs"/> blobs: a mezzanine, <paramref name="streams"/> HLS streams (a playlist and
    /// segments each, the first of definition LD) and <paramref name="snapshots"/> images spread over the snapshot types.
    /// </summary>
    public async Task<Video> VideoAsync(Random random, int appIndex, string title, int blobs, int streams, int snapshots,
        string mode = "FastTranscode", string? cateId = null)
    {
        var created = await Must(app.Api.CallAsync("CreateUploadVideo",
            new { Title = title, FileName = "source.mp4", TranscodeMode = mode, AppId = AppUnderTest.Apps[appIndex], CateId = cateId }));
        var id = created.Str("VideoId");
        var video = new Video(id, AppUnderTest.Apps[appIndex], title, mode, new Blob($"videos/{id}/mezzanine/source.mp4", random.Next(2000, 6000)));
        await UploadAsync([video.Mezzanine]);
        await Must(app.Api.CallAsync("CompleteUpload", new { MediaId = id }));

        var segments = Math.Max(1, (blobs - 1 - snapshots) / Math.Max(1, streams) - 1);
        var definitions = Definitions.OrderBy(_ => random.Next()).Take(streams - 1).Prepend("LD").ToList();
        foreach (var definition in definitions)
        {
            var jobId = Guid.NewGuid().ToString("N");
            var folder = $"videos/{id}/streams/{jobId}/";
            var files = Enumerable.Range(0, segments).Select(i => new Blob($"{folder}seg-{i:D5}.ts", random.Next(100, 900))).Prepend(new Blob($"{folder}index.m3u8", 120));
            video.Streams.Add(new VideoStream(jobId, definition, files.ToList()));
        }
        var images = Enumerable.Range(0, snapshots)
            .Select(i => (Type: SnapshotTypes[i % SnapshotTypes.Length], Blob: new Blob($"videos/{id}/snapshots/{SnapshotTypes[i % SnapshotTypes.Length]}/{i:D4}.jpg", random.Next(50, 400))))
            .ToList();
        await UploadAsync(video.Streams.SelectMany(s => s.Blobs).Concat(images.Select(i => i.Blob)));

        var streamFiles = video.Streams.Select(s => new { JobId = s.JobId, Definition = s.Definition, Format = "m3u8", FileURL = Url(s.Blobs[0].Name) }).ToArray();
        foreach (var (chunk, index) in images.Chunk(100).DefaultIfEmpty([]).Select((c, i) => (c, i)))
        {
            var registered = await Must(app.Api.CallAsync("RegisterMediaFiles", new
            {
                VideoId = id,
                Streams = index == 0 ? streamFiles : [],
                Images = chunk.Select(i => new { ImageType = i.Type, FileURL = Url(i.Blob.Name) }).ToArray(),
            }));
            var ids = registered.Items("ImageIds").Select(e => e.GetString()!).ToList();
            for (var i = 0; i < chunk.Length; i++) video.Images.Add(new Snapshot(ids[i], chunk[i].Type, chunk[i].Blob));
        }
        catalog.Videos.Add(video);
        return video;
    }

    /// <summary>A created video whose mezzanine is <paramref name="blocks"/> staged, never committed blocks.</summary>
    public async Task<Video> MultipartAsync(Random random, int appIndex, string title, int blocks)
    {
        var created = await Must(app.Api.CallAsync("CreateUploadVideo", new { Title = title, FileName = "source.mp4", AppId = AppUnderTest.Apps[appIndex] }));
        var id = created.Str("VideoId");
        var video = new Video(id, AppUnderTest.Apps[appIndex], title, "FastTranscode", new Blob($"videos/{id}/mezzanine/source.mp4", 0)) { Uncommitted = true };
        var blob = container.GetBlockBlobClient(video.Mezzanine.Name);
        var sizes = Enumerable.Range(0, blocks).Select(_ => random.Next(64, 512)).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, blocks), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
        {
            using var data = new MemoryStream(new byte[sizes[i]]);
            await blob.StageBlockAsync(Convert.ToBase64String(BitConverter.GetBytes(i)), data, cancellationToken: token);
        });
        catalog.Videos.Add(video);
        return video;
    }

    /// <summary>An uploaded image (<paramref name="kind"/> <c>image</c>) or attached media, uploaded and completed.</summary>
    public async Task<FileMedia> FileAsync(string kind, int appIndex, string title)
    {
        var appId = AppUnderTest.Apps[appIndex];
        var created = await Must(kind == "image"
            ? app.Api.CallAsync("CreateUploadImage", new { ImageType = "default", FileName = "picture.png", AppId = appId, Title = title })
            : app.Api.CallAsync("CreateUploadAttachedMedia", new { BusinessType = "watermark", FileName = "mark.png", AppId = appId, Title = title }));
        var (id, url) = kind == "image" ? (created.Str("ImageId"), created.Str("ImageURL")) : (created.Str("MediaId"), created.Str("MediaURL"));
        var file = new FileMedia(id, kind, appId, title, new Blob(new BlobUriBuilder(new Uri(url)).BlobName, 300), url);
        await UploadAsync([file.Blob]);
        await Must(app.Api.CallAsync("CompleteUpload", new { MediaId = id }));
        catalog.Files.Add(file);
        return file;
    }

    /// <summary>Media no delete names: videos and files in every application, checked untouched after each part.</summary>
    public async Task BystandersAsync(Random random, int videosPerApp, int blobsPerVideo)
    {
        for (var app = 0; app < AppUnderTest.Apps.Length; app++)
        {
            for (var i = 0; i < videosPerApp; i++)
                await VideoAsync(random, app, $"bystander {app}-{i}", blobsPerVideo, 3, 12, i % 3 == 1 ? "NoTranscode" : "FastTranscode");
            await FileAsync("image", app, $"bystander image {app}");
            await FileAsync("attached", app, $"bystander attached {app}");
        }
    }

    public async Task UploadAsync(IEnumerable<Blob> blobs)
    {
        var list = blobs.ToList();
        var done = 0;
        await Parallel.ForEachAsync(list, new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (blob, token) =>
        {
            await container.GetBlobClient(blob.Name).UploadAsync(new BinaryData(new byte[blob.Size]), overwrite: true, token);
            if (Interlocked.Increment(ref done) % 200 == 0) Log.Status($"seeding {Log.Bar(done, list.Count)} blobs");
        });
        Interlocked.Add(ref _uploaded, list.Count);
    }

    public int Uploaded => _uploaded;

    private static async Task<Answer> Must(Task<Answer> call)
    {
        var answer = await call;
        return answer.Status == 200 ? answer : throw new InvalidOperationException($"Seeding failed: {answer}");
    }
}
