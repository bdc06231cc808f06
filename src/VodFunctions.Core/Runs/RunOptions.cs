namespace VodFunctions.Core.Runs;

/// <summary>Settings every timer run has.</summary>
public abstract class RunOptions
{
    /// <summary>How long one run may work; it then stops cleanly and the next run continues where it stopped.</summary>
    public TimeSpan RunBudget { get; set; } = TimeSpan.FromMinutes(9);
}
