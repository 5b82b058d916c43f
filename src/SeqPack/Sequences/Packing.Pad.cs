namespace SeqPack;

// Padding a list of sequences into a rectangle and cutting it apart again.
public static partial class Packing
{
    /// <summary>
    /// Stacks sequences of different lengths into one padded tensor (PyTorch's <c>pad_sequence</c>).
    /// </summary>
    /// <param name="sequences">B tensors (length, *features) with equal feature shapes; empty sequences are allowed.</param>
    /// <param name="batchFirst">Return (B, T, *features) instead of (T, B, *features); T is the longest length.</param>
    /// <param name="paddingValue">The value of padded positions.</param>
    /// <param name="paddingSide">
    /// <see cref="PaddingSide.Right"/>: each sequence starts at step 0. <see cref="PaddingSide.Left"/>: each
    /// sequence ends at step T − 1 (PyTorch 2.6's <c>padding_side="left"</c>).
    /// </param>
    public static Tensor PadSequence(IReadOnlyList<Tensor> sequences, bool batchFirst = false, float paddingValue = 0f, PaddingSide paddingSide = PaddingSide.Right)
    {
        const string op = "PadSequence";
        var seqs = CheckSequences(op, sequences);
        if (paddingSide is not (PaddingSide.Right or PaddingSide.Left))
            throw new ArgumentException($"{op}: paddingSide = {(int)paddingSide} is not a PaddingSide; use PaddingSide.Right or PaddingSide.Left.", nameof(paddingSide));
        int batch = seqs.Length, steps = 0, rows = 0;
        foreach (var s in seqs) { steps = Math.Max(steps, s.ShapeSpan[0]); rows += s.ShapeSpan[0]; }

        var runs = new RowRunBuilder(batchFirst ? batch : rows);
        for (int i = 0; i < batch; i++)
        {
            int length = seqs[i].ShapeSpan[0];
            int start = paddingSide == PaddingSide.Right ? 0 : steps - length;
            if (batchFirst) runs.Add(i, 0, 0, i * steps + start, length);
            else
                for (int t = 0; t < length; t++) runs.Add(i, t, 0, (start + t) * batch + i);
        }
        var shape = FeatureShape(seqs[0].ShapeSpan, 1, batchFirst ? batch : steps, batchFirst ? steps : batch);
        int rowSize = Shapes.Product(seqs[0].ShapeSpan, 1, seqs[0].Rank);
        return RowRouting.Route(op, seqs, [shape], rowSize, runs.Runs, paddingValue)[0];
    }

    /// <summary>
    /// Cuts a padded batch into its sequences (PyTorch's <c>unpad_sequence</c>): sequence b is the first
    /// <c>lengths[b]</c> steps of column b. Unlike PyTorch, <paramref name="padded"/> is never modified.
    /// </summary>
    /// <param name="padded">(T, B, *features), or (B, T, *features) when <paramref name="batchFirst"/>.</param>
    /// <param name="lengths">
    /// One length per sequence, each between 0 and T. Zero is allowed (an empty sequence), because this
    /// inverts <see cref="PadSequence"/>, which accepts empty sequences, as PyTorch does.
    /// </param>
    /// <param name="batchFirst">Whether <paramref name="padded"/> is batch-major.</param>
    /// <returns>B tensors (lengths[b], *features); gradients flow back into <paramref name="padded"/> (zero at padding).</returns>
    public static IReadOnlyList<Tensor> UnpadSequence(Tensor padded, IReadOnlyList<int> lengths, bool batchFirst = false)
    {
        const string op = "UnpadSequence";
        ArgumentNullException.ThrowIfNull(padded);
        ArgumentNullException.ThrowIfNull(lengths);
        if (padded.Rank < 2)
            throw new ArgumentException($"{op}: padded has shape {Shapes.Format(padded.ShapeSpan)}; it needs a time and a batch dimension: {(batchFirst ? "(B, T, *features)" : "(T, B, *features)")}.", nameof(padded));
        int steps = padded.ShapeSpan[batchFirst ? 1 : 0], batch = padded.ShapeSpan[batchFirst ? 0 : 1];
        var lens = CheckLengths(op, lengths, batch, 0, steps, $"the padded time dimension of padded {Shapes.Format(padded.ShapeSpan)}");
        var shapes = new int[batch][];
        int rows = 0;
        foreach (int l in lens) rows += l;
        var runs = new RowRunBuilder(batchFirst ? batch : rows);
        for (int b = 0; b < batch; b++)
        {
            shapes[b] = FeatureShape(padded.ShapeSpan, 2, lens[b]);
            if (batchFirst) runs.Add(0, b * steps, b, 0, lens[b]);
            else
                for (int t = 0; t < lens[b]; t++) runs.Add(0, t * batch + b, b, t);
        }
        int rowSize = Shapes.Product(padded.ShapeSpan, 2, padded.Rank);
        return RowRouting.Route(op, [padded], shapes, rowSize, runs.Runs, 0f);
    }
}
