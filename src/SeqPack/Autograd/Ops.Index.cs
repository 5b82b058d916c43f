namespace SeqPack;

// Selecting by index: Max/Min with the indices they pick, Gather and IndexSelect. Indices travel as float32
// tensors holding whole numbers (SeqPack is float32 throughout); the gradient goes to the selected elements.
public sealed partial class Tensor
{
    /// <summary>
    /// The largest element, as a scalar tensor (NaN if any element is NaN, as PyTorch). The gradient is shared
    /// equally among all elements equal to the maximum (PyTorch's rule for the full reduction).
    /// </summary>
    /// <exception cref="InvalidOperationException">The tensor is empty.</exception>
    public Tensor Max() => Extreme(true);

    /// <summary>The smallest element, as a scalar tensor; the gradient rule is that of <see cref="Max()"/>.</summary>
    /// <exception cref="InvalidOperationException">The tensor is empty.</exception>
    public Tensor Min() => Extreme(false);

    /// <summary>
    /// The largest elements along <paramref name="dim"/> and their positions (PyTorch's <c>max(dim)</c>):
    /// the first position on ties, the first NaN if there is one. <c>Indices</c> holds whole numbers as floats,
    /// as <c>ArgMax</c> gives them. The gradient of <c>Values</c> goes to the selected element only.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dim"/> is out of range.</exception>
    /// <exception cref="ArgumentException">Dimension <paramref name="dim"/> has extent 0.</exception>
    public (Tensor Values, Tensor Indices) Max(int dim, bool keepDim = false) => Extreme(dim, keepDim, true);

    /// <summary>The smallest elements along <paramref name="dim"/> and their positions; see <see cref="Max(int, bool)"/>.</summary>
    public (Tensor Values, Tensor Indices) Min(int dim, bool keepDim = false) => Extreme(dim, keepDim, false);

    private Tensor Extreme(bool max)
    {
        string op = max ? "Max" : "Min";
        if (Size == 0) throw new InvalidOperationException($"{op}() of an empty tensor (shape {Shapes.Format(shape)}) is undefined.");
        float best = Data[0];
        foreach (float v in Data)
        {
            if (float.IsNaN(v)) { best = v; break; }
            if (max ? v > best : v < best) best = v;
        }
        var inShape = shape;
        var x = Data;
        return Autograd.Record(Scalar(best), op, [this], g =>
        {
            bool nan = float.IsNaN(best);
            int count = 0;
            foreach (float v in x) if (nan ? float.IsNaN(v) : v == best) count++;
            var d = new float[x.Length];
            float share = g.Data[0] / count;
            for (int i = 0; i < d.Length; i++) if (nan ? float.IsNaN(x[i]) : x[i] == best) d[i] = share;
            return [Autograd.Unshared(new Tensor(d, inShape))];
        });
    }

