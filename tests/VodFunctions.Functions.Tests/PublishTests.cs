using System.IO.Compression;
using System.Reflection;
using System.Text.Json.Nodes;
using VodFunctions.Functions.Hosting;

namespace VodFunctions.Functions.Tests;

public sealed class PublishTests : IDisposable
{
    private readonly DirectoryInfo _artifacts = Directory.CreateTempSubdirectory("vod-publish-");

    /// <summary>
    /// Makes the deployment package with scripts/publish.sh (reusing this run's build, so it never races the build of
    /// other test projects), unpacks it and checks that it is a framework-dependent .NET isolated-worker app.
    /// </summary>
    [Fact]
    public async Task ThePackageIsAnIsolatedWorkerAppWithItsFunctionsMetadata()
    {
        var configuration = typeof(PublishTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

        var publish = await Repository.RunAsync("bash", ["scripts/publish.sh", "--no-build", "--nologo", "-nodeReuse:false"],
            new Dictionary<string, string> { ["ARTIFACTS"] = _artifacts.FullName, ["CONFIGURATION"] = configuration });

        publish.ExitCode.Should().Be(0, publish.ToString());
        var unpacked = _artifacts.CreateSubdirectory("unpacked").FullName;
        await ZipFile.ExtractToDirectoryAsync(Path.Combine(_artifacts.FullName, "vodfunctions.zip"), unpacked);
        JsonNode Read(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(unpacked, file)))!;

        File.Exists(Path.Combine(unpacked, "VodFunctions.Functions.dll")).Should().BeTrue();
        Directory.EnumerateFiles(Path.Combine(unpacked, ".azurefunctions")).Should().NotBeEmpty("the host loads the worker's metadata through it");
        Directory.EnumerateFiles(unpacked, "function.json", SearchOption.AllDirectories).Should().BeEmpty("functions.metadata lists the functions");
        Read("host.json")["extensions"]!["http"]!["routePrefix"]!.GetValue<string>().Should().BeEmpty("the root is routed to the app");
        var worker = Read("worker.config.json")["description"]!;
        (worker["language"]!.GetValue<string>(), worker["defaultWorkerPath"]!.GetValue<string>()).Should().Be(("dotnet-isolated", "VodFunctions.Functions.dll"));
        Read("extensions.json")["extensions"]!.AsArray().Should().NotBeEmpty();
        Read("functions.metadata").AsArray().Select(f => f!["name"]!.GetValue<string>()).Should().BeEquivalentTo(WorkerFunction.All.Select(f => f.Name));
        var frameworks = Read("VodFunctions.Functions.runtimeconfig.json")["runtimeOptions"]!["frameworks"]!.AsArray()
            .Select(f => f!["name"]!.GetValue<string>() + " " + f["version"]!.GetValue<string>().Split('.')[0]);
        frameworks.Should().BeEquivalentTo(["Microsoft.NETCore.App 10", "Microsoft.AspNetCore.App 10"], "the package is framework-dependent on .NET 10");
    }

    public void Dispose() => _artifacts.Delete(recursive: true);
}
