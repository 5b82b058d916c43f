namespace SeqPack;

/// <summary>
/// PyTorch's <c>torch.nn.utils.rnn</c>: padding, packing and unpacking batches of variable-length sequences,
/// with the same results element for element and gradients flowing through every operation.
/// </summary>
/// <remarks>
/// <para>Layouts: a padded batch is (T, B, *features) time-major, or (B, T, *features) with
/// <c>batchFirst: true</c>; a sequence is (length, *features); any number of feature dimensions is allowed,
/// including none. A <see cref="PackedSequence"/> holds only real rows.</para>
/// <para>Every operation is one autograd node that copies whole rows (<see cref="RowRouting"/>); its gradient
/// copies them back and is zero at padded positions, as in PyTorch.</para>
/// <para>Differences from PyTorch, all of them refusals of input PyTorch accepts silently or orders by
/// accident: a length longer than the padded time dimension is an error (PyTorch truncates);
/// <see cref="UnpadSequence"/> never modifies its input (PyTorch's transposes it in place when
/// <c>batch_first=False</c>); with <c>enforceSorted: false</c>, equal lengths keep their batch order (a
/// stable descending sort). PyTorch uses <c>torch.sort(descending=True)</c>, whose tie order is the same for
/// up to 16 sequences and beyond that depends on its sort algorithm; the padded and unpacked results are the
/// same either way, only <see cref="PackedSequence.SortedIndices"/> and the row order inside
/// <see cref="PackedSequence.Data"/> may differ among sequences of equal length.</para>
/// </remarks>
public static partial class Packing
{
    /// <summary>
    /// Packs a padded batch (PyTorch's <c>pack_padded_sequence</c>): the first <c>lengths[b]</c> steps of each
    /// sequence b, interleaved time step by time step, longest sequence first.
    /// </summary>
    /// <param name="input">(T, B, *features), or (B, T, *features) when <paramref name="batchFirst"/>.</param>
    /// <param name="lengths">The length of each of the B sequences, each between 1 and T.</param>
    /// <param name="batchFirst">Whether <paramref name="input"/> is batch-major.</param>
    /// <param name="enforceSorted">
    /// When true, <paramref name="lengths"/> must already be non-increasing and the result has no
    /// <see cref="PackedSequence.SortedIndices"/>. When false, sequences are sorted by length (longest first,
    /// ties in batch order) and the permutation is recorded.
    /// </param>
    public static PackedSequence PackPaddedSequence(Tensor input, IReadOnlyList<int> lengths, bool batchFirst = false, bool enforceSorted = true)
    {
        const string op = "PackPaddedSequence";
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lengths);
        if (input.Rank < 2)
            throw new ArgumentException($"{op}: input has shape {Shapes.Format(input.ShapeSpan)}; it needs a time and a batch dimension: {(batchFirst ? "(B, T, *features)" : "(T, B, *features)")}.", nameof(input));
        int steps = input.ShapeSpan[batchFirst ? 1 : 0], batch = input.ShapeSpan[batchFirst ? 0 : 1];
        var lens = CheckLengths(op, lengths, batch, 1, steps, $"the padded time dimension of input {Shapes.Format(input.ShapeSpan)}");
        var sorted = SortOrder(op, lens, enforceSorted);
        var layout = PackedLayout.FromSortedLengths(Gather(lens, sorted));
        int rowSize = Shapes.Product(input.ShapeSpan, 2, input.Rank);

