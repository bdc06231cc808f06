using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace VodFunctions.Functions.Tests;

/// <summary>The app started without the Functions host, from its build output, configured by app settings.</summary>
public sealed class StartupTests
{
    private static readonly string Configuration = typeof(StartupTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task ItListensOnItsUrlsWithKeysFromAppSettings()
    {
        var (urlsPort, otherPort) = (FreePort(), FreePort());
        var (container, tablePrefix, queue) = (TestStorage.UniqueName("media-"), TestStorage.UniqueName("t"), TestStorage.UniqueName("events-"));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(Repository.Root, "src", "VodFunctions.Functions", "bin", Configuration, "net10.0", "VodFunctions.Functions.dll"), "--urls", $"http://127.0.0.1:{urlsPort}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{otherPort}",
                ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
                ["Vod__MediaContainer"] = container,
                ["Vod__TablePrefix"] = tablePrefix,
                ["Vod__EventsQueue"] = queue,
                ["Vod__Keys__0__Secret"] = "settings-key-0123456789",
                ["Vod__Keys__0__Role"] = "Full",
                ["Vod__Keys__0__AppIds"] = "app-1000000",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{urlsPort}"), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var healthy = await WaitUntilHealthyAsync(http, process);
            healthy.Should().BeTrue($"the app answers on its --urls once up; its output:\n{output}");

            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/CreateUploadVideo")
            {
                Content = new StringContent("""{"Title":"t","FileName":"a.mp4"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-functions-key", "settings-key-0123456789");
            using var created = await http.SendAsync(request);
            created.StatusCode.Should().Be(HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
            using var direct = new HttpClient();
            var other = async () => await direct.GetAsync($"http://127.0.0.1:{otherPort}/api/health");
            await other.Should().ThrowAsync<HttpRequestException>("--urls wins over ASPNETCORE_URLS");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await TestStorage.Blobs.GetBlobContainerClient(container).DeleteIfExistsAsync();
            foreach (var table in new[] { "Media", "Index" }) await TestStorage.Tables.DeleteTableAsync(tablePrefix + table);
            await TestStorage.Queues.GetQueueClient(queue).DeleteIfExistsAsync();
        }
    }

    /// <summary>Polls the health endpoint until it answers 200, the process exits, or a minute passes.</summary>
    private static async Task<bool> WaitUntilHealthyAsync(HttpClient http, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (!process.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            try
            {
                using var response = await http.GetAsync("/api/health");
                if (response.IsSuccessStatusCode) return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        return false;
    }
}
