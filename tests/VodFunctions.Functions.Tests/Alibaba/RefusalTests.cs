using System.Text;

namespace VodFunctions.Functions.Tests.Alibaba;

/// <summary>
/// Every signed request the service must refuse, each with Alibaba Cloud's own code, VOD's error body and nothing
/// changed: a delete of a seeded video that stays whole, or an upload that creates nothing.
/// </summary>
public sealed class RefusalTests
{
    private const string Secret = TestApp.AdminKey;

    public static TheoryData<string, string?, string, int> ClientRefusals => new()
    {
        { "pop-core", null, "wrong-secret", 400 },
        { "openapi", null, "wrong-secret", 400 },
        { "openapi", "v2", "wrong-secret", 400 },
        { "pop-core", null, "unknown-id", 404 },
        { "openapi", null, "unknown-id", 404 },
        { "pop-core", null, "early", 400 },
        { "pop-core", null, "late", 400 },
        { "openapi", null, "late", 400 },
        { "openapi", "v2", "early", 400 },
        { "pop-core", null, "unknown-action", 404 },
        { "openapi", null, "unknown-action", 404 },
        { "pop-core", null, "xml", 400 },
        { "pop-core", null, "version", 400 },
        { "pop-core", null, "id-of-another-key", 400 },
    };

    [Theory]
    [MemberData(nameof(ClientRefusals))]
    public async Task AClientsRequestThatMustBeRefusedIsRefusedWithAlibabasCodeAndDeletesNothing(string client, string? algorithm, string fault, int status)
    {
        await using var app = await TestApp.StartAsync(AlibabaClients.KeyIds);
        var video = await app.SeedVideoAsync();
        var blobs = await app.ListBlobsAsync();
        var call = new AlibabaCall("DeleteVideo", new { VideoIds = video.VideoId }) { Client = client, SignatureAlgorithm = algorithm, Method = "POST" };
        (call, var code) = fault switch
        {
            "wrong-secret" => (call with { AccessKeySecret = Secret + "x" }, "SignatureDoesNotMatch"),
            "id-of-another-key" => (call with { AccessKeyId = AlibabaClients.FullId }, "SignatureDoesNotMatch"),
            "unknown-id" => (call with { AccessKeyId = "LTAInosuchkey000001" }, "InvalidAccessKeyId.NotFound"),
            "early" => (call with { ClockSkewSeconds = -16 * 60 }, "InvalidTimeStamp.Expired"),
            "late" => (call with { ClockSkewSeconds = 16 * 60 }, "InvalidTimeStamp.Expired"),
            "unknown-action" => (call with { Action = "DeleteVideos" }, "InvalidAction.NotFound"),
            "xml" => (call with { Params = new { VideoIds = video.VideoId, Format = "XML" } }, "InvalidParameter"),
            "version" => (call with { Params = new { VideoIds = video.VideoId, Version = "2014-05-26" } }, "InvalidVersion"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };

        var answer = await app.CallAsync(call);

        (answer.Status, answer.Code).Should().Be((status, code), answer.ToString());
        answer.Body.EnumerateObject().Select(p => p.Name).Should().Equal("RequestId", "HostId", "Code", "Message", "Recommend");
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs);
    }

    [Theory]
    [InlineData("pop-core", "GET", null)]
    [InlineData("pop-core", "POST", null)]
    [InlineData("openapi", "POST", null)]
    [InlineData("openapi", "POST", "v2")]
    public async Task AReplayedRequestIsRefusedAndCreatesNothingMore(string client, string method, string? algorithm)
    {
        await using var app = await TestApp.StartAsync(AlibabaClients.KeyIds);

        var answer = await app.CallAsync(new AlibabaCall("CreateUploadVideo", new { Title = "once", FileName = "a.mp4" })
        {
            Client = client, Method = method, SignatureAlgorithm = algorithm, Replay = true,
        });

        answer.Status.Should().Be(200, answer.ToString());
        (answer.Replayed!.Status, answer.Replayed.Code).Should().Be((400, "SignatureNonceUsed"), answer.Replayed.ToString());
        (await app.CatalogRowsAsync()).Where(r => r.StartsWith("Media:", StringComparison.Ordinal)).Select(r => r.Split(" / ")[0]).Distinct()
            .Should().ContainSingle("the replay creates no second video");
    }

