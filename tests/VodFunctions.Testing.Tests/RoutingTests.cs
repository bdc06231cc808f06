using System.Text.Json;

namespace VodFunctions.Testing.Tests;

public class RoutingTests
{
    [Fact]
    public void Literal_segments_match_case_insensitively_and_only_whole_paths()
    {
        var route = new FunctionRoute("videos/list");

        route.TryMatch("Videos/LIST", out var values).Should().BeTrue();
        values.Should().BeEmpty();
        route.TryMatch("videos", out _).Should().BeFalse();
        route.TryMatch("videos/list/more", out _).Should().BeFalse();
    }

    [Fact]
    public void Parameters_take_one_unescaped_segment()
    {
        var route = new FunctionRoute("videos/{id}/files/{name:alpha}");

        route.TryMatch("videos/a%20b/files/c", out var values).Should().BeTrue();
        values.Should().Equal(new Dictionary<string, string> { ["id"] = "a b", ["name"] = "c" });
        route.TryMatch("videos/a/files", out _).Should().BeFalse();
    }

    [Fact]
    public void An_optional_last_parameter_may_be_missing()
    {
        var route = new FunctionRoute("videos/{id?}");

        route.TryMatch("videos", out var none).Should().BeTrue();
        none.Should().BeEmpty();
        route.TryMatch("videos/7", out var some).Should().BeTrue();
        some["id"].Should().Be("7");
    }

    [Theory]
    [InlineData("files/{*path}", "files/a/b/c.txt", "a/b/c.txt")]
    [InlineData("files/{**path}", "files/a/b", "a/b")]
    [InlineData("files/{*path}", "files", "")]
    public void A_catch_all_takes_the_rest(string template, string path, string expected)
    {
        new FunctionRoute(template).TryMatch(path, out var values).Should().BeTrue();
        values["path"].Should().Be(expected);
    }

    [Fact]
    public void A_segment_mixing_text_and_parameters_never_matches()
    {
        new FunctionRoute("files/{name}.{ext}").TryMatch("files/a.txt", out _).Should().BeFalse();
    }

    [Fact]
    public void Literals_are_more_specific_than_parameters_and_parameters_than_catch_alls()
    {
        new FunctionRoute("videos/list").Precedence.Should().BeLessThan(new FunctionRoute("videos/{id}").Precedence);
        new FunctionRoute("videos/{id:int}").Precedence.Should().BeLessThan(new FunctionRoute("videos/{id}").Precedence);
        new FunctionRoute("videos/{id}").Precedence.Should().BeLessThan(new FunctionRoute("videos/{*rest}").Precedence);
        new FunctionRoute("videos/{id}/x").Precedence.Should().BeLessThan(new FunctionRoute("{area}/list/x").Precedence);
    }

    [Fact]
    public void The_most_specific_route_wins_whatever_the_functions_order()
    {
        var routes = Routes(Http("ByName", "post", "echo/{name}"), Http("Files", "get", "echo/{*rest}"), Http("List", "post", "echo/list"));

        FunctionsHost.MatchRoute(routes, "api", "POST", "/api/echo/list")!.Value.Function.Name.Should().Be("List");
        FunctionsHost.MatchRoute(routes, "api", "POST", "/api/echo/bob")!.Value.Function.Name.Should().Be("ByName");
        FunctionsHost.MatchRoute(routes, "api", "GET", "/api/echo/list")!.Value.Function.Name.Should().Be("Files");
    }

    [Fact]
    public void A_function_is_matched_only_under_the_prefix_and_by_its_methods()
    {
        var routes = Routes(Http("Delete", "post", "videos/{id}/delete"), Http("Any", null, "any"));

        FunctionsHost.MatchRoute(routes, "api", "post", "/api/videos/v1/delete")!.Value.Values["id"].Should().Be("v1");
        FunctionsHost.MatchRoute(routes, "api", "GET", "/api/videos/v1/delete").Should().BeNull();
        FunctionsHost.MatchRoute(routes, "api", "POST", "/videos/v1/delete").Should().BeNull();
        FunctionsHost.MatchRoute(routes, "api", "PATCH", "/api/any").Should().NotBeNull();
        FunctionsHost.MatchRoute(routes, "", "POST", "/videos/v1/delete").Should().NotBeNull();
        FunctionsHost.MatchRoute(routes, "v2/x", "POST", "/v2/x/any").Should().NotBeNull();
    }

    [Fact]
    public void An_http_function_without_route_is_served_at_its_name()
    {
        var function = Function("Health", """{"name":"req","type":"httpTrigger","direction":"In","methods":["get","HEAD"]}""");

        function.IsHttp.Should().BeTrue();
        function.Route.Should().Be("Health");
        function.Methods.Should().Equal("GET", "HEAD");
        function.Trigger.Property("authLevel").Should().BeNull();
    }

    [Fact]
    public void A_timer_function_has_no_route_and_keeps_its_raw_schedule()
    {
        var function = Function("Tick", """{"name":"timer","type":"timerTrigger","direction":"In","schedule":"%Vod__Schedules__Tick%","useMonitor":true}""");

        function.IsHttp.Should().BeFalse();
        function.Route.Should().BeNull();
        function.Trigger.Property("Schedule").Should().Be("%Vod__Schedules__Tick%");
        function.Trigger.Property("useMonitor").Should().Be("true");
    }

    [Theory]
    [InlineData(null, "api")]
    [InlineData("""{ "version": "2.0" }""", "api")]
    [InlineData("""{ "extensions": { "http": { "routePrefix": "" } } }""", "")]
    [InlineData("{ \"Extensions\": { \"Http\": { \"RoutePrefix\": \"/v1/\" } }, // comment\n}", "v1")]
    public void The_route_prefix_comes_from_host_json(string? hostJson, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        try
        {
            if (hostJson is not null)
            {
                File.WriteAllText(path, hostJson);
            }
            FunctionsHost.ReadRoutePrefix(path).Should().Be(expected);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_protocol_types_come_from_the_workers_descriptors()
    {
        var service = Microsoft.Azure.Functions.Worker.Grpc.Messages.FunctionRpcReflection.Descriptor.Services.Single();

        service.FullName.Should().Be("AzureFunctionsRpcMessages.FunctionRpc");
        service.Methods.Select(m => (m.Name, m.IsClientStreaming, m.IsServerStreaming)).Should().Equal(("EventStream", true, true));
        Microsoft.Azure.Functions.Worker.Grpc.Messages.StreamingMessage.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name)
            .Should().Contain(["start_stream", "worker_init_request", "function_load_request", "invocation_request", "invocation_response", "rpc_log"]);
    }

    private static HostedFunction Http(string name, string? method, string route) => Function(name, JsonSerializer.Serialize(new
    {
        name = "req", type = "httpTrigger", direction = "In", methods = method is null ? null : new[] { method }, route,
    }));

    private static HostedFunction Function(string name, string trigger)
    {
        var json = JsonDocument.Parse(trigger).RootElement;
        var binding = new HostedBinding(json.GetProperty("name").GetString()!, json.GetProperty("type").GetString()!, "In", json);
        return new HostedFunction(name, $"App.Functions.{name}", "App.dll", [binding]);
    }

    private static (HostedFunction, FunctionRoute)[] Routes(params HostedFunction[] functions) =>
        functions.Select(f => (f, new FunctionRoute(f.Route!))).ToArray();
}
