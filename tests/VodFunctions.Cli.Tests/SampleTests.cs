using VodFunctions.Client;

namespace VodFunctions.Cli.Tests;

/// <summary><c>vod sample</c> against the real app: everything it prints exists, with the streams and images it says.</summary>
public sealed class SampleTests
{
    [Fact]
    public async Task SampleMediaExistsWithItsStreamsSnapshotsAndCovers()
    {
        await using var app = await TestApp.StartAsync();
        using var client = new VodClient(app.Client, app.Client.BaseAddress!, TestApp.AdminKey);

        var sample = await Vod.RunAsync(app, "--json", "sample", "--storage", TestStorage.ConnectionString);
        sample.ExitCode.Should().Be(0, sample.ToString());
        var media = sample.Json;

        var videos = media.GetProperty("Videos").EnumerateArray().ToList();
        videos.Should().HaveCount(3);
        foreach (var printed in videos)
        {
            var videoId = printed.GetProperty("VideoId").GetString()!;
            var video = (await client.GetVideoInfoAsync(videoId)).Video;
            video.Should().BeEquivalentTo(new
            {
                Title = printed.GetProperty("Title").GetString(), TranscodeMode = printed.GetProperty("TranscodeMode").GetString(), Status = "Normal",
            }, o => o.ExcludingMissingMembers());

            var streams = printed.GetProperty("Streams").EnumerateArray().Select(s => (s.GetProperty("JobId").GetString()!, s.GetProperty("Definition").GetString()!, "m3u8")).ToList();
            var playable = (await client.GetPlayInfoAsync(videoId)).PlayInfoList;
            playable.Where(s => s.Definition != "OD").Select(s => (s.JobId, s.Definition, s.Format)).Should().BeEquivalentTo(streams);
            foreach (var (jobId, _, _) in streams)
            {
                var files = await app.ListBlobsAsync($"videos/{videoId}/streams/{jobId}/");
                files.Should().HaveCount(5).And.Contain($"videos/{videoId}/streams/{jobId}/index.m3u8");
                var playlist = (await app.Container.GetBlobClient($"videos/{videoId}/streams/{jobId}/index.m3u8").DownloadContentAsync()).Value.Content.ToString();
                playlist.Should().StartWith("#EXTM3U").And.Contain("segment-003.ts").And.EndWith("#EXT-X-ENDLIST\n");
            }
            if (video.TranscodeMode == "NoTranscode") playable.Should().ContainSingle(s => s.Definition == "OD");

            var images = printed.GetProperty("Images").EnumerateArray().Select(i => (i.GetProperty("ImageId").GetString()!, i.GetProperty("ImageType").GetString()!)).ToList();
            (await client.ListSnapshotsAsync(videoId)).Images.Select(i => (i.ImageId, i.ImageType)).Should().BeEquivalentTo(images);
            var cover = await client.GetThumbnailAsync(videoId);
            cover.ContentType.Should().Be("image/jpeg");
            cover.Content.Take(3).Should().Equal(0xFF, 0xD8, 0xFF);
        }
        videos.SelectMany(v => v.GetProperty("Streams").EnumerateArray()).Select(s => s.GetProperty("Definition").GetString()).Distinct().Should().HaveCountGreaterThan(2);
        videos.SelectMany(v => v.GetProperty("Images").EnumerateArray()).Select(s => s.GetProperty("ImageType").GetString()).Distinct()
            .Should().BeEquivalentTo(["CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot"]);
        videos.Select(v => v.GetProperty("TranscodeMode").GetString()).Should().Contain("NoTranscode");

        foreach (var image in media.GetProperty("Images").EnumerateArray())
        {
            var id = image.GetProperty("ImageId").GetString()!;
            (await client.GetImageInfoAsync(id)).ImageInfo.ImageType.Should().Be(image.GetProperty("ImageType").GetString());
            var bytes = (await client.GetThumbnailAsync(id)).Content;
            (bytes.Take(4).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47 }) || bytes.Take(3).SequenceEqual(new byte[] { 0xFF, 0xD8, 0xFF })).Should().BeTrue();
        }
        var attachedIds = media.GetProperty("AttachedMedia").EnumerateArray().Select(a => a.GetProperty("MediaId").GetString()!).ToList();
        var attached = await client.GetAttachedMediaInfoAsync(attachedIds);
        attached.NonExistMediaIds.Should().BeEmpty();
        attached.AttachedMediaList.Select(a => a.BusinessType).Should().BeEquivalentTo(["watermark", "subtitle"]);

        // Shown to people: a table of what it made, each ID findable.
        var again = await Vod.RunAsync(app, "sample", "--storage", TestStorage.ConnectionString);
        again.ExitCode.Should().Be(0, again.ToString());
        again.Out.Should().Contain("Created 3 videos, 2 images and 2 attached media; their titles start with \"Sample\".");
        var search = await client.SearchAllMediaAsync(new SearchMediaRequest { SearchType = "video", Title = "Sample" }).ToListAsync();
        search.Should().HaveCount(6);
        search.Should().OnlyContain(item => again.Out.Contains(item.MediaId) || sample.Out.Contains(item.MediaId));
    }

    [Fact]
    public async Task ASampleForAnotherStorageAccountIsRefusedAndLeavesNothing()
    {
        await using var app = await TestApp.StartAsync();
        var elsewhere = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        var refused = await Vod.RunAsync(app, "sample", "--storage", elsewhere);
        refused.ExitCode.Should().Be(2, refused.ToString());
        refused.Error.Should().Contain("--storage is not the app's media storage");
        (await Vod.RunAsync(app, "sample", "--storage", "not a connection string")).ExitCode.Should().Be(2);
        (await app.CallAsync("SearchMedia", new { SearchType = "video" }))["Total"].GetInt32().Should().Be(0);
        (await app.ListBlobsAsync()).Should().BeEmpty();
    }
}
