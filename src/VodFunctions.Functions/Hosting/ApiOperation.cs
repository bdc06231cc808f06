using VodFunctions.Core;

namespace VodFunctions.Functions.Hosting;

/// <summary>
/// An HTTP function's class: it declares its <see cref="ApiOperation"/> next to its code, and
/// <see cref="WorkerFunction"/> finds it there by the function's <c>[Function]</c> method.
/// </summary>
public interface IApiFunction
{
    static abstract ApiOperation Operation { get; }
}

/// <summary>
/// What an HTTP function is for the API's callers: its parameters (which its body reads through these declarations),
/// its answer's fields and its error codes. The preamble (<see cref="Api"/>) refuses a parameter the operation does not
/// declare, and the reference (<c>GET /api/openapi.json</c>, <c>docs/api.md</c>) is written from these declarations.
/// </summary>
/// <param name="Area">The group it is listed under in the reference (Ingest, Read, Delete, ...).</param>
/// <param name="Summary">One line: what it does.</param>
public sealed record ApiOperation(string Area, string Summary)
{
    private readonly IReadOnlyList<Parameter> _parameters = [];
    private IReadOnlyList<Parameter>? _all;

    /// <summary>More about it, when one line is not enough (Markdown).</summary>
    public string? Description { get; init; }

    /// <summary>Its parameters; an <see cref="Idempotent"/> operation's end with <c>ClientToken</c>.</summary>
    public IReadOnlyList<Parameter> Parameters
    {
        get => _all ??= Idempotent ? [.. _parameters, Param.ClientToken] : _parameters;
        init => _parameters = value.All(p => p is not null)
            ? value
            : throw new InvalidOperationException($"{Summary}: a parameter is declared after the operation that lists it.");
    }

    /// <summary>The fields of a successful JSON answer, besides <c>RequestId</c>.</summary>
    public IReadOnlyList<Field> Answers { get; init; } = [];

    /// <summary>The error codes of this operation, besides those every operation has (see <see cref="AllErrors"/>).</summary>
    public IReadOnlyList<ErrorCode> Errors { get; init; } = [];

    /// <summary>The code of a storage fault (503) when the operation has its own (<c>DeleteVideoFailed</c>); else <c>ServiceUnavailable</c>.</summary>
    public string? FailedCode { get; init; }

    /// <summary>
    /// A delete that takes an idempotency key (the <c>Idempotency-Key</c> header or <c>ClientToken</c>): a repeat answers the
    /// first answer again (see <see cref="IdempotencyStore"/>).
    /// </summary>
    public bool Idempotent { get; init; }

    /// <summary>Callable without a key (health, the reference, the pages).</summary>
    public bool Anonymous { get; init; }

    /// <summary>Takes no parameters: the query is not read (static pages, whose addresses may carry anything).</summary>
    public bool IgnoresQuery { get; init; }

    /// <summary>What a success answers when it is not the contract's JSON fields (an image, a page, the OpenAPI document).</summary>
    public Content? Content { get; init; }

    /// <summary>The parameters of an example call.</summary>
    public object? Example { get; init; }

    /// <summary>Listed in the reference; only the catch-all for unknown routes is not.</summary>
    public bool Listed { get; init; } = true;

    /// <summary>Whether the operation declares a parameter named <paramref name="name"/>.</summary>
    public bool Declares(string name) => Parameters.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether <paramref name="name"/> is a parameter the operation takes (or one of the <see cref="CommonParameters"/>).</summary>
    public bool Takes(string name) => Declares(name) || CommonParameters.IsCommon(name);

    /// <summary>
    /// Refuses a parameter the operation does not take, naming it (a typo such as <c>Frce</c> must not silently drop <c>Force</c>),
    /// and a common <c>Action</c> or <c>Version</c> that contradicts the call.
    /// </summary>
    public void Check(string function, Parameters given)
    {
        if (IgnoresQuery) return;
        if (given.Names.FirstOrDefault(name => !Takes(name)) is { } unknown)
        {
            throw ApiException.Invalid(Parameters.Count == 0
                ? $"{function} takes no parameter {unknown}; it takes no parameters."
                : $"{function} takes no parameter {unknown}; its parameters are {string.Join(", ", Parameters.Select(p => p.Name))}.");
        }
        CommonParameters.Check(function, this, given);
    }

