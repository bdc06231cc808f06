using System.Text.Json;
using System.Text.Json.Nodes;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// Writes <c>{FunctionName}/function.json</c> for every function, from the same list the app maps its
/// routes from, so that the Azure Functions host (custom handler) knows each function. Run by the
/// publish step: <c>dotnet VodFunctions.Functions.dll --write-function-metadata {dir}</c>.
/// </summary>
public static class FunctionMetadata
{
    public const string Switch = "--write-function-metadata";

    public static JsonObject Describe(FunctionAttribute function) => function.Trigger switch
    {
        TriggerKind.Timer => new JsonObject
        {
            ["bindings"] = new JsonArray(new JsonObject
            {
                ["type"] = "timerTrigger", ["direction"] = "in", ["name"] = "timer",
                ["schedule"] = $"%Vod__Schedules__{function.Name}%", ["useMonitor"] = true,
            }),
        },
        _ => new JsonObject
        {
            ["bindings"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "httpTrigger", ["direction"] = "in", ["name"] = "req", ["authLevel"] = "anonymous",
                    ["methods"] = new JsonArray(function.Methods.Split(',').Select(m => (JsonNode)m).ToArray()),
                    ["route"] = function.RouteOrName,
                },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        },
    };

    public static void Write(string directory)
    {
        foreach (var (function, _) in HttpFunctions.All)
        {
            var folder = Directory.CreateDirectory(Path.Combine(directory, function.Name));
            File.WriteAllText(Path.Combine(folder.FullName, "function.json"),
                Describe(function).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
    }
}
