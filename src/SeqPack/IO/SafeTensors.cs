using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SeqPack.IO;

/// <summary>
/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header size N, N bytes of JSON mapping each name to <c>{"dtype", "shape", "data_offsets"}</c>
/// (plus an optional <c>__metadata__</c> string map), then the raw little-endian tensor bytes.
/// </summary>
/// <remarks>
/// Files are written the way the reference writer writes them, byte for byte: tensors laid out by descending
/// dtype alignment (I64 before F32) and then by name (UTF-8 byte order), header keys in that order after
/// <c>__metadata__</c>, compact JSON, header padded with spaces to a multiple of 8. Writes are atomic (a
/// temporary file in the same folder, flushed to disk, then renamed over the target), so a crash never
/// leaves a half-written checkpoint. Reading validates the whole header against the file size before any
/// tensor is allocated; any malformed, truncated or hostile file ends in an <see cref="InvalidDataException"/>.
/// </remarks>
public static class SafeTensors
{
    /// <summary>The largest header accepted (the reference reader's limit, 100 MB).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    /// <summary>Writes F32 <paramref name="tensors"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors) => Save(path, tensors, null);

    /// <summary>Writes F32 <paramref name="tensors"/>, optional I64 <paramref name="integers"/> and <paramref name="metadata"/> atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata,
        IReadOnlyDictionary<string, IntegerTensor>? integers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, Serialize(tensors, integers, metadata));
    }

    /// <summary>Writes <paramref name="content"/> (float and integer tensors and metadata) atomically.</summary>
    public static void Save(string path, SafeTensorsContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        Save(path, content.Tensors, content.Metadata, content.Integers);
    }

    /// <summary>
    /// Reads the float tensors of a file (F32; F64, F16 and BF16 converted). Integer tensors are returned as
    /// floats when every value is exactly representable (|v| ≤ 2^24) and are otherwise an error; use
    /// <see cref="Read(string)"/> to get them exactly.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static Dictionary<string, Tensor> Load(string path)
    {
        var content = Read(path);
        var result = new Dictionary<string, Tensor>(content.Tensors, StringComparer.Ordinal);
        foreach (var (name, it) in content.Integers)
        {
            if (it.Values.Any(v => v > 1 << 24 || v < -(1 << 24)))
                throw new InvalidDataException($"safetensors: integer tensor '{name}' holds values a float32 cannot represent exactly; read it with SafeTensors.Read.");
            result[name] = Tensor.FromArray(it.Values.Select(v => (float)v).ToArray(), it.Shape);
        }
        return result;
    }

    /// <summary>Reads everything in the file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static SafeTensorsContent Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(fs);
    }

    /// <summary>Reads everything from a seekable <paramref name="stream"/> positioned at the start of the file.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file.</exception>
    public static SafeTensorsContent Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("SafeTensors.Read needs a seekable stream (its length bounds every read).", nameof(stream));
        long length = stream.Length - stream.Position;
        if (length < 8) throw SafeTensorsHeader.Bad($"the file has {length} bytes, fewer than the 8-byte header size");
        Span<byte> size = stackalloc byte[8];
        ReadExactly(stream, size);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(size);
        if (n > MaxHeaderBytes) throw SafeTensorsHeader.Bad($"the header claims {n} bytes, more than the {MaxHeaderBytes}-byte limit");
        if ((long)n > length - 8) throw SafeTensorsHeader.Bad($"the header claims {n} bytes but only {length - 8} follow; the file is truncated or corrupt");
        var header = new byte[n];
        ReadExactly(stream, header);
        long dataLength = length - 8 - (long)n;
        var (entries, metadata) = SafeTensorsHeader.Parse(header, dataLength);

        var content = new SafeTensorsContent();
        foreach (var kv in metadata) content.Metadata[kv.Key] = kv.Value;
        long dataStart = stream.Position;
        foreach (var e in entries)                                   // in offset order
        {
            stream.Position = dataStart + e.Begin;
            var raw = new byte[e.End - e.Begin];                     // bounded by the validated file length
            ReadExactly(stream, raw);
            if (e.DType is "I64" or "I32") content.Integers[e.Name] = new IntegerTensor(DecodeIntegers(raw, e), e.Shape);
            else content.Tensors[e.Name] = Tensor.FromArray(DecodeFloats(raw, e), e.Shape);
        }
        return content;
    }

    private static void ReadExactly(Stream s, Span<byte> buffer)
    {
        try { s.ReadExactly(buffer); }
        catch (EndOfStreamException e) { throw new InvalidDataException("safetensors: the file ended early (it changed while being read or is truncated).", e); }
    }

    private static float[] DecodeFloats(byte[] raw, SafeTensorsHeader.Entry e)
    {
        var v = new float[e.Count];
        for (int i = 0; i < v.Length; i++)
            v[i] = e.DType switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4)),
                "F64" => (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(i * 8)),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(raw.AsSpan(i * 2)),
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw.AsSpan(i * 2)) << 16),   // BF16
            };
        return v;
    }

    private static long[] DecodeIntegers(byte[] raw, SafeTensorsHeader.Entry e)
    {
        var v = new long[e.Count];
        for (int i = 0; i < v.Length; i++)
            v[i] = e.DType == "I64" ? BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * 8)) : BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i * 4));
        return v;
    }

    /// <summary>The complete file image, laid out as the reference writer lays it out.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, IntegerTensor>? integers = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var items = new List<(string Name, bool IsInt, int[] Shape, byte[] Bytes)>();
        foreach (var (name, t) in tensors)
        {
            CheckName(name, nameof(tensors));
            if (t is null) throw new ArgumentException($"SafeTensors: tensor '{name}' is null.", nameof(tensors));
            var bytes = new byte[t.Size * 4];
            var span = t.AsSpan();
            for (int i = 0; i < span.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), span[i]);
            items.Add((name, false, t.Shape, bytes));
        }
        foreach (var (name, it) in integers ?? new Dictionary<string, IntegerTensor>())
        {
            CheckName(name, nameof(integers));
            if (it?.Values is null || it.Shape is null) throw new ArgumentException($"SafeTensors: integer tensor '{name}' is null.", nameof(integers));
            if (tensors.ContainsKey(name)) throw new ArgumentException($"SafeTensors: '{name}' is both a float and an integer tensor.", nameof(integers));
            int count = Shapes.CheckedSize(it.Shape, nameof(integers));
            if (count != it.Values.Length)
                throw new ArgumentException($"SafeTensors: integer tensor '{name}' has shape {Shapes.Format(it.Shape)} ({count} elements) but {it.Values.Length} values.", nameof(integers));
            var bytes = new byte[count * 8];
            for (int i = 0; i < count; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), it.Values[i]);
            items.Add((name, true, (int[])it.Shape.Clone(), bytes));
        }
        // The reference sorts by dtype (larger alignment first: I64 before F32), then by name bytes.
        items.Sort((a, b) => a.IsInt != b.IsInt ? (a.IsInt ? -1 : 1) : Utf8Compare(a.Name, b.Name));

        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var key in metadata.Keys.OrderBy(k => k, Comparer<string>.Create(Utf8Compare)))
                {
                    var value = metadata[key] ?? throw new ArgumentException($"SafeTensors: metadata value for '{key}' is null.", nameof(metadata));
                    w.WriteString(key, value);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var item in items)
            {
                w.WriteStartObject(item.Name);
                w.WriteString("dtype", item.IsInt ? "I64" : "F32");
                w.WriteStartArray("shape");
                foreach (var d in item.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + item.Bytes.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += item.Bytes.Length;
            }
            w.WriteEndObject();
        }
        int headerLength = (int)json.Length;
        int padded = (headerLength + 7) / 8 * 8;
        long total = 8L + padded + items.Sum(i => (long)i.Bytes.Length);
        if (total > Array.MaxLength) throw new ArgumentException($"SafeTensors: the file would be {total} bytes, more than one buffer can hold.", nameof(tensors));
        var file = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.GetBuffer().AsSpan(0, headerLength).CopyTo(file.AsSpan(8));
        file.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        int pos = 8 + padded;
        foreach (var item in items) { item.Bytes.CopyTo(file, pos); pos += item.Bytes.Length; }
        return file;
    }

    private static void CheckName(string name, string paramName)
    {
        if (string.IsNullOrEmpty(name) || name == "__metadata__")
            throw new ArgumentException($"SafeTensors: '{name}' cannot be a tensor name (empty or reserved).", paramName);
    }

    private static int Utf8Compare(string? a, string? b) =>
        Encoding.UTF8.GetBytes(a ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b ?? ""));
}
