using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SeqPack.Cli.Infrastructure;

/// <summary>
/// Reads and writes named float32 tensors in the safetensors layout (8-byte little-endian header length, a JSON
/// header of <c>{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}</c>, then the raw data).
/// Stand-in until the library's SeqPack.IO.SafeTensors is on main; the files are the same.
/// </summary>
internal static class WeightFiles
{
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var header = new Dictionary<string, object>();
        long offset = 0;
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            long size = (long)t.Size * 4;
            header[name] = new { dtype = "F32", shape = t.Shape, data_offsets = new[] { offset, offset + size } };
            offset += size;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int pad = (8 - json.Length % 8) % 8;
        using var stream = File.Create(path);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(json.Length + pad));
        stream.Write(len);
        stream.Write(json);
        for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
        foreach (var (_, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var bytes = new byte[t.Size * 4];
            var span = t.AsSpan();
            for (int i = 0; i < span.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), span[i]);
            stream.Write(bytes);
        }
    }

    public static Dictionary<string, Tensor> Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new CliException($"{path} is not a safetensors file (too short); retrain or restore it.");
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n <= 0 || 8 + n > bytes.Length) throw new CliException($"{path} is not a safetensors file (bad header length); retrain or restore it.");
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var result = new Dictionary<string, Tensor>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__") continue;
            if (p.Value.GetProperty("dtype").GetString() != "F32") throw new CliException($"{path}: tensor '{p.Name}' is not F32; SeqPack saves float32 only.");
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var off = p.Value.GetProperty("data_offsets").EnumerateArray().Select(v => v.GetInt64()).ToArray();
            var data = new float[(off[1] - off[0]) / 4];
            var src = bytes.AsSpan((int)(8 + n + off[0]), (int)(off[1] - off[0]));
            for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]);
            result[p.Name] = Tensor.FromArray(data, shape);
        }
        return result;
    }
}
