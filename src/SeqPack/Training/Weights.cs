using SeqPack.IO;

namespace SeqPack.Training;

/// <summary>Reads the safetensors files of a run folder, naming the file and the fix when one is unreadable.</summary>
internal static class Weights
{
    public static Dictionary<string, Tensor> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing; retrain or restore it.", path);
        Dictionary<string, Tensor> tensors;
        try
        {
            tensors = SafeTensors.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a readable safetensors file ({e.Message}); retrain or restore it.", e);
        }
        CheckFinite(path, tensors);
        return tensors;
    }

    /// <summary>Refuses tensors holding NaN or an infinity: such weights predict nonsense ("ham NaN") and cannot be trained further.</summary>
    public static void CheckFinite(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var (name, t) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var values = t.AsSpan();
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i]))
                    throw new InvalidDataException($"{path} holds a non-finite value ({values[i]}) in '{name}' at index {i}; the file is damaged or training diverged, so retrain or restore it.");
        }
    }
}
