using System.Globalization;

namespace SeqPack.Cli.Commands;

/// <summary>
/// The memory a training run's model needs, estimated from the options before anything is allocated:
/// parameters (embedding of at most --max-vocab entries, recurrent layers, output layer) times 16 bytes
/// (weights, gradients and Adam's two moments), checked against the memory the runtime may use.
/// </summary>
internal static class ModelSize
{
    /// <summary>Upper bound of the trainable parameters for these sizes (classes are taken as at most 1,000).</summary>
    public static double Parameters(int vocabulary, int embeddingDim, int hiddenSize, int layers, bool bidirectional, bool gru)
    {
        double dirs = bidirectional ? 2 : 1, gates = gru ? 3 : 4, h = hiddenSize;
        double firstLayer = dirs * gates * h * (embeddingDim + h + 2);
        double otherLayers = (layers - 1) * dirs * gates * h * (dirs * h + h + 2);
        return (double)vocabulary * embeddingDim + firstLayer + otherLayers + 1000 * (dirs * h + 1);
    }

    /// <summary>A message naming --layers and --hidden-size when the model cannot fit in <paramref name="availableBytes"/>; otherwise null.</summary>
    public static string? Check(double parameters, long availableBytes, int layers, int hiddenSize)
    {
        double bytes = parameters * 16;
        if (bytes <= availableBytes) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"--layers {layers} with --hidden-size {hiddenSize} gives a model of about {parameters:0.###e0} parameters, needing {bytes / (1L << 30):0.#} GiB " +
            $"to train (weights, gradients, Adam state), more than the {availableBytes / (double)(1L << 30):0.#} GiB available; lower --layers or --hidden-size");
    }

    /// <summary>The memory this process may still use (<see cref="SeqPack.Training.MemoryBudget.Available"/>).</summary>
    public static long AvailableBytes() => SeqPack.Training.MemoryBudget.Available();
}
