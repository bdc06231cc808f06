using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using VodFunctions.Client;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>
/// <c>vod sample</c>: realistic media in one command, made the way upload and transcode pipelines make it. Sources go up
/// through the upload URLs; HLS streams (playlist and segments) and snapshots are written into the app's media container
/// under <c>videos/{VideoId}/streams/{JobId}/</c> and <c>videos/{VideoId}/snapshots/{ImageType}/</c> with a storage
/// connection string, then registered with RegisterMediaFiles; uploaded images and attached media go through the API.
/// </summary>
internal static class SampleVerb
{
    private sealed record VideoSpec(string Title, string Cover, string TranscodeMode, string[] Definitions, string[] Frames, bool Sprites);

    private static readonly VideoSpec[] Videos =
    [
        new("Sample: Mountain Timelapse", "cover-mountains.jpg", "FastTranscode", ["LD", "SD", "HD"], ["frame-1.jpg", "frame-2.jpg", "frame-3.jpg"], Sprites: true),
        new("Sample: City at Night", "cover-city.jpg", "FastTranscode", ["FD", "SD", "HD"], ["frame-2.jpg", "frame-4.jpg"], Sprites: false),
        new("Sample: Interview (raw)", "cover-interview.jpg", "NoTranscode", [], [], Sprites: false),
    ];

    private static readonly string[] SpriteFrames = ["frame-1.jpg", "frame-2.jpg", "frame-3.jpg", "frame-4.jpg"];

    /// <summary>Segments per stream, and MPEG-TS packets per segment for each definition (bigger for higher ones).</summary>
    private const int Segments = 4;

    private static int PacketsPerSegment(string definition) => definition switch { "FD" => 30, "LD" => 60, "SD" => 120, _ => 240 };

    public sealed record SampleStream(string JobId, string Definition, string Format, string PlayUrl);
    public sealed record SampleImage(string ImageId, string ImageType, string? Title = null);
    public sealed record SampleVideo(string VideoId, string Title, string TranscodeMode, IReadOnlyList<SampleStream> Streams, IReadOnlyList<SampleImage> Images);
    public sealed record SampleAttached(string MediaId, string BusinessType, string Title);
    public sealed record SampleMedia(IReadOnlyList<SampleVideo> Videos, IReadOnlyList<SampleImage> Images, IReadOnlyList<SampleAttached> AttachedMedia);

