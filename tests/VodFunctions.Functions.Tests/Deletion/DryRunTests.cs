using System.Text.Json;

namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>A dry run validates as the real call, deletes nothing, and its plan counts what the real call then deletes.</summary>
public sealed class DryRunTests
{
    public static TheoryData<string> Operations => new() { "DeleteVideo", "DeleteStream", "DeleteMezzanines", "DeleteImageById", "DeleteImageByVideo", "DeleteAttachedMedia" };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task PlanCountsExactlyWhatTheRealCallDeletes(string operation)
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 3, snapshots: 2);
        var attached = await app.SeedFileAsync("attached");
        var (name, body, records) = operation switch
        {
            "DeleteVideo" => ("DeleteVideo", (object)new { VideoIds = video.VideoId }, 1 + 2 + 8),
            "DeleteStream" => ("DeleteStream", new { VideoId = video.VideoId, JobIds = video.JobIds[1] }, 1),
            "DeleteMezzanines" => ("DeleteMezzanines", new { VideoIds = video.VideoId }, 0),
            "DeleteImageById" => ("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = video.ImageIds["NormalSnapshot"] }, 2),
            "DeleteImageByVideo" => ("DeleteImage", new { DeleteImageType = "VideoId", VideoId = video.VideoId, ImageType = "All" }, 8),
            _ => ("DeleteAttachedMedia", new { MediaIds = attached.Id }, 1),
        };
        var before = await app.ListBlobsAsync();
        var sizes = new Dictionary<string, long>();
        await foreach (var blob in app.Container.GetBlobsAsync()) sizes[blob.Name] = blob.Properties.ContentLength ?? 0;

        var dry = await app.CallAsync(name, JsonSerializer.SerializeToNode(body)!.AsObject().Also(o => o["DryRun"] = true).ToJsonString());
        dry.Status.Should().Be(200, dry.ToString());
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(before);
        (await app.EventsAsync()).Should().BeEmpty();

        var real = await app.CallAsync(name, body);
        real.Status.Should().Be(200, real.ToString());
        real.Json.TryGetProperty("Plan", out _).Should().BeFalse();
        var deleted = before.Except(await app.ListBlobsAsync()).ToList();
        var plan = dry["Plan"];
        plan.GetProperty("Files").GetInt32().Should().Be(deleted.Count);
        plan.GetProperty("Bytes").GetInt64().Should().Be(deleted.Sum(b => sizes[b]));
        plan.GetProperty("Paths").EnumerateArray().Select(p => p.GetString()).Should().BeEquivalentTo(deleted);
        plan.GetProperty("Records").GetInt32().Should().Be(records);
    }

    [Fact]
    public async Task DryRunValidatesLikeTheRealCall()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1);
        var dry = await app.CallAsync("DeleteStream", new { VideoId = video.VideoId, JobIds = Guid.NewGuid().ToString("N"), DryRun = true });
        dry.Status.Should().Be(404);
        dry.Code.Should().Be("InvalidStream.NotFound");
    }

    [Fact]
    public async Task DryRunOfAWholeVideoCountsItsRecords()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 2, segments: 1, snapshots: 1);
        var dry = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId, DryRun = "true" });
        dry["Plan"].GetProperty("Records").GetInt32().Should().Be(1 + 2 + 4);
        dry["NonExistVideoIds"].GetArrayLength().Should().Be(0);
    }
}

internal static class NodeExtensions
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
