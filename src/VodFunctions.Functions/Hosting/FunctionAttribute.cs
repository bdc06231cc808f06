namespace VodFunctions.Functions.Hosting;

public enum TriggerKind { Http, Timer }

/// <summary>
/// Marks a function class. The one list of functions is the set of classes carrying this attribute:
/// the app maps its routes from it and the publish step writes each function's function.json from it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class FunctionAttribute(string name) : Attribute
{
    public string Name { get; } = name;
    public TriggerKind Trigger { get; init; } = TriggerKind.Http;

    /// <summary>HTTP methods (lowercase, comma-separated).</summary>
    public string Methods { get; init; } = "post";

    /// <summary>Route below the <c>api</c> prefix; the function name when not set.</summary>
    public string? Route { get; init; }

    /// <summary>Callable without a key (health, the console's static files).</summary>
    public bool Anonymous { get; init; }

    /// <summary>The error code of a storage fault (503), when the operation has its own (<c>DeleteVideoFailed</c>); else <c>ServiceUnavailable</c>.</summary>
    public string? StorageFailedCode { get; init; }

    public string RouteOrName => Route ?? Name;
}
