namespace VodFunctions.Cli.Tests;

/// <summary>vod stats against the real app: the figures of GetDeletionStatistics as a table and text bars, or JSON.</summary>
public sealed class StatsVerbTests
{
    [Fact]
    public async Task PrintsWhatRealDeletesFreedByTriggerAndPerHour()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 1);
        var deleted = await Vod.RunAsync(app, "--json", "delete-video", "--yes", video.VideoId);
        var bytes = deleted.Json.GetProperty("Deleted").GetProperty("Bytes").GetInt64();
        var files = deleted.Json.GetProperty("Deleted").GetProperty("Files").GetInt32();

        var json = await Vod.RunAsync(app, "--json", "stats");
        json.ExitCode.Should().Be(0, json.ToString());
        var api = json.Json.GetProperty("Deletes").GetProperty("Api");
        (api.GetProperty("Deletes").GetInt32(), api.GetProperty("DeletedFiles").GetInt32(), api.GetProperty("DeletedBytes").GetInt64()).Should().Be((1, files, bytes));
        json.Json.GetProperty("Series").GetArrayLength().Should().Be(24);

        var text = await Vod.RunAsync(app, "stats");
        text.ExitCode.Should().Be(0, text.ToString());
        text.Out.Should().Contain("Deletes, last 24 hours").And.Contain("Bytes freed per hour").And.Contain("Interrupted deletes");
        text.Out.Split('\n').Should().ContainSingle(l => l.Contains('#') && l.Contains("1 delete,"), "one hour has a bar: " + text.Out);
        text.Out.Should().Contain("Slowest deletes").And.Contain(video.VideoId, "the one delete is the slowest");

        var month = await Vod.RunAsync(app, "--json", "stats", "--period", "30d", "--app-id", TestApp.DefaultApp);
        month.Json.GetProperty("Interval").GetString().Should().Be("P1D");
        month.Json.GetProperty("Deletes").GetProperty("All").GetProperty("Deletes").GetInt32().Should().Be(1);
        (await Vod.RunAsync(app, "--json", "stats", "--app-id", TestApp.OtherApp)).Json.GetProperty("Deletes").GetProperty("All").GetProperty("Deletes").GetInt32().Should().Be(0);
    }

    [Fact]
    public async Task RefusesWhatItDoesNotKnowBeforeSendingAnything()
    {
        await using var app = await TestApp.StartAsync();
        (await Vod.RunAsync(app, "stats", "--period", "7d")).ExitCode.Should().Be(2);
        (await Vod.RunAsync(app, "stats", "--perod", "30d")).Error.Should().Contain("unknown option '--perod' (did you mean '--period'?)");
        (await Vod.RunAsync(app, "stats", "30d")).Error.Should().Contain("unexpected argument '30d'");
    }
}
