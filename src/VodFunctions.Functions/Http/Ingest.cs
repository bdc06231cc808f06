using VodFunctions.Core;
using VodFunctions.Core.Files;
using VodFunctions.Core.Ingest;
using VodFunctions.Core.Media;
using VodFunctions.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace VodFunctions.Functions.Http;

public sealed class CreateUploadVideo(MediaIngest ingest, MediaStorage storage, IOptions<VodOptions> options)
{
    [Function(nameof(CreateUploadVideo))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CreateUploadVideo), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var p = request.Parameters;
        var title = Upload.Title(p, required: true)!;
        var fileName = Upload.FileName(p);
        var appId = Upload.AppId(p, options.Value);
        var mode = p.OneOf("TranscodeMode", TranscodeModes.All, TranscodeModes.FastTranscode);
        var location = p.String("StorageLocation") ?? VodOptions.DefaultLocation;
        if (!storage.IsKnownLocation(location)) return VodError.InvalidParameter($"StorageLocation '{location}' is not configured.");
        var cateId = p.String("CateId");
        if (cateId is { Length: > 64 }) return VodError.InvalidParameter("CateId is at most 64 characters.");
        if (!request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var ticket = await ingest.CreateUploadVideoAsync(new NewVideo(title, fileName, appId, cateId, mode, location), cancellationToken);
        return new { VideoId = ticket.MediaId, UploadURL = ticket.UploadUrl.AbsoluteUri, StoragePrefix = ticket.StoragePrefix!.AbsoluteUri };
    }
}

public sealed class CreateUploadImage(MediaIngest ingest, IOptions<VodOptions> options)
{
    [Function(nameof(CreateUploadImage))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CreateUploadImage), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var p = request.Parameters;
        var type = p.OneOf("ImageType", ImageTypes.Uploaded);
        var fileName = Upload.FileName(p);
        var appId = Upload.AppId(p, options.Value);
        var title = Upload.Title(p, required: false);
        if (!request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var ticket = await ingest.CreateUploadFileAsync(new NewFile(MediaKinds.Image, type, fileName, appId, title), cancellationToken);
        return new { ImageId = ticket.MediaId, ImageURL = ticket.FileUrl.AbsoluteUri, UploadURL = ticket.UploadUrl.AbsoluteUri };
    }
}

public sealed class CreateUploadAttachedMedia(MediaIngest ingest, IOptions<VodOptions> options)
{
    [Function(nameof(CreateUploadAttachedMedia))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CreateUploadAttachedMedia), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var p = request.Parameters;
        var type = p.OneOf("BusinessType", BusinessTypes.All);
        var fileName = Upload.FileName(p);
        var appId = Upload.AppId(p, options.Value);
        var title = Upload.Title(p, required: false);
        if (!request.Scope.CanAccess(appId)) return VodError.Forbidden();
        var ticket = await ingest.CreateUploadFileAsync(new NewFile(MediaKinds.Attached, type, fileName, appId, title), cancellationToken);
        return new { MediaId = ticket.MediaId, MediaURL = ticket.FileUrl.AbsoluteUri, UploadURL = ticket.UploadUrl.AbsoluteUri };
    }
}

public sealed class CompleteUpload(MediaIngest ingest)
{
    [Function(nameof(CompleteUpload))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(CompleteUpload), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var result = await ingest.CompleteUploadAsync(request.Parameters.Id("MediaId"), request.Scope, cancellationToken);
        return result.Answer(status => new { Status = status });
    }
}

public sealed class RegisterMediaFiles(MediaIngest ingest)
{
    [Function(nameof(RegisterMediaFiles))]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest req) =>
        Api.RunAsync(req, nameof(RegisterMediaFiles), RunAsync);

    private async Task<object> RunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var p = request.Parameters;
        var videoId = p.Id("VideoId");
        var streams = p.Objects<StreamFile>("Streams");
        var images = p.Objects<ImageFile>("Images");
        if (streams.Count == 0 && images.Count == 0) return new VodError("MissingParameter", "Streams or Images is required.");
        var result = await ingest.RegisterMediaFilesAsync(videoId, streams, images, request.Scope, cancellationToken);
        return result.Answer(ids => new { ids.JobIds, ids.ImageIds });
    }
}

/// <summary>Parameters shared by the CreateUpload* operations.</summary>
internal static class Upload
{
    public static string FileName(Parameters p) => p.Required("FileName") is var name && MediaStorage.IsValidFileName(name)
        ? name
        : throw ApiException.Invalid("FileName must be a plain file name (no path separators, at most 255 characters).");

    public static string? Title(Parameters p, bool required)
    {
        var title = required ? p.Required("Title") : p.String("Title");
        return title is { Length: > 128 } || title?.Any(char.IsControl) == true
            ? throw ApiException.Invalid("Title is at most 128 characters, without control characters.")
            : title;
    }

    public static string AppId(Parameters p, VodOptions options) => p.String("AppId") is { } appId
        ? appId.Length <= 64 && appId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? appId
            : throw ApiException.Invalid("AppId is at most 64 letters, digits, '-' or '_'.")
        : options.DefaultAppId;
}
