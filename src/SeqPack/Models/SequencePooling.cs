using System.Numerics.Tensors;

namespace SeqPack.Models;

/// <summary>
/// Reductions over time of a packed recurrent output, per sequence over its real steps: the maximum and the
/// mean of each feature, as PyTorch's <c>pad_packed_sequence</c> followed by a max or mean over each sequence's
/// first <c>length</c> steps computes them.
/// </summary>
internal static class SequencePooling
{
    /// <summary>
    /// The element-wise maximum over each sequence's rows of <paramref name="packed"/> (TotalRows, F): (B, F) in
    /// input order (NaN wins, as in PyTorch). The gradient goes to the row that held the maximum (the earliest
    /// step on ties, as <c>max(dim)</c>).
    /// </summary>
    public static Tensor Max(Tensor packed, PackedBatch layout)
    {
        var (rows, features) = Check(packed, layout);
        var lay = layout.Layout;
        var values = new float[layout.Count * features];
        var picked = new int[layout.Count * features];               // packed row of each maximum
        for (int b = 0; b < lay.Batch; b++)
        {
            int i = layout.SortedIndices[b];
            var best = values.AsSpan(i * features, features);
            var at = picked.AsSpan(i * features, features);
            int row0 = lay.Row(0, b);
            packed.Data.AsSpan(row0 * features, features).CopyTo(best);
            at.Fill(row0);
            for (int t = 1; t < lay.SortedLengths[b]; t++)
            {
                int row = lay.Row(t, b);
                var x = packed.Data.AsSpan(row * features, features);
                for (int f = 0; f < features; f++)
                    if (x[f] > best[f] || (float.IsNaN(x[f]) && !float.IsNaN(best[f]))) { best[f] = x[f]; at[f] = row; }
            }
        }
        return Autograd.Record(new Tensor(values, [layout.Count, features]), "PackedMax", [packed], g =>
        {
            var d = new float[rows * features];                     // (TotalRows, F)
            for (int k = 0; k < picked.Length; k++) d[picked[k] * features + k % features] = g.Data[k];
            return [new Tensor(d, [rows, features])];
        });
    }

    /// <summary>The mean over each sequence's rows of <paramref name="packed"/> (TotalRows, F): (B, F) in input order.</summary>
    public static Tensor Mean(Tensor packed, PackedBatch layout)
    {
        var (rows, features) = Check(packed, layout);
        var lay = layout.Layout;
        var sums = new float[layout.Count * features];
        for (int b = 0; b < lay.Batch; b++)
        {
            int i = layout.SortedIndices[b], n = lay.SortedLengths[b];
            var s = sums.AsSpan(i * features, features);
            for (int t = 0; t < n; t++)
                TensorPrimitives.Add(s, packed.Data.AsSpan(lay.Row(t, b) * features, features), s);
            TensorPrimitives.Multiply(s, 1f / n, s);
        }
        return Autograd.Record(new Tensor(sums, [layout.Count, features]), "PackedMean", [packed], g =>
        {
            var d = new float[rows * features];                     // (TotalRows, F)
            for (int b = 0; b < lay.Batch; b++)
            {
                int i = layout.SortedIndices[b], n = lay.SortedLengths[b];
                var gi = g.Data.AsSpan(i * features, features);
                for (int t = 0; t < n; t++)
                    TensorPrimitives.Multiply(gi, 1f / n, d.AsSpan(lay.Row(t, b) * features, features));
            }
            return [new Tensor(d, [rows, features])];
        });
    }

    private static (int Rows, int Features) Check(Tensor packed, PackedBatch layout)
    {
        ArgumentNullException.ThrowIfNull(packed);
        ArgumentNullException.ThrowIfNull(layout);
        if (packed.Rank != 2 || packed.Shape[0] != layout.TotalRows)
            throw new ArgumentException($"SequencePooling: the packed output has shape {Shapes.Format(packed.Shape)}; the layout needs ({layout.TotalRows}, features).", nameof(packed));
        return (packed.Shape[0], packed.Shape[1]);
    }
}
