namespace VodFunctions.Core.Reconcile;

/// <summary>Settings of the reconcile sweep (<c>Vod__Reconcile__...</c>).</summary>
public sealed class ReconcileOptions : RunOptions
{
    public const string Section = "Vod:Reconcile";

    /// <summary>An orphan blob is deleted only once seen orphaned by two runs this far apart, and only if it is at least this old.</summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Records or blobs read per page of the walk (the continuation point moves page by page).</summary>
    public int PageSize { get; set; } = 1000;
}
