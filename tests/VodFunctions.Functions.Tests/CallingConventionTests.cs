using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VodFunctions.Core.Catalog;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Tests;

/// <summary>API.md section 1: how parameters arrive, how every response looks, and that caller input never causes a 500.</summary>
public sealed class CallingConventionTests
{
    private const string MissingId = "0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task ParametersMayComeFromTheQueryString()
    {
        await using var app = await TestApp.StartAsync();

        var created = await app.CallAsync("CreateUploadVideo", query: "Title=From%20query&FileName=a.mp4");

        created.Status.Should().Be(200, created.ToString());
        var info = await app.CallAsync("GetVideoInfo", query: "VideoId=" + created.Str("VideoId"));
        info["Video"].GetProperty("Title").GetString().Should().Be("From query");
    }

    [Fact]
    public async Task BodyAndQueryParametersAreCombined()
    {
        await using var app = await TestApp.StartAsync();

        var created = await app.CallAsync("CreateUploadVideo", new { Title = "Combined" }, query: "FileName=b.mp4&Title=Combined");

        created.Status.Should().Be(200, created.ToString());
        var mezzanine = await app.CallAsync("GetMezzanineInfo", new { VideoId = created.Str("VideoId") });
        mezzanine["Mezzanine"].GetProperty("FileName").GetString().Should().Be("b.mp4");
    }

    [Fact]
    public async Task ParameterNamesMatchCaseInsensitively()
    {
        await using var app = await TestApp.StartAsync();

        var created = await app.CallAsync("CreateUploadVideo", """{"title":"lower","FILENAME":"c.mp4","transcodemode":"NoTranscode"}""");

        created.Status.Should().Be(200, created.ToString());
        var video = (await app.CallAsync("GetVideoInfo", query: "videoid=" + created.Str("VideoId")))["Video"];
        video.GetProperty("Title").GetString().Should().Be("lower");
        video.GetProperty("TranscodeMode").GetString().Should().Be("NoTranscode");
    }

    [Theory]
    [InlineData("""{"Title":"One","FileName":"a.mp4"}""", "Title=Two")]
    [InlineData("""{"Title":"One","title":"Two","FileName":"a.mp4"}""", null)]
    [InlineData("""{"FileName":"a.mp4"}""", "Title=One&TITLE=Two")]
    public async Task TheSameParameterTwiceWithDifferentValuesIsRefusedAndCreatesNothing(string body, string? query)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("CreateUploadVideo", body, query: query);

        response.Status.Should().Be(400);
        response.Code.Should().Be("InvalidParameter");
        (await app.CatalogRowsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task TheSameParameterTwiceWithTheSameValueIsAccepted()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("CreateUploadVideo", new { Title = "Same", FileName = "a.mp4" }, query: "title=Same");

        response.Status.Should().Be(200, response.ToString());
    }

    [Theory]
    [InlineData("""{"MediaIds":["ID1"," ID2 ","","ID1","ID2"]}""", null)]
    [InlineData("""{"MediaIds":"ID1, ID2,,ID1 ,"}""", null)]
    [InlineData(null, "MediaIds=ID1,%20ID2,,ID1")]
    public async Task ListParametersAreTrimmedWithEmptyItemsDroppedAndDuplicatesFolded(string? body, string? query)
    {
        await using var app = await TestApp.StartAsync();
        var first = await app.UploadFileAsync("CreateUploadAttachedMedia", new { BusinessType = "watermark", FileName = "logo.png" });
        var missing = Guid.NewGuid().ToString("N");

        var response = await app.CallAsync("GetAttachedMediaInfo", body?.Replace("ID1", first).Replace("ID2", missing), query: query?.Replace("ID1", first).Replace("ID2", missing));

        response.Status.Should().Be(200, response.ToString());
        response["AttachedMediaList"].Items().Select(m => m.GetProperty("MediaId").GetString()).Should().Equal(first);
        response["NonExistMediaIds"].Items().Select(m => m.GetString()).Should().Equal(missing);
    }

