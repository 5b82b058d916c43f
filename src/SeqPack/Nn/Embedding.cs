namespace SeqPack.Nn;

/// <summary>
/// A lookup table of <c>numEmbeddings</c> vectors of size <c>embeddingDim</c> (PyTorch's <c>nn.Embedding</c>):
/// parameter "weight" (num, dim) initialised N(0, 1). With a padding index, that row starts at zero and never
/// receives a gradient, so it stays what it is set to.
/// </summary>
public sealed partial class Embedding : Module
{
    /// <summary>Rows of the table (the vocabulary size).</summary>
    public int NumEmbeddings { get; }

    /// <summary>Size of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The padding row (already made non-negative), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>(num, dim).</summary>
    public Tensor Weight { get; }

    /// <summary>
    /// Builds the table. <paramref name="paddingIdx"/> may be negative (counted from the end, as in PyTorch).
    /// Values come from <paramref name="rng"/> or <see cref="Init.Generator"/>.
    /// </summary>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Rng? rng = null)
    {
        if (numEmbeddings < 0) throw new ArgumentOutOfRangeException(nameof(numEmbeddings), numEmbeddings, "Embedding: numEmbeddings must not be negative.");
        if (embeddingDim < 0) throw new ArgumentOutOfRangeException(nameof(embeddingDim), embeddingDim, "Embedding: embeddingDim must not be negative.");
        if (paddingIdx is int p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), p,
                    $"Embedding: paddingIdx must lie in [{-numEmbeddings}, {numEmbeddings}) for {numEmbeddings} embeddings.");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        ParameterSizes.CheckMatrix("Embedding", nameof(numEmbeddings), numEmbeddings, numEmbeddings, embeddingDim);
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Weight = RegisterParameter("weight", Tensor.Zeros(numEmbeddings, embeddingDim));
        Init.Normal(Weight, rng);
        if (PaddingIdx is int pad) Weight.Span.Slice(pad * embeddingDim, embeddingDim).Clear();
    }

    /// <summary>Looks up each id: (n) ids → (n, dim).</summary>
    public Tensor Forward(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Lookup(ids, [ids.Count, EmbeddingDim]);
    }

    /// <summary>Looks up ids laid out row-major in <paramref name="shape"/>: → (*shape, dim).</summary>
    public Tensor Forward(IReadOnlyList<int> ids, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int count = Shapes.CheckedSize(shape, nameof(shape));
        if (count != ids.Count)
            throw new ArgumentException($"Embedding.Forward: shape {Shapes.Format(shape)} holds {count} ids but {ids.Count} were given.", nameof(shape));
        return Lookup(ids, [.. shape, EmbeddingDim]);
    }

    /// <summary>Gathers rows of <see cref="Weight"/>; the gradient scatter-adds back into them, skipping the padding row.</summary>
    private Tensor Lookup(IReadOnlyList<int> ids, int[] outShape)
    {
        int n = ids.Count, dim = EmbeddingDim;
        var idx = new int[n];
        for (int i = 0; i < n; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)NumEmbeddings)
                throw new ArgumentException(
                    $"Embedding: ids[{i}] = {id} is outside [0, {NumEmbeddings}); check the vocabulary size.", nameof(ids));
            idx[i] = id;
        }
        var w = Weight;
        var y = Tensor.ResultBuffer(n * dim, Autograd.ShouldRecord(w));       // (n, dim); every row is copied
        for (int i = 0; i < n; i++) w.AsSpan().Slice(idx[i] * dim, dim).CopyTo(y.AsSpan(i * dim, dim));
        int? pad = PaddingIdx;
        int rows = NumEmbeddings;
        return Autograd.Record(new Tensor(y, outShape, recyclable: true), "Embedding", [w], g =>
        {
            var dw = new float[rows * dim];                                    // (num, dim)
            for (int i = 0; i < n; i++)
            {
                if (idx[i] == pad) continue;
                System.Numerics.Tensors.TensorPrimitives.Add(dw.AsSpan(idx[i] * dim, dim), g.AsSpan().Slice(i * dim, dim), dw.AsSpan(idx[i] * dim, dim));
            }
            return [Autograd.Unshared(new Tensor(dw, [rows, dim]))];
        });
    }
}
