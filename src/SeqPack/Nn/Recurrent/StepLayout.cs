namespace SeqPack.Nn.Recurrent;

/// <summary>
/// The time-major row layout shared by packed and padded input: step <c>t</c> owns rows
/// <c>[Offsets[t], Offsets[t] + BatchSizes[t])</c>, and batch entry <c>b</c> of that step is row
/// <c>Offsets[t] + b</c>. Batch sizes never grow, so the rows active at a step are a prefix of those active
/// at the step before; a padded (T, B) input is the special case where every batch size is B.
/// </summary>
internal sealed class StepLayout
{
    /// <summary>Active rows at each step, non-increasing.</summary>
    public int[] BatchSizes { get; }

    /// <summary>First row of each step; <c>Offsets[Steps]</c> is the number of rows.</summary>
    public int[] Offsets { get; }

    /// <summary>Number of time steps (the longest sequence).</summary>
    public int Steps => BatchSizes.Length;

    /// <summary>Number of rows: the sum of the sequence lengths.</summary>
    public int Rows => Offsets[^1];

    /// <summary>Number of sequences (the batch size of the first step).</summary>
    public int Batch => BatchSizes.Length == 0 ? 0 : BatchSizes[0];

    private StepLayout(int[] batchSizes)
    {
        BatchSizes = batchSizes;
        Offsets = new int[batchSizes.Length + 1];
        for (int t = 0; t < batchSizes.Length; t++) Offsets[t + 1] = Offsets[t] + batchSizes[t];
    }

    /// <summary>The layout of packed rows with the given batch sizes (checked: positive and non-increasing).</summary>
    public static StepLayout FromBatchSizes(IReadOnlyList<int> batchSizes, string paramName)
    {
        var sizes = batchSizes.ToArray();
        if (sizes.Length == 0)
            throw new ArgumentException("The packed sequence has no time steps (BatchSizes is empty).", paramName);
        for (int t = 0; t < sizes.Length; t++)
            if (sizes[t] <= 0 || (t > 0 && sizes[t] > sizes[t - 1]))
                throw new ArgumentException(
                    $"BatchSizes must be positive and non-increasing; got [{string.Join(", ", sizes)}]. Build packed input with Packing.PackPaddedSequence or Packing.PackSequence.", paramName);
        return new StepLayout(sizes);
    }

    /// <summary>The layout of a padded (T, B) input: every step has all B rows.</summary>
    public static StepLayout Uniform(int steps, int batch)
    {
        var sizes = new int[steps];
        Array.Fill(sizes, batch);
        return new StepLayout(sizes);
    }

    /// <summary>The step processed at position <paramref name="s"/> of the time loop: forwards, or backwards for the reverse direction.</summary>
    public int StepAt(int s, bool reverse) => reverse ? Steps - 1 - s : s;
}
