namespace SeqPack;

/// <summary>
/// A boolean tensor: the condition of <see cref="Tensor.Where(Mask, Tensor, Tensor)"/> and
/// <see cref="Tensor.MaskedFill"/>, produced by the comparisons (<see cref="Tensor.Eq(Tensor)"/>, …) and by
/// <see cref="Packing.LengthMask"/>. PyTorch's <c>torch.bool</c> tensors play this part.
/// </summary>
/// <remarks>
/// A mask is its own type, backed by a <c>bool[]</c>, rather than a float tensor of 0 and 1: a float tensor
/// can hold 0.5 or NaN, so every op taking one would need a rule for such values, and a mask passed where
/// data was meant (or data where a mask was meant) would go unnoticed. As in PyTorch a mask carries no
/// gradient; <see cref="ToTensor"/> gives the 0/1 float tensor when arithmetic with it is wanted. Masks
/// broadcast against tensors and each other under NumPy/PyTorch rules.
/// </remarks>
public sealed class Mask
{
    private readonly bool[] values;
    private readonly int[] shape;

    internal Mask(bool[] values, int[] shape)
    {
        this.values = values;
        this.shape = shape;
    }

    /// <summary>A mask holding a copy of <paramref name="values"/> with the given shape (1-D when no shape is given).</summary>
    /// <exception cref="ArgumentException">The shape does not hold <c>values.Length</c> elements.</exception>
    public static Mask FromArray(bool[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 && values.Length != 1) shape = [values.Length];
        int size = Shapes.CheckedSize(shape, nameof(shape));
        if (size != values.Length)
            throw new ArgumentException($"Mask.FromArray: shape {Shapes.Format(shape)} holds {size} elements but {values.Length} values were given.", nameof(shape));
        return new Mask((bool[])values.Clone(), (int[])shape.Clone());
    }

    /// <summary>The extents of each dimension (a copy).</summary>
    public int[] Shape => (int[])shape.Clone();

    internal ReadOnlySpan<int> ShapeSpan => shape;

    internal bool[] Values => values;

    /// <summary>The number of elements.</summary>
    public int Size => values.Length;

    /// <summary>A row-major copy of the elements.</summary>
    public bool[] ToArray() => (bool[])values.Clone();

    /// <summary>The number of true elements.</summary>
    public int CountTrue()
    {
        int n = 0;
        foreach (bool v in values) if (v) n++;
        return n;
    }

    /// <summary>1 where true and 0 where false, as a float tensor without history.</summary>
    public Tensor ToTensor()
    {
        var r = new float[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = values[i] ? 1f : 0f;
        return new Tensor(r, (int[])shape.Clone());
    }

    /// <summary>The same elements with a new shape (one extent may be -1), as <see cref="Tensor.Reshape"/>.</summary>
    public Mask Reshape(params int[] shape)
    {
        using var _ = Autograd.NoGrad();
        var s = new Tensor(new float[values.Length], this.shape).Reshape(shape).Shape;
        return new Mask(values, s);
    }

    /// <summary>Inserts a dimension of extent 1 at <paramref name="dim"/>, as <see cref="Tensor.Unsqueeze"/>.</summary>
    public Mask Unsqueeze(int dim)
    {
        int d = Shapes.NormalizeDim(dim, shape.Length + 1, nameof(dim));
        var s = shape.ToList();
        s.Insert(d, 1);
        return new Mask(values, s.ToArray());
    }

    /// <summary>Elementwise logical not (PyTorch's <c>~mask</c>).</summary>
    public Mask Not()
    {
        var r = new bool[values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = !values[i];
        return new Mask(r, shape);
    }

    /// <summary>Elementwise logical and, with broadcasting.</summary>
    public static Mask And(Mask a, Mask b) => Combine(a, b, "And", static (x, y) => x & y);

    /// <summary>Elementwise logical or, with broadcasting.</summary>
    public static Mask Or(Mask a, Mask b) => Combine(a, b, "Or", static (x, y) => x | y);

    /// <summary>Elementwise logical not (PyTorch's <c>~mask</c>); the same as <see cref="Not"/>.</summary>
    public static Mask operator !(Mask a) => a.Not();
    /// <summary>Elementwise logical and with broadcasting; the same as <see cref="And"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together; the message names both.</exception>
    public static Mask operator &(Mask a, Mask b) => And(a, b);
    /// <summary>Elementwise logical or with broadcasting; the same as <see cref="Or"/>.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">The shapes cannot be broadcast together; the message names both.</exception>
    public static Mask operator |(Mask a, Mask b) => Or(a, b);

    private static Mask Combine(Mask a, Mask b, string op, Func<bool, bool, bool> f)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var outShape = Shapes.Broadcast(a.shape, b.shape, op);
        var ia = Broadcasting.SourceOffsets(a.shape, outShape);
        var ib = Broadcasting.SourceOffsets(b.shape, outShape);
        var r = new bool[Shapes.Product(outShape, 0, outShape.Length)];
        for (int i = 0; i < r.Length; i++) r[i] = f(a.values[ia?[i] ?? i], b.values[ib?[i] ?? i]);
        return new Mask(r, outShape);
    }

    /// <summary>A PyTorch-like rendering: <c>mask([[True, False], …])</c>, shape only for large masks.</summary>
    public override string ToString() => values.Length <= 64
        ? $"mask({string.Join(", ", values.Select(v => v ? "True" : "False"))}; shape {Shapes.Format(shape)})"
        : $"mask(shape {Shapes.Format(shape)}, {CountTrue()} true)";
}
