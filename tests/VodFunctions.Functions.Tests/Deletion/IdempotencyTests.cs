using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Functions.Hosting;
using VodFunctions.Functions.Tests.Alibaba;

namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>
/// Deletes with an idempotency key (<c>Idempotency-Key</c>, or <c>ClientToken</c>): a repeat answers the first answer again
/// and deletes nothing; other parameters are refused; a key is one caller key's and one operation's, for 24 hours.
/// </summary>
public sealed class IdempotencyTests
{
    /// <summary>An answer as it came on the wire: status, RequestId header, whether replayed, and the body's bytes.</summary>
    private sealed record Raw(int Status, string? RequestId, bool Replayed, byte[] Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
        public string? Code => Json.TryGetProperty("Code", out var code) ? code.GetString() : null;
        public override string ToString() => $"{Status} {Encoding.UTF8.GetString(Body)}";
    }

    private static async Task<Raw> DeleteAsync(TestApp app, string operation, object body, string? idempotencyKey, string key = TestApp.AdminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/{operation}") { Content = JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", key);
        if (idempotencyKey is not null) request.Headers.Add(Idempotency.Header, idempotencyKey);
        using var response = await app.Client.SendAsync(request);
        return new Raw((int)response.StatusCode, response.Headers.TryGetValues("x-request-id", out var ids) ? ids.First() : null,
            response.Headers.TryGetValues(Idempotency.ReplayedHeader, out var replayed) && replayed.First() == "true",
            await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ARepeatAnswersTheFirstAnswerByteForByteAndDeletesNothingMore()
    {
        await using var app = await TestApp.StartAsync();
        var (video, bystander) = (await app.SeedVideoAsync(), await app.SeedVideoAsync());
        var bystanderBlobs = await app.ListBlobsAsync(bystander.Folder);
        var missing = Guid.NewGuid().ToString("N");
        var body = new { VideoIds = new[] { video.VideoId, missing } };

        var first = await DeleteAsync(app, "DeleteVideo", body, "retry-me-1");
        await app.UploadAsync($"{video.Folder}late.bin"); // a file that a second delete of the folder would remove
        var repeat = await DeleteAsync(app, "DeleteVideo", body, "retry-me-1");
        var events = await app.EventsAsync();

        first.Status.Should().Be(200, first.ToString());
        first.Replayed.Should().BeFalse();
        first.Json.GetProperty("NonExistVideoIds").EnumerateArray().Select(e => e.GetString()).Should().Equal(missing);
        first.Json.GetProperty("Deleted").GetProperty("Files").GetInt64().Should().BeGreaterThan(5);
        repeat.Status.Should().Be(200);
        repeat.Replayed.Should().BeTrue();
        repeat.RequestId.Should().Be(first.RequestId);
        repeat.Body.Should().Equal(first.Body, "the repeat answers the first answer's bytes");
        (await app.ListBlobsAsync(video.Folder)).Should().Equal($"{video.Folder}late.bin");
        (await app.ListBlobsAsync(bystander.Folder)).Should().Equal(bystanderBlobs);
        events.Should().ContainSingle("the repeat deleted nothing").Which.GetProperty("MediaId").GetString().Should().Be(video.VideoId);
    }

    [Fact]
    public async Task TheSameKeyWithOtherParametersIsRefusedAndAKeyIsOneOperationsAndOneCallerKeys()
    {
        await using var app = await TestApp.StartAsync();
        var (video, other, attached) = (await app.SeedVideoAsync(), await app.SeedVideoAsync(), await app.SeedFileAsync("attached"));
        var otherBlobs = await app.ListBlobsAsync(other.Folder);

        var first = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId } }, "key-a", TestApp.FullKey);
        var conflict = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { other.VideoId } }, "key-a", TestApp.FullKey);
        var dryRun = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId }, DryRun = true }, "key-a", TestApp.FullKey);
        var sameAsText = await DeleteAsync(app, "DeleteVideo", new { VideoIds = video.VideoId }, "key-a", TestApp.FullKey);
        var otherOperation = await DeleteAsync(app, "DeleteAttachedMedia", new { MediaIds = new[] { attached.Id } }, "key-a", TestApp.FullKey);
        var otherCaller = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId } }, "key-a", TestApp.OtherAppKey);

        first.Status.Should().Be(200, first.ToString());
        (conflict.Status, conflict.Code, conflict.Replayed).Should().Be((400, "InvalidParameter", false), conflict.ToString());
        conflict.Json.GetProperty("Message").GetString().Should().Contain("key-a").And.Contain("other parameters");
        (dryRun.Status, dryRun.Code).Should().Be((400, "InvalidParameter"), "DryRun is a parameter too");
        (await app.ListBlobsAsync(other.Folder)).Should().Equal(otherBlobs, "a refused call deletes nothing");
        sameAsText.Replayed.Should().BeTrue();
        sameAsText.Body.Should().Equal(first.Body, "the same list as one comma-separated string is the same call");
        (otherOperation.Status, otherOperation.Replayed).Should().Be((200, false), "a key is one operation's: " + otherOperation);
        (await app.ListBlobsAsync($"attached/{attached.Id}/")).Should().BeEmpty();
        (otherCaller.Status, otherCaller.Replayed).Should().Be((404, false), "another key's call is its own: the video is gone: " + otherCaller);
        otherCaller.RequestId.Should().NotBe(first.RequestId);
    }

    [Fact]
    public async Task ConcurrentRepeatsOfOneKeyDeleteOnceAndAnswerTheSameOrInUse()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 4, segments: 10);
        var body = new { VideoIds = new[] { video.VideoId } };

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => DeleteAsync(app, "DeleteVideo", body, "parallel-key")));
        var ran = answers.Where(a => a is { Status: 200, Replayed: false }).ToList();
        var repeat = await DeleteAsync(app, "DeleteVideo", body, "parallel-key");

        ran.Should().ContainSingle(string.Join("\n", answers.Select(a => a.ToString())));
        foreach (var answer in answers.Except(ran))
        {
            if (answer.Replayed) answer.Body.Should().Equal(ran[0].Body);
            else (answer.Status, answer.Code).Should().Be((409, Idempotency.InUseCode), answer.ToString());
        }
        repeat.Replayed.Should().BeTrue();
        repeat.Body.Should().Equal(ran[0].Body);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await app.EventsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task AStorageFaultIsNotKeptSoTheRetryRunsAgain()
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0);
        await using var app = await TestApp.StartAsync(configure: fault.On(o => o.BlobPolicies));
        fault.Armed = false;
        var video = await app.SeedVideoAsync();
        var body = new { VideoIds = new[] { video.VideoId } };

        fault.Arm(passing: 0);
        var failed = await DeleteAsync(app, "DeleteVideo", body, "fault-key");
        fault.Armed = false;
        var retry = await DeleteAsync(app, "DeleteVideo", body, "fault-key");
        var repeat = await DeleteAsync(app, "DeleteVideo", body, "fault-key");

        (failed.Status, failed.Code).Should().Be((503, "DeleteVideoFailed"), failed.ToString());
        (retry.Status, retry.Replayed).Should().Be((200, false), retry.ToString());
        retry.RequestId.Should().NotBe(failed.RequestId);
        repeat.Replayed.Should().BeTrue();
        repeat.Body.Should().Equal(retry.Body);
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
    }

    [Fact]
    public async Task AnExpiredKeyDoesNotReplayAndAStoppedCallsClaimIsTakenOverAfterItsLease()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await TestApp.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var (video, stopped) = (await app.SeedVideoAsync(), await app.SeedVideoAsync());

        var first = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId } }, "day-key");
        clock.Advance(TimeSpan.FromHours(23));
        var withinADay = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId } }, "day-key");
        clock.Advance(TimeSpan.FromHours(1));
        var aDayOn = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId } }, "day-key");

        // A call that claimed its key and stopped before answering (its process ended).
        var parameters = Parameters.Of([new("VideoIds", JsonSerializer.SerializeToElement(new[] { stopped.VideoId }))]);
        var caller = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(TestApp.AdminKey)));
        var claim = await app.Services.GetRequiredService<IdempotencyStore>()
            .ClaimAsync(caller, "DeleteVideo", "stopped-key", IdempotencyStore.Fingerprint(parameters), default);
        var whileLeased = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { stopped.VideoId } }, "stopped-key");
        clock.Advance(IdempotencyStore.Lease);
        var afterLease = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { stopped.VideoId } }, "stopped-key");

        first.Status.Should().Be(200, first.ToString());
        withinADay.Replayed.Should().BeTrue();
        withinADay.Body.Should().Equal(first.Body);
        (aDayOn.Status, aDayOn.Code, aDayOn.Replayed).Should().Be((404, "InvalidVideo.NotFound", false), "after 24 hours the key is new: " + aDayOn);
        claim.Should().BeOfType<IdempotencyClaim.Claimed>();
        (whileLeased.Status, whileLeased.Code).Should().Be((409, Idempotency.InUseCode), whileLeased.ToString());
        (afterLease.Status, afterLease.Replayed).Should().Be((200, false), afterLease.ToString());
        (await app.ListBlobsAsync(stopped.Folder)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("header", "a-key-of-65-characters-0123456789012345678901234567890123456789012")]
    [InlineData("ClientToken", "not ascii: é")]
    [InlineData("ClientToken", "")]
    public async Task AMalformedKeyIsRefusedNamingItAndDeletesNothing(string given, string key)
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync();
        var blobs = await app.ListBlobsAsync(video.Folder);

        var answer = given == "header"
            ? await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId } }, key)
            : await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId }, ClientToken = key }, null);

        (answer.Status, answer.Code).Should().Be((400, "InvalidParameter"), answer.ToString());
        answer.Json.GetProperty("Message").GetString().Should().Contain(given == "header" ? Idempotency.Header : "ClientToken");
        (await app.ListBlobsAsync(video.Folder)).Should().Equal(blobs);
    }

    [Fact]
    public async Task ClientTokenThroughVodsRpcEndpointWithAlibabasClient()
    {
        await using var app = await TestApp.StartAsync(AlibabaClients.KeyIds);
        var (video, other) = (await app.SeedVideoAsync(), await app.SeedVideoAsync());
        var otherBlobs = await app.ListBlobsAsync(other.Folder);

        var answers = await app.CallAllAsync(
            new AlibabaCall("DeleteVideo", new { VideoIds = video.VideoId, ClientToken = "vod-token-1" }),
            new AlibabaCall("DeleteVideo", new { VideoIds = video.VideoId, ClientToken = "vod-token-1" }) { Client = "openapi", Method = "POST" },
            new AlibabaCall("DeleteVideo", new { VideoIds = other.VideoId, ClientToken = "vod-token-1" }));
        var overApi = await DeleteAsync(app, "DeleteVideo", new { VideoIds = new[] { video.VideoId } }, "vod-token-1");

        answers[0].Status.Should().Be(200, answers[0].ToString());
        answers[1].Status.Should().Be(200, answers[1].ToString());
        answers[1].Body.GetRawText().Should().Be(answers[0].Body.GetRawText(), "the repeat answers the first answer, RequestId and all");
        (answers[2].Status, answers[2].Code).Should().Be((400, "InvalidParameter"), answers[2].ToString());
        (overApi.Replayed, overApi.Json.GetProperty("RequestId").GetString()).Should().Be((true, answers[0].Body.GetProperty("RequestId").GetString()),
            "ClientToken and Idempotency-Key are the same key, whichever syntax carries it");
        (await app.ListBlobsAsync(other.Folder)).Should().Equal(otherBlobs);
        (await app.EventsAsync()).Should().ContainSingle();
    }
}
