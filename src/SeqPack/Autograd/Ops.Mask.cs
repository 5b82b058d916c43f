namespace SeqPack;

// Comparisons that produce a Mask, and the two ops that select by one (torch.where, masked_fill). A mask
// carries no gradient; the gradient of a selection flows to the element that was selected.
public sealed partial class Tensor
{
    /// <summary>Elementwise <c>this == other</c> with broadcasting (IEEE: NaN equals nothing).</summary>
    public Mask Eq(Tensor other) => Compare(other, "Eq", static (x, y) => x == y);
    /// <summary>Elementwise <c>this != other</c> with broadcasting (IEEE: NaN differs from everything).</summary>
    public Mask Ne(Tensor other) => Compare(other, "Ne", static (x, y) => x != y);
    /// <summary>Elementwise <c>this &lt; other</c> with broadcasting.</summary>
    public Mask Lt(Tensor other) => Compare(other, "Lt", static (x, y) => x < y);
    /// <summary>Elementwise <c>this &lt;= other</c> with broadcasting.</summary>
    public Mask Le(Tensor other) => Compare(other, "Le", static (x, y) => x <= y);
    /// <summary>Elementwise <c>this &gt; other</c> with broadcasting.</summary>
    public Mask Gt(Tensor other) => Compare(other, "Gt", static (x, y) => x > y);
    /// <summary>Elementwise <c>this &gt;= other</c> with broadcasting.</summary>
    public Mask Ge(Tensor other) => Compare(other, "Ge", static (x, y) => x >= y);

    /// <summary>Elementwise <c>this == value</c>.</summary>
    public Mask Eq(float value) => Eq(Scalar(value));
    /// <summary>Elementwise <c>this != value</c>.</summary>
    public Mask Ne(float value) => Ne(Scalar(value));
    /// <summary>Elementwise <c>this &lt; value</c>.</summary>
    public Mask Lt(float value) => Lt(Scalar(value));
    /// <summary>Elementwise <c>this &lt;= value</c>.</summary>
    public Mask Le(float value) => Le(Scalar(value));
    /// <summary>Elementwise <c>this &gt; value</c>.</summary>
    public Mask Gt(float value) => Gt(Scalar(value));
    /// <summary>Elementwise <c>this &gt;= value</c>.</summary>
    public Mask Ge(float value) => Ge(Scalar(value));

    private Mask Compare(Tensor other, string op, Func<float, float, bool> f)
    {
        ArgumentNullException.ThrowIfNull(other);
        var outShape = Shapes.Broadcast(shape, other.shape, op);
        var ia = Broadcasting.SourceOffsets(shape, outShape);
        var ib = Broadcasting.SourceOffsets(other.shape, outShape);
        var r = new bool[Shapes.Product(outShape, 0, outShape.Length)];
        for (int i = 0; i < r.Length; i++) r[i] = f(Data[ia?[i] ?? i], other.Data[ib?[i] ?? i]);
        return new Mask(r, outShape);
    }

    /// <summary>
    /// <c>result[i] = condition[i] ? input[i] : other[i]</c>, the three broadcast together (<c>torch.where</c>).
    /// The gradient goes to <paramref name="input"/> where the condition holds and to <paramref name="other"/>
    /// elsewhere, summed back over broadcast dimensions.
    /// </summary>
    /// <exception cref="ArgumentException">The three shapes do not broadcast together.</exception>
    public static Tensor Where(Mask condition, Tensor input, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(condition);
        CheckOperands(input, other);
        var outShape = Shapes.Broadcast(Shapes.Broadcast(condition.ShapeSpan, input.shape, "Where"), other.shape, "Where");
        var ic = Broadcasting.SourceOffsets(condition.ShapeSpan, outShape);
        var ia = Broadcasting.SourceOffsets(input.shape, outShape);
        var ib = Broadcasting.SourceOffsets(other.shape, outShape);
        var c = condition.Values;
        var r = new float[Shapes.Product(outShape, 0, outShape.Length)];
        for (int i = 0; i < r.Length; i++)
            r[i] = c[ic?[i] ?? i] ? input.Data[ia?[i] ?? i] : other.Data[ib?[i] ?? i];
        return Autograd.Record(new Tensor(r, outShape), "Where", [input, other], g =>
        {
            Tensor? Part(bool when, Tensor t)
            {
                if (!t.RequiresGrad) return null;
                var d = new float[r.Length];
                for (int i = 0; i < d.Length; i++) if (c[ic?[i] ?? i] == when) d[i] = g.Data[i];
                return Broadcasting.SumToShape(new Tensor(d, outShape), t.shape);
            }
            return [Part(true, input), Part(false, other)];
        });
    }

    /// <summary>
    /// A copy with <paramref name="value"/> wherever <paramref name="mask"/> (broadcast to this tensor's shape)
    /// is true (PyTorch's <c>masked_fill</c>). The gradient is passed through where the mask is false and is 0
    /// where it is true.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="mask"/> does not broadcast to this tensor's shape.</exception>
    public Tensor MaskedFill(Mask mask, float value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var joint = Shapes.Broadcast(mask.ShapeSpan, shape, "MaskedFill");
        if (!Shapes.Equal(joint, shape))
            throw new ArgumentException($"MaskedFill: mask shape {Shapes.Format(mask.ShapeSpan)} does not broadcast to the tensor's shape {Shapes.Format(shape)} (it would give {Shapes.Format(joint)}).", nameof(mask));
        var im = Broadcasting.SourceOffsets(mask.ShapeSpan, shape);
        var m = mask.Values;
        var r = (float[])Data.Clone();
        for (int i = 0; i < r.Length; i++) if (m[im?[i] ?? i]) r[i] = value;
        return Autograd.Record(new Tensor(r, shape), "MaskedFill", [this], g =>
        {
            var d = (float[])g.Data.Clone();
            for (int i = 0; i < d.Length; i++) if (m[im?[i] ?? i]) d[i] = 0f;
            return [Autograd.Unshared(new Tensor(d, shape))];
        });
    }
}
