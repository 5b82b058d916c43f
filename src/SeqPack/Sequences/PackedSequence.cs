namespace SeqPack;

/// <summary>
/// A batch of variable-length sequences stored without padding, as PyTorch's
/// <c>torch.nn.utils.rnn.PackedSequence</c>: the rows of all sequences interleaved time step by time step.
/// </summary>
/// <remarks>
/// <para><see cref="Data"/> has shape (sum of lengths, *features). Its first <c>BatchSizes[0]</c> rows are
/// step 0 of every sequence, the next <c>BatchSizes[1]</c> rows step 1 of the sequences still running, and
/// so on, the sequences ordered longest first. Build one with <see cref="Packing.PackPaddedSequence"/> or
/// <see cref="Packing.PackSequence"/>.</para>
/// <para><see cref="SortedIndices"/>[i] is the caller's batch index of the i-th longest sequence and
/// <see cref="UnsortedIndices"/> is its inverse; both are null when the caller's batch was already sorted
/// (<c>enforceSorted: true</c>).</para>
/// <para>Disposing it disposes <see cref="Data"/> (see <see cref="Tensor.Dispose"/>).</para>
/// </remarks>
public sealed class PackedSequence : IDisposable
{
    private readonly int[]? sortedIndices;
    private readonly int[]? unsortedIndices;

    /// <summary>
    /// Wraps packed data, checking that it is consistent. When only one of <paramref name="sortedIndices"/>
    /// and <paramref name="unsortedIndices"/> is given the other is computed as its inverse; when both are
    /// given they must be inverse permutations of each other.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="batchSizes"/> is empty, has a non-positive entry or increases somewhere; the rows of
    /// <paramref name="data"/> are not the sum of the batch sizes; an index list is not a permutation of
    /// 0 … BatchSizes[0] − 1, or the two lists are not inverse to each other.
    /// </exception>
    public PackedSequence(Tensor data, IReadOnlyList<int> batchSizes, IReadOnlyList<int>? sortedIndices = null, IReadOnlyList<int>? unsortedIndices = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(batchSizes);
        if (batchSizes.Count == 0)
            throw new ArgumentException("PackedSequence: batchSizes is empty; a packed sequence has at least one time step (one entry per step, the number of sequences running at that step).", nameof(batchSizes));
        var sizes = batchSizes.ToArray();
        for (int t = 0; t < sizes.Length; t++)
        {
            if (sizes[t] <= 0)
                throw new ArgumentException($"PackedSequence: batchSizes[{t}] = {sizes[t]}; every batch size must be at least 1.", nameof(batchSizes));
            if (t > 0 && sizes[t] > sizes[t - 1])
                throw new ArgumentException($"PackedSequence: batchSizes increases from {sizes[t - 1]} at step {t - 1} to {sizes[t]} at step {t}; batch sizes must be non-increasing (sequences sorted longest first).", nameof(batchSizes));
        }
        long total = 0;
        foreach (int s in sizes) total += s;
        if (data.Rank == 0 || data.ShapeSpan[0] != total)
            throw new ArgumentException($"PackedSequence: data has shape {Shapes.Format(data.ShapeSpan)} but the batch sizes add up to {total} rows; data must have shape ({total}, *features).", nameof(data));
        int batch = sizes[0];
        int[]? sorted = sortedIndices is null ? null : CheckPermutation(sortedIndices, batch, nameof(sortedIndices));
        int[]? unsorted = unsortedIndices is null ? null : CheckPermutation(unsortedIndices, batch, nameof(unsortedIndices));
        if (sorted is not null && unsorted is not null)
        {
            for (int i = 0; i < batch; i++)
                if (unsorted[sorted[i]] != i)
                    throw new ArgumentException($"PackedSequence: unsortedIndices is not the inverse of sortedIndices (sortedIndices[{i}] = {sorted[i]} but unsortedIndices[{sorted[i]}] = {unsorted[sorted[i]]}); pass only sortedIndices and the inverse is computed.", nameof(unsortedIndices));
        }
        else if (sorted is not null) unsorted = Packing.Invert(sorted);
        else if (unsorted is not null) sorted = Packing.Invert(unsorted);
        Data = data;
        Layout = PackedLayout.FromBatchSizes(sizes);
        this.sortedIndices = sorted;
        this.unsortedIndices = unsorted;
        BatchSizes = Array.AsReadOnly(sizes);
        SortedIndices = sorted is null ? null : Array.AsReadOnly(sorted);
        UnsortedIndices = unsorted is null ? null : Array.AsReadOnly(unsorted);
    }

