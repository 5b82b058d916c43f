using System.Text.Json;

namespace SeqPack.IO;

/// <summary>
/// Parses and validates a safetensors JSON header against the size of the data that follows it, before a
/// single tensor byte is read: every check the reference reader (huggingface/safetensors,
/// <c>Metadata::validate</c>) makes, each failing with an <see cref="InvalidDataException"/> that says what is wrong.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>One tensor entry: name, dtype, shape, element count and byte range within the data buffer.</summary>
    internal readonly record struct Entry(string Name, string DType, int[] Shape, int Count, long Begin, long End);

    /// <summary>Bytes per element of the dtypes SafeTensors can read.</summary>
    internal static int ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" => 8,
        "F32" or "I32" => 4,
        "F16" or "BF16" => 2,
        _ => 0,
    };

    public static (List<Entry> Entries, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> json, long dataLength)
    {
        try
        {
            return ParseUnchecked(json, dataLength);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            // malformed text the JSON reader only notices on access (e.g. a lone surrogate escape in a name)
            throw new InvalidDataException($"safetensors: the header is not valid JSON ({e.Message}).", e);
        }
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseUnchecked(ReadOnlySpan<byte> json, long dataLength)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            throw Bad("the header does not start with '{'");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"safetensors: the header is not valid JSON ({e.Message}).", e);
        }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("the header is not a JSON object");
        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (!names.Add(prop.Name)) throw Bad($"the key '{prop.Name}' appears twice");
            if (prop.Name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not an object of strings");
                foreach (var m in prop.Value.EnumerateObject())
                {
                    if (m.Value.ValueKind != JsonValueKind.String) throw Bad($"__metadata__ value '{m.Name}' is not a string");
                    metadata[m.Name] = m.Value.GetString()!;
                }
                continue;
            }
            entries.Add(ParseEntry(prop.Name, prop.Value));
        }
        CheckCoverage(entries, dataLength);
        return (entries, metadata);
    }

    private static Entry ParseEntry(string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad($"tensor '{name}' is not an object");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad($"tensor '{name}' has no dtype string");
        string dtype = dt.GetString()!;
        int size = ElementSize(dtype);
        if (size == 0) throw Bad($"tensor '{name}' has dtype '{dtype}', which SeqPack does not read (F32, F64, F16, BF16, I64, I32)");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad($"tensor '{name}' has no shape array");
        var shape = new int[sh.GetArrayLength()];
        long count = 1;
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v) || v < 0)
                throw Bad($"tensor '{name}' has an extent that is not a non-negative integer: {d.GetRawText()}");
            if (v > Array.MaxLength) throw Bad($"tensor '{name}' has extent {v}, too large for one array");
            shape[k++] = (int)v;
            count *= v;
            if (count > Array.MaxLength) throw Bad($"tensor '{name}' of shape {Shapes.Format(shape)} has more elements than one array can hold");
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad($"tensor '{name}' has no data_offsets pair");
        var pair = new long[2];
        for (int i = 0; i < 2; i++)
        {
            var o = off[i];
            if (o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out pair[i]) || pair[i] < 0)
                throw Bad($"tensor '{name}' has a data offset that is not a non-negative integer: {o.GetRawText()}");
        }
        if (pair[1] < pair[0]) throw Bad($"tensor '{name}' has data_offsets [{pair[0]}, {pair[1]}] that end before they begin");
        if (pair[1] - pair[0] != count * size)
            throw Bad($"tensor '{name}' of shape {Shapes.Format(shape)} and dtype {dtype} needs {count * size} bytes but data_offsets [{pair[0]}, {pair[1]}] give {pair[1] - pair[0]}");
        return new Entry(name, dtype, shape, (int)count, pair[0], pair[1]);
    }

    /// <summary>The byte ranges, sorted, must tile [0, dataLength) exactly: no gap, no overlap, nothing past the end.</summary>
    private static void CheckCoverage(List<Entry> entries, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long pos = 0;
        foreach (var e in entries)
        {
            if (e.Begin != pos)
                throw Bad(e.Begin < pos
                    ? $"tensor '{e.Name}' at bytes [{e.Begin}, {e.End}) overlaps the tensor before it (which ends at {pos})"
                    : $"tensor '{e.Name}' starts at byte {e.Begin} but the previous tensor ends at {pos}; the data has a gap");
            pos = e.End;
            if (pos > dataLength) throw Bad($"tensor '{e.Name}' ends at byte {pos}, past the end of the data ({dataLength} bytes); the file is truncated or corrupt");
        }
        if (pos != dataLength) throw Bad($"the tensors cover {pos} bytes but the data after the header has {dataLength}; the file is corrupt");
    }

    internal static InvalidDataException Bad(string what) => new($"safetensors: {what}.");
}
