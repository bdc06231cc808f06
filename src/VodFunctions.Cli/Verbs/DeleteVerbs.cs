using System.CommandLine;
using System.Text.Json.Nodes;
using VodFunctions.Client;
using static VodFunctions.Cli.Output;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>The delete operations: every one takes <c>--dry-run</c>; lists longer than 20 go in calls of 20.</summary>
internal static class DeleteVerbs
{
    public static IEnumerable<Command> All() => [DeleteVideo(), DeleteStream(), DeleteMezzanines(), DeleteImage(), DeleteAttachedMedia(), DeleteMultipartUpload()];

    private static Verb DeleteVideo()
    {
        var ids = Ids("VIDEO_ID", "The videos");
        var dryRun = DryRun();
        return new Verb("delete-video", "DeleteVideo: deletes videos completely (source, streams, snapshots, leftover upload blocks, records).", async (context, ct) =>
        {
            var videoIds = context.Ids(context.Get(ids));
            var merged = await context.RunAsync($"Deleting {videoIds.Count} videos", videoIds, context.Get(dryRun),
                async (chunk, dry, token) => await context.Client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = chunk, DryRun = dry ? true : null }, token),
                ct, allMissing: (e, chunk) => e.Code == "InvalidVideo.NotFound"
                    ? new JsonObject { ["NonExistVideoIds"] = new JsonArray([.. chunk.Select(id => (JsonNode)id)]), ["ForbiddenVideoIds"] = new JsonArray() }
                    : null);
            var answer = merged.As<DeleteVideoResponse>();
            var acted = videoIds.Count - answer.NonExistVideoIds.Count - answer.ForbiddenVideoIds.Count;
            return context.Json
                ? Json(context, merged, answer.NonExistVideoIds, answer.ForbiddenVideoIds)
                : context.DeleteReport(answer, $"Deleted {Videos(acted)}.", $"Would delete {Videos(acted)}",
                    ("Not found", answer.NonExistVideoIds), ("Forbidden (another application's)", answer.ForbiddenVideoIds));
        }) { ids, dryRun };
    }

    private static Verb DeleteStream()
    {
        var video = Id("VIDEO_ID", "The video.");
        var jobs = Ids("JOB_ID", "Its streams");
        var dryRun = DryRun();
        return new Verb("delete-stream", "DeleteStream: deletes streams of a video (all named or none: an unknown JobId deletes nothing).", async (context, ct) =>
        {
            var videoId = context.Get(video)!;
            var jobIds = context.Ids(context.Get(jobs));
            var merged = await context.RunAsync($"Deleting {jobIds.Count} streams", jobIds, context.Get(dryRun),
                async (chunk, dry, token) => await context.Client.DeleteStreamAsync(new DeleteStreamRequest { VideoId = videoId, JobIds = chunk, DryRun = dry ? true : null }, token),
                ct, checkFirst: true);
            return context.Json
                ? Json(context, merged)
                : context.DeleteReport(merged.As<DeleteCompletedResponse>(), $"Deleted {Count(jobIds.Count, "stream")} of video {videoId}.", $"Would delete {Count(jobIds.Count, "stream")}");
        }) { video, jobs, dryRun };
    }

    private static Verb DeleteMezzanines()
    {
        var ids = Ids("VIDEO_ID", "The videos");
        var force = new Option<bool>("--force")
        {
            Description = "Also delete the source of NoTranscode and AsyncTranscode videos, which is their original-quality (OD) playback.",
        };
        var dryRun = DryRun();
        return new Verb("delete-mezzanines", "DeleteMezzanines: deletes videos' source files; the videos, streams and images stay.", async (context, ct) =>
        {
            var videoIds = context.Ids(context.Get(ids));
            var merged = await context.RunAsync($"Deleting {videoIds.Count} sources", videoIds, context.Get(dryRun),
                async (chunk, dry, token) => await context.Client.DeleteMezzaninesAsync(
                    new DeleteMezzaninesRequest { VideoIds = chunk, Force = context.Get(force) ? true : null, DryRun = dry ? true : null }, token), ct);
            var answer = merged.As<DeleteMezzaninesResponse>();
            var acted = videoIds.Count - answer.NonExistVideoIds.Count - answer.UnRemoveableVideoIds.Count;
            return context.Json
                ? Json(context, merged, answer.NonExistVideoIds, answer.UnRemoveableVideoIds)
                : context.DeleteReport(answer, $"Deleted the source of {Videos(acted)}.", $"Would delete the source of {Videos(acted)}",
                    ("Not found", answer.NonExistVideoIds), ("Kept (playback source without --force, or another application's)", answer.UnRemoveableVideoIds));
        }) { ids, force, dryRun };
    }

    private static Verb DeleteImage()
    {
        var urls = Many("--url", "Images by URL (URL-encoded or not; a SAS query string is ignored).", "url");
        var imageIds = Many("--id", "Images by ID.", "image-id");
        var video = Single<string>("--video", "A video's images of the --type types.", "video-id");
        var types = Many("--type", "With --video: All, or some of CoverSnapshot, NormalSnapshot, SpriteSnapshot, SpriteOriginSnapshot.", "type");
        var dryRun = DryRun();
        var verb = new Verb("delete-image", "DeleteImage: deletes images by --url, by --id, or a video's by --video and --type (all named or none).", async (context, ct) =>
        {
            var (byUrl, byId, videoId, imageTypes) = (context.Get(urls) ?? [], context.Get(imageIds) ?? [], context.Get(video), context.Get(types) ?? []);
            if ((byUrl.Length > 0 ? 1 : 0) + (byId.Length > 0 ? 1 : 0) + (videoId is null ? 0 : 1) != 1)
                throw new UsageException("Name the images one way: --url, --id, or --video with --type.");
            if ((videoId is not null) != (imageTypes.Length > 0)) throw new UsageException("--type goes with --video, and --video needs --type (All for every image).");

            JsonObject merged;
            string what;
            if (videoId is not null)
            {
                var typeList = context.Ids(imageTypes);
                merged = (await context.Client.DeleteImageAsync(DeleteImageRequest.ByVideo(videoId, typeList, context.Get(dryRun) ? true : null), ct)).ToNode();
                what = $"the {string.Join(", ", typeList)} images of video {videoId}";
            }
            else
            {
                // URLs hold commas only when encoded, so they are taken one per value.
                var targets = byUrl.Length > 0 ? byUrl.Distinct(StringComparer.Ordinal).ToList() : context.Ids(byId);
                merged = await context.RunAsync($"Deleting {targets.Count} images", targets, context.Get(dryRun),
                    async (chunk, dry, token) => await context.Client.DeleteImageAsync(
                        byUrl.Length > 0 ? DeleteImageRequest.ByUrls(chunk, dry ? true : null) : DeleteImageRequest.ByIds(chunk, dry ? true : null), token),
                    ct, checkFirst: true);
                what = Count(targets.Count, "image");
            }
            return context.Json ? Json(context, merged) : context.DeleteReport(merged.As<DeleteCompletedResponse>(), $"Deleted {what}.", $"Would delete {what}");
        }) { urls, imageIds, video, types, dryRun };
        return verb;
    }

    private static Verb DeleteAttachedMedia()
    {
        var ids = Ids("MEDIA_ID", "The attached media");
        var dryRun = DryRun();
        return new Verb("delete-attached-media", "DeleteAttachedMedia: deletes attached media (watermarks, subtitles, material).", async (context, ct) =>
        {
            var mediaIds = context.Ids(context.Get(ids));
            var merged = await context.RunAsync($"Deleting {mediaIds.Count} attached media", mediaIds, context.Get(dryRun),
                async (chunk, dry, token) => await context.Client.DeleteAttachedMediaAsync(new DeleteAttachedMediaRequest { MediaIds = chunk, DryRun = dry ? true : null }, token), ct);
            var answer = merged.As<DeleteAttachedMediaResponse>();
            var acted = Count(mediaIds.Count - answer.NonExistMediaIds.Count, "attached media", "attached media");
            return context.Json
                ? Json(context, merged, answer.NonExistMediaIds)
                : context.DeleteReport(answer, $"Deleted {acted}.", $"Would delete {acted}", ("Not found", answer.NonExistMediaIds));
        }) { ids, dryRun };
    }

    private static Verb DeleteMultipartUpload()
    {
        var id = Id("VIDEO_ID", "The video whose source upload was never committed.");
        var mediaType = Single<string>("--media-type", "The media's type: video (the only one).", "type");
        mediaType.DefaultValueFactory = _ => "video";
        var dryRun = DryRun();
        return new Verb("delete-multipart-upload", "DeleteMultipartUpload: deletes the upload blocks of a source never committed (a committed one is untouched).", async (context, ct) =>
        {
            var mediaId = context.Get(id)!;
            var answer = await context.Client.DeleteMultipartUploadAsync(
                new DeleteMultipartUploadRequest { MediaId = mediaId, MediaType = context.Get(mediaType)!, DryRun = context.Get(dryRun) ? true : null }, ct);
            if (context.Json)
            {
                context.WriteJson(answer);
                return ExitCodes.Success;
            }
            return context.DeleteReport(answer, $"Deleted the uncommitted upload blocks of {mediaId}.", "Would delete its uncommitted upload blocks");
        }) { id, mediaType, dryRun };
    }

    /// <summary>Writes the merged answer; partly done when any of <paramref name="skipped"/> is not empty.</summary>
    private static int Json(Context context, JsonObject merged, params IReadOnlyList<string>[] skipped)
    {
        context.WriteJson(merged);
        return skipped.Any(s => s.Count > 0) ? ExitCodes.Partial : ExitCodes.Success;
    }

    private static string Videos(int count) => Count(count, "video");
}
