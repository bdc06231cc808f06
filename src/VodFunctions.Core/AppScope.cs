namespace VodFunctions.Core;

/// <summary>The applications a caller may see and change; <see cref="All"/> for admin keys and <c>*</c>.</summary>
public sealed class AppScope
{
    private readonly HashSet<string>? _appIds;

    private AppScope(HashSet<string>? appIds) => _appIds = appIds;

    public static AppScope All { get; } = new(null);

    public static AppScope Of(IEnumerable<string> appIds) => new(new HashSet<string>(appIds, StringComparer.Ordinal));

    public bool IsAll => _appIds is null;

    public IReadOnlyCollection<string> AppIds => (IReadOnlyCollection<string>?)_appIds ?? [];

    public bool CanAccess(string appId) => _appIds is null || _appIds.Contains(appId);
}
