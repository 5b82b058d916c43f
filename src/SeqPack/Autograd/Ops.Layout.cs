namespace SeqPack;

// Dimension layout: permuting, inserting and removing dimensions of extent 1, and broadcasting by Expand.
public sealed partial class Tensor
{
    /// <summary>
    /// The elements with their dimensions reordered: dimension i of the result is dimension
    /// <c>dims[i]</c> of this tensor (PyTorch's <c>permute</c>; a copy here). Negative entries count from the end.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dims"/> is not a permutation of this tensor's dimensions.</exception>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != Rank)
            throw new ArgumentException($"Permute: {dims.Length} dimensions given ({string.Join(", ", dims)}) for a tensor of rank {Rank} (shape {Shapes.Format(shape)}); give each dimension once.", nameof(dims));
        var perm = new int[Rank];
        var seen = new bool[Rank];
        for (int i = 0; i < Rank; i++)
        {
            perm[i] = Shapes.NormalizeDim(dims[i], Rank, nameof(dims));
            if (seen[perm[i]])
                throw new ArgumentException($"Permute: dimension {perm[i]} appears twice in ({string.Join(", ", dims)}); give each dimension once.", nameof(dims));
            seen[perm[i]] = true;
        }
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++) inverse[perm[i]] = i;
        return Autograd.Record(Permuted(perm), "Permute", [this], g => [g.Permuted(inverse)]);
    }

    /// <summary>
    /// The same elements with a dimension of extent 1 inserted at <paramref name="dim"/>, in
    /// [−Rank − 1, Rank] (PyTorch's <c>unsqueeze</c>). Shares the buffer.
    /// </summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Shapes.NormalizeDim(dim, Rank + 1, nameof(dim));
        var s = shape.ToList();
        s.Insert(d, 1);
        return Reshape(s.ToArray());
    }

    /// <summary>The same elements with every dimension of extent 1 removed (PyTorch's <c>squeeze()</c>). Shares the buffer.</summary>
    public Tensor Squeeze() => Reshape(shape.Where(e => e != 1).ToArray());

    /// <summary>
    /// The same elements with dimension <paramref name="dim"/> removed if its extent is 1, unchanged otherwise
    /// (PyTorch's <c>squeeze(dim)</c>). Shares the buffer.
    /// </summary>
    public Tensor Squeeze(int dim)
    {
        if (Rank == 0) return Reshape();
        int d = Shapes.NormalizeDim(dim, Rank, nameof(dim));
        if (shape[d] != 1) return Reshape(shape);
        return Reshape(shape.Where((_, k) => k != d).ToArray());
    }

    /// <summary>
    /// This tensor broadcast to <paramref name="sizes"/> (PyTorch's <c>expand</c>; a copy here): new dimensions
    /// may be added in front, and a dimension of extent 1 may grow; −1 keeps an existing extent. The gradient
    /// is summed back over the expanded dimensions.
    /// </summary>
    /// <exception cref="ArgumentException">A size would shrink or change an extent other than 1, or −1 is given for a new leading dimension.</exception>
    public Tensor Expand(params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length < Rank)
            throw new ArgumentException($"Expand: {sizes.Length} sizes ({string.Join(", ", sizes)}) for a tensor of rank {Rank} (shape {Shapes.Format(shape)}); give at least one size per dimension.", nameof(sizes));
        var outShape = (int[])sizes.Clone();
        int lead = sizes.Length - Rank;
        for (int i = 0; i < sizes.Length; i++)
        {
            int own = i < lead ? -2 : shape[i - lead];
            if (sizes[i] == -1)
            {
                if (own == -2)
                    throw new ArgumentException($"Expand: size -1 at position {i} of ({string.Join(", ", sizes)}) is a new leading dimension and has no extent to keep; give its extent.", nameof(sizes));
                outShape[i] = own;
            }
            else if (sizes[i] < 0 || (own != -2 && own != 1 && own != sizes[i]))
                throw new ArgumentException($"Expand: shape {Shapes.Format(shape)} cannot be expanded to ({string.Join(", ", sizes)}); only extents of 1 can grow.", nameof(sizes));
        }
        var src = Broadcasting.SourceOffsets(shape, outShape);
        if (src is null) return Reshape(shape);
        var r = new float[src.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Data[src[i]];
        var inShape = shape;
        return Autograd.Record(new Tensor(r, outShape), "Expand", [this], g => [Broadcasting.SumToShape(g, inShape)]);
    }
}
