using System.CommandLine;
using System.Text.Json.Nodes;
using VodFunctions.Client;
using static VodFunctions.Cli.Output;
using static VodFunctions.Cli.Verbs.Arguments;

namespace VodFunctions.Cli.Verbs;

/// <summary>
/// The delete operations: every one takes <c>--dry-run</c>, and a real one needs <c>--yes</c> or a person's yes (<see cref="Confirmation"/>);
/// lists longer than 20 go in calls of 20.
/// </summary>
internal static class DeleteVerbs
{
    public static IEnumerable<Command> All() => [DeleteVideo(), DeleteStream(), DeleteMezzanines(), DeleteImage(), DeleteAttachedMedia(), DeleteMultipartUpload()];

    private static Verb DeleteVideo()
    {
        var ids = Ids("VIDEO_ID", "The videos");
        var (dryRun, yes, idempotency, permanent) = (DryRun(), Yes(), IdempotencyKey(), Permanent());
        return new Verb("delete-video", "DeleteVideo: deletes videos completely (source, streams, snapshots, leftover upload blocks, records).", async (context, ct) =>
        {
            var videoIds = context.Ids(ids);
            var key = KeyOf(context, idempotency, videoIds.Count);
            return await context.DeleteAsync(context.Get(dryRun), context.Get(yes),
                dry => context.RunAsync(Doing(dry, Videos(videoIds.Count)), videoIds, dry,
                    async (chunk, d, token) => await context.Client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = chunk, Permanent = context.Get(permanent) ? true : null, DryRun = d ? true : null, IdempotencyKey = key(d) }, token),
                    ct, allMissing: (e, chunk) => e.Code == "InvalidVideo.NotFound"
                        ? new JsonObject { ["NonExistVideoIds"] = new JsonArray([.. chunk.Select(id => (JsonNode)id)]), ["ForbiddenVideoIds"] = new JsonArray() }
                        : null),
                merged =>
                {
                    var answer = merged.As<DeleteVideoResponse>();
                    var acted = videoIds.Count - answer.NonExistVideoIds.Count - answer.ForbiddenVideoIds.Count;
                    return context.Json
                        ? Json(context, merged, answer.NonExistVideoIds, answer.ForbiddenVideoIds)
                        : context.DeleteReport(answer, $"Deleted {Videos(acted)}.", $"Would delete {Videos(acted)}",
                            ("Not found", answer.NonExistVideoIds), ("Forbidden (another application's, held, or older than the key may delete)", answer.ForbiddenVideoIds));
                });
        }) { ids, dryRun, yes, idempotency, permanent };
    }

    private static Verb DeleteStream()
    {
        var video = Id("VIDEO_ID", "The video.");
        var jobs = Ids("JOB_ID", "Its streams");
        var (dryRun, yes, idempotency, permanent) = (DryRun(), Yes(), IdempotencyKey(), Permanent());
        return new Verb("delete-stream", "DeleteStream: deletes streams of a video (all named or none: an unknown JobId deletes nothing).", async (context, ct) =>
        {
            var videoId = context.Get(video)!;
            var jobIds = context.Ids(jobs);
            var streams = Count(jobIds.Count, "stream");
            var key = KeyOf(context, idempotency, jobIds.Count);
            return await context.DeleteAsync(context.Get(dryRun), context.Get(yes),
                dry => context.RunAsync(Doing(dry, streams), jobIds, dry,
                    async (chunk, d, token) => await context.Client.DeleteStreamAsync(new DeleteStreamRequest { VideoId = videoId, JobIds = chunk, Permanent = context.Get(permanent) ? true : null, DryRun = d ? true : null, IdempotencyKey = key(d) }, token),
                    ct, checkFirst: true),
                merged => context.Json
                    ? Json(context, merged)
                    : context.DeleteReport(merged.As<DeleteCompletedResponse>(), $"Deleted {streams} of video {videoId}.", $"Would delete {streams}"));
        }) { video, jobs, dryRun, yes, idempotency, permanent };
    }

    private static Verb DeleteMezzanines()
    {
        var ids = Ids("VIDEO_ID", "The videos");
        var force = new Option<bool>("--force")
        {
            Description = "Also delete the source of NoTranscode and AsyncTranscode videos, which is their original-quality (OD) playback.",
        };
        var (dryRun, yes, idempotency, permanent) = (DryRun(), Yes(), IdempotencyKey(), Permanent());
        return new Verb("delete-mezzanines", "DeleteMezzanines: deletes videos' source files; the videos, streams and images stay.", async (context, ct) =>
        {
            var videoIds = context.Ids(ids);
            var key = KeyOf(context, idempotency, videoIds.Count);
            return await context.DeleteAsync(context.Get(dryRun), context.Get(yes),
                dry => context.RunAsync(Doing(dry, $"the sources of {Videos(videoIds.Count)}"), videoIds, dry,
                    async (chunk, d, token) => await context.Client.DeleteMezzaninesAsync(
                        new DeleteMezzaninesRequest { VideoIds = chunk, Permanent = context.Get(permanent) ? true : null, Force = context.Get(force) ? true : null, DryRun = d ? true : null, IdempotencyKey = key(d) }, token), ct),
                merged =>
                {
                    var answer = merged.As<DeleteMezzaninesResponse>();
                    var acted = videoIds.Count - answer.NonExistVideoIds.Count - answer.UnRemoveableVideoIds.Count;
                    return context.Json
                        ? Json(context, merged, answer.NonExistVideoIds, answer.UnRemoveableVideoIds)
                        : context.DeleteReport(answer, $"Deleted the source of {Videos(acted)}.", $"Would delete the source of {Videos(acted)}",
                            ("Not found", answer.NonExistVideoIds), ("Kept (playback source without --force, or another application's)", answer.UnRemoveableVideoIds));
                });
        }) { ids, force, dryRun, yes, idempotency, permanent };
    }

    private static Verb DeleteImage()
    {
        var urls = Many("--image-url", "Images by URL (URL-encoded or not; a SAS query string is ignored).", "url");
        urls.Validators.Add(result =>
        {
            if (result.Tokens.FirstOrDefault(t => !Uri.TryCreate(t.Value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) is { } bad)
                result.AddError($"'{bad.Value}' is not an image URL: give the image's http(s) URL as the service answers it.");
        });
        var imageIds = IdOption(Many("--id", "Images by ID.", "image-id"), "ImageId");
        var video = IdOption(Single<string>("--video", "A video's images of the --type types.", "video-id"), "VideoId");
        var types = Many("--type", "With --video: All, or some of CoverSnapshot, NormalSnapshot, SpriteSnapshot, SpriteOriginSnapshot.", "type");
        types.AcceptOnlyFromAmong("All", "CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot");
        var (dryRun, yes, idempotency, permanent) = (DryRun(), Yes(), IdempotencyKey(), Permanent());
        return new Verb("delete-image", "DeleteImage: deletes images by --image-url, by --id, or a video's by --video and --type (all named or none).", async (context, ct) =>
        {
            var (byUrl, byId, videoId, imageTypes) = (context.Get(urls) ?? [], context.Get(imageIds) ?? [], context.Get(video), context.Get(types) ?? []);
            if ((byUrl.Length > 0 ? 1 : 0) + (byId.Length > 0 ? 1 : 0) + (videoId is null ? 0 : 1) != 1)
                throw new UsageException("Name the images one way: --image-url, --id, or --video with --type.");
            if ((videoId is not null) != (imageTypes.Length > 0)) throw new UsageException("--type goes with --video, and --video needs --type (All for every image).");

            Func<bool, Task<JsonObject>> call;
            string what;
            if (videoId is not null)
            {
                var typeList = context.Ids(imageTypes);
                var key = KeyOf(context, idempotency, 1);
                call = async dry => (await context.Client.DeleteImageAsync(DeleteImageRequest.ByVideo(videoId, typeList, dry ? true : null) with { Permanent = context.Get(permanent) ? true : null, IdempotencyKey = key(dry) }, ct)).ToNode();
                what = $"the {string.Join(", ", typeList)} images of video {videoId}";
            }
            else
            {
                // URLs hold commas only when encoded, so they are taken one per value.
                var targets = byUrl.Length > 0 ? byUrl.Distinct(StringComparer.Ordinal).ToList() : context.Ids(byId, "ImageId");
                what = Count(targets.Count, "image");
                var key = KeyOf(context, idempotency, targets.Count);
                call = dry => context.RunAsync(Doing(dry, what), targets, dry,
                    async (chunk, d, token) => await context.Client.DeleteImageAsync(
                        (byUrl.Length > 0 ? DeleteImageRequest.ByUrls(chunk, d ? true : null) : DeleteImageRequest.ByIds(chunk, d ? true : null)) with { Permanent = context.Get(permanent) ? true : null, IdempotencyKey = key(d) }, token),
                    ct, checkFirst: true);
            }
            return await context.DeleteAsync(context.Get(dryRun), context.Get(yes), call,
                merged => context.Json ? Json(context, merged) : context.DeleteReport(merged.As<DeleteCompletedResponse>(), $"Deleted {what}.", $"Would delete {what}"));
        }) { urls, imageIds, video, types, dryRun, yes, idempotency, permanent };
    }

    private static Verb DeleteAttachedMedia()
    {
        var ids = Ids("MEDIA_ID", "The attached media");
        var (dryRun, yes, idempotency, permanent) = (DryRun(), Yes(), IdempotencyKey(), Permanent());
        return new Verb("delete-attached-media", "DeleteAttachedMedia: deletes attached media (watermarks, subtitles, material).", async (context, ct) =>
        {
            var mediaIds = context.Ids(ids);
            var key = KeyOf(context, idempotency, mediaIds.Count);
            return await context.DeleteAsync(context.Get(dryRun), context.Get(yes),
                dry => context.RunAsync(Doing(dry, Count(mediaIds.Count, "attached media", "attached media")), mediaIds, dry,
                    async (chunk, d, token) => await context.Client.DeleteAttachedMediaAsync(new DeleteAttachedMediaRequest { MediaIds = chunk, Permanent = context.Get(permanent) ? true : null, DryRun = d ? true : null, IdempotencyKey = key(d) }, token), ct),
                merged =>
                {
                    var answer = merged.As<DeleteAttachedMediaResponse>();
                    var acted = Count(mediaIds.Count - answer.NonExistMediaIds.Count, "attached media", "attached media");
                    return context.Json
                        ? Json(context, merged, answer.NonExistMediaIds)
                        : context.DeleteReport(answer, $"Deleted {acted}.", $"Would delete {acted}", ("Not found", answer.NonExistMediaIds));
                });
        }) { ids, dryRun, yes, idempotency, permanent };
    }

    private static Verb DeleteMultipartUpload()
    {
        var id = Id("VIDEO_ID", "The video whose source upload was never committed.");
        var mediaType = Single<string>("--media-type", "The media's type: video (the only one).", "type");
        mediaType.DefaultValueFactory = _ => "video";
        mediaType.AcceptOnlyFromAmong("video");
        var (dryRun, yes, idempotency) = (DryRun(), Yes(), IdempotencyKey());
        return new Verb("delete-multipart-upload", "DeleteMultipartUpload: deletes the upload blocks of a source never committed (a committed one is untouched).", async (context, ct) =>
        {
            var mediaId = context.Get(id)!;
            var key = KeyOf(context, idempotency, 1);
            return await context.DeleteAsync(context.Get(dryRun), context.Get(yes),
                async dry => (await context.Client.DeleteMultipartUploadAsync(
                    new DeleteMultipartUploadRequest { MediaId = mediaId, MediaType = context.Get(mediaType)!, DryRun = dry ? true : null, IdempotencyKey = key(dry) }, ct)).ToNode(),
                answer => context.Json
                    ? Json(context, answer)
                    : context.DeleteReport(answer.As<DeleteCompletedResponse>(), $"Deleted the uncommitted upload blocks of {mediaId}.", "Would delete its uncommitted upload blocks"));
        }) { id, mediaType, dryRun, yes, idempotency };
    }

    /// <summary>Writes the merged answer; partly done when any of <paramref name="skipped"/> is not empty.</summary>
    private static int Json(Context context, JsonObject merged, params IReadOnlyList<string>[] skipped)
    {
        context.WriteJson(merged);
        return skipped.Any(s => s.Count > 0) ? ExitCodes.Partial : ExitCodes.Success;
    }

    private static string Videos(int count) => Count(count, "video");

    /// <summary>
    /// The idempotency key of each real call, in order: the one given (<c>KEY-1</c>, <c>KEY-2</c>, ... when the delete takes several
    /// calls), else null (the client makes a new one per call). A dry run changes nothing and takes none of the given key.
    /// </summary>
    private static Func<bool, string?> KeyOf(Context context, Option<string> option, int ids)
    {
        var given = context.Get(option);
        var calls = 0;
        return dry => given is null || dry ? null : ids <= Batches.Size ? given : $"{given}-{++calls}";
    }

    /// <summary>What the progress of a batch says: "Deleting 45 videos", or "Checking 45 videos" for a dry run.</summary>
    private static string Doing(bool dryRun, string what) => $"{(dryRun ? "Checking" : "Deleting")} {what}";
}
