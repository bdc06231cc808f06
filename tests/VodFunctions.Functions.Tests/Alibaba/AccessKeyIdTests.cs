using Microsoft.Extensions.Options;

namespace VodFunctions.Functions.Tests.Alibaba;

/// <summary><c>Vod__Keys__{n}__Id</c>: a key's AccessKeyId, checked when the app starts.</summary>
public sealed class AccessKeyIdTests
{
    [Theory]
    [InlineData("LTAIsame", "LTAIsame", "Vod__Keys__1__Id is the AccessKeyId of Vod__Keys__0__Id too")]
    [InlineData("LTAIgood", "not an id!", "Vod__Keys__1__Id is not an AccessKeyId")]
    [InlineData("LTAIgood", "", "Vod__Keys__1__Id is not an AccessKeyId")]
    public async Task ADuplicateOrMalformedIdStopsTheAppAtStartNamingTheSetting(string first, string second, string message)
    {
        var app = VodApp.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
            ["Vod:TablePrefix"] = TestStorage.UniqueName("t"),
            ["Vod:Keys:0:Secret"] = "first-secret-0123456789", ["Vod:Keys:0:Id"] = first,
            ["Vod:Keys:1:Secret"] = "second-secret-0123456789", ["Vod:Keys:1:Id"] = second,
        }));
        await using (app)
        {
            var start = () => app.StartAsync();

            (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(message);
        }
    }

    [Fact]
    public async Task AnIdWithoutASecretStopsTheAppAtStart()
    {
        var app = VodApp.Build(["--urls", "http://127.0.0.1:0"], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
            ["Vod:Keys:3:Id"] = "LTAIlonely",
        }));
        await using (app)
        {
            var start = () => app.StartAsync();

            (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("Vod__Keys__3__Id names a key without a secret");
        }
    }

    [Fact]
    public async Task AKeyWithoutAnIdCannotSignAndKeysWithIdsStillWorkAsFunctionKeys()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["Vod:Keys:0:Id"] = AlibabaClients.AdminId });

        var unsigned = await app.CallAsync(new AlibabaCall("ListFunctionRuns", new { FunctionName = "ReconcileStorage" }) { AccessKeyId = "full", AccessKeySecret = TestApp.FullKey });
        var signed = await app.CallAsync(new AlibabaCall("ListFunctionRuns", new { FunctionName = "ReconcileStorage" }));
        var functionKey = await app.CallAsync("ListFunctionRuns", new { FunctionName = "ReconcileStorage" }, TestApp.AdminKey);

        (unsigned.Status, unsigned.Code).Should().Be((404, "InvalidAccessKeyId.NotFound"), unsigned.ToString());
        signed.Status.Should().Be(200, signed.ToString());
        functionKey.Status.Should().Be(200, functionKey.ToString());
    }
}
