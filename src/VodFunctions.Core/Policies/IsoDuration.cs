using System.Globalization;
using System.Text.RegularExpressions;

namespace VodFunctions.Core.Policies;

/// <summary>
/// An ISO-8601 duration (<c>P90D</c>, <c>P1Y6M</c>, <c>P2W</c>, <c>PT1H30M</c>). Years, months, weeks and
/// days are calendar steps back from a moment, so <c>P1M</c> before 31 March is 28 or 29 February.
/// </summary>
public sealed partial record IsoDuration(int Years, int Months, int Weeks, int Days, TimeSpan Time)
{
    /// <summary>Longest duration accepted: a century, far more than any retention rule needs.</summary>
    private const int MaxYears = 100;

    [GeneratedRegex(@"^P(?:(\d{1,7})Y)?(?:(\d{1,7})M)?(?:(\d{1,7})W)?(?:(\d{1,7})D)?(?:T(?=\d)(?:(\d{1,7})H)?(?:(\d{1,7})M)?(?:(\d{1,7}(?:\.\d{1,7})?)S)?)?$")]
    private static partial Regex Pattern();

    /// <summary>Parses a positive duration of at most a century; anything else answers false.</summary>
    public static bool TryParse(string? text, out IsoDuration duration)
    {
        duration = new IsoDuration(0, 0, 0, 0, TimeSpan.Zero);
        var match = text is { Length: > 1 and <= 64 } ? Pattern().Match(text) : Match.Empty;
        if (!match.Success || match.Value == "P") return false;
        int Int(int group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var seconds = match.Groups[7].Success ? double.Parse(match.Groups[7].Value, CultureInfo.InvariantCulture) : 0;
        var parsed = new IsoDuration(Int(1), Int(2), Int(3), Int(4), TimeSpan.FromHours(Int(5)) + TimeSpan.FromMinutes(Int(6)) + TimeSpan.FromSeconds(seconds));

        var reference = new DateTimeOffset(2500, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var span = reference - parsed.SubtractFrom(reference);
        if (span <= TimeSpan.Zero || span > TimeSpan.FromDays(365.25 * MaxYears)) return false;
        duration = parsed;
        return true;
    }

    /// <summary>The moment this long before <paramref name="time"/> (each part capped, so that any parsed value computes).</summary>
    public DateTimeOffset SubtractFrom(DateTimeOffset time)
    {
        var cap = 2 * MaxYears;
        return time.AddYears(-Math.Min(Years, cap)).AddMonths(-Math.Min(Months, cap * 12))
            .AddDays(-Math.Min(7.0 * Weeks + Days, cap * 366.0)).AddHours(-Math.Min(Time.TotalHours, cap * 366.0 * 24));
    }
}
