namespace SeqPack.Nn;

/// <summary>
/// Loss functions with PyTorch's definitions, each computed in one fused, numerically stable pass
/// (log-sum-exp with the maximum subtracted, in double precision) and recorded as a single autograd node.
/// </summary>
public static partial class Losses
{
    /// <summary>
    /// Cross-entropy of <paramref name="logits"/> (N, C) against N class indices, as
    /// <c>torch.nn.functional.cross_entropy</c> defines it. With log-probabilities <c>lp = log_softmax(x)</c>,
    /// class weights <c>w</c> (all 1 when <paramref name="weight"/> is null) and smoothing ε:
    /// <c>loss_i = (1 − ε)·(−w[t_i]·lp[i, t_i]) + (ε/C)·(−Σ_c w[c]·lp[i, c])</c>; rows whose target is
    /// <paramref name="ignoreIndex"/> give 0. <see cref="Reduction.Mean"/> divides the sum by <c>Σ w[t_i]</c>
    /// over the rows not ignored (NaN when every row is ignored, as PyTorch); <see cref="Reduction.None"/>
    /// returns the N values. A 1-D logits vector is a single sample of C classes (PyTorch's unbatched form).
    /// </summary>
    /// <exception cref="ArgumentException">A target outside [0, C) that is not <paramref name="ignoreIndex"/>,
    /// a count or shape mismatch, or a label smoothing outside [0, 1].</exception>
    public static Tensor CrossEntropy(Tensor logits, IReadOnlyList<int> targets, int ignoreIndex = -100,
        Reduction reduction = Reduction.Mean, float labelSmoothing = 0f, Tensor? weight = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        bool unbatched = logits.Rank == 1;
        if (logits.Rank != 2 && !unbatched)
            throw new ArgumentException($"CrossEntropy: logits must be (N, C) or (C); got shape {Shapes.Format(logits.ShapeSpan)}.", nameof(logits));
        int n = unbatched ? 1 : logits.Dim(0), c = logits.Dim(-1);
        if (targets.Count != n)
            throw new ArgumentException($"CrossEntropy: {targets.Count} targets for {n} rows of logits (shape {Shapes.Format(logits.ShapeSpan)}); give one class index per row.", nameof(targets));
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f))
            throw new ArgumentException($"CrossEntropy: labelSmoothing must lie in [0, 1]; got {labelSmoothing}.", nameof(labelSmoothing));
        if (weight is not null && (weight.Rank != 1 || weight.Size != c))
            throw new ArgumentException($"CrossEntropy: weight must have shape ({c}), one per class; got {Shapes.Format(weight.ShapeSpan)}.", nameof(weight));
        var t = new int[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = targets[i];
            if (t[i] != ignoreIndex && (uint)t[i] >= (uint)c)
                throw new ArgumentException($"CrossEntropy: targets[{i}] = {t[i]} is outside [0, {c}) and is not ignoreIndex ({ignoreIndex}); class indices must be below the number of classes.", nameof(targets));
        }

        var x = logits.AsSpan();
        var w = weight?.ToArray();
        double wSum = 0;                                          // Σ_c w[c]
        if (w is null) wSum = c; else foreach (var v in w) wSum += v;
        double eps = labelSmoothing;
        var lse = new double[n];
        var perRow = new double[n];
        double denom = 0;                                         // Σ w[t_i] over rows not ignored
        for (int i = 0; i < n; i++)
        {
            if (t[i] == ignoreIndex) continue;
            int row = i * c;
            lse[i] = Tensor.LogSumExp(x, row, 1, c);
            double wt = w is null ? 1 : w[t[i]];
            double nll = -wt * (x[row + t[i]] - lse[i]);
            double smooth = 0;
            if (eps != 0)
                for (int k = 0; k < c; k++) smooth -= (w is null ? 1 : w[k]) * (x[row + k] - lse[i]);
            perRow[i] = (1 - eps) * nll + eps / c * smooth;
            denom += wt;
        }

        Tensor result;
        if (reduction == Reduction.None)
            result = unbatched ? Tensor.Scalar((float)perRow[0]) : new Tensor(perRow.Select(v => (float)v).ToArray(), [n]);
        else
        {
            double total = 0;
            foreach (var v in perRow) total += v;
            result = Tensor.Scalar((float)(reduction == Reduction.Mean ? total / denom : total));
        }

        var shape = logits.Shape;
        return Autograd.Record(result, "CrossEntropy", [logits], g =>
        {
            // d loss_i / d x_ic = (1 − ε)·w[t_i]·(p_ic − [c = t_i]) + (ε/C)·(p_ic·Σw − w[c]), times the upstream scale.
            var dx = new float[n * c];
            var xs = logits.AsSpan();
            for (int i = 0; i < n; i++)
            {
                if (t[i] == ignoreIndex) continue;
                double scale = reduction switch
                {
                    Reduction.None => g.AsSpan()[unbatched ? 0 : i],
                    Reduction.Sum => g.AsSpan()[0],
                    _ => g.AsSpan()[0] / denom,
                };
                double wt = w is null ? 1 : w[t[i]];
                int row = i * c;
                for (int k = 0; k < c; k++)
                {
                    double p = Math.Exp(xs[row + k] - lse[i]);
                    double d = (1 - eps) * wt * (p - (k == t[i] ? 1 : 0)) + eps / c * (p * wSum - (w is null ? 1 : w[k]));
                    dx[row + k] = (float)(scale * d);
                }
            }
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>
    /// Binary cross-entropy on logits, as <c>torch.nn.functional.binary_cross_entropy_with_logits</c>:
    /// <c>ℓ = w·[(1 − y)·x + (1 + (p − 1)·y)·softplus(−x)]</c> with <c>softplus(−x) = max(−x, 0) + log(1 + e^−|x|)</c>
    /// (stable for any x). <paramref name="weight"/> broadcasts to the input; <paramref name="posWeight"/> (the
    /// weight p of positive examples) broadcasts along the last dimension. Both default to 1. The mean is over
    /// all elements. Gradients flow to <paramref name="logits"/> and, when it requires one, to <paramref name="targets"/>.
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean,
        Tensor? weight = null, Tensor? posWeight = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (!Shapes.Equal(logits.ShapeSpan, targets.ShapeSpan))
            throw new ArgumentException($"BinaryCrossEntropyWithLogits: targets shape {Shapes.Format(targets.ShapeSpan)} must equal logits shape {Shapes.Format(logits.ShapeSpan)}.", nameof(targets));
        var wFull = ExpandTo(weight, logits, nameof(weight));
        var pFull = ExpandTo(posWeight, logits, nameof(posWeight));
        var x = logits.AsSpan();
        var y = targets.AsSpan();
        int n = x.Length;
        var loss = new double[n];
        var softplusNeg = new double[n];
        for (int i = 0; i < n; i++)
        {
            double xi = x[i], yi = y[i];
            double sp = Math.Max(-xi, 0) + Math.Log(1 + Math.Exp(-Math.Abs(xi)));
            softplusNeg[i] = sp;
            double lw = pFull is null ? 1 : 1 + (pFull[i] - 1) * yi;
            loss[i] = (wFull is null ? 1 : wFull[i]) * ((1 - yi) * xi + lw * sp);
        }
        Tensor result;
        if (reduction == Reduction.None) result = new Tensor(loss.Select(v => (float)v).ToArray(), logits.Shape);
        else
        {
            double total = 0;
            foreach (var v in loss) total += v;
            result = Tensor.Scalar((float)(reduction == Reduction.Mean ? total / n : total));
        }
        return Autograd.Record(result, "BinaryCrossEntropyWithLogits", [logits, targets], g =>
        {
            var gs = g.AsSpan();
            var xs = logits.AsSpan();
            var ys = targets.AsSpan();
            var dx = logits.RequiresGrad ? new float[n] : null;
            var dy = targets.RequiresGrad ? new float[n] : null;
            for (int i = 0; i < n; i++)
            {
                double scale = reduction switch { Reduction.None => gs[i], Reduction.Sum => gs[0], _ => gs[0] / n };
                scale *= wFull is null ? 1 : wFull[i];
                double p = pFull is null ? 1 : pFull[i];
                double lw = 1 + (p - 1) * ys[i];
                double sigNeg = 1 / (1 + Math.Exp(xs[i]));                // sigmoid(−x)
                if (dx is not null) dx[i] = (float)(scale * ((1 - ys[i]) - lw * sigNeg));
                if (dy is not null) dy[i] = (float)(scale * (-xs[i] + (p - 1) * softplusNeg[i]));
            }
            return [dx is null ? null : new Tensor(dx, logits.Shape), dy is null ? null : new Tensor(dy, targets.Shape)];
        });
    }

    /// <summary>The values of <paramref name="t"/> broadcast to <paramref name="like"/>'s shape, or null.</summary>
    private static float[]? ExpandTo(Tensor? t, Tensor like, string paramName)
    {
        if (t is null) return null;
        var target = like.ShapeSpan;
        bool ok = t.Rank <= target.Length;
        for (int k = 1; ok && k <= t.Rank; k++) ok = t.ShapeSpan[^k] == 1 || t.ShapeSpan[^k] == target[^k];
        if (!ok)
            throw new ArgumentException($"BinaryCrossEntropyWithLogits: {paramName} shape {Shapes.Format(t.ShapeSpan)} does not broadcast to the logits shape {Shapes.Format(target)}.", paramName);
        using var _ = Autograd.NoGrad();
        return (Tensor.Zeros(like.Shape) + t.Detach()).ToArray();
    }
}
