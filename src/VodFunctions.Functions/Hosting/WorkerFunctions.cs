using System.Reflection;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// One function of this app: a <c>[Function]</c> method with its trigger, read from the Azure Functions Worker
/// attributes (from which the Worker SDK also writes <c>functions.metadata</c> for the host). This is the one list of
/// functions: the standalone hosting maps its routes, schedules its timers and reads its queues from it.
/// </summary>
public sealed record WorkerFunction(string Name, MethodInfo Method, HttpTriggerAttribute? Http, TimerTriggerAttribute? Timer)
{
    public static IReadOnlyList<WorkerFunction> All { get; } = typeof(WorkerFunction).Assembly.GetTypes()
        .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(method => method.GetCustomAttribute<FunctionAttribute>() is not null)
        .Select(Of)
        .OrderBy(function => function.Name, StringComparer.Ordinal)
        .ToList();

    private static readonly Dictionary<string, WorkerFunction> ByName = All.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public static WorkerFunction Named(string name) => ByName[name];

    public static IEnumerable<WorkerFunction> HttpFunctions => All.Where(f => f.Http is not null);
    public static IEnumerable<WorkerFunction> TimerFunctions => All.Where(f => f.Timer is not null);
    public static IEnumerable<WorkerFunction> QueueFunctions => All.Where(f => f.Queue is not null);

    /// <summary>A queue function's trigger (its queue's name, maybe a <c>%Setting%</c>); null for the others.</summary>
    public QueueTriggerAttribute? Queue { get; private init; }

    /// <summary>
    /// The route, as the host maps it under host.json's empty route prefix: every operation's starts with <c>api/</c>, only
    /// <see cref="Http.Root"/>'s <c>{*path}</c> is at the root (so that <c>/</c> reaches the app).
    /// </summary>
    public string Route => Http?.Route ?? Name;

    public IReadOnlyList<string> Methods => Http?.Methods?.Select(m => m.ToUpperInvariant()).ToArray() ?? [];

    /// <summary>What an HTTP function declares about itself (<see cref="IApiFunction.Operation"/> of its class); null for the others.</summary>
    public ApiOperation? Operation { get; private init; }

    private static WorkerFunction Of(MethodInfo method)
    {
        var triggers = method.GetParameters().Select(p => p.GetCustomAttributes().ToList()).ToList();
        var function = new WorkerFunction(
            method.GetCustomAttribute<FunctionAttribute>()!.Name, method,
            triggers.SelectMany(a => a).OfType<HttpTriggerAttribute>().SingleOrDefault(),
            triggers.SelectMany(a => a).OfType<TimerTriggerAttribute>().SingleOrDefault());
        if (function.Http is null) return function with { Queue = triggers.SelectMany(a => a).OfType<QueueTriggerAttribute>().SingleOrDefault() };
        var declared = method.DeclaringType!.GetInterfaces().Contains(typeof(IApiFunction))
            ? method.DeclaringType.GetProperty(nameof(IApiFunction.Operation), BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ApiOperation
            : null;
        return function with
        {
            Operation = declared ?? throw new InvalidOperationException($"{function.Name}: the class of an HTTP function is an {nameof(IApiFunction)} that declares its operation."),
        };
    }

    /// <summary>
    /// Calls the method as the worker would: the function's class made from <paramref name="services"/> with its
    /// constructor's services, each parameter from <paramref name="bind"/>, a Task awaited for its result.
    /// </summary>
    public async Task<object?> InvokeAsync(IServiceProvider services, Func<ParameterInfo, object?> bind)
    {
        var target = Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, Method.DeclaringType!);
        var returned = Method.Invoke(target, Method.GetParameters().Select(bind).ToArray());
        if (returned is not Task task) return returned;
        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    /// <summary>Resolves <c>%Name%</c> in a trigger's setting as the host does: by the app setting's own name, or its colon form.</summary>
    public static string? Resolve(string value, IConfiguration configuration) =>
        value is ['%', .. var name, '%'] ? configuration[name] ?? configuration[name.Replace("__", ":", StringComparison.Ordinal)] : value;

    /// <summary>The Azure Functions setting that disables a function: <c>AzureWebJobs.{Name}.Disabled</c> (or <c>AzureWebJobs__{Name}__Disabled</c>).</summary>
    public static bool IsDisabled(IConfiguration configuration, string function) =>
        DisabledSetting(configuration, function) is { } value && (value == "1" || bool.TryParse(value, out var disabled) && disabled);

    /// <summary>Whether <c>AzureWebJobs.{Name}.Disabled</c> is set at all, to true or false.</summary>
    public static bool IsSet(IConfiguration configuration, string function) => DisabledSetting(configuration, function) is not null;

    private static string? DisabledSetting(IConfiguration configuration, string function) =>
        configuration[$"AzureWebJobs.{function}.Disabled"] ?? configuration[$"AzureWebJobs:{function}:Disabled"];
}
