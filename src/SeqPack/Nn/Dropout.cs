namespace SeqPack.Nn;

/// <summary>
/// Inverted dropout (PyTorch's <c>nn.Dropout</c>): in training, each element is kept with probability
/// <c>1 − p</c> and scaled by <c>1/(1 − p)</c>, else zeroed; in evaluation mode (or with p = 0) the input
/// passes through unchanged. Masks come from the layer's own seeded <see cref="Rng"/>, so a seed fixes them.
/// </summary>
public sealed class Dropout : Module, ITensorModule
{
    private readonly Rng rng;

    /// <summary>The probability of zeroing an element.</summary>
    public float P { get; }

    /// <summary>
    /// Builds the layer. Masks are drawn from <paramref name="rng"/>, or from a generator seeded by one draw
    /// of <see cref="Init.Generator"/> when none is given.
    /// </summary>
    public Dropout(float p = 0.5f, Rng? rng = null)
    {
        if (!(p >= 0f && p <= 1f))
            throw new ArgumentException($"Dropout: p must lie in [0, 1]; got {p}.", nameof(p));
        P = p;
        if (rng is null) { var g = Init.Generator; lock (g) rng = new Rng(g.NextUInt64()); }
        this.rng = rng;
    }

    /// <summary>The generator that draws the masks (its state can be saved for exact resumption).</summary>
    public Rng Generator => rng;

    /// <summary>Applies dropout in training mode; returns <paramref name="input"/> itself otherwise.</summary>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Training ? Apply(input, P, rng) : input;
    }

    /// <summary>Inverted dropout with probability <paramref name="p"/> as one autograd node (the gradient is the same mask times g).</summary>
    internal static Tensor Apply(Tensor input, float p, Rng rng)
    {
        if (p == 0f) return input;
        var mask = new float[input.Size];                  // 0 or 1/(1 − p)
        if (p < 1f)
        {
            float scale = 1f / (1f - p);
            for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() < p ? 0f : scale;
        }
        var y = new float[input.Size];
        System.Numerics.Tensors.TensorPrimitives.Multiply(input.AsSpan(), mask, y);
        return Autograd.Record(new Tensor(y, input.Shape), "Dropout", [input], g =>
        {
            var dx = new float[mask.Length];
            System.Numerics.Tensors.TensorPrimitives.Multiply(g.AsSpan(), mask, dx);
            return [new Tensor(dx, input.Shape)];
        });
    }
}
