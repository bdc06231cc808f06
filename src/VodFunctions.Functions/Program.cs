using VodFunctions.Functions;

if (VodApp.IsStartedByFunctionsHost(args))
    await VodApp.BuildForFunctionsHost(args).RunAsync();
else
    await VodApp.Build(args).RunAsync();
