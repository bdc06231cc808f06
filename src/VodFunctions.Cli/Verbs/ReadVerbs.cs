using System.CommandLine;
using System.Text.Json.Nodes;
using VodFunctions.Client;
using static VodFunctions.Cli.Output;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>The Get*, List* and Search* reads.</summary>
internal static class ReadVerbs
{
    public static IEnumerable<Command> All() =>
        [GetVideoInfo(), GetPlayInfo(), GetMezzanineInfo(), GetImageInfo(), ListSnapshots(), GetAttachedMediaInfo(), SearchMedia(), GetThumbnail()];

    /// <summary>A verb of one call with one ID: the answer as JSON, or shown by <paramref name="show"/>.</summary>
    private static Verb OneId<T>(string name, string description, string argument, Func<VodClient, string, CancellationToken, Task<T>> call, Action<Context, T> show)
        where T : VodResponse
    {
        var id = Id(argument, "Its ID.");
        return new Verb(name, description, async (context, ct) =>
        {
            var answer = await call(context.Client, context.Get(id)!, ct);
            if (context.Json) context.WriteJson(answer);
            else show(context, answer);
            return ExitCodes.Success;
        }) { id };
    }

    private static Verb GetVideoInfo() => OneId("get-video-info", "GetVideoInfo: a video.", "VIDEO_ID",
        (client, id, ct) => client.GetVideoInfoAsync(id, ct), (context, a) => ShowVideo(context, a.Video));

    public static void ShowVideo(Context context, Video v) => context.Details(
        ("VideoId", v.VideoId), ("Title", v.Title), ("Status", v.Status), ("TranscodeMode", v.TranscodeMode), ("AppId", v.AppId),
        ("CateId", v.CateId), ("StorageLocation", v.StorageLocation), ("Size", Size(v.Size)), ("CreationTime", v.CreationTime));

    private static Verb GetPlayInfo() => OneId("get-play-info", "GetPlayInfo: a video's streams (a NoTranscode or AsyncTranscode source is the OD stream).", "VIDEO_ID",
        (client, id, ct) => client.GetPlayInfoAsync(id, ct),
        (context, a) => context.Table(a.PlayInfoList, ("JobId", s => s.JobId), ("Definition", s => s.Definition), ("Format", s => s.Format),
            ("Size", s => ShortSize(s.Size)), ("Status", s => s.Status), ("PlayURL", s => s.PlayURL)));

    private static Verb GetMezzanineInfo() => OneId("get-mezzanine-info", "GetMezzanineInfo: a video's source file.", "VIDEO_ID",
        (client, id, ct) => client.GetMezzanineInfoAsync(id, ct),
        (context, a) => context.Details(("VideoId", a.Mezzanine.VideoId), ("FileName", a.Mezzanine.FileName), ("Status", a.Mezzanine.Status),
            ("Size", Size(a.Mezzanine.Size)), ("CreationTime", a.Mezzanine.CreationTime), ("FileURL", a.Mezzanine.FileURL)));

    private static Verb GetImageInfo() => OneId("get-image-info", "GetImageInfo: an image (a video's snapshot or an uploaded image).", "IMAGE_ID",
        (client, id, ct) => client.GetImageInfoAsync(id, ct),
        (context, a) => context.Details(("ImageId", a.ImageInfo.ImageId), ("ImageType", a.ImageInfo.ImageType), ("VideoId", a.ImageInfo.VideoId),
            ("Title", a.ImageInfo.Title), ("AppId", a.ImageInfo.AppId), ("Status", a.ImageInfo.Status), ("Size", Size(a.ImageInfo.Size)),
            ("CreationTime", a.ImageInfo.CreationTime), ("URL", a.ImageInfo.URL)));

    private static Verb ListSnapshots()
    {
        var video = Id("VIDEO_ID", "The video.");
        var type = Single<string>("--type", "Only images of this type: CoverSnapshot, NormalSnapshot, SpriteSnapshot or SpriteOriginSnapshot.", "type");
        return new Verb("list-snapshots", "ListSnapshots: a video's snapshots and sprites.", async (context, ct) =>
        {
            var answer = await context.Client.ListSnapshotsAsync(context.Get(video)!, context.Get(type), ct);
            if (context.Json) context.WriteJson(answer);
            else context.Table(answer.Images, ("ImageId", i => i.ImageId), ("ImageType", i => i.ImageType), ("Size", i => ShortSize(i.Size)), ("URL", i => i.URL));
            return ExitCodes.Success;
        }) { video, type };
    }

