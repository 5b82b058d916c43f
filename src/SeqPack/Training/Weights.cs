using SeqPack.IO;

namespace SeqPack.Training;

/// <summary>Reads the safetensors files of a run folder, naming the file and the fix when one is unreadable.</summary>
internal static class Weights
{
    public static Dictionary<string, Tensor> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing; retrain or restore it.", path);
        try
        {
            return SafeTensors.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not a readable safetensors file ({e.Message}); retrain or restore it.", e);
        }
    }
}
