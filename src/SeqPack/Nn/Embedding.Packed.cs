namespace SeqPack.Nn;

// Embedding straight into a packed batch: only real tokens are looked up, and the result carries the same
// batch sizes and sort permutation as the packing functions produce, ready for a recurrent layer.
public sealed partial class Embedding
{
    /// <summary>
    /// Embeds ids given in packed order (time-major, longest sequence first within each step) and returns them
    /// as a packed sequence with data (sum of lengths, dim). <paramref name="batchSizes"/> and the indices are
    /// those of <see cref="PackedSequence"/> and are checked the same way.
    /// </summary>
    public PackedSequence ForwardPacked(IReadOnlyList<int> packedIds, IReadOnlyList<int> batchSizes,
        IReadOnlyList<int>? sortedIndices = null, IReadOnlyList<int>? unsortedIndices = null)
    {
        ArgumentNullException.ThrowIfNull(packedIds);
        return new PackedSequence(Forward(packedIds), batchSizes, sortedIndices, unsortedIndices);
    }

    /// <summary>
    /// Embeds a packed batch whose <see cref="PackedSequence.Data"/> holds token ids as whole numbers, shape
    /// (sum of lengths) or (sum of lengths, 1), e.g. from <see cref="Packing.PackSequence"/> on id tensors. The
    /// result keeps the batch sizes and indices.
    /// </summary>
    public PackedSequence Forward(PackedSequence ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var data = ids.Data;
        if (!(data.Rank == 1 || (data.Rank == 2 && data.ShapeSpan[1] == 1)))
            throw new ArgumentException($"Embedding.Forward: packed ids must have shape (rows) or (rows, 1); got {Shapes.Format(data.ShapeSpan)}.", nameof(ids));
        var values = data.AsSpan();
        var idx = new int[values.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            float v = values[i];
            if (v != MathF.Floor(v) || v < 0 || v >= NumEmbeddings)
                throw new ArgumentException($"Embedding.Forward: packed id at row {i} is {v}, not a whole number in [0, {NumEmbeddings}).", nameof(ids));
            idx[i] = (int)v;
        }
        return ids.WithData(Forward(idx));
    }

    /// <summary>
    /// Packs and embeds a batch of id sequences in one go (as <see cref="Packing.PackSequence"/> would pack their
    /// embeddings, but looking up only the real tokens). With <paramref name="enforceSorted"/> false the
    /// sequences are ordered longest first, ties in batch order, and the permutation is recorded.
    /// </summary>
    public PackedSequence ForwardPacked(IReadOnlyList<IReadOnlyList<int>> sequences, bool enforceSorted = true)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
            throw new ArgumentException("Embedding.ForwardPacked: sequences is empty; give at least one sequence.", nameof(sequences));
        var lengths = new int[sequences.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            lengths[i] = sequences[i]?.Count ?? throw new ArgumentNullException(nameof(sequences), $"sequences[{i}] is null.");
            if (lengths[i] == 0)
                throw new ArgumentException($"Embedding.ForwardPacked: sequences[{i}] is empty; every sequence needs at least one token.", nameof(sequences));
            if (enforceSorted && i > 0 && lengths[i] > lengths[i - 1])
                throw new ArgumentException(
                    $"Embedding.ForwardPacked: sequence lengths must be non-increasing when enforceSorted is true, but sequences[{i - 1}] has {lengths[i - 1]} ids and sequences[{i}] has {lengths[i]}. Pass enforceSorted: false to have them sorted.", nameof(sequences));
        }
        int[]? sorted = enforceSorted ? null : PackedLayout.LongestFirst(lengths);
        var layout = PackedLayout.FromSortedLengths(sorted is null ? lengths : sorted.Select(i => lengths[i]).ToArray());
        var packedIds = new int[layout.Rows];
        for (int t = 0; t < layout.Steps; t++)
            for (int b = 0; b < layout.BatchSizes[t]; b++)
                packedIds[layout.Row(t, b)] = sequences[sorted is null ? b : sorted[b]][t];
        return PackedSequence.FromTrusted(Forward(packedIds), layout, sorted);
    }
}
