using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Specialized;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VodFunctions.Core;
using VodFunctions.Functions.Tests.RecycleBin;

namespace VodFunctions.Functions.Tests.Audit;

/// <summary>The audit log: a record of every deletion attempt, whoever makes it, written once even when a delete is finished by another.</summary>
public sealed class AuditLogTests
{
    private static readonly DateTimeOffset Start = new(2030, 3, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A Full key of the default application with a name, as an operator configures an editor's key.</summary>
    public const string EditorKey = "editor-key-0123456789";

    public static Dictionary<string, string?> Editor(IDictionary<string, string?>? more = null) => new(more ?? new Dictionary<string, string?>())
    {
        ["Vod:Keys:4:Secret"] = EditorKey, ["Vod:Keys:4:Role"] = "Full", ["Vod:Keys:4:AppIds"] = TestApp.DefaultApp, ["Vod:Keys:4:Name"] = "editor",
    };

    private static async Task<List<JsonElement>> DeletionsAsync(TestApp app, object? query = null, string key = TestApp.AdminKey)
    {
        var listed = await app.CallAsync("ListDeletions", query ?? new { PageSize = 100 }, key);
        listed.Status.Should().Be(200, listed.ToString());
        return listed["Deletions"].EnumerateArray().ToList();
    }

    private static async Task<List<JsonElement>> OfAsync(TestApp app, string mediaId) => await DeletionsAsync(app, new { MediaId = mediaId, PageSize = 100 });

    private static string? Text(JsonElement record, string name) => record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<List<TableEntity>> AuditRowsAsync(TestApp app) =>
        await TestStorage.Tables.GetTableClient(app.TablePrefix + "Audit").QueryAsync<TableEntity>().ToListAsync();

    [Fact]
    public async Task EachItemOfADeleteCallIsRecordedWithTheKeyTheOutcomeAndWhatWasRemoved()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock, Editor());
        var video = await app.SeedVideoAsync(streams: 2, segments: 3, snapshots: 1);
        var other = await app.SeedVideoAsync(appId: TestApp.OtherApp);
        var streams = await app.SeedVideoAsync(streams: 2, segments: 3, snapshots: 0);
        var files = (await app.ListBlobsAsync(video.Folder)).Count;
        var missing = Guid.NewGuid().ToString("N");