        var runs = new RowRunBuilder(batchFirst ? layout.Rows : layout.Steps);
        for (int t = 0; t < layout.Steps; t++)
            for (int b = 0; b < layout.BatchSizes[t]; b++)
            {
                int j = sorted is null ? b : sorted[b];
                runs.Add(0, batchFirst ? j * steps + t : t * batch + j, 0, layout.Row(t, b));
            }
        var data = RowRouting.Route(op, [input], [FeatureShape(input.ShapeSpan, 2, layout.Rows)], rowSize, runs.Runs, 0f)[0];
        return PackedSequence.FromTrusted(data, layout, sorted);
    }

    /// <summary>
    /// Packs a list of sequences of different lengths (PyTorch's <c>pack_sequence</c>); equal to padding them
    /// with <see cref="PadSequence"/> and packing with <see cref="PackPaddedSequence"/>, without the padded copy.
    /// </summary>
    /// <param name="sequences">B tensors (length, *features), each at least one step long, with equal feature shapes.</param>
    /// <param name="enforceSorted">As in <see cref="PackPaddedSequence"/>: require non-increasing lengths, or sort and record the order.</param>
    public static PackedSequence PackSequence(IReadOnlyList<Tensor> sequences, bool enforceSorted = true)
    {
        const string op = "PackSequence";
        var seqs = CheckSequences(op, sequences);
        var lens = new int[seqs.Length];
        for (int i = 0; i < seqs.Length; i++)
        {
            lens[i] = seqs[i].ShapeSpan[0];
            if (lens[i] == 0)
                throw new ArgumentException($"{op}: sequences[{i}] is empty (shape {Shapes.Format(seqs[i].ShapeSpan)}); every packed sequence needs at least one time step. Drop empty sequences before packing.", nameof(sequences));
        }
        var sorted = SortOrder(op, lens, enforceSorted, "sequences", "the lengths of sequences");
        var layout = PackedLayout.FromSortedLengths(Gather(lens, sorted));
        int rowSize = Shapes.Product(seqs[0].ShapeSpan, 1, seqs[0].Rank);

        var runs = new RowRunBuilder(layout.Rows);
        for (int t = 0; t < layout.Steps; t++)
            for (int b = 0; b < layout.BatchSizes[t]; b++)
                runs.Add(sorted is null ? b : sorted[b], t, 0, layout.Row(t, b));
        var data = RowRouting.Route(op, seqs, [FeatureShape(seqs[0].ShapeSpan, 1, layout.Rows)], rowSize, runs.Runs, 0f)[0];
        return PackedSequence.FromTrusted(data, layout, sorted);
    }

    /// <summary>
    /// Pads a packed batch back to a rectangle (PyTorch's <c>pad_packed_sequence</c>), in the caller's
    /// original batch order, with the length of each sequence.
    /// </summary>
    /// <param name="sequence">The packed batch.</param>
    /// <param name="batchFirst">Return (B, T, *features) instead of (T, B, *features).</param>
    /// <param name="paddingValue">The value of padded positions.</param>
    /// <param name="totalLength">Pad to this many steps instead of the longest length (must not be shorter than it).</param>
    public static (Tensor Padded, int[] Lengths) PadPackedSequence(PackedSequence sequence, bool batchFirst = false, float paddingValue = 0f, int? totalLength = null)
    {
        const string op = "PadPackedSequence";
        ArgumentNullException.ThrowIfNull(sequence);
        var layout = sequence.Layout;
        int steps = totalLength ?? layout.Steps, batch = layout.Batch;
        if (steps < layout.Steps)
            throw new ArgumentException($"{op}: totalLength = {totalLength} is shorter than the longest sequence ({layout.Steps} steps); pass at least {layout.Steps}, or null to pad to the longest.", nameof(totalLength));
        var sorted = sequence.SortedIndexArray;
        var data = sequence.Data;
        int rowSize = Shapes.Product(data.ShapeSpan, 1, data.Rank);

        var runs = new RowRunBuilder(batchFirst ? layout.Rows : layout.Steps);
        for (int t = 0; t < layout.Steps; t++)
            for (int b = 0; b < layout.BatchSizes[t]; b++)
            {
                int j = sorted is null ? b : sorted[b];
                runs.Add(0, layout.Row(t, b), 0, batchFirst ? j * steps + t : t * batch + j);
            }
        var shape = FeatureShape(data.ShapeSpan, 1, batchFirst ? batch : steps, batchFirst ? steps : batch);
        var padded = RowRouting.Route(op, [data], [shape], rowSize, runs.Runs, paddingValue)[0];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[sorted is null ? b : sorted[b]] = layout.SortedLengths[b];
        return (padded, lengths);
    }

    /// <summary>
    /// The sequences of a packed batch as a list, in the caller's original order (PyTorch's <c>unpack_sequence</c>).
    /// </summary>
    /// <returns>B tensors (length, *features); gradients flow back into <see cref="PackedSequence.Data"/>.</returns>
    public static IReadOnlyList<Tensor> UnpackSequence(PackedSequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var layout = sequence.Layout;
        var sorted = sequence.SortedIndexArray;
        var data = sequence.Data;
        int rowSize = Shapes.Product(data.ShapeSpan, 1, data.Rank);
        var shapes = new int[layout.Batch][];
        var runs = new RowRunBuilder(layout.Rows);
        for (int b = 0; b < layout.Batch; b++)
        {
            int j = sorted is null ? b : sorted[b];
            shapes[j] = FeatureShape(data.ShapeSpan, 1, layout.SortedLengths[b]);
            for (int t = 0; t < layout.SortedLengths[b]; t++)
                runs.Add(0, layout.Row(t, b), j, t);
        }
        return RowRouting.Route("UnpackSequence", [data], shapes, rowSize, runs.Runs, 0f);
    }

    /// <summary>The inverse permutation: <c>result[permutation[i]] = i</c> (PyTorch's <c>invert_permutation</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="permutation"/> is not a permutation of 0 … n − 1.</exception>
    public static int[] InvertPermutation(IReadOnlyList<int> permutation) =>
        Invert(CheckPermutation(permutation, "InvertPermutation", nameof(permutation)));

    /// <summary>The inverse of a permutation already known to be valid.</summary>
    internal static int[] Invert(int[] permutation)
    {
        var inverse = new int[permutation.Length];
        for (int i = 0; i < permutation.Length; i++) inverse[permutation[i]] = i;
        return inverse;
    }

    /// <summary>A copy of <paramref name="permutation"/>, or an error naming the first entry that is out of range or repeated.</summary>
    internal static int[] CheckPermutation(IReadOnlyList<int> permutation, string op, string paramName)
    {
        ArgumentNullException.ThrowIfNull(permutation, paramName);
        int n = permutation.Count;
        var p = new int[n];
        var seen = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int v = permutation[i];
            if ((uint)v >= (uint)n)
                throw new ArgumentException($"{op}: {paramName}[{i}] = {v} is outside 0 … {n - 1}; a permutation of {n} elements holds each of 0 … {n - 1} exactly once.", paramName);
            if (seen[v])
                throw new ArgumentException($"{op}: {paramName}[{i}] = {v} repeats an earlier entry; a permutation of {n} elements holds each of 0 … {n - 1} exactly once.", paramName);
            seen[v] = true;
            p[i] = v;
        }
        return p;
    }
}
