using System.Reflection;
using System.Text.Json.Nodes;

namespace VodFunctions.Functions.Tests;

/// <summary>
/// infra/main.bicep compiled and linted by the Bicep CLI (from the Azure.Bicep.CommandLine package): no
/// error and no warning, and the ARM template it compiles to holds what the deployment relies on.
/// </summary>
public sealed class InfraTests
{
    private static readonly string Bicep = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "BicepPath").Value!;

    private static readonly string MainBicep = Path.Combine(Repository.Root, "infra", "main.bicep");
    private static readonly string MainParams = Path.Combine(Repository.Root, "infra", "main.bicepparam");
    private static readonly Dictionary<string, string> Environment = new() { ["VOD_ADMIN_KEY"] = new string('k', 40) };

    private static readonly string[] StorageRoles =
    [
        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
        "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
        "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor
    ];

    [Fact]
    public async Task TemplateAndParametersLintWithoutErrorsOrWarnings()
    {
        foreach (var file in new[] { MainBicep, MainParams })
        {
            var lint = await Repository.RunAsync(Bicep, ["lint", file], Environment);
            lint.ExitCode.Should().Be(0, lint.ToString());
            (lint.Output + lint.Errors).Should().BeEmpty("bicep lint reports every warning and error of {0}", file);
        }
        var parameters = await Repository.RunAsync(Bicep, ["build-params", MainParams, "--stdout"], Environment);
        parameters.ExitCode.Should().Be(0, parameters.ToString());
        parameters.Errors.Should().BeEmpty();
        var values = JsonNode.Parse(JsonNode.Parse(parameters.Output)!["parametersJson"]!.GetValue<string>())!["parameters"]!;
        values["adminKey"]!["value"]!.GetValue<string>().Should().Be(Environment["VOD_ADMIN_KEY"], "the key comes from the environment, not the file");
    }

    [Fact]
    public async Task TemplateDeploysAnIdentityOnlyDotnetIsolatedApp()
    {
        var build = await Repository.RunAsync(Bicep, ["build", MainBicep, "--stdout"]);
        build.ExitCode.Should().Be(0, build.ToString());
        build.Errors.Should().BeEmpty("bicep build reports every warning and error on stderr");
        var template = JsonNode.Parse(build.Output)!;
        var resources = template["resources"]!.AsArray().Select(r => r!).ToList();
        JsonNode Single(string type) => resources.Should().ContainSingle(r => Str(r["type"]) == type).Subject;

        var storage = Single("Microsoft.Storage/storageAccounts")["properties"]!;
        storage["allowSharedKeyAccess"]!.GetValue<bool>().Should().BeFalse();
        storage["allowBlobPublicAccess"]!.GetValue<bool>().Should().BeFalse();
        var blobService = Single("Microsoft.Storage/storageAccounts/blobServices")["properties"]!;
        blobService["deleteRetentionPolicy"]!["enabled"]!.GetValue<bool>().Should().BeFalse("deletes are physical");

        var variables = template["variables"]!;
        var queues = Single("Microsoft.Storage/storageAccounts/queueServices/queues");
        Str(queues["name"]).Should().Contain("variables('eventsQueueName')").And.Contain("variables('policyWorkQueueName')");
        (Str(variables["eventsQueueName"]), Str(variables["policyWorkQueueName"])).Should().Be(("vod-events", "vod-policy-work"));
        resources.Where(r => Str(r["type"]) == "Microsoft.Storage/storageAccounts/blobServices/containers")
            .Select(r => Str(r["name"])).Should().Contain(name => name.Contains("variables('mediaContainerName')"));
        Str(variables["mediaContainerName"]).Should().Be("vod-media");
        Str(Single("Microsoft.Storage/storageAccounts/tableServices/tables")["name"]).Should().Contain("variables('catalogTableNames')[copyIndex()]");
        variables["catalogTableNames"]!.AsArray().Select(Str).Should().Equal("VodMedia", "VodIndex");

        Single("Microsoft.Web/serverfarms")["sku"]!["name"]!.GetValue<string>().Should().Be("FC1");
        var site = Single("Microsoft.Web/sites");
        Str(site["kind"]).Should().Be("functionapp,linux");
        Str(site["identity"]!["type"]).Should().Be("UserAssigned");
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        (Str(runtime["name"]), Str(runtime["version"])).Should().Be(("dotnet-isolated", "10.0"));
        Str(site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]).Should().Be("UserAssignedIdentity");

        var settings = site["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => Str(s!["name"]), s => Str(s!["value"]));
        settings.Should().ContainKeys(
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__clientId", "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "Vod__Schedules__ApplyMediaPolicies", "Vod__Schedules__ReconcileStorage", "Vod__Keys__0__Secret", "Vod__Policies__Queue");
        site["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!["maximumInstanceCount"]!.ToString().Should().Contain("maximumInstanceCount");
        template["parameters"]!["maximumInstanceCount"]!["defaultValue"]!.GetValue<int>().Should().Be(40);
        settings.Should().NotContainKey("AzureWebJobsStorage", "no connection string: the account allows no shared key");
        settings["AzureWebJobsStorage__credential"].Should().Be("managedidentity");
        settings["AzureWebJobsStorage__clientId"].Should().Contain("userAssignedIdentities").And.EndWith(".clientId]");
        settings["Vod__Keys__0__Secret"].Should().Be("[parameters('adminKey')]");
        settings["Vod__Keys__0__Role"].Should().Be("Admin");
        Str(template["parameters"]!["adminKey"]!["type"]).Should().Be("securestring");

        // The app's identity holds the three storage data roles on the account.
        var identityRoles = resources.Where(r => Str(r["type"]) == "Microsoft.Authorization/roleAssignments"
            && Str(r["properties"]!["principalType"]) == "ServicePrincipal"
            && Str(r["scope"]).Contains("Microsoft.Storage/storageAccounts")).Should().ContainSingle().Subject;
        Str(identityRoles["properties"]!["principalId"]).Should().Contain("userAssignedIdentities").And.EndWith(".principalId]");
        Str(identityRoles["copy"]!["count"]).Should().Be("[length(variables('storageRoleIds'))]");
        Str(identityRoles["properties"]!["roleDefinitionId"]).Should().Contain("variables('storageRoleIds')[copyIndex()]");
        variables["storageRoleIds"]!.AsArray().Select(id => Resolve(template, id)).Should().BeEquivalentTo(StorageRoles);
    }

    [Fact]
    public async Task TemplateAddsAWorkbookOfTheAppsTelemetry()
    {
        var build = await Repository.RunAsync(Bicep, ["build", MainBicep, "--stdout"]);
        build.ExitCode.Should().Be(0, build.ToString());
        var template = JsonNode.Parse(build.Output)!;
        var workbook = template["resources"]!.AsArray().Should().ContainSingle(r => Str(r!["type"]) == "Microsoft.Insights/workbooks").Subject!;
        Str(workbook["properties"]!["serializedData"]).Should().Be("[string(variables('workbookContent'))]");
        Str(workbook["properties"]!["sourceId"]).Should().Contain("Microsoft.Insights/components");

        // The charts an operator opens first, each a query of what the app exports (its metric and span names).
        var queries = template["variables"]!["workbookQuery"]!.AsObject().ToDictionary(q => q.Key, q => Str(q.Value));
        queries["deletesPerDay"].Should().Contain("\"vod.deletes\"").And.Contain("bin(timestamp, 1d)").And.Contain("vod.trigger");
        queries["bytesPerDay"].Should().Contain("\"vod.deleted.bytes\"").And.Contain("bin(timestamp, 1d)").And.Contain("vod.trigger");
        queries["failures"].Should().Contain("\"failure\"");
        queries["backlog"].Should().Contain("\"vod.interrupted_deletes\"").And.Contain("\"vod.events.pending\"");
        queries["slowest"].Should().StartWith("dependencies").And.Contain("percentile(duration, 95)");
        var items = template["variables"]!["workbookContent"]!["items"]!.AsArray();
        items.Select(i => i!["content"]!["query"]).OfType<JsonNode>().Select(Str).Should().HaveCount(queries.Count)
            .And.OnlyContain(q => q.StartsWith("[variables('workbookQuery')", StringComparison.Ordinal));
    }

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    /// <summary>A template expression <c>[variables('name')]</c> as its value; other strings as they are.</summary>
    private static string Resolve(JsonNode template, JsonNode? node)
    {
        var text = Str(node);
        const string prefix = "[variables('", suffix = "')]";
        return text.StartsWith(prefix, StringComparison.Ordinal) && text.EndsWith(suffix, StringComparison.Ordinal)
            ? Resolve(template, template["variables"]![text[prefix.Length..^suffix.Length]])
            : text;
    }
}
