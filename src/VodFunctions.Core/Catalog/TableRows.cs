using System.Reflection;

namespace VodFunctions.Core.Catalog;

/// <summary>Rows read untyped (a whole partition in one query) turned into their entity types, and properties set by name.</summary>
public static class TableRows
{
    public static T As<T>(this TableEntity row) where T : ITableEntity, new()
    {
        var typed = new T { PartitionKey = row.PartitionKey, RowKey = row.RowKey, Timestamp = row.Timestamp, ETag = row.ETag };
        foreach (var property in Settable<T>.Properties)
        {
            if (!row.TryGetValue(property.Name, out var value) || value is null) continue;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            property.SetValue(typed, type.IsInstanceOfType(value) ? value : Convert.ChangeType(value, type));
        }
        return typed;
    }

    /// <summary>Sets properties by name: values as written, or as read back from JSON (a journal's owner update).</summary>
    public static void Set<T>(this T entity, IReadOnlyDictionary<string, object> values) where T : ITableEntity
    {
        foreach (var (name, value) in values)
        {
            var property = Settable<T>.Properties.Single(p => p.Name == name);
            property.SetValue(entity, value is JsonElement json ? json.Deserialize(property.PropertyType) : value);
        }
    }

    private static class Settable<T>
    {
        public static readonly PropertyInfo[] Properties = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.Name is not (nameof(ITableEntity.PartitionKey) or nameof(ITableEntity.RowKey) or nameof(ITableEntity.Timestamp) or nameof(ITableEntity.ETag)))
            .ToArray();
    }
}
