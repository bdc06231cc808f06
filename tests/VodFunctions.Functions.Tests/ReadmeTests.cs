using System.Text.Json;
using System.Text.RegularExpressions;

namespace VodFunctions.Functions.Tests;

/// <summary>
/// The README's walkthrough runs as written, top to bottom: every bash block between its markers, in one shell, against
/// the app (its address in place of http://localhost:7071, the local admin key configured), and prints what it says.
/// </summary>
public sealed partial class ReadmeTests
{
    [GeneratedRegex(@"^```bash\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex BashBlock();

    private static string Walkthrough()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("<!-- ReadmeTests runs", StringComparison.Ordinal);
        var end = readme.IndexOf("<!-- End of the blocks ReadmeTests runs", StringComparison.Ordinal);
        start.Should().BePositive("the README marks where its walkthrough starts");
        end.Should().BeGreaterThan(start);
        return string.Join("\n", BashBlock().Matches(readme[start..end]).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public async Task TheWalkthroughRunsAsWrittenTopToBottom()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?>
        {
            ["Vod:Keys:4:Secret"] = "local-dev-admin-key", ["Vod:Keys:4:Role"] = "Admin", ["Vod:Keys:4:AppIds"] = "*",
        });
        var script = Path.GetTempFileName();
        var walkthrough = Walkthrough();
        await File.WriteAllTextAsync(script, "set -euo pipefail\n" + walkthrough.Replace("http://localhost:7071", app.Client.BaseAddress!.AbsoluteUri.TrimEnd('/')));
        // Every call whose answer is not captured into a variable prints it on a line of its own.
        var printed = walkthrough.Split('\n').Count(line => line.Contains("curl -s -w", StringComparison.Ordinal) && !line.Contains("$(curl", StringComparison.Ordinal));
        try
        {
            var run = await Repository.RunAsync("bash", [script], new Dictionary<string, string> { ["VOD_STORAGE"] = TestStorage.ConnectionString });

            run.ExitCode.Should().Be(0, run.ToString());
            var answers = run.Output.Split('\n').Where(line => line.StartsWith("{\"RequestId\"", StringComparison.Ordinal))
                .Select(line => JsonDocument.Parse(line).RootElement).ToList();
            answers.Should().HaveCount(printed, run.Output);
            answers.Should().AllSatisfy(a => a.TryGetProperty("Code", out _).Should().BeFalse("every example succeeds: {0}", a));
            List<JsonElement> With(string field) => answers.Where(a => a.TryGetProperty(field, out _)).Select(a => a.GetProperty(field)).ToList();
            With("Deleted").Select(d => d.GetProperty("Bytes").GetInt64()).Should().Contain(1048576, "DeleteVideo removed the uploaded movie");
            With("UnRemoveableVideoIds").Select(ids => ids.GetArrayLength()).Should().Contain(1, "a NoTranscode source needs Force");
            With("Plan").Should().NotBeEmpty("the dry runs answer a plan");
            With("Runs").Should().NotBeEmpty();
            With("OrphanBlobs").Should().NotBeEmpty();
            run.Output.Should().Contain("Sample: Mountain Timelapse", "vod prints tables for people");
            var left = With("Video").Last();
            left.GetProperty("Title").GetString().Should().Be("Sample: Mountain Timelapse", "the walkthrough's last read is what is left of the sample video");
            var leftBytes = 0L;
            await foreach (var blob in app.Container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"videos/{left.GetProperty("VideoId").GetString()}/" })) leftBytes += blob.Properties.ContentLength ?? 0;
            left.GetProperty("Size").GetInt64().Should().Be(leftBytes, "its Size counts exactly what is left of it, as the comment says");
            run.Output.Should().Contain("Dry run, nothing was deleted. Would delete 1 video: ").And.Contain("Deleted 1 video: ", "vod deletes with --yes in a script");
            (await app.ListBlobsAsync("attached/")).Should().HaveCount(1, "one of the two sample attached media was deleted");
        }
        finally
        {
            File.Delete(script);
        }
    }
}