    [Fact]
    public async Task AListCountsItsItemsAfterFolding()
    {
        await using var app = await TestApp.StartAsync();
        var twentyDistinct = Enumerable.Range(0, 20).Select(i => i.ToString("x32")).ToList();

        var folded = await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = twentyDistinct.Concat(twentyDistinct).Append(" ").ToArray() });
        var tooMany = await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = string.Join(",", twentyDistinct.Append(MissingId)) });

        folded.Status.Should().Be(200, folded.ToString());
        folded["NonExistMediaIds"].GetArrayLength().Should().Be(20);
        tooMany.Status.Should().Be(400);
        tooMany.Code.Should().Be("InvalidParameter", "no *ExceededMax code is listed for GetAttachedMediaInfo");
    }

    [Theory]
    [InlineData("""{"MediaIds":[1,2]}""")]
    [InlineData("""{"MediaIds":{"a":"b"}}""")]
    [InlineData("""{"MediaIds":[]}""")]
    [InlineData("""{"MediaIds":" , "}""")]
    public async Task AMalformedOrEmptyListIsAContractError(string body)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("GetAttachedMediaInfo", body);

        response.Status.Should().Be(400);
        response.Code.Should().BeOneOf("InvalidParameter", "MissingParameter");
    }

    [Theory]
    [InlineData("NOT-AN-ID")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("../../x")]
    [InlineData("a'b or PartitionKey ne ''")]
    [InlineData(MissingId)]
    public async Task AStringThatIsNoMediaIdIsReportedExactlyAsAMissingId(string id)
    {
        await using var app = await TestApp.StartAsync();
        var attached = await app.UploadFileAsync("CreateUploadAttachedMedia", new { BusinessType = "subtitle", FileName = "a.vtt" });

        var video = await app.CallAsync("GetVideoInfo", new { VideoId = id });
        var image = await app.CallAsync("GetImageInfo", new { ImageId = id });
        var complete = await app.CallAsync("CompleteUpload", new { MediaId = id });
        var media = await app.CallAsync("GetAttachedMediaInfo", new { MediaIds = new[] { id, attached } });

        (video.Status, video.Code).Should().Be((404, "InvalidVideo.NotFound"));
        (image.Status, image.Code).Should().Be((404, "NoSuchResource"));
        (complete.Status, complete.Code).Should().Be((404, "InvalidMedia.NotFound"));
        media.Status.Should().Be(200);
        media["NonExistMediaIds"].Items().Select(m => m.GetString()).Should().Equal(id);
    }

    [Fact]
    public async Task AMissingRequiredParameterIsNamed()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("CreateUploadVideo", new { Title = "No file" });

        (response.Status, response.Code).Should().Be((400, "MissingParameter"));
        response.Str("Message").Should().Contain("FileName");
    }

    [Theory]
    [InlineData("{\"Title\":")]
    [InlineData("not json")]
    [InlineData("[\"Title\"]")]
    [InlineData("\"Title\"")]
    [InlineData("null")]
    [InlineData("{\"Title\":{\"Nested\":\"x\"},\"FileName\":\"a.mp4\"}")]
    [InlineData("{\"Title\":\"\\ud800\",\"FileName\":\"a.mp4\"}")]
    [InlineData("{\"\\udc00\":\"x\",\"Title\":\"t\",\"FileName\":\"a.mp4\"}")]
    public async Task MalformedJsonIsAnInvalidParameter(string body)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("CreateUploadVideo", body);

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
        (await app.CatalogRowsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task InvalidUtf8IsAnInvalidParameter()
    {
        await using var app = await TestApp.StartAsync();
        var body = Encoding.UTF8.GetBytes("{\"Title\":\"x\",\"FileName\":\"a.mp4\"}");
        body[11] = 0xff;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/CreateUploadVideo") { Content = new ByteArrayContent(body) };
        request.Headers.Add("x-functions-key", TestApp.AdminKey);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await app.SendAsync(request);

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
    }

    [Fact]
    public async Task DeeplyNestedJsonIsAnInvalidParameter()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("CreateUploadVideo", "{\"Title\":" + new string('[', 1000) + new string(']', 1000) + "}");

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"));
    }

    [Fact]
    public async Task ABodyLargerThanOneMebibyteIsRefusedWith413()
    {
        await using var app = await TestApp.StartAsync();
        var body = "{\"Title\":\"" + new string('x', 1024 * 1024) + "\",\"FileName\":\"a.mp4\"}";

        var response = await app.CallAsync("CreateUploadVideo", body);

        (response.Status, response.Code).Should().Be((413, "InvalidParameter"));
        (await app.CatalogRowsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task AChunkedBodyLargerThanOneMebibyteIsRefusedWith413()
    {
        await using var app = await TestApp.StartAsync();
        var bytes = Encoding.UTF8.GetBytes("{\"Title\":\"" + new string('x', 1024 * 1024) + "\",\"FileName\":\"a.mp4\"}");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/CreateUploadVideo") { Content = new StreamContent(new MemoryStream(bytes)) };
        request.Headers.Add("x-functions-key", TestApp.AdminKey);
        request.Headers.TransferEncodingChunked = true;

        var response = await app.SendAsync(request);

        (response.Status, response.Code).Should().Be((413, "InvalidParameter"));
    }

    [Fact]
    public async Task ABodyOfExactlyOneMebibyteIsAccepted()
    {
        await using var app = await TestApp.StartAsync();
        const string head = "{\"Title\":\"Big\",\"FileName\":\"a.mp4\"";
        var body = head + new string(' ', 1024 * 1024 - head.Length - 1) + "}";
        Encoding.UTF8.GetByteCount(body).Should().Be(1024 * 1024);

        var response = await app.CallAsync("CreateUploadVideo", body);

        response.Status.Should().Be(200, response.ToString());
    }

    [Fact]
    public async Task EveryResponseCarriesAFreshRequestIdInBodyAndHeader()
    {
        await using var app = await TestApp.StartAsync();

        var responses = new[]
        {
            await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" }),
            await app.CallAsync("GetVideoInfo", new { VideoId = MissingId }),
            await app.CallAsync("GetVideoInfo", new { VideoId = MissingId }, key: null),
            await app.CallAsync("CreateUploadVideo", "{", key: TestApp.FullKey),
            await app.CallAsync("CreateUploadVideo", new { Title = "t", FileName = "a.mp4" }, key: TestApp.ReadOnlyKey),
        };

        foreach (var response in responses)
        {
            response.RequestId.Should().NotBeNull();
            Guid.TryParse(response.RequestId, out _).Should().BeTrue();
            response.Str("RequestId").Should().Be(response.RequestId);
        }
        responses.Select(r => r.RequestId).Should().OnlyHaveUniqueItems();
        responses.Skip(1).Should().AllSatisfy(r =>
        {
            r.Code.Should().NotBeNullOrEmpty();
            r.Str("Message").Should().NotBeNullOrEmpty();
        });
    }

    [Theory]
    [InlineData("""{"VideoIds":"ID","Frce":true}""", null, "Frce")]
    [InlineData("""{"VideoIds":"ID"}""", "force=true&Forse=true", "Forse")]
    [InlineData("""{"VideoIds":"ID","Force":true,"DryRun":false,"VideoId":"ID"}""", null, "VideoId")]
    public async Task AParameterTheOperationDoesNotTakeIsRefusedByNameAndChangesNothing(string body, string? query, string unknown)
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(transcodeMode: "NoTranscode", streams: 0, snapshots: 0);
        var blobs = await app.ListBlobsAsync();

        var response = await app.CallAsync("DeleteMezzanines", body.Replace("ID", video.VideoId), query: query);

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
        response.Str("Message").Should().Contain($"no parameter {unknown}").And.Contain("VideoIds, Force, DryRun");
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs, "a typo of Force must not delete without it, nor with it");
        (await app.CallAsync("GetMezzanineInfo", new { video.VideoId }))["Mezzanine"].GetProperty("Status").GetString().Should().Be("Normal");
    }

    [Fact]
    public async Task AlibabaVodsCommonRequestParametersAndTheKeyAreAcceptedAndIgnored()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        const string common = "Action=DeleteVideo&Version=2017-03-21&Format=JSON&RegionId=cn-shanghai&AccessKeyId=id&Signature=abc%3D"
            + "&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=9166ab59&Timestamp=2017-03-29T09%3A22%3A32Z&SecurityToken=sts";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/DeleteVideo?{common}&code={TestApp.AdminKey}&VideoIds={video.VideoId}");

        var deleted = await app.SendAsync(request);
        var listed = await app.CallAsync("ListMediaPolicies", """{"action":"ListMediaPolicies","version":"2017-03-21","regionId":"cn-shanghai"}""");

        deleted.Status.Should().Be(200, deleted.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        listed.Status.Should().Be(200, listed.ToString());
    }

    [Theory]
    [InlineData("Action=GetVideoInfo", null, "Action GetVideoInfo contradicts the operation called, DeleteVideo")]
    [InlineData(null, "\"Action\":\"GetVideoInfo\",", "Action GetVideoInfo contradicts the operation called, DeleteVideo")]
    [InlineData("action=deletevideo", null, "Action deletevideo contradicts the operation called, DeleteVideo")]
    [InlineData("Action=DeleteVideo&Version=2014-05-26", null, "Version 2014-05-26 is not this API's: when given, Version must be 2017-03-21")]
    [InlineData(null, "\"Version\":\"2018-01-01\",", "Version 2018-01-01 is not this API's")]
    public async Task AnActionOrVersionThatContradictsTheCallIsRefusedAndDeletesNothing(string? query, string? body, string message)
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var blobs = await app.ListBlobsAsync();

        var response = await app.CallAsync("DeleteVideo", $"{{{body}\"VideoIds\":[\"{video.VideoId}\"]}}", query: query);

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"), response.ToString());
        response.Str("Message").Should().StartWith(message);
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(blobs, "a call whose Action names another operation must not delete");
        (await app.CallAsync("GetVideoInfo", new { video.VideoId })).Status.Should().Be(200);
    }

    [Fact]
    public async Task AnActionThatNamesTheOperationCalledIsAccepted()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 0);

        var read = await app.CallAsync("GetVideoInfo", new { Action = "GetVideoInfo", Version = "2017-03-21", video.VideoId });
        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, query: "Action=DeleteVideo&Version=2017-03-21");

        read.Status.Should().Be(200, read.ToString());
        deleted.Status.Should().Be(200, deleted.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
    }

    [Fact]
    public async Task SetMediaPolicysOwnActionIsThePolicysNotTheCommonParameter()
    {
        await using var app = await TestApp.StartAsync();

        var inBody = await app.CallAsync("SetMediaPolicy", new { Name = "Old", Action = "DeleteVideo", MinAge = "P90D", Enabled = false });
        var inQuery = await app.CallAsync("SetMediaPolicy", query: "Name=Sources&Action=DeleteMezzanine&MinAge=P90D&Enabled=false&Version=2017-03-21");
        var otherVersion = await app.CallAsync("SetMediaPolicy", new { Name = "New", Action = "DeleteVideo", MinAge = "P90D", Version = "2020-01-01" });

        inBody.Status.Should().Be(200, inBody.ToString());
        inQuery.Status.Should().Be(200, inQuery.ToString());
        (otherVersion.Status, otherVersion.Code).Should().Be((400, "InvalidParameter"), otherVersion.ToString());
        var policies = await app.CallAsync("ListMediaPolicies");
        policies["Policies"].Items().Select(p => (p.GetProperty("Name").GetString(), p.GetProperty("Action").GetString()))
            .Should().BeEquivalentTo([("Old", "DeleteVideo"), ("Sources", "DeleteMezzanine")]);
    }

    [Fact]
    public async Task AnOperationThatTakesNoParametersSaysSo()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("ListMediaPolicies", """{"PageSize":10}""");

        (response.Status, response.Code).Should().Be((400, "InvalidParameter"));
        response.Str("Message").Should().Be("ListMediaPolicies takes no parameter PageSize; it takes no parameters.");
    }

    [Fact]
    public async Task AnUnknownOperationIsAJsonNotFound()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("NoSuchOperation", new { VideoId = MissingId });

        response.Status.Should().Be(404);
        response.Code.Should().Be("InvalidAction.NotFound");
        response.Str("RequestId").Should().Be(response.RequestId);
    }

    [Fact]
    public async Task TheRootGoesToTheConsoleWithoutAKey()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Client.BaseAddress };

        using var response = await client.GetAsync("/");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/api/console/");
    }

    [Theory]
    [InlineData("GET", "/favicon.ico", 404, "InvalidAction.NotFound", null)]
    [InlineData("POST", "/DeleteVideo", 404, "InvalidAction.NotFound", null)]
    [InlineData("GET", "/admin/functions/ReconcileStorage", 405, "InvalidParameter", "POST")]
    [InlineData("DELETE", "/", 405, "InvalidParameter", "GET, POST")]
    [InlineData("GET", "/api/DeleteVideo", 405, "InvalidParameter", "POST")]
    [InlineData("PUT", "/api/no/such/thing", 404, "InvalidAction.NotFound", null)]
    public async Task EveryOtherAddressAnswersTheContractsJson(string method, string path, int status, string code, string? allow)
    {
        await using var app = await TestApp.StartAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var raw = await app.Client.SendAsync(request);
        var response = await app.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        (response.Status, response.Code).Should().Be((status, code), response.ToString());
        response.Str("RequestId").Should().Be(response.RequestId);
        response.Str("Message").Should().NotBeNullOrEmpty();
        raw.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        if (allow is not null) raw.Content.Headers.Allow.Should().Equal(allow.Split(", "));
    }

    [Fact]
    public async Task OperationNamesInTheRouteMatchCaseInsensitively()
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("getvideoinfo", new { VideoId = MissingId });

        (response.Status, response.Code).Should().Be((404, "InvalidVideo.NotFound"));
    }

    [Fact]
    public async Task AnUnexpectedFailureIsTheContractsJson500WhereverItHappens()
    {
        // In the preamble (the key store cannot be made) and before it (the function's own class cannot be made).
        await using var preamble = await TestApp.StartAsync(configure: b => b.Services.AddSingleton<KeyStore>(_ => throw new InvalidOperationException("broken")));
        await using var activation = await TestApp.StartAsync(configure: b => b.Services.AddSingleton<MediaReader>(_ => throw new InvalidOperationException("broken")));

        var inPreamble = await preamble.CallAsync("GetVideoInfo", new { VideoId = MissingId });
        var beforePreamble = await activation.CallAsync("GetVideoInfo", new { VideoId = MissingId });

        new[] { inPreamble, beforePreamble }.Should().AllSatisfy(r =>
        {
            (r.Status, r.Code).Should().Be((500, "InternalError"), r.ToString());
            r.Str("Message").Should().NotContain("broken", "the failure itself is logged, not answered");
            r.Str("RequestId").Should().Be(r.RequestId);
        });
    }

    [Fact]
    public async Task HealthAnswersWithoutAKey()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.GetAsync("/api/health");

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        json.GetProperty("Status").GetString().Should().Be("Healthy");
        json.GetProperty("RequestId").GetString().Should().Be(response.Headers.GetValues("x-request-id").Single());
    }

    [Theory]
    [InlineData("SearchMedia", """{"PageSize":"ten"}""")]
    [InlineData("SearchMedia", """{"PageSize":0}""")]
    [InlineData("SearchMedia", """{"PageSize":101}""")]
    [InlineData("SearchMedia", """{"PageSize":2.5}""")]
    [InlineData("SearchMedia", """{"SearchType":"Video"}""")]
    [InlineData("SearchMedia", """{"PageToken":"not a token"}""")]
    [InlineData("SearchMedia", """{"PageToken":"YWJj"}""")]
    [InlineData("SearchMedia", """{"PageToken":"MSEyIWFiYyBkZWY"}""")]
    [InlineData("SearchMedia", """{"Title":["a"]}""")]
    [InlineData("SearchMedia", """{"AppId":{"x":1}}""")]
    [InlineData("SearchMedia", """{"AppId":"app 1"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a.mp4","AppId":"*"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a/b.mp4"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":".."}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a\\b.mp4"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a\u0001.mp4"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t\u0007","FileName":"a.mp4"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a.mp4","TranscodeMode":"Fast"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a.mp4","StorageLocation":"nowhere"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a.mp4","AppId":"app/../x"}""")]
    [InlineData("CreateUploadVideo", """{"Title":"t","FileName":"a.mp4","AppId":"app 1"}""")]
    [InlineData("CreateUploadImage", """{"ImageType":"CoverSnapshot","FileName":"a.png"}""")]
    [InlineData("CreateUploadImage", """{"FileName":"a.png"}""")]
    [InlineData("CreateUploadAttachedMedia", """{"BusinessType":"video","FileName":"a.png"}""")]
    [InlineData("ListSnapshots", """{"VideoId":"0123456789abcdef0123456789abcdef","SnapshotType":"Cover"}""")]
    [InlineData("RegisterMediaFiles", """{"VideoId":"0123456789abcdef0123456789abcdef"}""")]
    [InlineData("RegisterMediaFiles", """{"VideoId":"0123456789abcdef0123456789abcdef","Streams":"x"}""")]
    [InlineData("RegisterMediaFiles", """{"VideoId":"0123456789abcdef0123456789abcdef","Streams":["x"]}""")]
    [InlineData("RegisterMediaFiles", """{"VideoId":"0123456789abcdef0123456789abcdef","Streams":[null]}""")]
    [InlineData("RegisterMediaFiles", """{"VideoId":"0123456789abcdef0123456789abcdef","Images":[{"ImageType":1}]}""")]
    public async Task BadInputIsAContractErrorThatChangesNothing(string operation, string body)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync(operation, body);

        response.Status.Should().Be(400, response.ToString());
        response.Code.Should().BeOneOf("InvalidParameter", "MissingParameter");
        (await app.CatalogRowsAsync()).Should().BeEmpty();
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }
}
