namespace SeqPack.Nn;

// Negative log-likelihood of given log-probabilities, PyTorch's nll_loss.
public static partial class Losses
{
    /// <summary>
    /// Negative log-likelihood, as <c>torch.nn.functional.nll_loss</c>: <c>loss_i = −logProbs[i, targets[i]]</c>
    /// for <paramref name="logProbs"/> (N, C) (or (C), one sample); rows whose target is
    /// <paramref name="ignoreIndex"/> give 0 and are left out of the mean, which divides by the rows kept (NaN
    /// when every row is ignored, as PyTorch). The gradient is −1 (times the reduction's scale) at each target.
    /// </summary>
    /// <exception cref="ArgumentException">A shape or count mismatch, or a target outside [0, C) that is not <paramref name="ignoreIndex"/>.</exception>
    public static Tensor Nll(Tensor logProbs, IReadOnlyList<int> targets, int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(targets);
        bool unbatched = logProbs.Rank == 1;
        if (logProbs.Rank != 2 && !unbatched)
            throw new ArgumentException($"Nll: logProbs must be (N, C) or (C); got shape {Shapes.Format(logProbs.ShapeSpan)}.", nameof(logProbs));
        int n = unbatched ? 1 : logProbs.Dim(0), c = logProbs.Dim(-1);
        if (targets.Count != n)
            throw new ArgumentException($"Nll: {targets.Count} targets for {n} rows of logProbs (shape {Shapes.Format(logProbs.ShapeSpan)}); give one class index per row.", nameof(targets));
        var t = new int[n];
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            t[i] = targets[i];
            if (t[i] == ignoreIndex) continue;
            if ((uint)t[i] >= (uint)c)
                throw new ArgumentException($"Nll: targets[{i}] = {t[i]} is outside [0, {c}) and is not ignoreIndex ({ignoreIndex}).", nameof(targets));
            kept++;
        }
        var lp = logProbs.AsSpan();
        var perRow = new float[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            if (t[i] == ignoreIndex) continue;
            perRow[i] = -lp[i * c + t[i]];
            total += perRow[i];
        }
        var result = reduction switch
        {
            Reduction.None => unbatched ? Tensor.Scalar(perRow[0]) : new Tensor(perRow, [n]),
            Reduction.Sum => Tensor.Scalar((float)total),
            _ => Tensor.Scalar((float)(total / kept)),
        };
        var shape = logProbs.Shape;
        return Autograd.Record(result, "Nll", [logProbs], g =>
        {
            var gs = g.AsSpan();
            var d = new float[n * c];
            for (int i = 0; i < n; i++)
            {
                if (t[i] == ignoreIndex) continue;
                double scale = reduction switch { Reduction.None => gs[unbatched ? 0 : i], Reduction.Sum => gs[0], _ => gs[0] / (double)kept };
                d[i * c + t[i]] = (float)-scale;
            }
            return [new Tensor(d, shape)];
        });
    }
}
