using System.Diagnostics;

namespace SeqPack;

/// <summary>
/// The batch-size prefix structure of packed rows, computed once and shared by the packing functions, the
/// embedding's packed lookup and the recurrent layers' time loops.
/// </summary>
/// <remarks>
/// Packed data are time-major rows: step <c>t</c> holds one row for each of the first
/// <c>BatchSizes[t]</c> sequences in sorted (longest-first) order. Batch sizes never grow, so the
/// sequences active at step <c>t</c> are a prefix of those active at <c>t - 1</c>, and the row of sorted
/// sequence <c>b</c> at step <c>t</c> is <c>StepOffsets[t] + b</c>. A recurrent layer therefore processes
/// step <c>t</c> as the contiguous block of rows [StepOffsets[t], StepOffsets[t + 1]) against the first
/// <c>BatchSizes[t]</c> rows of its hidden state, and never touches padding. A padded (T, B) input is the
/// special case where every batch size is B (<see cref="Uniform"/>).
/// </remarks>
internal sealed class PackedLayout
{
    private int[]? sortedLengths;

    private PackedLayout(int[] batchSizes, int[]? sortedLengths = null)
    {
        BatchSizes = batchSizes;
        StepOffsets = new int[batchSizes.Length + 1];
        for (int t = 0; t < batchSizes.Length; t++) StepOffsets[t + 1] = checked(StepOffsets[t] + batchSizes[t]);
        this.sortedLengths = sortedLengths;
    }

    /// <summary>Rows per time step, non-increasing, all positive. (T)</summary>
    public int[] BatchSizes { get; }

    /// <summary><c>StepOffsets[t]</c> is the first data row of step <c>t</c>; <c>StepOffsets[T]</c> is the row count. (T + 1)</summary>
    public int[] StepOffsets { get; }

    /// <summary>The length of each sequence in sorted (longest-first) order; non-increasing. (B)</summary>
    public int[] SortedLengths => sortedLengths ??= LengthsOf(BatchSizes);

    /// <summary>The number of time steps T (the longest length).</summary>
    public int Steps => BatchSizes.Length;

    /// <summary>The number of sequences B (<c>BatchSizes[0]</c>; 0 without steps).</summary>
    public int Batch => BatchSizes.Length == 0 ? 0 : BatchSizes[0];

    /// <summary>The number of data rows (the sum of the lengths).</summary>
    public int Rows => StepOffsets[^1];

    /// <summary>The data row of sorted sequence <paramref name="b"/> at step <paramref name="t"/> (requires <c>b &lt; BatchSizes[t]</c>).</summary>
    public int Row(int t, int b)
    {
        Debug.Assert(b < BatchSizes[t]);
        return StepOffsets[t] + b;
    }

    /// <summary>The step processed at position <paramref name="s"/> of a time loop: forwards, or backwards for a reverse direction.</summary>
    public int StepAt(int s, bool reverse) => reverse ? Steps - 1 - s : s;

    /// <summary>The layout of already validated batch sizes (non-empty, positive, non-increasing).</summary>
    public static PackedLayout FromBatchSizes(int[] batchSizes)
    {
        Debug.Assert(batchSizes.Length > 0 && batchSizes[^1] > 0);
        return new PackedLayout(batchSizes);
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
        return new PackedLayout(batchSizes, sortedLengths);
    }

    /// <summary>The layout of a padded (T, B) input in time-major rows: every step has all B rows.</summary>
    public static PackedLayout Uniform(int steps, int batch)
    {
        var sizes = new int[steps];
        Array.Fill(sizes, batch);
        return new PackedLayout(sizes);
    }

    /// <summary>
    /// The indices of <paramref name="lengths"/> ordered by decreasing length, equal lengths in their original
    /// order: the sort order of <c>pack_sequence(..., enforce_sorted=False)</c>. A counting sort, stable and O(B + T).
    /// </summary>
    public static int[] LongestFirst(IReadOnlyList<int> lengths)
    {
        int max = 0;
        foreach (int l in lengths) max = Math.Max(max, l);
        var start = new int[max + 2];
        foreach (int l in lengths) start[max - l + 1]++;
        for (int k = 1; k < start.Length; k++) start[k] += start[k - 1];
        var order = new int[lengths.Count];
        for (int i = 0; i < lengths.Count; i++) order[start[max - lengths[i]]++] = i;
        return order;
    }

    /// <summary>lengths[b] = the number of steps whose batch size exceeds b; walks t down as b grows.</summary>
    private static int[] LengthsOf(int[] batchSizes)
    {
        int steps = batchSizes.Length, batch = steps == 0 ? 0 : batchSizes[0];
        var lengths = new int[batch];
        int s = steps;
        for (int b = 0; b < batch; b++)
        {
            while (s > 0 && batchSizes[s - 1] <= b) s--;
            lengths[b] = s;
        }
        return lengths;
    }
}
