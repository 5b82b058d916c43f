using System.Buffers.Binary;
using SeqPack.Models;

namespace SeqPack.Fuzz;

/// <summary>
/// The run-folder loader: the input is a 2-byte little-endian length N, N bytes of config.json and the rest as
/// model.safetensors, written into a folder that is then loaded as predict and evaluate load it. A hostile
/// folder may only end in the loader's documented refusals (<see cref="InvalidDataException"/>,
/// <see cref="FileNotFoundException"/>); a folder that loads must
/// predict finite probabilities that sum to 1.
/// </summary>
internal static class RunFolderTarget
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("seqpack-fuzz-run-").FullName;

    public static void Run(Stream input)
    {
        var bytes = new MemoryStream();
        input.CopyTo(bytes);
        var all = bytes.ToArray();
        if (all.Length < 2) return;
        int n = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(all), all.Length - 2);
        File.WriteAllBytes(Path.Combine(Folder, "config.json"), all[2..(2 + n)]);
        File.WriteAllBytes(Path.Combine(Folder, "model.safetensors"), all[(2 + n)..]);
        TrainedModel model;
        try
        {
            model = TrainedModel.Load(Folder);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            return;
        }
        var text = model.IsTagger ? "the cat sat" : "hello there";
        var probabilities = model.Probabilities(text);
        if (probabilities.Any(x => !float.IsFinite(x) || x < 0 || x > 1.0001f))
            throw new InvalidOperationException($"a loaded model predicted probabilities [{string.Join(", ", probabilities)}]");
        if (!model.IsTagger && Math.Abs(probabilities.Sum() - 1) > 1e-3) throw new InvalidOperationException("class probabilities do not sum to 1");
    }
}