    private static Verb GetAttachedMediaInfo()
    {
        var ids = Ids("MEDIA_ID", "The attached media");
        return new Verb("get-attached-media-info", "GetAttachedMediaInfo: attached media by ID.", async (context, ct) =>
        {
            var mediaIds = context.Ids(ids);
            var merged = await context.RunAsync($"Reading {mediaIds.Count} attached media", mediaIds, false,
                async (chunk, _, token) => await context.Client.GetAttachedMediaInfoAsync(chunk, token), ct);
            var answer = merged.As<GetAttachedMediaInfoResponse>();
            if (context.Json)
            {
                context.WriteJson(merged);
            }
            else
            {
                context.Table(answer.AttachedMediaList, ("MediaId", m => m.MediaId), ("BusinessType", m => m.BusinessType), ("Title", m => m.Title),
                    ("Status", m => m.Status), ("Size", m => ShortSize(m.Size)), ("URL", m => m.URL));
                context.Ids("Not found", answer.NonExistMediaIds);
            }
            return answer.NonExistMediaIds.Count > 0 ? ExitCodes.Partial : ExitCodes.Success;
        }) { ids };
    }

    private static Verb SearchMedia()
    {
        var type = Single<string>("--type", "video (default), image (uploaded images) or attached.", "type");
        var app = Single<string>("--app-id", "Only this application's media.", "app-id");
        var title = Single<string>("--title", "Only titles that start with this (case-insensitive).", "prefix");
        var pageSize = Single<int?>("--page-size", "Items per page, at most 100 (default 20).", "n");
        var pageToken = Single<string>("--page-token", "The page after the one that answered this token.", "token");
        var all = new Option<bool>("--all") { Description = "Every page, one after another." };
        return new Verb("search-media", "SearchMedia: videos, uploaded images or attached media, newest first, a page at a time.", async (context, ct) =>
        {
            var request = new SearchMediaRequest
            {
                SearchType = context.Get(type), AppId = context.Get(app), Title = context.Get(title), PageSize = context.Get(pageSize), PageToken = context.Get(pageToken),
            };
            var page = await context.Client.SearchMediaAsync(request, ct);
            var items = page.MediaList.ToList();
            var json = page.ToNode();
            while (context.Get(all) && page.NextPageToken is { Length: > 0 } next)
            {
                page = await context.Client.SearchMediaAsync(request with { PageToken = next }, ct);
                items.AddRange(page.MediaList);
                foreach (var item in page.ToNode()["MediaList"]!.AsArray()) json["MediaList"]!.AsArray().Add(item?.DeepClone());
                json.Remove("NextPageToken");
            }
            if (context.Json)
            {
                context.WriteJson(json);
                return ExitCodes.Success;
            }
            context.Table(items, ("Type", m => m.MediaType), ("MediaId", m => m.MediaId), ("Title", m => m.Video?.Title ?? m.Image?.Title ?? m.AttachedMedia?.Title),
                ("Kind", m => m.Video?.TranscodeMode ?? m.Image?.ImageType ?? m.AttachedMedia?.BusinessType),
                ("Status", m => m.Video?.Status ?? m.Image?.Status ?? m.AttachedMedia?.Status),
                ("Size", m => ShortSize(m.Video?.Size ?? m.Image?.Size ?? m.AttachedMedia?.Size ?? 0)), ("Created", m => m.CreationTime));
            context.Line($"{items.Count} of {page.Total}." + (page.NextPageToken is { Length: > 0 } token ? $" Next page: --page-token {token}" : ""));
            return ExitCodes.Success;
        }) { type, app, title, pageSize, pageToken, all };
    }

    private static Verb GetThumbnail()
    {
        var id = Id("MEDIA_ID", "A video (its cover) or an uploaded image.");
        var output = Single<FileInfo>("--out", "The file to write (default: MEDIA_ID with the image's extension).", "file");
        return new Verb("get-thumbnail", "GetThumbnail: saves a video's cover or an uploaded image to a file.", async (context, ct) =>
        {
            var mediaId = context.Get(id)!;
            var thumbnail = await context.Client.GetThumbnailAsync(mediaId, ct);
            var extension = thumbnail.ContentType switch { "image/jpeg" => ".jpg", var other => "." + other.Split('/').Last() };
            var path = context.Get(output)?.FullName ?? Path.GetFullPath(mediaId + extension);
            try
            {
                await File.WriteAllBytesAsync(path, thumbnail.Content, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot write {path}: {e.Message}");
            }
            if (context.Json) context.WriteJson(new JsonObject { ["MediaId"] = mediaId, ["ContentType"] = thumbnail.ContentType, ["Size"] = thumbnail.Content.Length, ["File"] = path });
            else context.Line($"Saved {path} ({thumbnail.ContentType}, {Size(thumbnail.Content.Length)}).");
            return ExitCodes.Success;
        }) { id, output };
    }
}
