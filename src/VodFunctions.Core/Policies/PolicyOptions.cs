namespace VodFunctions.Core.Policies;

/// <summary>Settings of the policy sweep (<c>Vod__Policies__...</c>).</summary>
public sealed class PolicyOptions : RunOptions
{
    public const string Section = "Vod:Policies";

    /// <summary>
    /// The work queue a run puts its deletes on, for every instance to take (the queue trigger reads <c>%Vod__Policies__Queue%</c>);
    /// empty: the run deletes them itself, on its one instance.
    /// </summary>
    public string Queue { get; set; } = "";
}
