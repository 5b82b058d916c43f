namespace SeqPack.Nn;

// Elementwise regression losses of d = input − target, PyTorch's mse_loss, l1_loss and smooth_l1_loss.
public static partial class Losses
{
    /// <summary>
    /// Mean squared error, as <c>torch.nn.functional.mse_loss</c>: <c>ℓ = (input − target)²</c> elementwise,
    /// then reduced (<see cref="Reduction.Mean"/> over all elements; <see cref="Reduction.None"/> keeps the
    /// shape). Gradients flow to both tensors.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor Mse(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Pointwise("Mse", input, target, reduction, static d => d * d, static d => 2 * d);

    /// <summary>
    /// Mean absolute error, as <c>torch.nn.functional.l1_loss</c>: <c>ℓ = |input − target|</c>; the gradient
    /// is <c>sign(input − target)</c>, 0 where they are equal.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor L1(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Pointwise("L1", input, target, reduction, static d => Math.Abs(d), static d => Math.Sign(d));

    /// <summary>
    /// Huber-style loss, as <c>torch.nn.functional.smooth_l1_loss</c>: with <c>z = |input − target|</c>,
    /// <c>ℓ = 0.5·z²/β</c> for <c>z &lt; β</c> and <c>z − 0.5·β</c> otherwise; β = 0 gives the values of
    /// <see cref="L1"/>. The gradient is PyTorch's: −1 for <c>d ≤ −β</c>, 1 for <c>d ≥ β</c>, <c>d/β</c> between, so
    /// with β = 0 it is −1 (not 0) where input equals target.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ, or <paramref name="beta"/> is negative or NaN.</exception>
    public static Tensor SmoothL1(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, float beta = 1f)
    {
        if (!(beta >= 0f))
            throw new ArgumentException($"SmoothL1: beta must be at least 0; got {beta}.", nameof(beta));
        double b = beta;
        return Pointwise("SmoothL1", input, target, reduction,
            d => Math.Abs(d) < b ? 0.5 * d * d / b : Math.Abs(d) - 0.5 * b,
            d => d <= -b ? -1 : d >= b ? 1 : d / b);
    }

    /// <summary>
    /// A loss <c>f(input − target)</c> per element, reduced, with the gradient <c>f′(d)</c> to input and <c>f′(−d)</c> to target.
    /// Mean over zero elements is NaN, as in PyTorch.
    /// </summary>
    private static Tensor Pointwise(string op, Tensor input, Tensor target, Reduction reduction,
        Func<double, double> f, Func<double, double> df)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!Shapes.Equal(input.ShapeSpan, target.ShapeSpan))
            throw new ArgumentException($"{op}: target shape {Shapes.Format(target.ShapeSpan)} must equal input shape {Shapes.Format(input.ShapeSpan)}.", nameof(target));
        var x = input.AsSpan();
        var y = target.AsSpan();
        int n = x.Length;
        var loss = new float[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double l = f((double)x[i] - y[i]);
            loss[i] = (float)l;
            total += l;
        }
        var result = reduction switch
        {
            Reduction.None => new Tensor(loss, input.Shape),
            Reduction.Sum => Tensor.Scalar((float)total),
            _ => Tensor.Scalar((float)(total / n)),
        };
        return Autograd.Record(result, op, [input, target], g =>
        {
            var gs = g.AsSpan();
            var xs = input.AsSpan();
            var ys = target.AsSpan();
            var dx = input.RequiresGrad ? new float[n] : null;
            var dy = target.RequiresGrad ? new float[n] : null;
            for (int i = 0; i < n; i++)
            {
                double scale = reduction switch { Reduction.None => gs[i], Reduction.Sum => gs[0], _ => gs[0] / n };
                double d = (double)xs[i] - ys[i];
                if (dx is not null) dx[i] = (float)(scale * df(d));
                // PyTorch differentiates for the target with the roles swapped (f′(target − input)), which
                // is −f′(d) except at SmoothL1's kink with β = 0.
                if (dy is not null) dy[i] = (float)(scale * df(-d));
            }
            return [dx is null ? null : new Tensor(dx, input.Shape), dy is null ? null : new Tensor(dy, target.Shape)];
        });
    }
}