    private (Tensor Values, Tensor Indices) Extreme(int dim, bool keepDim, bool max)
    {
        string op = max ? "Max" : "Min";
        var (outer, n, inner) = Split(dim);
        if (n == 0)
            throw new ArgumentException($"{op}: dimension {dim} of shape {Shapes.Format(shape)} has extent 0; there is nothing to reduce.", nameof(dim));
        var values = new float[outer * inner];
        var picked = new int[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int start = o * n * inner + j, best = 0;
                float bv = Data[start];
                for (int k = 1; k < n && !float.IsNaN(bv); k++)
                {
                    float v = Data[start + k * inner];
                    if (float.IsNaN(v) || (max ? v > bv : v < bv)) { bv = v; best = k; }
                }
                values[o * inner + j] = bv;
                picked[o * inner + j] = best;
            }
        var outShape = Rank == 0 ? [] : ReducedShape(Shapes.NormalizeDim(dim, Rank, nameof(dim)), keepDim);
        var indices = new Tensor(picked.Select(k => (float)k).ToArray(), outShape);
        var inShape = shape;
        var result = Autograd.Record(new Tensor(values, outShape), op, [this], g =>
        {
            var d = new float[outer * n * inner];
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < inner; j++)
                    d[o * n * inner + picked[o * inner + j] * inner + j] = g.Data[o * inner + j];
            return [Autograd.Unshared(new Tensor(d, inShape))];
        });
        return (result, indices);
    }

    /// <summary>
    /// Picks elements along <paramref name="dim"/> by <paramref name="index"/> (PyTorch's <c>gather</c>): for
    /// a 3-D tensor and dim 1, <c>out[i, j, k] = this[i, index[i, j, k], k]</c>. <paramref name="index"/> has
    /// this tensor's rank, extents no larger than this tensor's outside <paramref name="dim"/>, and whole-number
    /// values in [0, extent of dim); the result has its shape. The gradient is scattered back (added where an
    /// element was picked more than once).
    /// </summary>
    /// <exception cref="ArgumentException">A rank or extent mismatch, or an index that is not a whole number in range.</exception>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int d = Shapes.NormalizeDim(dim, Math.Max(Rank, 1), nameof(dim));
        var self = Rank == 0 ? Reshape(1) : this;
        var idxShape = index.Rank == 0 ? [1] : index.shape;
        if (idxShape.Length != self.Rank)
            throw new ArgumentException($"Gather: index has shape {Shapes.Format(index.shape)} but the tensor has shape {Shapes.Format(shape)}; both need the same rank.", nameof(index));
        for (int k = 0; k < self.Rank; k++)
            if (k != d && idxShape[k] > self.shape[k])
                throw new ArgumentException($"Gather: index extent {idxShape[k]} in dimension {k} exceeds the tensor's {self.shape[k]} (index {Shapes.Format(index.shape)}, tensor {Shapes.Format(shape)}).", nameof(index));
        int n = self.shape[d];
        var idx = IndexValues(index, n, "Gather", nameof(index));
        var inStrides = Shapes.Strides(self.shape);
        var src = new int[idx.Length];
        var coord = new int[idxShape.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            int off = 0;
            for (int k = 0; k < coord.Length; k++) off += (k == d ? idx[i] : coord[k]) * inStrides[k];
            src[i] = off;
            for (int k = coord.Length - 1; k >= 0; k--)
            {
                if (++coord[k] < idxShape[k]) break;
                coord[k] = 0;
            }
        }
        var r = new float[src.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Data[src[i]];
        return Autograd.Record(new Tensor(r, index.Shape), "Gather", [this], g => [ScatterAdd(g, src, shape)]);
    }

    /// <summary>
    /// The slices of this tensor along <paramref name="dim"/> at the positions <paramref name="index"/>, in that
    /// order (PyTorch's <c>index_select</c>); dimension <paramref name="dim"/> of the result has
    /// <c>index.Count</c> entries. The gradient is added back into the selected slices.
    /// </summary>
    /// <exception cref="ArgumentException">An index outside [0, extent of dim).</exception>
    public Tensor IndexSelect(int dim, IReadOnlyList<int> index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var (outer, n, inner) = Split(dim);
        for (int i = 0; i < index.Count; i++)
            if ((uint)index[i] >= (uint)n)
                throw new ArgumentException($"IndexSelect: index[{i}] = {index[i]} is outside [0, {n}) for dimension {dim} of shape {Shapes.Format(shape)}.", nameof(index));
        int m = index.Count;
        var src = new int[outer * m * inner];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < inner; j++)
                    src[(o * m + i) * inner + j] = (o * n + index[i]) * inner + j;
        var r = new float[src.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Data[src[i]];
        var outShape = Rank == 0 ? [m] : Shape;
        if (Rank > 0) outShape[Shapes.NormalizeDim(dim, Rank, nameof(dim))] = m;
        return Autograd.Record(new Tensor(r, outShape), "IndexSelect", [this], g => [ScatterAdd(g, src, shape)]);
    }

    /// <summary><see cref="IndexSelect(int, IReadOnlyList{int})"/> with the positions in a 1-D tensor of whole numbers (as <c>ArgMax</c> gives).</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Rank > 1)
            throw new ArgumentException($"IndexSelect: index must be 1-D; got shape {Shapes.Format(index.shape)}.", nameof(index));
        return IndexSelect(dim, IndexValues(index, int.MaxValue, "IndexSelect", nameof(index)));
    }

    /// <summary>The values of an index tensor as ints, each checked to be a whole number in [0, <paramref name="extent"/>).</summary>
    private static int[] IndexValues(Tensor index, int extent, string op, string paramName)
    {
        var r = new int[index.Size];
        for (int i = 0; i < r.Length; i++)
        {
            float v = index.Data[i];
            if (!(v >= 0 && v < extent) || v != MathF.Floor(v))
                throw new ArgumentException($"{op}: index element {i} is {v}; indices must be whole numbers in [0, {(extent == int.MaxValue ? "extent" : extent)}).", paramName);
            r[i] = (int)v;
        }
        return r;
    }

    /// <summary>A tensor of <paramref name="shape"/> with <c>g[i]</c> added at flat position <c>src[i]</c> for every i.</summary>
    private static Tensor ScatterAdd(Tensor g, int[] src, int[] shape)
    {
        var d = new float[Shapes.Product(shape, 0, shape.Length)];
        for (int i = 0; i < src.Length; i++) d[src[i]] += g.Data[i];
        return Autograd.Unshared(new Tensor(d, shape))!;
    }
}
