using System.Globalization;
using System.Text;

namespace SeqPack;

/// <summary>
/// A dense float32 tensor in row-major order, with reverse-mode automatic differentiation.
/// </summary>
/// <remarks>
/// A tensor owns a contiguous buffer of exactly <see cref="Size"/> floats. <see cref="Reshape"/> shares that
/// buffer (like a PyTorch view); every other operation allocates its result. Operations on tensors that
/// require a gradient are recorded on the autograd graph (see <see cref="Autograd"/>) unless a
/// <see cref="Autograd.NoGrad"/> scope is active. The differentiable operations live in the files
/// <c>Autograd/Ops.*.cs</c>, each next to its gradient rule.
/// <para>
/// Disposing is optional: the GC reclaims a tensor that is simply dropped. <see cref="Dispose"/> hands a large
/// result's buffer straight to the next operation that needs one of the same size (see <see cref="Dispose"/>).
/// </para>
/// </remarks>
public sealed partial class Tensor : IDisposable
{
    private readonly int[] shape;
    private bool requiresGrad;
    private float[]? data;

    // Whether Dispose may hand the buffer to the next result of its size: set only where an operation allocated
    // the buffer for this tensor alone, and cleared for good as soon as anything else may hold the buffer
    // (a view, a recorded graph, the Reshape rule's alias of a gradient): see ShareStorage.
    private bool recyclable;

    /// <summary>The buffer: exactly <see cref="Size"/> floats, row-major.</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed.</exception>
    internal float[] Data => data ?? throw Disposed();

    /// <summary>The autograd node that produced this tensor, or null for a leaf.</summary>
    internal GradNode? Node { get; private set; }

    /// <summary>Which output of <see cref="Node"/> this tensor is.</summary>
    internal int OutputIndex { get; private set; }

    /// <summary>
    /// Wraps <paramref name="data"/> without copying; the caller gives up the array. With
    /// <paramref name="recyclable"/> the array was allocated for this tensor alone (by <see cref="ResultBuffer"/>), so
    /// <see cref="Dispose"/> may hand it on.
    /// </summary>
    internal Tensor(float[] data, int[] shape, bool recyclable = false)
    {
        this.data = data;
        this.shape = shape;
        this.recyclable = recyclable;
    }

    /// <summary>
    /// A buffer of <paramref name="length"/> floats with unspecified contents for an operation's result (the caller
    /// writes every element): a disposed tensor's buffer of that length when there is one. A result that will be
    /// <paramref name="recorded"/> gets fresh memory instead: its graph keeps it, so its buffer never comes back, and
    /// taking pooled ones for it would drain the pool that the recurrent layers' scratch buffers rely on.
    /// </summary>
    internal static float[] ResultBuffer(int length, bool recorded) =>
        recorded ? GC.AllocateUninitializedArray<float>(length) : Kernels.ScratchPool.RentExact(length);

    /// <summary>
    /// Marks the buffer as possibly held elsewhere (a view shares it, a recorded operation keeps it for backward,
    /// a gradient aliases it), so that <see cref="Dispose"/> never hands it to another tensor.
    /// </summary>
    internal void ShareStorage() => recyclable = false;

    /// <summary>Whether this tensor has been disposed.</summary>
    public bool IsDisposed => data is null;

    /// <summary>
    /// Releases the buffer. A large buffer that this tensor alone holds (the result of an operation, not a view
    /// made by <see cref="Reshape"/> or <see cref="Detach"/>, not kept by a recorded graph) goes to the next
    /// operation that needs a buffer of the same size, which then skips the allocation and the first-touch page
    /// faults that a fresh buffer costs; otherwise the GC reclaims it as usual. Afterwards the tensor must not be
    /// used: its members throw <see cref="ObjectDisposedException"/> (only <see cref="Shape"/>, <see cref="Rank"/>,
    /// <see cref="IsDisposed"/> and <see cref="ToString"/> still answer). Do not dispose a tensor whose
    /// <see cref="AsSpan"/> you still read. Disposing twice does nothing.
    /// </summary>
    public void Dispose()
    {
        var d = data;
        if (d is null) return;
        data = null;
        if (Recyclable) Kernels.ScratchPool.ReturnResult(d);
    }

