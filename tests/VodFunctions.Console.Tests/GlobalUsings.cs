global using VodFunctions.Console.Tests.Infrastructure;
global using VodFunctions.Testing;
