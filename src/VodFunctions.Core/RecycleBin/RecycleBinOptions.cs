using VodFunctions.Core.Policies;

namespace VodFunctions.Core.RecycleBin;

/// <summary>
/// Settings of the recycle bin (<c>Vod__RecycleBin__...</c>). Off unless <see cref="Retention"/> is set: deletes are then final,
/// as VOD's are.
/// </summary>
public sealed class RecycleBinOptions : Runs.RunOptions
{
    public const string Section = "Vod:RecycleBin";

    /// <summary>How long deleted media stays in the bin before it is purged: an ISO-8601 duration (<c>P7D</c>); none turns the bin off.</summary>
    public string? Retention { get; set; }

    /// <summary>The retention parsed; null when the bin is off.</summary>
    public IsoDuration? Parsed => IsoDuration.TryParse(Retention, out var duration) ? duration : null;

    public bool Enabled => Parsed is not null;

    /// <summary>When media binned at <paramref name="deleteTime"/> is purged.</summary>
    public DateTimeOffset PurgeTimeOf(DateTimeOffset deleteTime) => deleteTime + (deleteTime - Parsed!.SubtractFrom(deleteTime));

    /// <summary>Refuses a retention that is set but not a duration, at start.</summary>
    public sealed class Validator : IValidateOptions<RecycleBinOptions>
    {
        public ValidateOptionsResult Validate(string? name, RecycleBinOptions options) =>
            string.IsNullOrEmpty(options.Retention) || options.Enabled
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Vod__RecycleBin__Retention '{options.Retention}' is not an ISO-8601 duration such as P7D.");
    }
}
