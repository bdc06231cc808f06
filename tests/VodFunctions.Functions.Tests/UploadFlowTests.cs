using System.Net;

namespace VodFunctions.Functions.Tests;

public sealed class UploadFlowTests
{
    [Fact]
    public async Task UploadedVideoCanBeCompletedAndRead()
    {
        await using var app = await TestApp.StartAsync();

        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Trailer", FileName = "trailer.mp4" });
        created.Status.Should().Be(200, created.ToString());
        var videoId = created.Str("VideoId");
        created.Str("RequestId").Should().Be(created.RequestId);

        using var put = new HttpRequestMessage(HttpMethod.Put, created.Str("UploadURL")) { Content = new ByteArrayContent(new byte[1234]) };
        put.Headers.Add("x-ms-blob-type", "BlockBlob");
        using var http = new HttpClient();
        var uploaded = await http.SendAsync(put);
        uploaded.StatusCode.Should().Be(HttpStatusCode.Created);

        var completed = await app.CallAsync("CompleteUpload", new { MediaId = videoId });
        completed.Str("Status").Should().Be("UploadSucc");

        var info = await app.CallAsync("GetVideoInfo", new { VideoId = videoId });
        info.Status.Should().Be(200);
        info["Video"].GetProperty("Size").GetInt64().Should().Be(1234);
        info["Video"].GetProperty("Title").GetString().Should().Be("Trailer");
        (await app.ListBlobsAsync()).Should().Equal($"videos/{videoId}/mezzanine/trailer.mp4");
    }
}