    private bool Recyclable => recyclable && Node is null && !requiresGrad;

    /// <summary>
    /// For library code done with an intermediate result: disposes it when that hands its buffer on (see
    /// <see cref="Dispose"/>), and otherwise leaves it untouched and usable (a view, or part of a recorded graph).
    /// </summary>
    internal void Recycle()
    {
        if (Recyclable) Dispose();
    }

    private ObjectDisposedException Disposed() =>
        new(nameof(Tensor), $"This tensor of shape {Shapes.Format(shape)} was disposed; keep a tensor undisposed while it is still used (or Clone() it first).");

    /// <summary>The extents of each dimension, outermost first (a copy).</summary>
    public int[] Shape => (int[])shape.Clone();

    /// <summary>The shape without a copy, for internal code that promises not to modify it.</summary>
    internal ReadOnlySpan<int> ShapeSpan => shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => shape.Length;

    /// <summary>The number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public int Size => Data.Length;

    /// <summary>The extent of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Dim(int dim) => shape[Shapes.NormalizeDim(dim, Rank, nameof(dim))];

    /// <summary>The elements as a span, row-major. Writing to it bypasses autograd.</summary>
    internal Span<float> Span => Data;

    /// <summary>A read-only view of the elements, row-major.</summary>
    public ReadOnlySpan<float> AsSpan() => Data;

    /// <summary>
    /// Whether gradients are computed for this tensor. Set it on leaves (parameters, inputs); results of
    /// recorded operations have it set automatically.
    /// </summary>
    public bool RequiresGrad
    {
        get => requiresGrad;
        set
        {
            if (!value && Node is not null)
                throw new InvalidOperationException(
                    "RequiresGrad cannot be cleared on a tensor computed by a recorded operation; use Detach() to get a tensor without history.");
            requiresGrad = value;
        }
    }

    /// <summary>True when this tensor was not produced by a recorded operation.</summary>
    public bool IsLeaf => Node is null;

    /// <summary>The gradient accumulated by <see cref="Backward"/> into a leaf that requires a gradient, like PyTorch's <c>.grad</c>.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>Set by <see cref="Autograd.Unshared"/> on a rule's fresh gradient; cleared when the engine delivers it.</summary>
    internal bool GradientUnshared;

    /// <summary>Clears <see cref="Grad"/>.</summary>
    public void ZeroGrad() => Grad = null;

    internal void SetHistory(GradNode node, int outputIndex)
    {
        Node = node;
        OutputIndex = outputIndex;
        requiresGrad = true;
    }

    // ---------------------------------------------------------------- factories

