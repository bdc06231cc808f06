using System.Globalization;
using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VodFunctions.Core;
using VodFunctions.Core.Files;

namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>Blobs go in Blob Batch requests; blobs already gone count as deleted; where batches are refused, single deletes do the work.</summary>
public sealed class BatchDeleteTests
{
    private static Task<TestApp> StartAsync(BatchSpy spy, int batchSize) => TestApp.StartAsync(
        new Dictionary<string, string?> { ["Vod:DeleteBatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture) },
        builder => builder.Services.Configure<StorageClientsOptions>(options => options.BlobPolicies.Add(spy)));

    [Fact]
    public async Task AVideoOfMoreBlobsThanABatchHoldsGoesInSeveralBatches()
    {
        var spy = new BatchSpy();
        await using var app = await StartAsync(spy, batchSize: 256);
        var video = await app.SeedVideoAsync(streams: 2, segments: 300, snapshots: 1);
        var kept = await app.SeedVideoAsync(streams: 1, segments: 2, snapshots: 0);
        var keptBlobs = await app.ListBlobsAsync(kept.Folder);
        var files = (await app.ListBlobsAsync(video.Folder)).Count;
        files.Should().Be(1 + 2 * 301 + 4);

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync()).Should().BeEquivalentTo(keptBlobs);
        (spy.Batches, spy.SingleDeletes).Should().Be((3, 0), "607 blobs are batches of 256, 256 and 95");
        (await app.EventsAsync()).Single().GetProperty("DeletedFiles").GetInt32().Should().Be(files);
    }

    [Fact]
    public async Task BlobsGoneBeforeTheirBatchCountAsDeletedWithoutSingleDeletes()
    {
        var gone = new List<BlobClient>();
        var spy = new BatchSpy { BeforeFirstBatch = () => Task.WhenAll(gone.Select(blob => blob.DeleteAsync())) };
        await using var app = await StartAsync(spy, batchSize: 256);
        var video = await app.SeedVideoAsync(streams: 2, segments: 20, snapshots: 1);
        var names = await app.ListBlobsAsync(video.Folder);
        gone.AddRange(names.Where((_, i) => i % 3 == 0).Select(app.Container.GetBlobClient));

        var response = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        response.Status.Should().Be(200, response.ToString());
        (await app.ListBlobsAsync()).Should().BeEmpty();
        (spy.Batches, spy.SingleDeletes).Should().Be((1, 0), "a blob not found in a batch is done, not retried singly");
        (await app.EventsAsync()).Single().GetProperty("DeletedFiles").GetInt32().Should().Be(names.Count, "the files listed for the delete are gone");
    }

    [Fact]
    public async Task WhereBatchesAreRefusedBlobsAreDeletedSinglyAndBatchesAreNotTriedAgain()
    {
        var spy = new BatchSpy { AnswerBatches = HttpStatusCode.NotImplemented };
        await using var app = await StartAsync(spy, batchSize: 64);
        var first = await app.SeedVideoAsync(streams: 1, segments: 10, snapshots: 1);
        var second = await app.SeedVideoAsync(streams: 1, segments: 10, snapshots: 1);
        var files = (await app.ListBlobsAsync(first.Folder)).Count;

        (await app.CallAsync("DeleteVideo", new { VideoIds = first.VideoId })).Status.Should().Be(200);
        (spy.Batches, spy.SingleDeletes).Should().Be((1, files));
        (await app.CallAsync("DeleteVideo", new { VideoIds = second.VideoId })).Status.Should().Be(200);

        (spy.Batches, spy.SingleDeletes).Should().Be((1, 2 * files), "the refusal is remembered");
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task BlobNamesThatNeedEscapingAreDeletedInABatch()
    {
        var spy = new BatchSpy();
        var options = new BlobClientOptions();
        options.AddPolicy(spy, Azure.Core.HttpPipelinePosition.PerRetry);
        var container = new BlobServiceClient(TestStorage.ConnectionString, options).GetBlobContainerClient(TestStorage.UniqueName("names-"));
        await container.CreateAsync();
        try
        {
            string[] names = ["odd/a b.ts", "odd/ünï cödé.ts", "odd/x+y=z.ts", "odd/100%.ts", "odd/what?#.ts", "odd/semi;colon,comma&amp.ts"];
            foreach (var name in names) await container.UploadBlobAsync(name, new BinaryData(new byte[3]));
            var tally = new DeleteTally();
            using var gate = new SemaphoreSlim(32);

            await NewDeleter().DeleteAsync(container, ["odd/"], [], gate, tally);

            (tally.Files, spy.Batches, spy.SingleDeletes).Should().Be((names.Length, 1, 0));
            (await container.GetBlobsAsync().ToListAsync()).Should().BeEmpty();
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task AContainerReachedWithASasIsDeletedSinglyForLackOfACredentialToSignSubRequests()
    {
        var container = TestStorage.Blobs.GetBlobContainerClient(TestStorage.UniqueName("sas-"));
        await container.CreateAsync();
        try
        {
            var names = Enumerable.Range(0, 5).Select(i => $"folder/{i}.bin").ToList();
            foreach (var name in names) await container.UploadBlobAsync(name, new BinaryData(new byte[10]));
            var viaSas = new BlobContainerClient(container.GenerateSasUri(BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1)));
            var tally = new DeleteTally();
            using var gate = new SemaphoreSlim(32);

            BlobBatch.For(viaSas).Should().BeNull();
            BlobBatch.For(container).Should().NotBeNull();
            await NewDeleter().DeleteAsync(viaSas, ["folder/"], [], gate, tally);

            (tally.Files, tally.Bytes).Should().Be((5, 50L));
            (await container.GetBlobsAsync().ToListAsync()).Should().BeEmpty();
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    private static BlobDeleter NewDeleter() => new(Options.Create(new VodOptions()), NullLogger<BlobDeleter>.Instance);
}