    public static TheoryData<string, string, string?, string> RawRefusals => new()
    {
        // Unsigned: no AccessKeyId, no Authorization (a function key is not a signature).
        { "GET", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}", null, "MissingParameter" },
        { "POST", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}&code=" + Secret, null, "MissingParameter" },
        // A missing or unknown piece of a V1 signature.
        { "GET", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}&AccessKeyId=" + AlibabaClients.AdminId + "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n1&Timestamp={now}", null, "MissingParameter" },
        { "GET", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}&AccessKeyId=" + AlibabaClients.AdminId + "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&Signature=abc%3D&Timestamp={now}", null, "MissingParameter" },
        { "GET", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}&AccessKeyId=" + AlibabaClients.AdminId + "&SignatureMethod=HMAC-SHA256&SignatureVersion=1.0&SignatureNonce=n2&Signature=abc%3D&Timestamp={now}", null, "IncompleteSignature" },
        { "GET", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}&AccessKeyId=" + AlibabaClients.AdminId + "&SignatureMethod=HMAC-SHA1&SignatureVersion=2.0&SignatureNonce=n3&Signature=abc%3D&Timestamp={now}", null, "IncompleteSignature" },
        { "GET", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}&AccessKeyId=" + AlibabaClients.AdminId + "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n4&Signature=abc%3D&Timestamp=yesterday", null, "InvalidTimeStamp.Format" },
        { "GET", "/?Action=DeleteVideo&Version=2017-03-21&VideoIds={video}&AccessKeyId=" + AlibabaClients.AdminId + "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=n5&Signature=abc%3D&Timestamp={now}", null, "SignatureDoesNotMatch" },
        // A missing or unknown piece of a V3 signature.
        { "POST", "/?VideoIds={video}", "Bearer abc", "IncompleteSignature" },
        { "POST", "/?VideoIds={video}", "ACS3-HMAC-SHA1 Credential=" + AlibabaClients.AdminId + ",SignedHeaders=x-acs-date,Signature=00", "IncompleteSignature" },
        { "POST", "/?VideoIds={video}", "ACS3-HMAC-SHA256 Credential=" + AlibabaClients.AdminId + ",Signature=00", "IncompleteSignature" },
        { "POST", "/?VideoIds={video}", "ACS3-HMAC-SHA256 Credential=" + AlibabaClients.AdminId + ",SignedHeaders=x-acs-action;x-acs-date;x-acs-version,Signature=00", "IncompleteSignature" },
        { "POST", "/?VideoIds={video}", "ACS3-HMAC-SHA256 Credential=" + AlibabaClients.AdminId + ",SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=00", "SignatureDoesNotMatch" },
        // A body that is not VOD's form.
        { "POST", "/?Action=DeleteVideo&Version=2017-03-21&json", null, "InvalidParameter" },
    };

    [Theory]
    [MemberData(nameof(RawRefusals))]
    public async Task ARequestWithAMissingOrUnknownSignaturePieceIsRefusedAndDeletesNothing(string method, string path, string? authorization, string code)
    {
        await using var app = await TestApp.StartAsync(AlibabaClients.KeyIds);
        var video = await app.SeedVideoAsync();
        var blobs = await app.ListBlobsAsync();
        var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{video}", video.VideoId).Replace("{now}", Uri.EscapeDataString(now)).Replace("&json", ""));
        if (path.EndsWith("&json", StringComparison.Ordinal)) request.Content = new StringContent($$"""{"VideoIds": "{{video.VideoId}}"}""", Encoding.UTF8, "application/json");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            foreach (var (name, value) in new[] { ("x-acs-action", "DeleteVideo"), ("x-acs-version", "2017-03-21"), ("x-acs-date", now), ("x-acs-signature-nonce", Guid.NewGuid().ToString()),
                         ("x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") })
                request.Headers.Add(name, value);
        }

        var answer = await app.SendAsync(request);

        answer.Code.Should().Be(code, answer.ToString());
        answer.Status.Should().BeInRange(400, 499);
        answer.Json.EnumerateObject().Select(p => p.Name).Should().Equal("RequestId", "HostId", "Code", "Message", "Recommend");
        answer.Str("RequestId").Should().Be(answer.RequestId);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs);
    }
}