    /// <summary>Every code the operation may answer: from its parameters and key, its own, and the service's.</summary>
    public IReadOnlyList<ErrorCode> AllErrors(bool hasBody)
    {
        var errors = new List<ErrorCode>();
        if (Parameters.Any(p => p.Required)) errors.Add(new("MissingParameter", "A required parameter is missing."));
        if (Parameters.Count > 0 || !IgnoresQuery)
            errors.Add(new("InvalidParameter", "A parameter is malformed or not one the operation takes, or the same one is given twice with different values."));
        if (hasBody) errors.Add(new("InvalidParameter", "The request body is larger than 1 MiB.", StatusCodes.Status413PayloadTooLarge));
        errors.AddRange(Parameters.Where(p => p.ExceededCode is not null)
            .Select(p => new ErrorCode(p.ExceededCode!, $"{p.Name} holds more than {Param.MaxListItems} items.")));
        if (!Anonymous)
        {
            errors.Add(new("Unauthorized", "No key, or a key the service does not know."));
            errors.Add(new("Forbidden", "The key's role or applications do not allow it."));
            errors.Add(new("Throttling.User", "Too many requests for this key; retry after the `Retry-After` seconds."));
        }
        errors.AddRange(Errors);
        if (Idempotent) errors.Add(new(Idempotency.InUseCode, "A call with the same idempotency key is still running; retry after the `Retry-After` seconds.", StatusCodes.Status409Conflict));
        errors.Add(new("InternalError", "The service failed; safe to retry."));
        if (!Anonymous) errors.Add(new(FailedCode ?? "ServiceUnavailable", "Storage failed; safe to retry."));
        return errors;
    }
}

/// <summary>A field of a successful answer.</summary>
public sealed record Field(string Name, Shape Shape, string Description)
{
    /// <summary>Whether the field may be absent (answers leave out what is null).</summary>
    public bool Optional { get; init; }

    /// <summary>Every delete's <c>Plan</c>, answered with <c>DryRun: true</c>.</summary>
    public static readonly Field Plan = new("Plan", Shape.Of<Core.Deletion.DeletePlan>(),
        "Only with `DryRun: true`: what the call would delete: `Files`, `Bytes`, `Records` and up to 100 sample `Paths`.") { Optional = true };

    /// <summary>What a delete moved into the recycle bin.</summary>
    public static readonly Field RecycleBin = new("RecycleBin", Shape.Of<Core.Deletion.RecycleBinMove>(),
        "When the recycle bin is on and the call is not `Permanent`: the bin's `EntryIds` that now hold what it deleted (its `Deleted` files stay "
        + "there until then), and their `PurgeTime`.") { Optional = true };

    /// <summary>What every delete removed (not in a dry run).</summary>
    public static readonly Field Deleted = new("Deleted", Shape.Of<Core.Deletion.DeletedFiles>(),
        "Except with `DryRun: true`: what the call removed: `Files` and their `Bytes` (files another call removed first are counted there).") { Optional = true };
}

/// <summary>An error code an operation answers, with its HTTP status and when.</summary>
public sealed record ErrorCode(string Code, string When, int? Status = null)
{
    public int HttpStatus => ErrorStatus.Of(new VodError(Code, When, Status));
}

/// <summary>A success that is not the contract's JSON fields: its media types and what it is.</summary>
public sealed record Content(IReadOnlyList<string> MediaTypes, string Description);

/// <summary>IDs of the reference's examples (the service makes IDs as 32 lowercase hexadecimal characters).</summary>
public static class ExampleIds
{
    public const string Video = "5b9d2c3e4f60417a8b9c0d1e2f3a4b5c";
    public const string Job = "0e1f2a3b4c5d4e6f8a7b6c5d4e3f2a1b";
    public const string Image = "7c6d5e4f3a2b41c0d9e8f7a6b5c4d3e2";
    public const string Attached = "2a3b4c5d6e7f40819a8b7c6d5e4f3a2b";
    public const string Policy = "9f8e7d6c5b4a43929180f7e6d5c4b3a2";
}
