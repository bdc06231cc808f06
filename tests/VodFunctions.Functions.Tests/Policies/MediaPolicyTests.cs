namespace VodFunctions.Functions.Tests.Policies;

public sealed class MediaPolicyTests
{
    [Fact]
    public async Task CreatesListsReplacesAndDeletesAPolicy()
    {
        await using var app = await TestApp.StartAsync();

        var policyId = await app.SetPolicyAsync(new
        {
            Name = "Drop old renditions", Priority = 7, Action = "DeleteStreams", Definitions = new[] { "SD", "LD" }, MinAge = "P1Y2M3W4DT5H6M7.5S",
            AppId = TestApp.DefaultApp, CateIds = new[] { "news" }, Statuses = new[] { "Normal" }, DailyLimit = 100,
        });

        policyId.Should().MatchRegex("^[0-9a-f]{32}$");
        var listed = (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().Single();
        listed.Prop("PolicyId").Should().Be(policyId);
        listed.Prop("Name").Should().Be("Drop old renditions");
        listed.GetProperty("Enabled").GetBoolean().Should().BeTrue();
        listed.Int("Priority").Should().Be(7);
        listed.Prop("Action").Should().Be("DeleteStreams");
        listed.GetProperty("Definitions").EnumerateArray().Select(d => d.GetString()).Should().Equal("SD", "LD");
        listed.Prop("MinAge").Should().Be("P1Y2M3W4DT5H6M7.5S");
        listed.Prop("AppId").Should().Be(TestApp.DefaultApp);
        listed.GetProperty("CateIds").EnumerateArray().Select(d => d.GetString()).Should().Equal("news");
        listed.GetProperty("Statuses").EnumerateArray().Select(d => d.GetString()).Should().Equal("Normal");
        listed.Int("DailyLimit").Should().Be(100);
        listed.Int("UsedToday").Should().Be(0);

        // An update replaces the whole policy: fields not given take their defaults.
        (await app.SetPolicyAsync(new { PolicyId = policyId, Action = "DeleteVideo", MinAge = "P90D", Enabled = false })).Should().Be(policyId);
        var replaced = (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().Single();
        replaced.Prop("Action").Should().Be("DeleteVideo");
        replaced.GetProperty("Enabled").GetBoolean().Should().BeFalse();
        replaced.Int("Priority").Should().Be(0);
        replaced.Int("DailyLimit").Should().Be(50000);
        replaced.TryGetProperty("AppId", out _).Should().BeFalse();
        replaced.GetProperty("CateIds").GetArrayLength().Should().Be(0);

        (await app.CallAsync("DeleteMediaPolicy", new { PolicyId = policyId })).Status.Should().Be(200);
        (await app.CallAsync("ListMediaPolicies"))["Policies"].GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task ACategoryIdMayBeANumberOrAStringInCateIdsAsInCateId()
    {
        await using var app = await TestApp.StartAsync();
        var created = await app.CallAsync("CreateUploadVideo", """{"Title":"Numbered","FileName":"a.mp4","CateId":7}""");

        var policyId = await app.SetPolicyAsync(new { Action = "DeleteVideo", MinAge = "P90D", CateIds = new object[] { 7, "8", " 9 " } });
        var wrong = await app.CallAsync("SetMediaPolicy", """{"Action":"DeleteVideo","MinAge":"P90D","CateIds":[true]}""");

        (await app.CallAsync("GetVideoInfo", new { VideoId = created.Str("VideoId") }))["Video"].Prop("CateId").Should().Be("7");
        var listed = (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().Single();
        listed.Prop("PolicyId").Should().Be(policyId);
        listed.GetProperty("CateIds").EnumerateArray().Select(d => d.GetString()).Should().Equal("7", "8", "9");
        (wrong.Status, wrong.Code).Should().Be((400, "InvalidParameter"));
        wrong.Str("Message").Should().Be("Every item of CateIds must be a string or a number.");
    }

    [Theory]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"90 days"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"PT"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P0D"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"-P1D"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P1000Y"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P99999999D"}""", "InvalidParameter")]
    [InlineData("""{"Action":"Archive","MinAge":"P90D"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","Priority":"high"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","Priority":-1}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","Priority":1.5}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","DailyLimit":50001}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","DailyLimit":0}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteStreams","MinAge":"P90D"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteStreams","MinAge":"P90D","Definitions":["XX"]}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","Definitions":["HD"]}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","Statuses":["Gone"]}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","Enabled":"maybe"}""", "InvalidParameter")]
    [InlineData("""{"Action":"DeleteVideo","MinAge":"P90D","CateIds":{"a":1}}""", "InvalidParameter")]
    [InlineData("""{"MinAge":"P90D"}""", "MissingParameter")]
    [InlineData("""{"Action":"DeleteVideo"}""", "MissingParameter")]
    public async Task InvalidPoliciesAreRefusedAndNothingIsStored(string body, string code)
    {
        await using var app = await TestApp.StartAsync();

        var response = await app.CallAsync("SetMediaPolicy", body);

        response.Status.Should().Be(400, response.ToString());
        response.Code.Should().Be(code);
        response.Str("Message").Should().NotBeNullOrWhiteSpace();
        (await app.CallAsync("ListMediaPolicies"))["Policies"].GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task UnknownPolicyIdAnswersPolicyNotFound()
    {
        await using var app = await TestApp.StartAsync();
        var kept = await app.SetPolicyAsync(new { Action = "DeleteVideo", MinAge = "P90D" });

        foreach (var unknown in new[] { Guid.NewGuid().ToString("N"), "not-a-policy" })
        {
            foreach (var (operation, body) in new (string, object)[]
            {
                ("SetMediaPolicy", new { PolicyId = unknown, Action = "DeleteVideo", MinAge = "P90D" }),
                ("DeleteMediaPolicy", new { PolicyId = unknown }),
                ("PreviewMediaPolicy", new { PolicyId = unknown }),
            })
            {
                var response = await app.CallAsync(operation, body);
                response.Status.Should().Be(404, $"{operation} {response}");
                response.Code.Should().Be("InvalidPolicy.NotFound");
            }
        }
        (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().Select(p => p.Prop("PolicyId")).Should().Equal(kept);
    }

    [Fact]
    public async Task FullKeyManagesOnlyPoliciesOfItsApplications()
    {
        await using var app = await TestApp.StartAsync();
        var global = await app.SetPolicyAsync(new { Action = "DeleteVideo", MinAge = "P90D" });
        var theirs = await app.SetPolicyAsync(new { Action = "DeleteVideo", MinAge = "P90D", AppId = TestApp.OtherApp });

        var mine = await app.SetPolicyAsync(new { Action = "DeleteMezzanine", MinAge = "P30D", AppId = TestApp.DefaultApp }, TestApp.FullKey);
        var noApp = await app.CallAsync("SetMediaPolicy", new { Action = "DeleteVideo", MinAge = "P90D" }, TestApp.FullKey);
        var otherApp = await app.CallAsync("SetMediaPolicy", new { Action = "DeleteVideo", MinAge = "P90D", AppId = TestApp.OtherApp }, TestApp.FullKey);
        var moveAway = await app.CallAsync("SetMediaPolicy", new { PolicyId = mine, Action = "DeleteVideo", MinAge = "P90D", AppId = TestApp.OtherApp }, TestApp.FullKey);
        var takeOver = await app.CallAsync("SetMediaPolicy", new { PolicyId = theirs, Action = "DeleteVideo", MinAge = "P90D", AppId = TestApp.DefaultApp }, TestApp.FullKey);
        var deleteGlobal = await app.CallAsync("DeleteMediaPolicy", new { PolicyId = global }, TestApp.FullKey);
        var previewTheirs = await app.CallAsync("PreviewMediaPolicy", new { PolicyId = theirs }, TestApp.FullKey);

        foreach (var refused in new[] { noApp, otherApp, moveAway, takeOver, deleteGlobal, previewTheirs })
        {
            refused.Status.Should().Be(403, refused.ToString());
            refused.Code.Should().Be("Forbidden");
        }
        (await app.CallAsync("ListMediaPolicies", key: TestApp.FullKey))["Policies"].EnumerateArray().Select(p => p.Prop("PolicyId")).Should().Equal(mine);
        (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().Select(p => p.Prop("PolicyId")).Should().BeEquivalentTo([global, theirs, mine]);
        var unchanged = (await app.CallAsync("ListMediaPolicies"))["Policies"].EnumerateArray().Single(p => p.Prop("PolicyId") == mine);
        unchanged.Prop("AppId").Should().Be(TestApp.DefaultApp);
        (await app.CallAsync("DeleteMediaPolicy", new { PolicyId = mine }, TestApp.FullKey)).Status.Should().Be(200);
    }

    [Fact]
    public async Task ReadOnlyKeyMayListAndPreviewButNotChange()
    {
        await using var app = await TestApp.StartAsync();
        var policyId = await app.SetPolicyAsync(new { Action = "DeleteVideo", MinAge = "P90D" });

        (await app.CallAsync("ListMediaPolicies", key: TestApp.ReadOnlyKey))["Policies"].GetArrayLength().Should().Be(1);
        var preview = await app.CallAsync("PreviewMediaPolicy", new { PolicyId = policyId }, TestApp.ReadOnlyKey);
        preview.Status.Should().Be(200, preview.ToString());
        preview["Total"].GetInt32().Should().Be(0);
        (await app.CallAsync("ListMediaPolicyRuns", key: TestApp.ReadOnlyKey)).Status.Should().Be(200);
        (await app.CallAsync("SetMediaPolicy", new { Action = "DeleteVideo", MinAge = "P90D" }, TestApp.ReadOnlyKey)).Status.Should().Be(403);
        (await app.CallAsync("DeleteMediaPolicy", new { PolicyId = policyId }, TestApp.ReadOnlyKey)).Status.Should().Be(403);
        (await app.CallAsync("ListMediaPolicies", key: null)).Status.Should().Be(401);
        (await app.CallAsync("ListMediaPolicies"))["Policies"].GetArrayLength().Should().Be(1);
    }
}