    public static Verb Create()
    {
        var storage = Single<string>("--storage",
            "A connection string of the app's media storage account, where the pipeline's files are written (default $VOD_STORAGE, else UseDevelopmentStorage=true: Azurite).", "connection-string");
        var app = Single<string>("--app-id", "The application the media belongs to (default app-1000000).", "app-id");
        return new Verb("sample", "Creates sample media through the API and the storage layout a transcode pipeline writes: videos with HLS streams of several " +
            "definitions, snapshots and sprites, a NoTranscode video, uploaded images and attached media. Prints their IDs.", async (context, ct) =>
        {
            var connection = context.Get(storage) ?? context.Variable("VOD_STORAGE") ?? "UseDevelopmentStorage=true";
            BlobServiceClient blobs;
            try
            {
                blobs = new BlobServiceClient(connection);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UsageException($"--storage is not a storage connection string: {e.Message}");
            }
            // Per video: created, source uploaded, registered, and each file written; then two steps for each upload of the images and attached media.
            var steps = Videos.Sum(v => 3 + v.Definitions.Length * (Segments + 1) + 1 + v.Frames.Length + (v.Sprites ? 1 + SpriteFrames.Length : 0)) + 4 * 2;
            var media = await context.WithProgressAsync("Creating sample media", steps, async report =>
            {
                var done = 0;
                void Step() => report(++done);
                var videos = new List<SampleVideo>();
                foreach (var spec in Videos) videos.Add(await CreateVideoAsync(context, blobs, spec, context.Get(app), Step, ct));
                var images = new List<SampleImage>();
                foreach (var (file, type, title) in new[] { ("poster.png", "cover", "Sample poster"), ("banner.jpg", "default", "Sample banner") })
                {
                    var created = await context.Client.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = type, FileName = file, Title = title, AppId = context.Get(app) }, ct);
                    await UploadAsync(context, created.UploadURL, Asset(file), file, Step, ct);
                    await context.Client.CompleteUploadAsync(created.ImageId, ct);
                    images.Add(new SampleImage(created.ImageId, type, title));
                    Step();
                }
                var attached = new List<SampleAttached>();
                foreach (var (file, type, title, bytes) in new[] { ("logo.png", "watermark", "Sample watermark", Asset("logo.png")), ("subtitles-en.vtt", "subtitle", "Sample subtitles (English)", Subtitles()) })
                {
                    var created = await context.Client.CreateUploadAttachedMediaAsync(
                        new CreateUploadAttachedMediaRequest { BusinessType = type, FileName = file, Title = title, AppId = context.Get(app) }, ct);
                    await UploadAsync(context, created.UploadURL, bytes, file, Step, ct);
                    await context.Client.CompleteUploadAsync(created.MediaId, ct);
                    attached.Add(new SampleAttached(created.MediaId, type, title));
                    Step();
                }
                return new SampleMedia(videos, images, attached);
            });

            if (context.Json)
            {
                context.Host.Out.WriteLine(JsonSerializer.Serialize(media, Output.JsonWriting));
                return ExitCodes.Success;
            }
            context.Table(media.Videos.Select(v => (Kind: "video", Id: v.VideoId, v.Title,
                    What: v.Streams.Count > 0
                        ? $"{v.TranscodeMode}: HLS {string.Join(", ", v.Streams.Select(s => s.Definition))}; {Snapshots(v.Images)}"
                        : $"{v.TranscodeMode}: the source is the OD stream; {Snapshots(v.Images)}"))
                    .Concat(media.Images.Select(i => (Kind: "image", Id: i.ImageId, Title: i.Title ?? "", What: $"uploaded image ({i.ImageType})")))
                    .Concat(media.AttachedMedia.Select(a => (Kind: "attached", Id: a.MediaId, a.Title, What: a.BusinessType))),
                ("Kind", r => r.Kind), ("ID", r => r.Id), ("Title", r => r.Title), ("What", r => r.What));
            context.Line($"Created {media.Videos.Count} videos, {media.Images.Count} images and {media.AttachedMedia.Count} attached media; their titles start with \"Sample\".");
            return ExitCodes.Success;
        }) { storage, app };
    }

    private static string Snapshots(IReadOnlyList<SampleImage> images) =>
        string.Join(", ", images.GroupBy(i => i.ImageType).Select(g => $"{g.Count()} {g.Key}"));

    private static async Task<SampleVideo> CreateVideoAsync(Context context, BlobServiceClient blobs, VideoSpec spec, string? appId, Action step, CancellationToken ct)
    {
        var client = context.Client;
        var created = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest { Title = spec.Title, FileName = "source.mp4", TranscodeMode = spec.TranscodeMode, AppId = appId }, ct);
        step();

        // The pipeline's files go where the app says the video lives: the container of its StoragePrefix, in the --storage account.
        var prefix = created.StoragePrefix.AbsoluteUri.TrimEnd('/') + "/";
        var location = new BlobUriBuilder(created.StoragePrefix);
        var account = new BlobUriBuilder(created.StoragePrefix) { BlobContainerName = "", BlobName = "" }.ToUri().AbsoluteUri.TrimEnd('/');
        if (!string.Equals(account, blobs.Uri.AbsoluteUri.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [created.VideoId] }, ct);
            throw new UsageException($"--storage is not the app's media storage: the app keeps media at {account}, the connection string reaches {blobs.Uri.AbsoluteUri.TrimEnd('/')}.");
        }
        await UploadAsync(context, created.UploadURL, Mp4(spec.TranscodeMode == "NoTranscode" ? 512 * 1024 : 256 * 1024), "source.mp4", step, ct);
        await client.CompleteUploadAsync(created.VideoId, ct);
        var container = blobs.GetBlobContainerClient(location.BlobContainerName);
        var folder = location.BlobName.TrimEnd('/') + "/";

        async Task<string> WriteAsync(string path, byte[] bytes, string contentType)
        {
            await container.GetBlobClient(folder + path).UploadAsync(new BinaryData(bytes),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct);
            step();
            return prefix + path;
        }

        var streams = new List<StreamFile>();
        foreach (var definition in spec.Definitions)
        {
            var jobId = Guid.NewGuid().ToString("N");
            for (var i = 0; i < Segments; i++) await WriteAsync($"streams/{jobId}/segment-{i:D3}.ts", Ts(PacketsPerSegment(definition)), "video/mp2t");
            var playlist = await WriteAsync($"streams/{jobId}/index.m3u8", Playlist(), "application/vnd.apple.mpegurl");
            streams.Add(new StreamFile { JobId = jobId, Definition = definition, Format = "m3u8", FileURL = playlist });
        }
        var images = new List<ImageFile> { new() { ImageType = "CoverSnapshot", FileURL = await WriteAsync($"snapshots/CoverSnapshot/{spec.Cover}", Asset(spec.Cover), "image/jpeg") } };
        foreach (var frame in spec.Frames)
            images.Add(new ImageFile { ImageType = "NormalSnapshot", FileURL = await WriteAsync($"snapshots/NormalSnapshot/{frame}", Asset(frame), "image/jpeg") });
        if (spec.Sprites)
        {
            images.Add(new ImageFile { ImageType = "SpriteSnapshot", FileURL = await WriteAsync("snapshots/SpriteSnapshot/sprite-000.jpg", Asset("sprite.jpg"), "image/jpeg") });
            foreach (var frame in SpriteFrames)
                images.Add(new ImageFile { ImageType = "SpriteOriginSnapshot", FileURL = await WriteAsync($"snapshots/SpriteOriginSnapshot/{frame}", Asset(frame), "image/jpeg") });
        }

        var registered = await client.RegisterMediaFilesAsync(new RegisterMediaFilesRequest { VideoId = created.VideoId, Streams = streams, Images = images }, ct);
        step();
        return new SampleVideo(created.VideoId, spec.Title, spec.TranscodeMode,
            [.. streams.Zip(registered.JobIds).Select(p => new SampleStream(p.Second, p.First.Definition, p.First.Format, p.First.FileURL))],
            [.. images.Zip(registered.ImageIds).Select(p => new SampleImage(p.Second, p.First.ImageType))]);
    }

    private static async Task UploadAsync(Context context, Uri uploadUrl, byte[] bytes, string fileName, Action step, CancellationToken ct)
    {
        var type = IngestVerbs.ContentTypes.GetValueOrDefault(Path.GetExtension(fileName));
        await context.Client.UploadAsync(uploadUrl, new MemoryStream(bytes), type, cancellationToken: ct);
        step();
    }

    private static byte[] Asset(string name)
    {
        using var stream = typeof(SampleVerb).Assembly.GetManifestResourceStream("Sample/" + name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>An MP4 file's header (an <c>ftyp</c> box) and a <c>free</c> box padding it to <paramref name="size"/> bytes.</summary>
    private static byte[] Mp4(int size)
    {
        var bytes = new byte[size];
        byte[] ftyp = [0, 0, 0, 24, .. "ftypisom"u8, 0, 0, 2, 0, .. "isommp41"u8];
        ftyp.CopyTo(bytes, 0);
        var free = size - ftyp.Length;
        bytes[24] = (byte)(free >> 24);
        bytes[25] = (byte)(free >> 16);
        bytes[26] = (byte)(free >> 8);
        bytes[27] = (byte)free;
        "free"u8.CopyTo(bytes.AsSpan(28));
        return bytes;
    }

    /// <summary>An MPEG-TS segment of null packets (188 bytes each, sync byte 0x47, PID 0x1FFF).</summary>
    private static byte[] Ts(int packets)
    {
        var bytes = new byte[packets * 188];
        for (var i = 0; i < packets; i++)
        {
            bytes[i * 188] = 0x47;
            bytes[i * 188 + 1] = 0x1F;
            bytes[i * 188 + 2] = 0xFF;
            bytes[i * 188 + 3] = 0x10;
        }
        return bytes;
    }

    private static byte[] Playlist()
    {
        var text = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n");
        for (var i = 0; i < Segments; i++) text.Append($"#EXTINF:4.000,\nsegment-{i:D3}.ts\n");
        return Encoding.UTF8.GetBytes(text.Append("#EXT-X-ENDLIST\n").ToString());
    }

    private static byte[] Subtitles() => Encoding.UTF8.GetBytes(
        "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nA sample subtitle.\n\n00:00:04.000 --> 00:00:08.000\nMade by vod sample.\n");
}
