namespace SeqPack;

// Reordering the batch of a recurrent state, for the recurrent layers.
public static partial class Packing
{
    /// <summary>
    /// Reorders <paramref name="tensor"/> along dimension <paramref name="dim"/>:
    /// <c>result[…, i, …] = tensor[…, permutation[i], …]</c> (PyTorch's <c>rnn.apply_permutation</c>, an
    /// <c>index_select</c>). Returns <paramref name="tensor"/> itself when <paramref name="permutation"/> is null.
    /// Differentiable (the gradient is the inverse reordering).
    /// </summary>
    /// <remarks>
    /// The recurrent layers use it exactly as PyTorch does: a caller's initial state (layers·directions, B, H)
    /// is put into packed order with <see cref="PackedSequence.SortedIndices"/> before the time loop, and the
    /// final state is put back into the caller's order with <see cref="PackedSequence.UnsortedIndices"/>.
    /// Each row of H (all dimensions after <paramref name="dim"/>) is moved with one span copy.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="permutation"/> does not have one entry per index of <paramref name="dim"/>, or is not a permutation.</exception>
    internal static Tensor ApplyPermutation(Tensor tensor, IReadOnlyList<int>? permutation, int dim = 1)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (permutation is null) return tensor;
        int d = Shapes.NormalizeDim(dim, tensor.Rank, nameof(dim));
        int n = tensor.ShapeSpan[d];
        if (permutation.Count != n)
            throw new ArgumentException($"ApplyPermutation: the permutation has {permutation.Count} entries but dimension {d} of shape {Shapes.Format(tensor.ShapeSpan)} has {n}; the batch sizes of the state and the packed sequence must agree.", nameof(permutation));
        var p = CheckPermutation(permutation, "ApplyPermutation", nameof(permutation));
        int outer = Shapes.Product(tensor.ShapeSpan, 0, d), rowSize = Shapes.Product(tensor.ShapeSpan, d + 1, tensor.Rank);
        var runs = new RowRunBuilder(outer * n);
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < n; i++)
                runs.Add(0, o * n + p[i], 0, o * n + i);
        return RowRouting.Route("ApplyPermutation", [tensor], [tensor.Shape], rowSize, runs.Runs, 0f)[0];
    }
}
