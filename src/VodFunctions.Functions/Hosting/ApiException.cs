using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

/// <summary>Thrown while parsing a request: answered with the error's contract code, nothing changed.</summary>
public sealed class ApiException(VodError error) : Exception(error.Message)
{
    public VodError Error { get; } = error;

    public static ApiException Missing(string name) => new(new VodError("MissingParameter", $"The parameter {name} is required."));
    public static ApiException Invalid(string message) => new(VodError.InvalidParameter(message));
}
