using System.Diagnostics;

namespace SeqPack;

/// <summary>
/// The batch-size prefix structure of a packed sequence, precomputed once for the recurrent layers and the
/// packing kernels.
/// </summary>
/// <remarks>
/// Packed data are time-major rows: step <c>t</c> holds one row for each of the first
/// <c>BatchSizes[t]</c> sequences in sorted (longest-first) order. Batch sizes never grow, so the
/// sequences active at step <c>t</c> are a prefix of those active at <c>t - 1</c>, and the row of sorted
/// sequence <c>b</c> at step <c>t</c> is <c>StepOffsets[t] + b</c>. A recurrent layer therefore processes
/// step <c>t</c> as the contiguous block of rows [StepOffsets[t], StepOffsets[t + 1]) against the first
/// <c>BatchSizes[t]</c> rows of its hidden state, and never touches padding.
/// </remarks>
internal sealed class PackedLayout
{
    private PackedLayout(int[] batchSizes, int[] stepOffsets, int[] sortedLengths)
    {
        BatchSizes = batchSizes;
        StepOffsets = stepOffsets;
        SortedLengths = sortedLengths;
    }

    /// <summary>Rows per time step, non-increasing, all positive. (T)</summary>
    public int[] BatchSizes { get; }

    /// <summary><c>StepOffsets[t]</c> is the first data row of step <c>t</c>; <c>StepOffsets[T]</c> is the row count. (T + 1)</summary>
    public int[] StepOffsets { get; }

    /// <summary>The length of each sequence in sorted (longest-first) order; non-increasing. (B)</summary>
    public int[] SortedLengths { get; }

    /// <summary>The number of time steps T (the longest length).</summary>
    public int Steps => BatchSizes.Length;

    /// <summary>The number of sequences B (<c>BatchSizes[0]</c>).</summary>
    public int Batch => BatchSizes[0];

    /// <summary>The number of data rows (the sum of the lengths).</summary>
    public int Rows => StepOffsets[^1];

    /// <summary>The data row of sorted sequence <paramref name="b"/> at step <paramref name="t"/> (requires <c>b &lt; BatchSizes[t]</c>).</summary>
    public int Row(int t, int b)
    {
        Debug.Assert(b < BatchSizes[t]);
        return StepOffsets[t] + b;
    }

    /// <summary>The layout of already validated batch sizes (non-empty, positive, non-increasing).</summary>
    public static PackedLayout FromBatchSizes(int[] batchSizes)
    {
        int steps = batchSizes.Length, batch = batchSizes[0];
        var offsets = new int[steps + 1];
        for (int t = 0; t < steps; t++) offsets[t + 1] = checked(offsets[t] + batchSizes[t]);
        // lengths[b] = the number of steps whose batch size exceeds b; walk t down as b grows.
        var lengths = new int[batch];
        int s = steps;
        for (int b = 0; b < batch; b++)
        {
            while (s > 0 && batchSizes[s - 1] <= b) s--;
            lengths[b] = s;
        }
        return new PackedLayout(batchSizes, offsets, lengths);
    }

    /// <summary>The layout of already validated lengths in non-increasing order, all positive.</summary>
    public static PackedLayout FromSortedLengths(int[] sortedLengths)
    {
        int batch = sortedLengths.Length, steps = sortedLengths[0];
        // batchSizes[t] = the number of sequences longer than t; walk b down as t grows.
        var batchSizes = new int[steps];
        int b = batch;
        for (int t = 0; t < steps; t++)
        {
            while (b > 0 && sortedLengths[b - 1] <= t) b--;
            batchSizes[t] = b;
        }
        return FromBatchSizes(batchSizes);
    }
}
