using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// A .NET startup hook for tests (<c>DOTNET_STARTUP_HOOKS</c>): in the process it is loaded into, the services named in
/// <c>VOD_BROKEN_SERVICES</c> (assembly-qualified type names, separated by ';') cannot be made, as those of a misconfigured
/// app could not. It changes the services when the app's host is built, the way test hosts of ASP.NET Core do.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("VOD_BROKEN_SERVICES") is { Length: > 0 } names)
            DiagnosticListener.AllListeners.Subscribe(new Listeners(names.Split(';').Select(name => Type.GetType(name, throwOnError: true)!).ToArray()));
    }

    private sealed class Listeners(Type[] broken) : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.Extensions.Hosting") listener.Subscribe(this);
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            // The builder is handed over as an IHostBuilder (an adapter for HostApplicationBuilder) whose changes are applied next.
            if (value is { Key: "HostBuilding", Value: IHostBuilder builder })
                builder.ConfigureServices(services =>
                {
                    foreach (var type in broken) services.AddSingleton(type, _ => throw new InvalidOperationException($"{type.Name} is broken by the test."));
                });
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
