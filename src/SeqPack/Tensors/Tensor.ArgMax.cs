namespace SeqPack;

public sealed partial class Tensor
{
    /// <summary>
    /// The index of the largest value along <paramref name="dim"/> (default: the last dimension), as in
    /// <c>torch.argmax(input, dim, keepdim)</c>: the first index wins on ties, and NaN counts as larger than
    /// every number (the first NaN wins). The result holds the indices as float32 values, has the input's shape
    /// without <paramref name="dim"/> (or with extent 1 there when <paramref name="keepDim"/> is set) and never
    /// requires a gradient. A 0-dimensional tensor gives 0. A dimension out of range, or of extent 0, is an
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public Tensor ArgMax(int dim = -1, bool keepDim = false)
    {
        if (Rank == 0)
        {
            if (dim is not (0 or -1)) throw new ArgumentOutOfRangeException(nameof(dim), dim, "ArgMax: a 0-dimensional tensor accepts dim 0 or -1.");
            return new Tensor([0f], []);
        }
        int d = Shapes.NormalizeDim(dim, Rank, nameof(dim));
        int outer = Shapes.Product(shape, 0, d), n = shape[d], inner = Shapes.Product(shape, d + 1, Rank);
        if (n == 0)
            throw new ArgumentException($"ArgMax: dimension {dim} of shape {Shapes.Format(shape)} has extent 0, so it has no maximum.", nameof(dim));
        var data = Data;
        var r = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * n * inner + i, best = 0;
                float max = data[baseIndex];
                for (int k = 1; k < n && !float.IsNaN(max); k++)
                {
                    float v = data[baseIndex + k * inner];
                    if (v > max || float.IsNaN(v)) { max = v; best = k; }
                }
                r[o * inner + i] = best;
            }
        return new Tensor(r, ReducedShape(d, keepDim));
    }
}
