global using Microsoft.Extensions.Configuration;
global using Microsoft.Extensions.Logging;
global using VodFunctions.Functions.Tests.Infrastructure;
global using VodFunctions.Testing;
