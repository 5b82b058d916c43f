namespace SeqPack.Models;

/// <summary>
/// One rank's share of a global batch (the batch positions <see cref="Distributed.BatchSharding.Split"/> gave it)
/// and where its sequences and its packed rows sit in the global batch: what a sharded forward pass needs to give
/// every row the dropout mask of the single-process pass over the whole batch.
/// </summary>
internal sealed class BatchShare
{
    private BatchShare(ShareRows sequences, ShareRows packedRows)
    {
        Sequences = sequences;
        PackedRows = packedRows;
    }

    /// <summary>Sequence <c>i</c> of the share (input order) is sequence <c>positions[i]</c> of the global batch.</summary>
    public ShareRows Sequences { get; }

    /// <summary>Row <c>r</c> of the share's packed layout (<see cref="PackedBatch.Of"/> of its lengths) is this row of the global batch's packed layout.</summary>
    public ShareRows PackedRows { get; }

    /// <summary>
    /// The share made of the sequences at <paramref name="positions"/> (in that order) of a global batch with
    /// <paramref name="globalLengths"/>. Both packed layouts sort longest first, so step <c>t</c> of a sequence is row
    /// <c>StepOffsets[t] + (its sorted position)</c> in each; the map pairs the two rows.
    /// </summary>
    public static BatchShare Of(IReadOnlyList<int> globalLengths, IReadOnlyList<int> positions)
    {
        var global = PackedBatch.Of(globalLengths);
        var local = PackedBatch.Of(positions.Select(i => globalLengths[i]).ToArray());
        var globalSortedPosition = Packing.InvertPermutation(global.SortedIndices);
        var rows = new int[local.TotalRows];   // (local packed rows) → global packed row
        for (int t = 0; t < local.Layout.Steps; t++)
            for (int b = 0; b < local.BatchSizes[t]; b++)
            {
                int sequence = positions[local.SortedIndices[b]];
                rows[local.Layout.Row(t, b)] = global.Layout.Row(t, globalSortedPosition[sequence]);
            }
        return new BatchShare(new ShareRows(globalLengths.Count, positions.ToArray()), new ShareRows(global.TotalRows, rows));
    }
}
