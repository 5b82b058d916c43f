using SeqPack.IO;

namespace SeqPack.Fuzz;

/// <summary>
/// The safetensors reader: any bytes. A malformed file may only end in an <see cref="InvalidDataException"/>;
/// what it reads must have as many values as its shape says.
/// </summary>
internal static class SafeTensorsTarget
{
    public static void Run(Stream input)
    {
        try
        {
            var bytes = new MemoryStream();                     // the reader needs a seekable stream, as a file is
            input.CopyTo(bytes);
            bytes.Position = 0;
            var content = SafeTensors.Read(bytes);
            foreach (var (name, t) in content.Tensors)
                if (t.ToArray().Length != t.Shape.Aggregate(1L, (a, d) => a * d)) throw new InvalidOperationException($"tensor '{name}' has the wrong size");
        }
        catch (InvalidDataException)
        {
        }
    }
}
