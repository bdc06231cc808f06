using System.Net;

namespace VodFunctions.Client.Tests;

/// <summary>The client's deletes send an <c>Idempotency-Key</c>: a new one per call, reused by its retries, or the caller's own.</summary>
public sealed class IdempotencyClientTests
{
    /// <summary>
    /// The real network handler, recording the idempotency key of each delete; the first delete's answer is lost on the way back
    /// (the app ran it; the client sees a 503, as from a gateway whose connection to the app dropped).
    /// </summary>
    private sealed class LosesFirstAnswer() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<string?> Keys { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!request.RequestUri!.AbsolutePath.StartsWith("/api/Delete", StringComparison.Ordinal)) return response;
            Keys.Add(request.Headers.TryGetValues(VodClient.IdempotencyKeyHeader, out var keys) ? keys.Single() : null);
            if (Keys.Count > 1) return response;
            response.Dispose();
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
        }
    }

    [Fact]
    public async Task ARetryAfterALostAnswerGetsTheFirstAnswerNotNotFound()
    {
        await using var app = await TestApp.StartAsync();
        var (video, other) = (await app.SeedVideoAsync(), await app.SeedVideoAsync());
        var wire = new LosesFirstAnswer();
        using var http = new HttpClient(wire);
        using var client = new VodClient(http, app.Client.BaseAddress!, TestApp.AdminKey, new VodClientOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        var answer = await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [video.VideoId] });
        var retried = wire.Keys.ToList();
        var next = await client.DeleteVideoAsync(new DeleteVideoRequest { VideoIds = [other.VideoId] });

        answer.NonExistVideoIds.Should().BeEmpty("the retry answers the first call's answer, not InvalidVideo.NotFound");
        answer.Deleted!.Files.Should().BePositive();
        retried.Should().HaveCount(2);
        retried[0].Should().MatchRegex("^[0-9a-f]{32}$").And.Be(retried[1], "the client's retry sends the call's key again");
        wire.Keys.Should().HaveCount(3);
        wire.Keys[2].Should().NotBe(retried[0], "each call has a key of its own");
        next.RequestId.Should().NotBe(answer.RequestId);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await app.ListBlobsAsync(other.Folder)).Should().BeEmpty();
        (await app.EventsAsync()).Should().HaveCount(2, "each video was deleted once");
    }

    [Fact]
    public async Task ACallersOwnKeyReplaysTheFirstAnswer()
    {
        await using var app = await TestApp.StartAsync();
        var attached = await app.SeedFileAsync("attached");
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);
        var request = new DeleteAttachedMediaRequest { MediaIds = [attached.Id], IdempotencyKey = "order-4711-cleanup" };

        var first = await client.DeleteAttachedMediaAsync(request);
        var repeat = await client.DeleteAttachedMediaAsync(request);
        var conflict = await client.Invoking(c => c.DeleteAttachedMediaAsync(request with { MediaIds = [Guid.NewGuid().ToString("N")] })).Should().ThrowAsync<VodException>();

        first.Deleted!.Files.Should().Be(1);
        repeat.RequestId.Should().Be(first.RequestId);
        repeat.Body.GetRawText().Should().Be(first.Body.GetRawText());
        conflict.Which.Code.Should().Be("InvalidParameter");
        conflict.Which.Message.Should().Contain("order-4711-cleanup");
        (await app.EventsAsync()).Should().ContainSingle();
    }
}
