using VodFunctions.Functions;
using VodFunctions.Functions.Hosting;

if (args.Length == 2 && args[0] == FunctionMetadata.Switch)
{
    FunctionMetadata.Write(args[1]);
    return;
}

await VodApp.Build(args).RunAsync();
