using System.Text.Json;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Tests;

/// <summary>The function.json files the Azure Functions host reads come from the same list the app maps its routes from.</summary>
public sealed class FunctionMetadataTests
{
    private static readonly string[] IngestAndRead =
    [
        "CreateUploadVideo", "CreateUploadImage", "CreateUploadAttachedMedia", "CompleteUpload", "RegisterMediaFiles",
        "GetVideoInfo", "GetPlayInfo", "GetMezzanineInfo", "GetImageInfo", "ListSnapshots", "GetAttachedMediaInfo", "SearchMedia",
    ];

    [Fact]
    public void EveryFunctionHasOneUniqueName()
    {
        HttpFunctions.All.Select(f => f.Function.Name.ToLowerInvariant()).Should().OnlyHaveUniqueItems("routes match case-insensitively");
        HttpFunctions.All.Select(f => f.Function.Name).Should().Contain(IngestAndRead).And.Contain("health");
    }

    [Fact]
    public void WritesAnHttpTriggerForEveryOperation()
    {
        var directory = Directory.CreateTempSubdirectory("function-metadata-");
        try
        {
            FunctionMetadata.Write(directory.FullName);

            Directory.GetDirectories(directory.FullName).Select(Path.GetFileName).Should()
                .BeEquivalentTo(HttpFunctions.All.Select(f => f.Function.Name));
            foreach (var name in IngestAndRead)
            {
                var bindings = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.FullName, name, "function.json"))).RootElement.GetProperty("bindings").Items();
                var trigger = bindings.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
                trigger.GetProperty("route").GetString().Should().Be(name);
                trigger.GetProperty("methods").Items().Select(m => m.GetString()).Should().Equal("post");
                trigger.GetProperty("authLevel").GetString().Should().Be("anonymous", "the app checks keys itself");
                bindings.Should().ContainSingle(b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "out");
            }
            var health = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.FullName, "health", "function.json"))).RootElement;
            health.GetProperty("bindings").Items()[0].GetProperty("methods").Items().Select(m => m.GetString()).Should().Equal("get");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheHostRoutePrefixIsTheAppsOwn()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "host.json"))) root = root.Parent;
        root.Should().NotBeNull("host.json is at the repository root");

        var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(root!.FullName, "host.json"))).RootElement;

        host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString().Should().Be(HttpFunctions.RoutePrefix);
        host.GetProperty("customHandler").GetProperty("enableForwardingHttpRequest").GetBoolean().Should().BeTrue();
    }
}