    /// <summary>A tensor holding a copy of <paramref name="values"/> with the given shape (a 1-D tensor when no shape is given).</summary>
    public static Tensor FromArray(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 && values.Length != 1)
            shape = [values.Length];
        int size = Shapes.CheckedSize(shape, nameof(shape));
        if (size != values.Length)
            throw new ArgumentException(
                $"FromArray: shape {Shapes.Format(shape)} holds {size} elements but {values.Length} values were given.", nameof(shape));
        return new Tensor((float[])values.Clone(), (int[])shape.Clone());
    }

    /// <summary>A scalar (0-dimensional) tensor.</summary>
    public static Tensor Scalar(float value) => new([value], []);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape)
    {
        int size = Shapes.CheckedSize(shape, nameof(shape));
        return new Tensor(new float[size], (int[])shape.Clone());
    }

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(1f, shape);

    /// <summary>A tensor whose every element is <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        int size = Shapes.CheckedSize(shape, nameof(shape));
        var data = GC.AllocateUninitializedArray<float>(size);   // every element is written once, by the fill
        data.AsSpan().Fill(value);
        return new Tensor(data, (int[])shape.Clone());
    }

    /// <summary>Standard normal values from <paramref name="rng"/> (see <see cref="Rng"/>).</summary>
    public static Tensor Randn(Rng rng, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int size = Shapes.CheckedSize(shape, nameof(shape));
        var data = new float[size];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextNormal();
        return new Tensor(data, (int[])shape.Clone());
    }

    /// <summary>
    /// A tensor of <paramref name="shape"/> holding standard normal values from a new generator seeded with
    /// <paramref name="seed"/> (the same seed gives the same values); shape first, as in <c>torch.randn(*size)</c>.
    /// </summary>
    public static Tensor Randn(int[] shape, ulong seed) => Randn(new Rng(seed), shape);

    /// <summary>A tensor of <paramref name="shape"/> holding standard normal values drawn from <paramref name="generator"/>.</summary>
    public static Tensor Randn(int[] shape, Rng generator) => Randn(generator, shape);

    /// <summary>Standard normal values from a new generator seeded with <paramref name="seed"/>.</summary>
    [Obsolete("Use Tensor.Randn(shape, seed): the shape comes first, as in torch.randn.")]
    public static Tensor Randn(ulong seed, params int[] shape) => Randn(new Rng(seed), shape);

    /// <summary>Values uniform in [<paramref name="low"/>, <paramref name="high"/>) from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(high >= low))
            throw new ArgumentException($"Uniform: high ({high}) must not be below low ({low}).", nameof(high));
        int size = Shapes.CheckedSize(shape, nameof(shape));
        var data = new float[size];
        for (int i = 0; i < data.Length; i++) data[i] = rng.NextUniform(low, high);
        return new Tensor(data, (int[])shape.Clone());
    }

    /// <summary>Values uniform in [<paramref name="low"/>, <paramref name="high"/>) from a generator seeded with <paramref name="seed"/>.</summary>
    public static Tensor Uniform(ulong seed, float low, float high, params int[] shape) => Uniform(new Rng(seed), low, high, shape);

    // ---------------------------------------------------------------- reading

    /// <summary>A row-major copy of the elements.</summary>
    public float[] ToArray() => (float[])Data.Clone();

    /// <summary>The value of a one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Item() needs a tensor of one element; this one has shape {Shapes.Format(shape)}.");
        return Data[0];
    }

    /// <summary>The element at the given index (one coordinate per dimension).</summary>
    public float At(params int[] index) => Data[Shapes.FlatIndex(shape, index)];

    /// <summary>A new leaf tensor with the same values and no history.</summary>
    public Tensor Detach()
    {
        ShareStorage();
        return new(Data, shape);
    }

    /// <summary>A new leaf tensor with a copy of the values and no history.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), (int[])shape.Clone());

    /// <summary>Copies <paramref name="source"/>'s values into this tensor in place, outside autograd (used to load weights).</summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!Shapes.Equal(shape, source.shape))
            throw new ArgumentException(
                $"CopyFrom: shape {Shapes.Format(source.shape)} does not match this tensor's {Shapes.Format(shape)}.", nameof(source));
        source.Data.AsSpan().CopyTo(Data);
    }

    /// <summary>A PyTorch-like rendering: <c>tensor([[1.0000, 2.0000], …])</c>, shortened for large tensors.</summary>
    public override string ToString()
    {
        if (data is null) return $"tensor(disposed, shape {Shapes.Format(shape)})";
        var sb = new StringBuilder("tensor(");
        if (Rank == 0) sb.Append(Format(Data[0]));
        else AppendDim(sb, 0, 0, 7);
        if (requiresGrad) sb.Append(Node is null ? ", requiresGrad" : $", grad_fn={Node.Op}");
        return sb.Append(')').ToString();
    }

    private static string Format(float v) => v.ToString("0.0000", CultureInfo.InvariantCulture);

    private void AppendDim(StringBuilder sb, int dim, int offset, int indent)
    {
        int n = shape[dim];
        int stride = 1;
        for (int d = dim + 1; d < Rank; d++) stride *= shape[d];
        sb.Append('[');
        for (int i = 0; i < n; i++)
        {
            if (n > 8 && i == 3) { sb.Append("..., "); i = n - 3; }
            if (dim == Rank - 1) sb.Append(Format(Data[offset + i]));
            else AppendDim(sb, dim + 1, offset + i * stride, indent + 1);
            if (i < n - 1)
                sb.Append(dim == Rank - 1 ? ", " : ",\n" + new string(' ', indent + 1));
        }
        sb.Append(']');
    }
}