    /// <summary>Trusted construction from parts already validated (or produced) by the library.</summary>
    private PackedSequence(Tensor data, PackedLayout layout, int[]? sorted, int[]? unsorted, ShareRows? share = null)
    {
        Data = data;
        Layout = layout;
        Share = share;
        sortedIndices = sorted;
        unsortedIndices = unsorted;
        BatchSizes = Array.AsReadOnly(layout.BatchSizes);
        SortedIndices = sorted is null ? null : Array.AsReadOnly(sorted);
        UnsortedIndices = unsorted is null ? null : Array.AsReadOnly(unsorted);
    }

    /// <summary>The packed rows, shape (sum of lengths, *features), time-major, longest sequence first within each step.</summary>
    public Tensor Data { get; }

    /// <summary>The number of sequences still running at each time step (non-increasing; its length is the longest length).</summary>
    public IReadOnlyList<int> BatchSizes { get; }

    /// <summary>SortedIndices[i] = the caller's batch index of the i-th longest sequence; null when the input was already sorted.</summary>
    public IReadOnlyList<int>? SortedIndices { get; }

    /// <summary>The inverse of <see cref="SortedIndices"/>: UnsortedIndices[j] = the sorted position of the caller's sequence j; null when the input was already sorted.</summary>
    public IReadOnlyList<int>? UnsortedIndices { get; }

    /// <summary>The batch-size prefix structure (step offsets, sorted lengths) for kernels.</summary>
    internal PackedLayout Layout { get; }

    /// <summary>
    /// Set when these rows are a rank's share of a global batch (<see cref="ShareRows"/>): where each row sits in the
    /// global batch's packed rows, so that the recurrent layers' dropout gives each row its single-process mask.
    /// </summary>
    internal ShareRows? Share { get; }

    /// <summary><see cref="SortedIndices"/> without a copy, for internal code that promises not to modify it.</summary>
    internal int[]? SortedIndexArray => sortedIndices;

    /// <summary><see cref="UnsortedIndices"/> without a copy, for internal code that promises not to modify it.</summary>
    internal int[]? UnsortedIndexArray => unsortedIndices;

    /// <summary>
    /// A packed sequence with the same batch sizes and indices as this one but other data, e.g. a recurrent
    /// layer's output (PyTorch builds its output the same way). <paramref name="data"/> must have as many rows.
    /// </summary>
    internal PackedSequence WithData(Tensor data)
    {
        if (data.Rank == 0 || data.ShapeSpan[0] != Layout.Rows)
            throw new ArgumentException($"PackedSequence: data has shape {Shapes.Format(data.ShapeSpan)} but this packed sequence has {Layout.Rows} rows.", nameof(data));
        return new PackedSequence(data, Layout, sortedIndices, unsortedIndices, Share);
    }

    /// <summary>Construction from parts the packing functions computed (no re-validation).</summary>
    internal static PackedSequence FromTrusted(Tensor data, PackedLayout layout, int[]? sorted, ShareRows? share = null) =>
        new(data, layout, sorted, sorted is null ? null : Packing.Invert(sorted), share);

    /// <summary>Disposes <see cref="Data"/>, whose buffer then goes to the next result of its size (see <see cref="Tensor.Dispose"/>).</summary>
    public void Dispose() => Data.Dispose();

    /// <summary>A short description: data shape, batch sizes and whether the batch was reordered.</summary>
    public override string ToString() =>
        $"PackedSequence(data: {Shapes.Format(Data.ShapeSpan)}, batchSizes: [{string.Join(", ", Layout.BatchSizes)}]" +
        (sortedIndices is null ? ")" : $", sortedIndices: [{string.Join(", ", sortedIndices)}])");

    private static int[] CheckPermutation(IReadOnlyList<int> indices, int batch, string paramName)
    {
        if (indices.Count != batch)
            throw new ArgumentException($"PackedSequence: {paramName} has {indices.Count} entries but there are {batch} sequences (BatchSizes[0]); give a permutation of 0 … {batch - 1}.", paramName);
        return Packing.CheckPermutation(indices, "PackedSequence", paramName);
    }
}
