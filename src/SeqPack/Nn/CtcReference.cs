namespace SeqPack.Nn;

/// <summary>
/// The readable reference of <see cref="CtcKernel"/>, one cell at a time: the CTC forward–backward recursions
/// of one sequence, in log space (Graves, Fernández, Gomez and
/// Schmidhuber 2006, "Connectionist Temporal Classification", §4.1, eqs. 6–16), laid out as PyTorch's CPU
/// <c>ctc_loss</c> lays them out so that losses and gradients match it.
/// </summary>
/// <remarks>
/// The target l of length S is extended with blanks to l′ = (blank, l₁, blank, …, l_S, blank) of length
/// L = 2S + 1. α_t(s) is the log-probability of all paths over steps 0..t that end in l′_s; β_t(s) the same for
/// steps t..T−1 starting in l′_s; both include the step's own log-probability, so α_t(s) + β_t(s) − lp_t(l′_s)
/// is the log-probability of the paths through (t, s). A skip from s − 2 to s is allowed only between
/// different labels (a repeated label needs a blank between its copies). All arithmetic is in double; the
/// buffers are given by the caller. Tests check the vectorised kernel against this one.
/// </remarks>
internal static class CtcReference
{
    /// <summary>
    /// Fills <paramref name="alpha"/> (tb × L, row t at t·L) and returns the negative log-likelihood
    /// −log p(l | x) (∞ when no path of length <paramref name="tb"/> yields the target).
    /// <paramref name="lp"/> is the whole (T, N, C) buffer; this sequence is column <paramref name="b"/>.
    /// </summary>
    public static double Forward(ReadOnlySpan<float> lp, int n, int c, int b, int tb, ReadOnlySpan<int> ext, Span<double> alpha)
    {
        int l = ext.Length;
        if (tb == 0) return l == 1 ? 0 : double.PositiveInfinity;
        int row = b * c;                                   // offset of (t = 0, b) in lp
        alpha[..l].Fill(double.NegativeInfinity);
        alpha[0] = lp[row + ext[0]];
        if (l > 1) alpha[1] = lp[row + ext[1]];
        for (int t = 1; t < tb; t++)
        {
            row += n * c;
            var prev = alpha.Slice((t - 1) * l, l);
            var cur = alpha.Slice(t * l, l);
            int reach = Math.Min(l, 2 * t + 2);            // l′_s with s ≥ 2t + 2 cannot be reached by step t
            for (int s = 0; s < reach; s++)
            {
                double a = prev[s];
                double a1 = s >= 1 ? prev[s - 1] : double.NegativeInfinity;
                double a2 = CanSkip(ext, s) ? prev[s - 2] : double.NegativeInfinity;
                cur[s] = LogSumExp(a, a1, a2) + lp[row + ext[s]];
            }
            cur[reach..].Fill(double.NegativeInfinity);
        }
        var last = alpha.Slice((tb - 1) * l, l);
        double logLikelihood = l > 1 ? LogSumExp(last[l - 1], last[l - 2], double.NegativeInfinity) : last[0];
        return -logLikelihood;
    }

    /// <summary>
    /// Writes PyTorch's gradient of <c>scale·nll</c> with respect to the log-probabilities of column
    /// <paramref name="b"/> into <paramref name="grad"/> (the whole (T, N, C) buffer, zero on entry) for steps
    /// t &lt; tb: <c>scale·(exp(lp_t(k)) − exp(log Σ_{s: l′_s = k} α_t(s)β_t(s) + nll − lp_t(k)))</c>. The first
    /// term is PyTorch's: it assumes log-probabilities from a log-softmax, whose backward cancels it, so the
    /// gradient through a log-softmax equals the exact one. <paramref name="scratch"/> holds 2L + C doubles.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> lp, int n, int c, int b, int tb, ReadOnlySpan<int> ext,
        ReadOnlySpan<double> alpha, double nll, double scale, Span<float> grad, Span<double> scratch)
    {
        int l = ext.Length;
        var next = scratch[..l];
        var cur = scratch.Slice(l, l);
        var lcab = scratch.Slice(2 * l, c);                 // log Σ α·β per class at the current step
        for (int t = tb - 1; t >= 0; t--)
        {
            int row = (t * n + b) * c;
            lcab.Fill(double.NegativeInfinity);
            int from = Math.Max(0, l - 2 * (tb - t));       // l′_s with s below this cannot finish by step tb − 1
            cur[..from].Fill(double.NegativeInfinity);
            for (int s = from; s < l; s++)
            {
                double beta;
                if (t == tb - 1) beta = s >= l - 2 ? lp[row + ext[s]] : double.NegativeInfinity;
                else
                {
                    double b1 = s + 1 < l ? next[s + 1] : double.NegativeInfinity;
                    double b2 = s + 2 < l && CanSkip(ext, s + 2) ? next[s + 2] : double.NegativeInfinity;
                    beta = LogSumExp(next[s], b1, b2) + lp[row + ext[s]];
                }
                cur[s] = beta;
                double ab = alpha[t * l + s] + beta;
                ref double slot = ref lcab[ext[s]];
                slot = LogSumExp(slot, ab, double.NegativeInfinity);
            }
            for (int k = 0; k < c; k++)
            {
                double v = lp[row + k];
                grad[row + k] = (float)((Math.Exp(v) - Math.Exp(lcab[k] + nll - v)) * scale);
            }
            var swap = next; next = cur; cur = swap;
        }
    }

    /// <summary>True when a path may jump from l′_{s−2} to l′_s (both labels, and different).</summary>
    private static bool CanSkip(ReadOnlySpan<int> ext, int s) => s >= 2 && (s & 1) == 1 && ext[s] != ext[s - 2];

    /// <summary><c>log(e^a + e^b + e^c)</c>, stable; −∞ when all are −∞.</summary>
    private static double LogSumExp(double a, double b, double c)
    {
        double m = Math.Max(a, Math.Max(b, c));
        if (double.IsNegativeInfinity(m)) return m;
        return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m) + Math.Exp(c - m));
    }
}
