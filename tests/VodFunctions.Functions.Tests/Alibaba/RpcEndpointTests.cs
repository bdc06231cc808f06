using System.Text.Json;
using System.Text.Json.Nodes;

namespace VodFunctions.Functions.Tests.Alibaba;

/// <summary>
/// VOD's RPC request syntax at the app's root, called by Alibaba Cloud's own Node clients unchanged: the same operations
/// and answers as <c>/api</c>, under the signing key's role and applications.
/// </summary>
public sealed class RpcEndpointTests
{
    private static Task<TestApp> StartAsync() => TestApp.StartAsync(AlibabaClients.KeyIds);

    /// <summary>An answer's JSON without its RequestId (new per request).</summary>
    private static string Comparable(JsonElement json)
    {
        var body = JsonNode.Parse(json.GetRawText())!.AsObject();
        body.Remove("RequestId");
        return body.ToJsonString();
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task PopCoreGetsTheSameAnswerAsTheApi(string method)
    {
        await using var app = await StartAsync();
        var video = await app.SeedVideoAsync();

        var answer = await app.CallAsync(new AlibabaCall("GetVideoInfo", new { video.VideoId }) { Method = method, AccessKeyId = AlibabaClients.FullId, AccessKeySecret = TestApp.FullKey });
        var api = await app.CallAsync("GetVideoInfo", new { video.VideoId }, TestApp.FullKey);

        answer.Status.Should().Be(200, answer.ToString());
        answer.Body.GetProperty("RequestId").GetString().Should().NotBeNullOrEmpty();
        Comparable(answer.Body).Should().Be(Comparable(api.Json));
    }

    [Theory]
    [InlineData("pop-core", "GET", null)]
    [InlineData("pop-core", "POST", null)]
    [InlineData("openapi", "POST", null)]
    [InlineData("openapi", "POST", "v2")]
    [InlineData("openapi", "GET", null)]
    public async Task TextWithReservedCharactersAndChineseRoundTrips(string client, string method, string? algorithm)
    {
        await using var app = await StartAsync();
        const string title = "a b+c%d*e~f&g=h/i?j#k 视频标题 ✓";

        var created = await app.CallAsync(new AlibabaCall("CreateUploadVideo", new { Title = title, FileName = "片 1+1=2.mp4", CateId = 7 })
        {
            Client = client, Method = method, SignatureAlgorithm = algorithm,
        });
        created.Status.Should().Be(200, created.ToString());
        var videoId = created.Body.GetProperty("VideoId").GetString();
        var info = await app.CallAsync(new AlibabaCall("GetVideoInfo", new { VideoId = videoId }) { Client = client, Method = method, SignatureAlgorithm = algorithm });

        info.Status.Should().Be(200, info.ToString());
        info.Body.GetProperty("Video").GetProperty("Title").GetString().Should().Be(title);
        info.Body.GetProperty("Video").GetProperty("CateId").ToString().Should().Be("7");
    }

    [Theory]
    [InlineData("pop-core", "GET", null)]
    [InlineData("pop-core", "POST", null)]
    [InlineData("openapi", "POST", null)]
    [InlineData("openapi", "POST", "v2")]
    public async Task AFullKeyDeletesItsApplicationsVideosAndListsAnothersAsForbidden(string client, string method, string? algorithm)
    {
        await using var app = await StartAsync();
        var (own, other, bystander) = (await app.SeedVideoAsync(), await app.SeedVideoAsync(appId: TestApp.OtherApp), await app.SeedVideoAsync());
        var blobs = (await app.ListBlobsAsync(own.Folder)).Count;

        var answer = await app.CallAsync(new AlibabaCall("DeleteVideo", new { VideoIds = $"{own.VideoId},{other.VideoId}" })
        {
            Client = client, Method = method, SignatureAlgorithm = algorithm, AccessKeyId = AlibabaClients.FullId, AccessKeySecret = TestApp.FullKey,
        });

        answer.Status.Should().Be(200, answer.ToString());
        answer.Body.GetProperty("ForbiddenVideoIds").EnumerateArray().Select(e => e.GetString()).Should().Equal(other.VideoId);
        answer.Body.GetProperty("NonExistVideoIds").GetArrayLength().Should().Be(0);
        blobs.Should().BeGreaterThan(5);
        (await app.ListBlobsAsync(own.Folder)).Should().BeEmpty();
        (await app.ListBlobsAsync(other.Folder)).Should().HaveCount(blobs, "another application's video is not deleted");
        (await app.ListBlobsAsync(bystander.Folder)).Should().HaveCount(blobs, "a video not named is not deleted");
    }

    [Theory]
    [InlineData("pop-core", null)]
    [InlineData("openapi", null)]
    [InlineData("openapi", "v2")]
    public async Task AReadOnlyKeyMayReadButNotDelete(string client, string? algorithm)
    {
        await using var app = await StartAsync();
        var video = await app.SeedVideoAsync();
        var blobs = await app.ListBlobsAsync();

        var answers = await app.CallAllAsync(
            new AlibabaCall("DeleteVideo", new { VideoIds = video.VideoId }) { Client = client, SignatureAlgorithm = algorithm, Method = "POST", AccessKeyId = AlibabaClients.ReadOnlyId, AccessKeySecret = TestApp.ReadOnlyKey },
            new AlibabaCall("GetVideoInfo", new { video.VideoId }) { Client = client, SignatureAlgorithm = algorithm, AccessKeyId = AlibabaClients.ReadOnlyId, AccessKeySecret = TestApp.ReadOnlyKey });

        (answers[0].Status, answers[0].Code).Should().Be((403, "Forbidden"), answers[0].ToString());
        answers[1].Status.Should().Be(200, answers[1].ToString());
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs);
    }

