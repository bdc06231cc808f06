namespace VodFunctions.Core;

/// <summary>An external storage location (<c>Vod__StorageLocations__{i}__...</c>): a named media container.</summary>
public sealed class StorageLocationOptions
{
    public string Name { get; set; } = "";
    public string ConnectionString { get; set; } = "";
    public string Container { get; set; } = "vod-media";
}
