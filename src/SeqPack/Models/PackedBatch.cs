namespace SeqPack.Models;

/// <summary>
/// The packed layout of a batch of sequences with the given lengths, as <c>pack_sequence(..., enforce_sorted=False)</c>
/// lays it out: sequences sorted by length, longest first (ties keep their input order), then rows in time-major
/// order — step 0 of every sequence, then step 1 of those still running, and so on. It packs per-step items
/// (token ids, targets) into that row order and unpacks per-row results back into per-sequence arrays.
/// </summary>
public sealed class PackedBatch
{
    private readonly int[] lengths;
    private readonly int[] sortedIndices;

    private PackedBatch(int[] lengths, int[] sortedIndices)
    {
        this.lengths = lengths;
        this.sortedIndices = sortedIndices;
        SortedIndices = Array.AsReadOnly(sortedIndices);
        var sortedLengths = new int[lengths.Length];
        for (int b = 0; b < sortedLengths.Length; b++) sortedLengths[b] = lengths[sortedIndices[b]];
        Layout = PackedLayout.FromSortedLengths(sortedLengths);
        BatchSizes = Array.AsReadOnly(Layout.BatchSizes);   // read-only views: the layout is shared with the recurrent layers
    }

    /// <summary>The layout for sequences of <paramref name="lengths"/> (each at least 1).</summary>
    /// <exception cref="ArgumentException">No lengths, or a length below 1.</exception>
    public static PackedBatch Of(IReadOnlyList<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (lengths.Count == 0) throw new ArgumentException("PackedBatch: no sequences; a batch needs at least one.", nameof(lengths));
        var l = lengths.ToArray();
        for (int i = 0; i < l.Length; i++)
            if (l[i] < 1) throw new ArgumentException($"PackedBatch: lengths[{i}] = {l[i]}; every sequence needs at least one step.", nameof(lengths));
        return new PackedBatch(l, PackedLayout.LongestFirst(l));
    }

    /// <summary>The number of sequences.</summary>
    public int Count => lengths.Length;

    /// <summary>The length of each sequence in input order.</summary>
    public IReadOnlyList<int> Lengths => lengths;

    /// <summary>Input index of the sequence at each sorted position (longest first).</summary>
    public IReadOnlyList<int> SortedIndices { get; }

    /// <summary>How many sequences run at each step.</summary>
    public IReadOnlyList<int> BatchSizes { get; }

    /// <summary>The sum of the lengths: the number of packed rows.</summary>
    public int TotalRows => Layout.Rows;

    /// <summary>The step offsets and sorted lengths shared with <see cref="PackedSequence"/> and the recurrent layers.</summary>
    internal PackedLayout Layout { get; }

    /// <summary>
    /// Lays out per-step items of each sequence in packed row order; each step of sequence i holds
    /// <paramref name="perStep"/> consecutive items of <c>sequences[i]</c> (which has lengths[i]·perStep items).
    /// </summary>
    /// <exception cref="ArgumentException">A sequence count or item count that does not match the layout.</exception>
    public T[] Pack<T>(IReadOnlyList<IReadOnlyList<T>> sequences, int perStep = 1)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count != Count) throw new ArgumentException($"PackedBatch.Pack: {sequences.Count} sequences for a layout of {Count}.", nameof(sequences));
        for (int i = 0; i < Count; i++)
            if (sequences[i].Count != lengths[i] * perStep)
                throw new ArgumentException($"PackedBatch.Pack: sequence {i} has {sequences[i].Count} items; its length {lengths[i]} × {perStep} per step needs {lengths[i] * perStep}.", nameof(sequences));
        var packed = new T[TotalRows * perStep];
        for (int t = 0; t < Layout.Steps; t++)
            for (int b = 0; b < Layout.BatchSizes[t]; b++)
            {
                var s = sequences[sortedIndices[b]];
                int row = Layout.Row(t, b);
                for (int k = 0; k < perStep; k++) packed[row * perStep + k] = s[t * perStep + k];
            }
        return packed;
    }

    /// <summary>The inverse of <see cref="Pack{T}"/> for one item per step: per-sequence arrays in input order.</summary>
    /// <exception cref="ArgumentException"><paramref name="packed"/> does not hold one item per packed row.</exception>
    public T[][] Unpack<T>(IReadOnlyList<T> packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        if (packed.Count != TotalRows) throw new ArgumentException($"PackedBatch.Unpack: {packed.Count} items for {TotalRows} packed rows.", nameof(packed));
        var result = lengths.Select(n => new T[n]).ToArray();
        for (int t = 0; t < Layout.Steps; t++)
            for (int b = 0; b < Layout.BatchSizes[t]; b++)
                result[sortedIndices[b]][t] = packed[Layout.Row(t, b)];
        return result;
    }
}
