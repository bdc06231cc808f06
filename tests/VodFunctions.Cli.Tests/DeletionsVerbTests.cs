namespace VodFunctions.Cli.Tests;

/// <summary>list-deletions against the real app.</summary>
public sealed class DeletionsVerbTests
{
    [Fact]
    public async Task ListDeletionsShowsWhoDeletedWhat()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        (await Vod.RunAsync(app, "delete-video", "--yes", video.VideoId)).ExitCode.Should().Be(0);

        var listed = await Vod.RunAsync(app, "--json", "list-deletions", "--media-id", video.VideoId);
        listed.ExitCode.Should().Be(0, listed.ToString());
        var records = listed.Json.GetProperty("Deletions").EnumerateArray().ToList();
        records.Select(r => (r.GetProperty("Outcome").GetString(), r.GetProperty("DryRun").GetBoolean())).Should().Contain(("Deleted", false));
        var table = await Vod.RunAsync(app, "list-deletions", "--media-id", video.VideoId);
        table.ExitCode.Should().Be(0, table.ToString());
        table.Out.Should().Contain("Deleted");
        (await Vod.RunAsync(app, "list-deletions", "--start-time", "yesterday")).ExitCode.Should().Be(2);
    }
}
