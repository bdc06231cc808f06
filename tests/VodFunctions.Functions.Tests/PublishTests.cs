using System.Reflection;
using System.Text.Json.Nodes;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Tests;

public sealed class PublishTests : IDisposable
{
    private readonly DirectoryInfo _output = Directory.CreateTempSubdirectory("vod-publish-");

    /// <summary>
    /// Publishes the function app the way scripts/publish.sh does (reusing this run's build, so it never
    /// races the build of other test projects) and checks that the folder is a custom-handler app.
    /// </summary>
    [Fact]
    public async Task PublishWritesHostJsonAndOneFunctionJsonPerFunction()
    {
        var configuration = typeof(PublishTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var project = Path.Combine(Repository.Root, "src", "VodFunctions.Functions", "VodFunctions.Functions.csproj");

        var publish = await Repository.RunAsync("dotnet", ["publish", project, "--no-build", "--nologo", "-nodeReuse:false", "-c", configuration, "-o", _output.FullName]);

        publish.ExitCode.Should().Be(0, publish.ToString());
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(_output.FullName, "host.json")))!;
        hostJson["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>().Should().Be("VodFunctions.Functions");
        hostJson["extensions"]!["http"]!["routePrefix"]!.GetValue<string>().Should().Be("api");
        File.Exists(Path.Combine(_output.FullName, "VodFunctions.Functions.dll")).Should().BeTrue();

        var written = _output.GetFiles("function.json", SearchOption.AllDirectories).Select(f => f.Directory!.Name);
        written.Should().BeEquivalentTo(HttpFunctions.All.Select(f => f.Function.Name));
        written.Should().Contain(["CreateUploadVideo", "SearchMedia", "health"]);

        foreach (var (function, _) in HttpFunctions.All)
        {
            var trigger = JsonNode.Parse(File.ReadAllText(Path.Combine(_output.FullName, function.Name, "function.json")))!["bindings"]![0]!;
            if (function.Trigger == TriggerKind.Timer)
            {
                trigger["type"]!.GetValue<string>().Should().Be("timerTrigger");
                trigger["schedule"]!.GetValue<string>().Should().Be($"%Vod__Schedules__{function.Name}%");
                continue;
            }
            trigger["type"]!.GetValue<string>().Should().Be("httpTrigger");
            trigger["route"]!.GetValue<string>().Should().Be(function.RouteOrName, function.Name);
            trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()).Should().Equal(function.Methods.Split(','));
        }
        var createUpload = JsonNode.Parse(File.ReadAllText(Path.Combine(_output.FullName, "CreateUploadVideo", "function.json")))!;
        createUpload["bindings"]![0]!["route"]!.GetValue<string>().Should().Be("CreateUploadVideo");
    }

    public void Dispose() => _output.Delete(recursive: true);
}
