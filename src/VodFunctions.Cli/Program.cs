using VodFunctions.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await VodCli.RunAsync(args, CliHost.System, cancel.Token);
