using SeqPack.IO;

namespace SeqPack.Cli.Infrastructure;

/// <summary>Model and optimiser tensors saved with <see cref="SafeTensors"/>; an unreadable file becomes a one-line error.</summary>
internal static class WeightFiles
{
    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (temporary file, then one rename).</summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, FileOps? files = null) =>
        AtomicFile.Write(path, SafeTensors.Serialize(tensors), files);

    /// <summary>Reads <paramref name="path"/>; a damaged file or one holding NaN or an infinity is a one-line error.</summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = SafeTensors.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"{path} is not a readable safetensors file ({e.Message}); retrain or restore it.", ExitCodes.Data);
        }
        CheckFinite(path, tensors);
        return tensors;
    }

    /// <summary>Refuses tensors holding NaN or an infinity: such weights predict nonsense ("ham NaN") and cannot be trained further.</summary>
    public static void CheckFinite(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var values = t.ToArray();
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i]))
                    throw new CliException($"{path} holds a non-finite value ({values[i]}) in '{name}' at index {i}; the file is damaged or training diverged, so retrain or restore it.", ExitCodes.Data);
        }
    }
}