        var planned = await app.CallAsync("DeleteStream", new { VideoId = streams.VideoId, JobIds = streams.JobIds[0], DryRun = true }, EditorKey);
        clock.Advance(TimeSpan.FromMinutes(1));
        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = new[] { video.VideoId, missing, other.VideoId } }, EditorKey);

        deleted.Status.Should().Be(200, deleted.ToString());
        var records = await DeletionsAsync(app);
        records.Select(r => (r.Prop("MediaId"), r.Prop("Outcome"), r.GetProperty("DryRun").GetBoolean())).Should().BeEquivalentTo(
        [
            (video.VideoId, "Deleted", false), (missing, "NotFound", false), (other.VideoId, "Forbidden", false), (streams.VideoId, "Deleted", true),
        ]);
        records[^1].Prop("MediaId").Should().Be(streams.VideoId, "newest first");
        records.Should().OnlyContain(r => r.Prop("Trigger") == "api" && r.Prop("KeyName") == "editor");
        var gone = records.Single(r => r.Prop("MediaId") == video.VideoId);
        (gone.Prop("Operation"), gone.Prop("AppId"), gone.Prop("MediaType"), gone.Prop("DeleteType"), gone.Prop("RequestId"))
            .Should().Be(("DeleteVideo", TestApp.DefaultApp, "video", "all", deleted.RequestId!));
        (gone.Int("Files"), gone.Long("Bytes")).Should().Be((files, deleted["Deleted"].Long("Bytes")));
        gone.Prop("OperationId").Should().MatchRegex("^[0-9a-f]{32}$").And.Be(gone.Prop("RecordId"));
        DateTimeOffset.Parse(gone.Prop("Time")).Should().Be(clock.GetUtcNow());
        var dry = records.Single(r => r.Prop("MediaId") == streams.VideoId);
        (dry.Prop("Operation"), dry.Prop("DeleteType"), dry.Int("Files"), dry.Prop("RequestId")).Should().Be(("DeleteStream", "stream", 4, planned.RequestId!), "its playlist and three segments");
        dry.GetProperty("JobIds").EnumerateArray().Select(j => j.GetString()).Should().Equal(streams.JobIds[0]);
        (await app.ListBlobsAsync(streams.Folder)).Should().HaveCount(1 + 2 * 4, "a dry run deletes nothing");

        var rows = await AuditRowsAsync(app);
        rows.Should().HaveCount(2 * 4, "each record and its MediaId twin");
        var text = string.Join("\n", rows.SelectMany(r => r.Select(p => p.Value?.ToString())));
        foreach (var secret in new[] { TestApp.AdminKey, TestApp.FullKey, TestApp.OtherAppKey, TestApp.ReadOnlyKey, EditorKey })
            text.Should().NotContain(secret, "no record holds a key's secret");
    }

    [Fact]
    public async Task DeleteMultipartUploadAndTheOtherDeletesAreRecordedAsTheirOperations()
    {
        await using var app = await TestApp.StartAsync(Editor());
        var video = await app.SeedVideoAsync(streams: 1, segments: 1, snapshots: 1);
        var (image, _) = await app.SeedFileAsync("image");
        var (attached, _) = await app.SeedFileAsync("attached");
        var uploading = (await app.CallAsync("CreateUploadVideo", new { Title = "Half uploaded", FileName = "a.mp4" })).Str("VideoId");
        await app.Container.GetBlockBlobClient($"videos/{uploading}/mezzanine/a.mp4").StageBlockAsync(Convert.ToBase64String(new byte[16]), new MemoryStream(new byte[300]));

        (await app.CallAsync("DeleteMultipartUpload", new { MediaId = uploading, MediaType = "video" }, EditorKey)).Status.Should().Be(200);
        (await app.CallAsync("DeleteMezzanines", new { VideoIds = video.VideoId }, EditorKey)).Status.Should().Be(200);
        (await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageId", ImageIds = image }, EditorKey)).Status.Should().Be(200);
        (await app.CallAsync("DeleteAttachedMedia", new { MediaIds = attached }, EditorKey)).Status.Should().Be(200);

        var records = await DeletionsAsync(app);
        records.Select(r => (r.Prop("Operation"), r.Prop("MediaId"), r.Prop("Outcome"))).Should().Equal(
            ("DeleteAttachedMedia", attached, "Deleted"), ("DeleteImage", image, "Deleted"), ("DeleteMezzanines", video.VideoId, "Deleted"),
            ("DeleteMultipartUpload", uploading, "Deleted"));
        var discarded = records[^1];
        (discarded.Int("Files"), discarded.Long("Bytes"), discarded.Prop("KeyName"), discarded.Prop("AppId")).Should().Be((1, 300L, "editor", TestApp.DefaultApp));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APolicysDeletesAreRecordedWithThePolicyAndTheRun(bool fanOut)
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock, fanOut ? TestApp.FanOut() : null);
        var old = await app.SeedPolicyVideoAsync("news", definitions: "LD");
        clock.Advance(TimeSpan.FromDays(100));
        var young = await app.SeedPolicyVideoAsync("news");
        var policy = await app.SetPolicyAsync(new { Name = "Old news", Action = "DeleteVideo", MinAge = "P90D" });

        var run = await app.ApplyPoliciesAsync();
        if (fanOut) await app.WaitForPolicyRunAsync(run.Prop("RunId"));

        var record = (await DeletionsAsync(app)).Should().ContainSingle().Subject;
        (record.Prop("MediaId"), record.Prop("Trigger"), record.Prop("PolicyId"), record.Prop("PolicyName"), record.Prop("Operation"), record.Prop("Outcome"))
            .Should().Be((old.VideoId, "policy", policy, "Old news", "DeleteVideo", "Deleted"));
        (record.Prop("RequestId"), record.Int("Files"), record.Long("Bytes")).Should().Be((run.Prop("RunId"), 3, 1300L));
        Text(record, "KeyName").Should().BeNull();
        (await OfAsync(app, young.VideoId)).Should().BeEmpty();
    }

    [Fact]
    public async Task TheRecycleBinsMoveRestoreAndPurgesAreRecorded()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock, Editor(BinState.Bin));
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var timed = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var files = (await app.ListBlobsAsync(video.Folder)).Count;

        var moved = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, EditorKey));
        clock.Advance(TimeSpan.FromMinutes(1));
        (await app.CallAsync("RestoreMedia", new { EntryIds = moved }, EditorKey)).Status.Should().Be(200);
        clock.Advance(TimeSpan.FromMinutes(1));
        var again = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, EditorKey));
        clock.Advance(TimeSpan.FromMinutes(1));
        (await app.CallAsync("PurgeRecycleBin", new { EntryIds = again })).Status.Should().Be(200);
        clock.Advance(TimeSpan.FromMinutes(1));
        var expiring = BinState.EntryOf(await app.CallAsync("DeleteVideo", new { VideoIds = timed.VideoId }, EditorKey));
        clock.Advance(TimeSpan.FromDays(8));
        (await app.RunTimerAsync("EmptyRecycleBin")).Status.Should().Be("Completed");

        var records = await DeletionsAsync(app);
        records.Select(r => (r.Prop("Operation"), r.Prop("MediaId"), r.Prop("Outcome"), r.Prop("Trigger"), Text(r, "KeyName"), r.Prop("EntryId"), r.Int("Files"))).Should().Equal(
            ("PurgeRecycleBin", timed.VideoId, "Purged", "bin", null, expiring, files),
            ("DeleteVideo", timed.VideoId, "MovedToBin", "api", "editor", expiring, files),
            ("PurgeRecycleBin", video.VideoId, "Purged", "api", "Admin key", again, files),
            ("DeleteVideo", video.VideoId, "MovedToBin", "api", "editor", again, files),
            ("RestoreMedia", video.VideoId, "Restored", "api", "editor", moved, files),
            ("DeleteVideo", video.VideoId, "MovedToBin", "api", "editor", moved, files));
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task ADeleteStoppedMidwayAndFinishedByARetryHasOneCompleteRecord()
    {
        var gate = new GatePolicy(FaultPolicy.IsBlobDelete);
        await using var owner = await TestApp.StartAsync(Editor(), builder => builder.Services.Configure<StorageClientsOptions>(o => o.BlobPolicies.Add(gate)));
        await using var other = await TestApp.StartAsync(Editor(owner.SharedStorage()));
        var video = await owner.SeedVideoAsync(streams: 2, segments: 4, snapshots: 1);
        var files = (await owner.ListBlobsAsync(video.Folder)).Count;
        gate.Armed = true;
        var stopped = owner.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, EditorKey);
        await gate.Entered.WaitAsync(TimeSpan.FromMinutes(1));

        var retried = await other.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });
        retried.Status.Should().Be(200, retried.ToString());
        gate.Open();
        (await stopped).Status.Should().Be(200, "the first attempt finds its delete finished");

        var record = (await OfAsync(other, video.VideoId)).Should().ContainSingle().Subject;
        (record.Prop("Outcome"), record.Prop("KeyName"), record.Prop("AppId"), record.Int("Files")).Should().Be(("Deleted", "editor", TestApp.DefaultApp, files),
            "the record is the delete's, as its journal carried it, whoever finished it");
        Text(record, "FinishedBy").Should().BeNull();
        (await owner.ListBlobsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task ADeleteStoppedMidwayAndFinishedByReconcileStorageHasOneCompleteRecord()
    {
        // The owner stops midway (its blob deletes held) and its clock stands still, as a dead process's does.
        var clock = new FakeTimeProvider(Start);
        var gate = new GatePolicy(FaultPolicy.IsBlobDelete);
        await using var owner = await TimerKit.StartAsync(new FakeTimeProvider(Start), Editor(),
            builder => builder.Services.Configure<StorageClientsOptions>(o => o.BlobPolicies.Add(gate)));
        await using var reconciler = await TimerKit.StartAsync(clock, Editor(owner.SharedStorage()));
        var video = await owner.SeedVideoAsync(streams: 1, segments: 4, snapshots: 1);
        var files = (await owner.ListBlobsAsync(video.Folder)).Count;
        gate.Armed = true;
        var stopped = owner.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, EditorKey);
        await gate.Entered.WaitAsync(TimeSpan.FromMinutes(1));

        clock.Advance(TimeSpan.FromSeconds(35));
        (await reconciler.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(1);
        gate.Open();
        (await stopped).Status.Should().Be(200);
        clock.Advance(TimeSpan.FromMinutes(15));
        await reconciler.ReconcileAsync();

        var record = (await OfAsync(reconciler, video.VideoId)).Should().ContainSingle().Subject;
        (record.Prop("Outcome"), record.Prop("KeyName"), record.Prop("Trigger"), record.Prop("FinishedBy"), record.Int("Files"))
            .Should().Be(("Deleted", "editor", "api", "ReconcileStorage", files));
        DateTimeOffset.Parse(record.Prop("Time")).Should().Be(Start, "a record's time is when its delete began");
    }

    [Fact]
    public async Task AnOrphanBlobReconcileStorageDeletesIsRecorded()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock);
        var owner = Guid.NewGuid().ToString("N");
        await app.UploadAsync($"videos/{owner}/mezzanine/lost.mp4", 77);
        await app.ReconcileAsync();
        clock.Advance(TimeSpan.FromHours(25));

        var report = await app.ReconcileAsync();

        report["LastRun"].Int("DeletedOrphans").Should().Be(1);
        var record = (await OfAsync(app, owner)).Should().ContainSingle().Subject;
        (record.Prop("Operation"), record.Prop("Trigger"), record.Prop("MediaType"), record.Prop("Outcome"), record.Int("Files"), record.Long("Bytes"))
            .Should().Be(("DeleteOrphanBlob", "reconcile", "video", "Deleted", 1, 77L));
        (record.Prop("RequestId"), record.Prop("AppId")).Should().Be((report["LastRun"].Prop("RunId"), ""));
    }

    [Fact]
    public async Task AnAuditRecordStorageRefusedIsWrittenOnceByReconcileStorage()
    {
        string? auditTable = null;
        var clock = new FakeTimeProvider(Start);
        var refused = new FaultPolicy(m => auditTable is not null && FaultPolicy.IsTableTransaction(m) && BodyOf(m).Contains(auditTable, StringComparison.Ordinal), passing: 0);
        await using var app = await TimerKit.StartAsync(clock, Editor(), refused.On(o => o.TablePolicies, maxRetries: 0));
        var video = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        auditTable = app.TablePrefix + "Audit";

        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, EditorKey);

        deleted.Status.Should().Be(200, "the delete is done; its record waits, as an unsent event does");
        refused.Failed.Should().BeGreaterThan(0);
        (await app.EventsAsync()).Should().BeEmpty("the record goes before the event");
        refused.Armed = false;
        (await OfAsync(app, video.VideoId)).Should().BeEmpty();
        clock.Advance(TimeSpan.FromMinutes(6));
        (await app.ReconcileAsync())["FinishedDeletes"].GetInt32().Should().Be(1);
        await app.ReconcileAsync();

        var record = (await OfAsync(app, video.VideoId)).Should().ContainSingle().Subject;
        (record.Prop("Outcome"), record.Prop("KeyName"), record.Prop("RequestId")).Should().Be(("Deleted", "editor", deleted.RequestId!));
        (await app.DrainEventsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task AStorageFaultMidwayIsRecordedAsAFailedAttemptAndTheRetryAsTheDelete()
    {
        var fault = new FaultPolicy(FaultPolicy.IsBlobDelete, passing: 0) { Armed = false };
        await using var app = await TestApp.StartAsync(Editor(), fault.On(o => o.BlobPolicies, maxRetries: 0));
        var video = await app.SeedVideoAsync(streams: 1, segments: 4, snapshots: 1);
        fault.Arm(passing: 0);
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, EditorKey)).Code.Should().Be("DeleteVideoFailed");
        fault.Armed = false;
        (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId })).Status.Should().Be(200);

        var records = await OfAsync(app, video.VideoId);
        records.Select(r => (r.Prop("Outcome"), Text(r, "ErrorCode"), r.Prop("KeyName"))).Should().BeEquivalentTo([("Deleted", (string?)null, "editor"), ("Failed", "DeleteVideoFailed", "editor")]);
        records[0].Prop("OperationId").Should().Be(records[1].Prop("OperationId"), "one journalled delete: a failed attempt, then its end");
    }

    [Fact]
    public async Task ThePurgeTimerRemovesTheDaysOlderThanTheRetentionAndRecordsItsRun()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock, new Dictionary<string, string?> { ["Vod:Audit:Retention"] = "P30D" });
        var old = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        var kept = await app.SeedVideoAsync(streams: 0, snapshots: 0);
        (await app.CallAsync("DeleteVideo", new { VideoIds = new[] { old.VideoId, Guid.NewGuid().ToString("N") } })).Status.Should().Be(200);
        clock.Advance(TimeSpan.FromDays(20));
        (await app.CallAsync("DeleteVideo", new { VideoIds = kept.VideoId })).Status.Should().Be(200);
        clock.Advance(TimeSpan.FromDays(15));

        var invoked = await app.RunTimerAsync("PurgeAuditLog");

        invoked.Status.Should().Be("Completed", invoked.ToString());
        (await DeletionsAsync(app, new { StartTime = "2000-01-01T00:00:00Z" })).Select(r => r.Prop("MediaId")).Should().Equal(kept.VideoId);
        (await AuditRowsAsync(app)).Should().HaveCount(2, "the kept record and its twin");
        var run = (await app.CallAsync("ListFunctionRuns", new { FunctionName = "PurgeAuditLog" }))["Runs"].EnumerateArray().Should().ContainSingle().Subject;
        (run.Prop("Status"), run.Int("PurgedRecords")).Should().Be(("Completed", 2));
    }

    [Fact]
    public async Task ListDeletionsFiltersPagesNewestFirstAndShowsAKeyOnlyItsApplications()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = await TimerKit.StartAsync(clock, Editor());
        var ids = new List<string>();
        foreach (var (appId, key) in new[] { (TestApp.DefaultApp, EditorKey), (TestApp.OtherApp, TestApp.OtherAppKey), (TestApp.DefaultApp, TestApp.AdminKey), (TestApp.DefaultApp, EditorKey), (TestApp.OtherApp, TestApp.AdminKey) })
        {
            var video = await app.SeedVideoAsync(streams: 0, snapshots: 0, appId: appId);
            (await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId }, key)).Status.Should().Be(200);
            ids.Add(video.VideoId);
            clock.Advance(TimeSpan.FromHours(12));
        }
        ids.Reverse(); // newest first

        var pages = new List<List<string>>();
        string? token = null;
        do
        {
            var page = await app.CallAsync("ListDeletions", new { PageSize = 2, PageToken = token });
            page.Status.Should().Be(200, page.ToString());
            pages.Add(page["Deletions"].EnumerateArray().Select(r => r.Prop("MediaId")).ToList());
            token = page.Json.TryGetProperty("NextPageToken", out var next) ? next.GetString() : null;
        }
        while (token is not null);
        pages.SelectMany(p => p).Should().Equal(ids);
        pages.Should().OnlyContain(p => p.Count <= 2);

        (await DeletionsAsync(app, new { MediaId = ids[1] })).Select(r => r.Prop("MediaId")).Should().Equal(ids[1]);
        (await DeletionsAsync(app, new { AppId = TestApp.OtherApp })).Select(r => r.Prop("MediaId")).Should().Equal(ids[0], ids[3]);
        (await DeletionsAsync(app, new { KeyName = "editor" })).Select(r => r.Prop("MediaId")).Should().Equal(ids[1], ids[4]);
        var times = (await DeletionsAsync(app)).Select(r => r.Prop("Time")).ToList();
        (await DeletionsAsync(app, new { StartTime = times[3], EndTime = times[1] })).Select(r => r.Prop("MediaId")).Should().Equal(ids[1], ids[2], ids[3]);
        (await DeletionsAsync(app, new { MediaId = ids[2], EndTime = times[3] })).Should().BeEmpty();

        (await DeletionsAsync(app, key: EditorKey)).Select(r => r.Prop("MediaId")).Should().Equal(new[] { ids[1], ids[2], ids[4] }, "a key sees only its applications");
        (await DeletionsAsync(app, key: TestApp.ReadOnlyKey)).Should().HaveCount(5);
        (await app.CallAsync("ListDeletions", new { AppId = TestApp.DefaultApp }, TestApp.OtherAppKey)).Status.Should().Be(403);
        (await app.CallAsync("ListDeletions", new { StartTime = "yesterday" })).Code.Should().Be("InvalidParameter");
        (await app.CallAsync("ListDeletions", new { StartTime = times[0], EndTime = times[4] })).Code.Should().Be("InvalidParameter");
    }

    /// <summary>The body of a request (a table transaction names its table there).</summary>
    private static string BodyOf(Azure.Core.HttpMessage message)
    {
        if (message.Request.Content is not { } content) return "";
        using var buffer = new MemoryStream();
        content.WriteTo(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
