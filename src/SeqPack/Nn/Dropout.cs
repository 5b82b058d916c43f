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
    public Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// As <see cref="Forward(Tensor)"/>; when <paramref name="rows"/> is given, the rows of <paramref name="input"/>
    /// (its first dimension) are a rank's share of a global batch and get their rows of the global batch's mask.
    /// </summary>
    internal Tensor Forward(Tensor input, ShareRows? rows)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Training ? Apply(input, P, rng, rows) : input;
    }

    /// <summary>
    /// Inverted dropout with probability <paramref name="p"/> as one autograd node (the gradient is the same mask
    /// times g). The mask is drawn element by element in row-major order; with <paramref name="rows"/>, it is drawn
    /// for all rows of the global batch (as one process draws it) and each local row takes its global row's part.
    /// </summary>
    internal static Tensor Apply(Tensor input, float p, Rng rng, ShareRows? rows = null)
    {
        if (p == 0f) return input;
        if (rows is not null && (input.Rank == 0 || input.Dim(0) != rows.Count))
            throw new ArgumentException($"Dropout: input of shape {Shapes.Format(input.ShapeSpan)} for a share of {rows.Count} rows; the first dimension must be the share's rows.", nameof(input));
        var mask = new float[input.Size];                  // 0 or 1/(1 − p)
        if (p < 1f)
        {
            float scale = 1f / (1f - p);
            if (rows is null)
                for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() < p ? 0f : scale;
            else
                DrawShare(mask, input.ShapeSpan[1..], p, scale, rng, rows);
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

    /// <summary>The global mask row by row; the rows of other ranks are drawn and dropped.</summary>
    private static void DrawShare(float[] mask, ReadOnlySpan<int> rowShape, float p, float scale, Rng rng, ShareRows rows)
    {
        int width = 1;                                     // elements per row
        foreach (int d in rowShape) width *= d;
        for (int g = 0; g < rows.GlobalCount; g++)
        {
            int local = rows.LocalOf[g];
            if (local < 0)
            {
                for (int k = 0; k < width; k++) rng.NextFloat();
                continue;
            }
            var row = mask.AsSpan(local * width, width);
            for (int k = 0; k < width; k++) row[k] = rng.NextFloat() < p ? 0f : scale;
        }
    }
}
