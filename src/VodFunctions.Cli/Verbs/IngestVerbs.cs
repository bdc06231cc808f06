using System.CommandLine;
using VodFunctions.Client;
using static VodFunctions.Cli.Output;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>Uploads (CreateUpload*, the PUT, CompleteUpload) and RegisterMediaFiles.</summary>
internal static class IngestVerbs
{
    public static IEnumerable<Command> All() => [Upload(), CompleteUpload(), Register()];

    /// <summary>Content types of the files people upload most; others go without one.</summary>
    internal static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = "video/mp4", [".mov"] = "video/quicktime", [".m4v"] = "video/mp4", [".webm"] = "video/webm", [".mkv"] = "video/x-matroska",
        [".mp3"] = "audio/mpeg", [".m4a"] = "audio/mp4", [".jpg"] = "image/jpeg", [".jpeg"] = "image/jpeg", [".png"] = "image/png",
        [".gif"] = "image/gif", [".webp"] = "image/webp", [".vtt"] = "text/vtt", [".srt"] = "application/x-subrip",
    };

    private static Verb Upload()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The file to upload." };
        var title = Single<string>("--title", "The title (default: the file's name without its extension).", "title");
        var app = Single<string>("--app-id", "The application (default app-1000000).", "app-id");
        var cate = Single<string>("--cate-id", "A video's category.", "id");
        var mode = Single<string>("--transcode-mode", "A video's FastTranscode (default), NoTranscode or AsyncTranscode.", "mode");
        var location = Single<string>("--storage-location", "A video's configured storage location (default: default).", "name");
        var imageType = Single<string>("--image-type", "Upload an image of this type (default or cover) instead of a video.", "type");
        var businessType = Single<string>("--business-type", "Upload attached media of this type (watermark, subtitle or material) instead of a video.", "type");
        var contentType = Single<string>("--content-type", "The file's content type (default: from its extension).", "type");
        return new Verb("upload", "Uploads a file as a video (CreateUploadVideo), an image (--image-type) or attached media (--business-type), then CompleteUpload.", async (context, ct) =>
        {
            var path = context.Get(file)!;
            if (!path.Exists) throw new UsageException($"There is no file {path.FullName}.");
            if (context.Get(imageType) is not null && context.Get(businessType) is not null)
                throw new UsageException("--image-type uploads an image and --business-type attached media: give one.");
            var client = context.Client;
            var name = path.Name;
            var titleText = context.Get(title) ?? Path.GetFileNameWithoutExtension(name);
            var target = await CreateAsync();

            var type = context.Get(contentType) ?? ContentTypes.GetValueOrDefault(path.Extension);
            await context.WithProgressAsync($"Uploading {name}", path.Length, async report =>
            {
                await using var content = path.OpenRead();
                await client.UploadAsync(target.UploadUrl, content, type, new Progress(report), ct);
                return true;
            }, amount: bytes => ShortSize((long)bytes));
            var completed = await client.CompleteUploadAsync(target.Id, ct);

            if (context.Json)
            {
                // The upload URL is a credential (a SAS, valid an hour): it is not passed on.
                var json = Batches.Merge([target.Created.ToNode(), completed.ToNode()]);
                json.Remove("UploadURL");
                context.WriteJson(json);
            }
            else
            {
                context.Line($"Uploaded {name} ({ShortSize(path.Length)}) as {target.Kind} {target.Id}: {completed.Status}.");
            }
            return ExitCodes.Success;

            async Task<(VodResponse Created, string Id, Uri UploadUrl, string Kind)> CreateAsync()
            {
                if (context.Get(imageType) is { } image)
                {
                    var created = await client.CreateUploadImageAsync(new CreateUploadImageRequest { ImageType = image, FileName = name, AppId = context.Get(app), Title = titleText }, ct);
                    return (created, created.ImageId, created.UploadURL, "image");
                }
                if (context.Get(businessType) is { } business)
                {
                    var created = await client.CreateUploadAttachedMediaAsync(
                        new CreateUploadAttachedMediaRequest { BusinessType = business, FileName = name, AppId = context.Get(app), Title = titleText }, ct);
                    return (created, created.MediaId, created.UploadURL, "attached media");
                }
                var video = await client.CreateUploadVideoAsync(new CreateUploadVideoRequest
                {
                    Title = titleText, FileName = name, AppId = context.Get(app), CateId = context.Get(cate),
                    TranscodeMode = context.Get(mode), StorageLocation = context.Get(location),
                }, ct);
                return (video, video.VideoId, video.UploadURL, "video");
            }
        }) { file, title, app, cate, mode, location, imageType, businessType, contentType };
    }

    /// <summary>Reports progress as it comes (<see cref="Progress{T}"/> would post it later, out of order).</summary>
    private sealed class Progress(Action<double> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private static Verb CompleteUpload()
    {
        var id = Id("MEDIA_ID", "The video, image or attached media whose file was uploaded to its UploadURL.");
        return new Verb("complete-upload", "CompleteUpload: checks that an uploaded file is there and marks its upload done.", async (context, ct) =>
        {
            var answer = await context.Client.CompleteUploadAsync(context.Get(id)!, ct);
            if (context.Json) context.WriteJson(answer);
            else context.Line($"{context.Get(id)}: {answer.Status}.");
            return ExitCodes.Success;
        }) { id };
    }

    private static Verb Register()
    {
        var video = Id("VIDEO_ID", "The video the files belong to.");
        var streams = Many("--stream", "A stream: DEFINITION=URL of its play file under videos/{VideoId}/streams/{JobId}/ (Format from the file's extension, or DEFINITION:FORMAT=URL).", "def=url");
        var images = Many("--image", "A snapshot: IMAGETYPE=URL of its file under videos/{VideoId}/snapshots/{ImageType}/.", "type=url");
        return new Verb("register", "RegisterMediaFiles: registers the streams and snapshots a transcode pipeline wrote.", async (context, ct) =>
        {
            var streamFiles = (context.Get(streams) ?? []).Select(s =>
            {
                var (key, url) = Pair(s, "--stream");
                var parts = key.Split(':', 2);
                var format = parts.Length == 2 ? parts[1] : Path.GetExtension(new Uri(url).AbsolutePath).TrimStart('.');
                return format.Length > 0 ? new StreamFile { Definition = parts[0], Format = format, FileURL = url }
                    : throw new UsageException($"--stream {s}: the file has no extension; give the format as DEFINITION:FORMAT=URL.");
            }).ToList();
            var imageFiles = (context.Get(images) ?? []).Select(i => Pair(i, "--image")).Select(p => new ImageFile { ImageType = p.Key, FileURL = p.Url }).ToList();
            if (streamFiles.Count + imageFiles.Count == 0) throw new UsageException("Nothing to register: give --stream or --image.");

            var answer = await context.Client.RegisterMediaFilesAsync(new RegisterMediaFilesRequest { VideoId = context.Get(video)!, Streams = streamFiles, Images = imageFiles }, ct);
            if (context.Json)
            {
                context.WriteJson(answer);
                return ExitCodes.Success;
            }
            context.Table(streamFiles.Zip(answer.JobIds).Select(p => (Kind: "stream", Id: p.Second, Type: $"{p.First.Definition} {p.First.Format}", Url: p.First.FileURL))
                    .Concat(imageFiles.Zip(answer.ImageIds).Select(p => (Kind: "image", Id: p.Second, Type: p.First.ImageType, Url: p.First.FileURL))),
                ("Registered", r => r.Kind), ("ID", r => r.Id), ("Type", r => r.Type), ("URL", r => r.Url));
            return ExitCodes.Success;
        }) { video, streams, images };
    }

    /// <summary><c>KEY=URL</c>, the URL absolute.</summary>
    private static (string Key, string Url) Pair(string value, string option)
    {
        var at = value.IndexOf('=', StringComparison.Ordinal);
        return at > 0 && Uri.TryCreate(value[(at + 1)..], UriKind.Absolute, out _)
            ? (value[..at], value[(at + 1)..])
            : throw new UsageException($"{option} {value}: expected NAME=URL with an absolute URL.");
    }
}
