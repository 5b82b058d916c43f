using System.Globalization;

namespace SeqPack.Training;

/// <summary>
/// The memory a training step needs for the data at hand, checked before the first batch so that one very long
/// sequence fails at once with the option that fixes it (<c>--max-length</c>), instead of growing the process
/// until the machine runs out. The estimate counts, per packed step, the embedding output and each layer's gate
/// pre-activations and states, kept for the backward pass and matched by their gradients and workspace (×3).
/// </summary>
public static class MemoryBudget
{
    /// <summary>Bytes one packed step of one sequence costs in training.</summary>
    public static double BytesPerStep(ModelConfig m)
    {
        double gates = m.Cell == "gru" ? 3 : 4, dirs = m.Bidirectional ? 2 : 1;
        return 3 * sizeof(float) * (m.IdsPerStep * (double)m.EmbeddingDim + m.NumLayers * dirs * (gates + 3) * m.HiddenSize);
    }

    /// <summary>Most steps one batch can hold: the <paramref name="batchSize"/> longest <paramref name="lengths"/>, each cut at <paramref name="maxLength"/>.</summary>
    public static long LargestBatchSteps(IReadOnlyList<int> lengths, int batchSize, int? maxLength) =>
        lengths.Select(l => (long)Math.Min(l, maxLength ?? int.MaxValue)).OrderDescending().Take(batchSize).Sum();

    /// <summary>
    /// Null when the largest batch fits in <paramref name="availableBytes"/>; otherwise one message naming
    /// --max-length (with a value that fits) and --batch-size.
    /// </summary>
    public static string? Check(IReadOnlyList<int> lengths, ModelConfig model, TrainingConfig training, long availableBytes)
    {
        if (lengths.Count == 0) return null;
        double perStep = BytesPerStep(model);
        long steps = LargestBatchSteps(lengths, training.BatchSize, training.MaxLength);
        double need = steps * perStep;
        if (need <= availableBytes) return null;
        int longest = Math.Min(lengths.Max(), training.MaxLength ?? int.MaxValue);
        long fits = Math.Max(1, (long)(availableBytes / perStep / training.BatchSize));
        return string.Create(CultureInfo.InvariantCulture,
            $"the largest training batch holds {steps} steps (sequences up to {longest} steps), about {need / (1L << 30):0.#} GiB to train, " +
            $"more than the {availableBytes / (double)(1L << 30):0.#} GiB available; pass --max-length {Math.Min(fits, int.MaxValue)} or less, or a smaller --batch-size.");
    }

    /// <summary>
    /// The memory this process may still use: the GC's limit (physical memory or the container's), and on Linux no
    /// more than what the kernel reports available (MemAvailable) plus what this process already holds, since the
    /// machine may be shared.
    /// </summary>
    public static long Available()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available <= 0) available = long.MaxValue;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kib))
                    available = Math.Min(available, kib * 1024 + Environment.WorkingSet);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return available;
    }
}
