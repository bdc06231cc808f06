using System.CommandLine;
using System.Text.Json.Nodes;
using VodFunctions.Cli.Verbs;
using VodFunctions.Client;

namespace VodFunctions.Cli;

/// <summary>Lists of IDs longer than one call takes (20): sent in calls of 20, their answers merged into one.</summary>
internal static class Batches
{
    /// <summary>The most items one call of a list operation takes.</summary>
    public const int Size = 20;

    /// <summary>What separates the items of one argument: commas and white space.</summary>
    public static readonly char[] Separators = [',', ' ', '\t', '\r', '\n'];

    /// <summary>The IDs an argument of IDs was given (<see cref="Ids(Context, IEnumerable{string}, string?)"/>), each checked.</summary>
    public static IReadOnlyList<string> Ids(this Context context, Argument<string[]> argument) =>
        context.Ids(context.Get(argument), Arguments.IdName(argument.Name));

    /// <summary>
    /// The items of the arguments, as the API reads a list: each argument may hold several, comma- or space-separated;
    /// <c>-</c> reads more from standard input; items trimmed, empty ones dropped, repeats folded (first wins). With
    /// <paramref name="idName"/> every item must be an ID (those read from standard input too): else a usage error.
    /// </summary>
    public static IReadOnlyList<string> Ids(this Context context, IEnumerable<string>? arguments, string? idName = null)
    {
        var ids = new List<string>();
        foreach (var argument in arguments ?? [])
        {
            var text = argument == "-" ? context.Host.In.ReadToEnd() : argument;
            ids.AddRange(text.Split(Separators, StringSplitOptions.RemoveEmptyEntries));
        }
        if (idName is not null && ids.FirstOrDefault(id => !Arguments.IsId(id)) is { } bad) throw new UsageException(Arguments.NotAnId(bad, idName));
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count > 0 ? distinct : throw new UsageException("No IDs given.");
    }

    /// <summary>
    /// Calls <paramref name="call"/> for each 20 of <paramref name="ids"/> in turn, with a progress bar when there is more than one
    /// call, and answers the answers merged (<see cref="Merge"/>). <paramref name="allMissing"/> turns the error a call answers when
    /// none of its IDs exists (DeleteVideo's 404) into the answer it stands for, so that one call's 404 among others is not an error.
    /// With <paramref name="checkFirst"/> (operations that delete all they name or nothing) every call is first made as a dry run,
    /// so that an ID that is wrong in a later call stops the command before anything is deleted.
    /// A call that fails stops the command: the error says how many IDs were sent before it.
    /// </summary>
    public static async Task<JsonObject> RunAsync(this Context context, string description, IReadOnlyList<string> ids, bool dryRun,
        Func<IReadOnlyList<string>, bool, CancellationToken, Task<VodResponse>> call, CancellationToken cancellationToken,
        Func<VodException, IReadOnlyList<string>, JsonObject?>? allMissing = null, bool checkFirst = false)
    {
        var chunks = ids.Chunk(Size).ToList();
        if (chunks.Count == 1) return await CallAsync(chunks[0], dryRun);

        if (checkFirst && !dryRun)
            await context.WithProgressAsync($"Checking {ids.Count} IDs", ids.Count, report => SendAllAsync(true, report));
        return await context.WithProgressAsync(description, ids.Count, report => SendAllAsync(dryRun, report));

        async Task<JsonObject> SendAllAsync(bool asDryRun, Action<double> report)
        {
            var answers = new List<JsonObject>();
            var missing = new List<VodException>();
            var sent = 0;
            foreach (var chunk in chunks)
            {
                try
                {
                    answers.Add(await CallAsync(chunk, asDryRun));
                }
                catch (VodException e) when (allMissing?.Invoke(e, chunk) is { } answer)
                {
                    answer["RequestId"] = e.RequestId;
                    answers.Add(answer);
                    missing.Add(e);
                }
                catch (VodException) when (sent > 0)
                {
                    context.Host.Error.WriteLine($"Stopped after {sent} of {ids.Count} IDs: the call with the next {chunk.Length} failed, and the rest were not sent.");
                    throw;
                }
                report(sent += chunk.Length);
            }
            // None of the IDs exists: the error one call would have answered.
            return missing.Count == chunks.Count ? throw missing[0] : Merge(answers);
        }

        async Task<JsonObject> CallAsync(IReadOnlyList<string> chunk, bool asDryRun) => (await call(chunk, asDryRun, cancellationToken)).ToNode();
    }

    /// <summary>
    /// One answer of several of the same operation: lists concatenated, counts summed, objects merged field by field, other
    /// values as the first answer has them; <c>RequestIds</c> lists every call's <c>RequestId</c>.
    /// </summary>
    public static JsonObject Merge(IReadOnlyList<JsonObject> answers)
    {
        var merged = (JsonObject)answers[0].DeepClone();
        foreach (var answer in answers.Skip(1)) MergeInto(merged, answer);
        if (answers.Count > 1) merged["RequestIds"] = new JsonArray([.. answers.Select(a => a["RequestId"]?.DeepClone())]);
        return merged;
    }

    private static void MergeInto(JsonObject target, JsonObject source)
    {
        foreach (var (name, value) in source)
        {
            var current = target[name];
            switch (current, value)
            {
                case (null, _):
                    target[name] = value?.DeepClone();
                    break;
                case (JsonArray list, JsonArray more):
                    foreach (var item in more) list.Add(item?.DeepClone());
                    break;
                case (JsonObject inner, JsonObject moreInner):
                    MergeInto(inner, moreInner);
                    break;
                case (JsonValue a, JsonValue b) when a.TryGetValue<decimal>(out var x) && b.TryGetValue<decimal>(out var y):
                    target[name] = JsonValue.Create(x + y);
                    break;
            }
        }
    }
}