    [Fact]
    public async Task ArraysComeAsRepeatListsAndAnAdminKeyDeletesAnyApplication()
    {
        await using var app = await StartAsync();
        var (first, second, kept) = (await app.SeedVideoAsync(), await app.SeedVideoAsync(appId: TestApp.OtherApp), await app.SeedVideoAsync());
        var keptBlobs = await app.ListBlobsAsync(kept.Folder);

        var answer = await app.CallAsync(new AlibabaCall("DeleteVideo", new { VideoIds = new[] { first.VideoId, second.VideoId } }) { Method = "POST" });

        answer.Status.Should().Be(200, answer.ToString());
        answer.Body.GetProperty("ForbiddenVideoIds").GetArrayLength().Should().Be(0);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(keptBlobs);
    }

    [Fact]
    public async Task AnOperationsOwnErrorCarriesVodsErrorBody()
    {
        await using var app = await StartAsync();

        var answer = await app.CallAsync(new AlibabaCall("GetVideoInfo", new { VideoId = "0123456789abcdef0123456789abcdef" }));

        (answer.Status, answer.Code, answer.Error).Should().Be((404, "InvalidVideo.NotFound", "InvalidVideo.NotFound"), answer.ToString());
        answer.Body.EnumerateObject().Select(p => p.Name).Should().Equal("RequestId", "HostId", "Code", "Message", "Recommend");
        answer.Body.GetProperty("HostId").GetString().Should().Be(app.Client.BaseAddress!.Authority);
    }

    [Fact]
    public async Task SetMediaPolicyTakesThePolicysActionAsPolicyAction()
    {
        await using var app = await StartAsync();

        var set = await app.CallAsync(new AlibabaCall("SetMediaPolicy", new { Name = "Old", PolicyAction = "DeleteMezzanine", MinAge = "P90D", AppId = TestApp.DefaultApp, Enabled = false }));

        set.Status.Should().Be(200, set.ToString());
        var policies = (await app.CallAsync("ListMediaPolicies")).Json.GetProperty("Policies");
        policies.EnumerateArray().Should().ContainSingle().Which.GetProperty("Action").GetString().Should().Be("DeleteMezzanine");
        var missing = await app.CallAsync(new AlibabaCall("SetMediaPolicy", new { Name = "No action", MinAge = "P90D", AppId = TestApp.DefaultApp }));
        (missing.Status, missing.Code).Should().Be((400, "MissingParameter"), missing.ToString());
    }
}
