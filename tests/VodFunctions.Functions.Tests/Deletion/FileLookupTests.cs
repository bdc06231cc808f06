using Azure.Data.Tables;
using VodFunctions.Core.Catalog;

namespace VodFunctions.Functions.Tests.Deletion;

/// <summary>
/// An image is found by its file through its own path (snapshots and uploaded images registered now have no <c>blob|</c> index
/// row); images written before, with a <c>blob|</c> row, are still found by their file and leave no row behind when deleted.
/// </summary>
public sealed class FileLookupTests
{
    [Fact]
    public async Task ImagesRegisteredNowAreFoundByTheirPathWithoutFileRows()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 0, snapshots: 1);
        var uploaded = await app.SeedFileAsync("image");

        (await FileRowsAsync(app)).Should().BeEmpty("a snapshot or uploaded image is found from its file's path");
        var found = await app.CallAsync("DeleteImage", new
        {
            DeleteImageType = "ImageURL", DryRun = true,
            ImageURLs = new[] { app.UrlOf($"{video.Folder}snapshots/CoverSnapshot/000.jpg"), uploaded.Url },
        });

        found.Status.Should().Be(200, found.ToString());
        found["Plan"].GetProperty("Files").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task ImagesWrittenWithFileRowsAreStillFoundAndLeaveNoRowBehind()
    {
        await using var app = await TestApp.StartAsync();
        var video = await app.SeedVideoAsync(streams: 1, snapshots: 1);
        var media = TestStorage.Tables.GetTableClient(app.TablePrefix + "Media");
        var index = TestStorage.Tables.GetTableClient(app.TablePrefix + "Index");
        // As written before images were found by path: a file row for a registered snapshot, and a snapshot whose ID (random,
        // as IDs once were) does not follow from its file, found through its file row alone.
        var cover = (await media.GetEntityAsync<ImageEntity>(video.VideoId, ImageEntity.RowOf(video.ImageIds["CoverSnapshot"][0]))).Value;
        cover.FoundByPath = false;
        await media.UpdateEntityAsync(cover, cover.ETag, TableUpdateMode.Replace);
        var oldBlob = $"{video.Folder}snapshots/NormalSnapshot/old.jpg";
        await app.UploadAsync(oldBlob, 70);
        var oldId = Guid.NewGuid().ToString("N");
        var old = new ImageEntity
        {
            PartitionKey = video.VideoId, RowKey = ImageEntity.RowOf(oldId), ImageId = oldId, ImageType = "NormalSnapshot", BlobName = oldBlob,
            StorageLocation = "default", VideoId = video.VideoId, AppId = TestApp.DefaultApp, Status = "Normal", CreationTime = DateTimeOffset.UtcNow, Size = 70,
        };
        foreach (var entry in CatalogStore.IndexEntriesOf(old).Concat(CatalogStore.IndexEntriesOf(cover))) await index.UpsertEntityAsync(entry);
        await media.AddEntityAsync(old);
        (await FileRowsAsync(app)).Should().HaveCount(2);

        var byUrl = await app.CallAsync("DeleteImage", new { DeleteImageType = "ImageURL", ImageURLs = new[] { app.UrlOf(oldBlob) } });

        byUrl.Status.Should().Be(200, byUrl.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().NotContain(oldBlob);
        (await app.CallAsync("GetImageInfo", new { ImageId = oldId })).Code.Should().Be("NoSuchResource");
        (await FileRowsAsync(app)).Should().ContainSingle("the deleted image's file row went with it");

        var deleted = await app.CallAsync("DeleteVideo", new { VideoIds = video.VideoId });

        deleted.Status.Should().Be(200, deleted.ToString());
        (await app.ListBlobsAsync(video.Folder)).Should().BeEmpty();
        (await FileRowsAsync(app)).Should().BeEmpty();
        (await app.CatalogRowsAsync()).Should().BeEmpty("the video's records and every index row that led to them are gone");
    }

    private static async Task<List<TableEntity>> FileRowsAsync(TestApp app) =>
        await TestStorage.Tables.GetTableClient(app.TablePrefix + "Index")
            .QueryAsync<TableEntity>(e => e.PartitionKey.CompareTo("blob|") >= 0 && e.PartitionKey.CompareTo("blob}") < 0).ToListAsync();
}
