using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using VodFunctions.Client;

namespace VodFunctions.Cli;

/// <summary>How results are shown: JSON for scripts, tables and plain words for people.</summary>
internal static class Output
{
    public static readonly JsonSerializerOptions JsonWriting = new(VodClient.JsonOptions)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The answer's JSON as the service sent it.</summary>
    public static JsonObject ToNode(this VodResponse response) =>
        JsonNode.Parse(response.Body.ValueKind == JsonValueKind.Object ? response.Body.GetRawText() : JsonSerializer.Serialize(response, response.GetType(), VodClient.JsonOptions))!.AsObject();

    /// <summary>A (merged) answer read as the client's response type.</summary>
    public static T As<T>(this JsonObject answer) => answer.Deserialize<T>(VodClient.JsonOptions)!;

    public static void WriteJson(this Context context, JsonNode node) => context.Host.Out.WriteLine(node.ToJsonString(JsonWriting));

    public static void WriteJson(this Context context, VodResponse response) => context.WriteJson(response.ToNode());

    /// <summary>A line of plain words (never read as markup).</summary>
    public static void Line(this Context context, string text = "") => context.Out.WriteLine(text);

    /// <summary>A table of <paramref name="rows"/>, one column per (header, cell).</summary>
    public static void Table<T>(this Context context, IEnumerable<T> rows, params (string Header, Func<T, object?> Cell)[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var (header, _) in columns)
        {
            var column = new TableColumn(new Text(header, new Style(decoration: Decoration.Bold)));
            // IDs are copied from here: never broken over lines, other columns give way.
            table.AddColumn(header.EndsWith("Id", StringComparison.Ordinal) || header == "ID" ? column.NoWrap() : column);
        }
        foreach (var row in rows) table.AddRow(columns.Select(c => (IRenderable)new Text(Format(c.Cell(row)))).ToArray());
        context.Out.Write(table);
    }

    /// <summary>Each (name, value) that has a value on its own line, the values aligned.</summary>
    public static void Details(this Context context, params (string Name, object? Value)[] fields)
    {
        var shown = fields.Select(f => (f.Name, Value: Format(f.Value))).Where(f => f.Value.Length > 0).ToList();
        var width = shown.Max(f => f.Name.Length);
        foreach (var (name, value) in shown) context.Line($"{name.PadRight(width)}  {value}");
    }

    /// <summary>A list of IDs under a label, when there are any ("Not found (2): a b").</summary>
    public static void Ids(this Context context, string label, IReadOnlyList<string> ids)
    {
        if (ids.Count > 0) context.Line($"{label} ({ids.Count}): {string.Join(' ', ids)}");
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        bool flag => flag ? "yes" : "no",
        string text => text,
        IEnumerable<string> items => string.Join(", ", items),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>"1 video", "3 videos".</summary>
    public static string Count(long count, string one, string? many = null) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? one : many ?? one + "s")}";

    /// <summary>Bytes for people: <c>1,536 bytes (1.5 KiB)</c>.</summary>
    public static string Size(long bytes) => bytes < 1024 ? ShortSize(bytes) : $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes ({ShortSize(bytes)})";

    /// <summary>Bytes in short, for tables: <c>1.5 KiB</c>.</summary>
    public static string ShortSize(long bytes)
    {
        if (bytes < 1024) return bytes == 1 ? "1 byte" : $"{bytes} bytes";
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        var value = bytes / 1024.0;
        var unit = 0;
        for (; value >= 1024 && unit < units.Length - 1; unit++) value /= 1024;
        return $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    /// <summary>
    /// Reports a delete: with a dry run's plan what it would remove, else <paramref name="done"/>; then the items it did
    /// not act on. Answers <see cref="ExitCodes.Partial"/> when there were any.
    /// </summary>
    public static int DeleteReport(this Context context, DeleteResponse answer, string done, string wouldDo, params (string Label, IReadOnlyList<string> Ids)[] skipped)
    {
        if (answer.Plan is not { } plan)
        {
            context.Line(answer.Deleted is { } deleted ? $"{done.TrimEnd('.')}: {Count(deleted.Files, "file")}, {Size(deleted.Bytes)}." : done);
        }
        else
        {
            context.Line($"Dry run, nothing was deleted. {wouldDo}: {Count(plan.Files, "file")}, {Size(plan.Bytes)}, {Count(plan.Records, "record")}.");
            foreach (var path in plan.Paths.Take(10)) context.Line("  " + path);
            if (plan.Files > 10) context.Line($"  ... and {plan.Files - Math.Min(10, plan.Paths.Count):N0} more");
        }
        foreach (var (label, ids) in skipped) context.Ids(label, ids);
        return skipped.Any(s => s.Ids.Count > 0) ? ExitCodes.Partial : ExitCodes.Success;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on standard error when a person watches, else with a line
    /// per tenth of the way (and at the end): "<paramref name="description"/>: 20 of 45".
    /// </summary>
    public static async Task<T> WithProgressAsync<T>(this Context context, string description, double total, Func<Action<double>, Task<T>> work,
        Func<double, string>? amount = null)
    {
        amount ??= v => v.ToString("N0", CultureInfo.InvariantCulture);
        if (context.Progress.Profile.Capabilities.Interactive)
        {
            return await context.Progress.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
                    return await work(value => task.Value = value);
                });
        }
        var shown = -1;
        void Report(double value)
        {
            var tenth = total <= 0 ? 10 : (int)(value * 10 / total);
            if (tenth <= shown) return;
            shown = tenth;
            context.Host.Error.WriteLine($"{description}: {amount(value)} of {amount(total)}");
        }
        return await work(Report);
    }
}
