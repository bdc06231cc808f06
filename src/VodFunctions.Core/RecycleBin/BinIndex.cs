namespace VodFunctions.Core.RecycleBin;

/// <summary>The index rows of the recycle bin's entries: by application and over all, newest first; and by entry ID.</summary>
public static class BinIndex
{
    public static string ListKey(string appId) => "bin|" + appId;
    public static string IdKey(string entryId) => "binid|" + entryId;

    public static IEnumerable<IndexEntity> EntriesOf(BinEntryEntity entry)
    {
        IndexEntity Row(string partition, string row) => new()
        {
            PartitionKey = partition, RowKey = row, Kind = entry.MediaType, MediaId = entry.EntryId, OwnerPartition = entry.PartitionKey,
            OwnerRow = entry.RowKey, AppId = entry.AppId, CreationTime = entry.CreationTime, PurgeTime = entry.PurgeTime,
            Files = entry.Files, Size = entry.Size,
        };
        yield return Row(IdKey(entry.EntryId), IdKey(entry.EntryId));
        foreach (var app in new[] { entry.AppId, CatalogStore.Everyone })
            yield return Row(ListKey(app), CatalogStore.TimeRow(entry.CreationTime, entry.EntryId));
    }
}
