namespace SeqPack;

// Argument checks and small helpers shared by the packing functions.
public static partial class Packing
{
    /// <summary>
    /// A copy of <paramref name="lengths"/> after checking there is one per sequence and each lies in
    /// [<paramref name="min"/>, <paramref name="max"/>].
    /// </summary>
    private static int[] CheckLengths(string op, IReadOnlyList<int> lengths, int batch, int min, int max, string maxMeaning)
    {
        if (lengths.Count != batch)
            throw new ArgumentException($"{op}: {lengths.Count} lengths were given for a batch of {batch} sequences; give exactly one length per sequence.", nameof(lengths));
        if (batch == 0)
            throw new ArgumentException($"{op}: the batch is empty (no lengths and no sequences); give at least one sequence.", nameof(lengths));
        var lens = new int[batch];
        for (int i = 0; i < batch; i++)
        {
            int v = lengths[i];
            if (v < min)
                throw new ArgumentException($"{op}: lengths[{i}] = {v}; every length must be at least {min}{(min == 1 ? " (drop empty sequences before packing)" : "")}.", nameof(lengths));
            if (v > max)
                throw new ArgumentException($"{op}: lengths[{i}] = {v} is longer than {maxMeaning} ({max} steps); lengths must be at most {max}. (PyTorch silently truncates here; SeqPack refuses.)", nameof(lengths));
            lens[i] = v;
        }
        return lens;
    }

    /// <summary>
    /// Null when <paramref name="enforceSorted"/> (after checking the lengths are non-increasing), otherwise
    /// the batch indices ordered by decreasing length, equal lengths in batch order (a stable sort).
    /// </summary>
    private static int[]? SortOrder(string op, int[] lengths, bool enforceSorted, string paramName = "lengths", string what = "lengths")
    {
        if (enforceSorted)
        {
            for (int i = 1; i < lengths.Length; i++)
                if (lengths[i] > lengths[i - 1])
                    throw new ArgumentException(
                        $"{op}: {what} must be sorted in decreasing order when enforceSorted is true, but entry {i - 1} is {lengths[i - 1]} and entry {i} is {lengths[i]}. " +
                        "Pass `enforceSorted: false` to have the batch sorted for you (the order is recorded in SortedIndices and undone by PadPackedSequence/UnpackSequence).", paramName);
            return null;
        }
        return PackedLayout.LongestFirst(lengths);
    }

    /// <summary>values[order[i]] for each i, or a copy of values when order is null.</summary>
    private static int[] Gather(int[] values, int[]? order)
    {
        if (order is null) return (int[])values.Clone();
        var r = new int[order.Length];
        for (int i = 0; i < order.Length; i++) r[i] = values[order[i]];
        return r;
    }

    /// <summary>The given leading extents followed by shape[from..].</summary>
    private static int[] FeatureShape(ReadOnlySpan<int> shape, int from, params ReadOnlySpan<int> leading)
    {
        var r = new int[leading.Length + shape.Length - from];
        leading.CopyTo(r);
        shape[from..].CopyTo(r.AsSpan(leading.Length));
        return r;
    }

    /// <summary>The sequences as an array, after checking the list is non-empty, has no null and all feature shapes agree.</summary>
    private static Tensor[] CheckSequences(string op, IReadOnlyList<Tensor> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
            throw new ArgumentException($"{op}: sequences is empty; give at least one sequence.", nameof(sequences));
        var seqs = new Tensor[sequences.Count];
        for (int i = 0; i < seqs.Length; i++)
        {
            var s = sequences[i] ?? throw new ArgumentNullException(nameof(sequences), $"{op}: sequences[{i}] is null.");
            if (s.Rank == 0)
                throw new ArgumentException($"{op}: sequences[{i}] is a scalar; each sequence needs a time dimension: (length, *features).", nameof(sequences));
            if (i > 0 && !s.ShapeSpan[1..].SequenceEqual(seqs[0].ShapeSpan[1..]))
                throw new ArgumentException(
                    $"{op}: sequences[{i}] has shape {Shapes.Format(s.ShapeSpan)} and sequences[0] has shape {Shapes.Format(seqs[0].ShapeSpan)}; all sequences must have the same feature shape (every dimension after the first).", nameof(sequences));
            seqs[i] = s;
        }
        return seqs;
    }
}
