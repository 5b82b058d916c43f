using SeqPack.IO;

namespace SeqPack.Cli.Infrastructure;

/// <summary>Model and optimiser tensors saved with <see cref="SafeTensors"/>; an unreadable file becomes a one-line error.</summary>
internal static class WeightFiles
{
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors) => SafeTensors.Save(path, tensors);

    public static Dictionary<string, Tensor> Load(string path)
    {
        try
        {
            return SafeTensors.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"{path} is not a readable safetensors file ({e.Message}); retrain or restore it.");
        }
    }
}
