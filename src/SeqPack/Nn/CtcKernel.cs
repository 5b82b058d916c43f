using System.Numerics.Tensors;

namespace SeqPack.Nn;

/// <summary>
/// The CTC forward–backward recursions of one sequence in log space (Graves, Fernández, Gomez and Schmidhuber
/// 2006, "Connectionist Temporal Classification", §4.1, eqs. 6–16), a whole row of the extended target per
/// step in vectorised span operations; <see cref="CtcReference"/> is the same computation one cell at a time,
/// with the notation explained there.
/// </summary>
/// <remarks>
/// Per step, α_t = lse(α_{t−1}, α_{t−1} shifted by one, α_{t−1} shifted by two + skip penalty) + lp_t(l′), where
/// the penalty is 0 where a skip is allowed and −∞ elsewhere, so the three-way log-sum-exp runs without
/// branches (a maximum of −∞ is raised to −1e30 so that −∞ − max stays −∞ instead of NaN). The occupation
/// probabilities γ_t(s) = exp(α + β − lp + nll) are one vectorised exp, scattered into their classes. Like PyTorch's CPU
/// kernel for float inputs, α and β are float32 (twice the vector width of double); the final log-likelihood
/// is summed in double. Work buffers come from
/// one <see cref="Scratch"/> per sequence: nothing is allocated inside the time loop.
/// </remarks>
internal static class CtcKernel
{
    private const float Floor = -1e30f;

    /// <summary>The work buffers of one sequence with extended length L and C classes.</summary>
    internal sealed class Scratch(int l, int c)
    {
        public readonly float[] Penalty = new float[l], Shift1 = new float[l], Shift2 = new float[l],
            Max = new float[l], Tmp = new float[l], Lp = new float[l], Row = new float[l], Next = new float[l];
        public readonly float[] ClassSum = new float[c], LpRow = new float[c];
    }

    /// <summary>As <see cref="CtcReference.Forward"/>: fills α (tb × L) and returns −log p(l | x).</summary>
    public static double Forward(ReadOnlySpan<float> lp, int n, int c, int b, int tb, ReadOnlySpan<int> ext, Span<float> alpha, Scratch w)
    {
        int l = ext.Length;
        if (tb == 0) return l == 1 ? 0 : double.PositiveInfinity;
        FillPenalty(ext, w.Penalty);
        int row = b * c;
        alpha[..l].Fill(float.NegativeInfinity);
        alpha[0] = lp[row + ext[0]];
        if (l > 1) alpha[1] = lp[row + ext[1]];
        for (int t = 1; t < tb; t++)
        {
            row += n * c;
            var prev = alpha.Slice((t - 1) * l, l);
            var cur = alpha.Slice(t * l, l);
            int reach = Math.Min(l, 2 * t + 2);            // l′_s with s ≥ 2t + 2 cannot be reached by step t
            var s1 = w.Shift1.AsSpan(0, reach);
            var s2 = w.Shift2.AsSpan(0, reach);
            s1[0] = float.NegativeInfinity;
            prev[..(reach - 1)].CopyTo(s1[1..]);
            s2[0] = float.NegativeInfinity;
            if (reach > 1) s2[1] = float.NegativeInfinity;
            if (reach > 2) TensorPrimitives.Add(prev[..(reach - 2)], w.Penalty.AsSpan(2, reach - 2), s2[2..]);
            var lpg = w.Lp.AsSpan(0, reach);
            for (int s = 0; s < reach; s++) lpg[s] = lp[row + ext[s]];
            LogSumExp3(prev[..reach], s1, s2, w.Max.AsSpan(0, reach), w.Tmp.AsSpan(0, reach), cur[..reach]);
            TensorPrimitives.Add(cur[..reach], lpg, cur[..reach]);
            cur[reach..].Fill(float.NegativeInfinity);
        }
        var last = alpha.Slice((tb - 1) * l, l);
        double logLikelihood = l > 1 ? LogAddExp(last[l - 1], last[l - 2]) : last[0];
        return -logLikelihood;
    }

    /// <summary>As <see cref="CtcReference.Backward"/>: PyTorch's gradient of <c>scale·nll</c> for steps t &lt; tb.</summary>
    public static void Backward(ReadOnlySpan<float> lp, int n, int c, int b, int tb, ReadOnlySpan<int> ext,
        ReadOnlySpan<float> alpha, double nll, double scale, Span<float> grad, Scratch w)
    {
        int l = ext.Length;
        if (double.IsPositiveInfinity(nll))
        {
            // No path: PyTorch's formula gives exp(lp) − exp(−∞ + ∞ − lp) = NaN at every step and class.
            for (int t = 0; t < tb; t++) grad.Slice((t * n + b) * c, c).Fill(float.NaN);
            return;
        }
        FillPenalty(ext, w.Penalty);
        var next = w.Next.AsSpan(0, l);
        var cur = w.Row.AsSpan(0, l);
        for (int t = tb - 1; t >= 0; t--)
        {
            int row = (t * n + b) * c;
            int from = Math.Max(0, l - 2 * (tb - t));       // l′_s with s below this cannot finish by step tb − 1
            cur[..from].Fill(float.NegativeInfinity);
            int m = l - from;
            var lpg = w.Lp.AsSpan(0, m);
            for (int s = 0; s < m; s++) lpg[s] = lp[row + ext[from + s]];
            if (t == tb - 1)
            {
                cur[from..].Fill(float.NegativeInfinity);
                cur[l - 1] = lp[row + ext[l - 1]];
                if (l > 1) cur[l - 2] = lp[row + ext[l - 2]];
            }
            else
            {
                // β_t(s) = lse(β_{t+1}(s), β_{t+1}(s+1), β_{t+1}(s+2) + penalty(s+2)) + lp_t(l′_s), for s in [from, l)
                var s1 = w.Shift1.AsSpan(0, m);
                var s2 = w.Shift2.AsSpan(0, m);
                s1[^1] = float.NegativeInfinity;
                next[(from + 1)..].CopyTo(s1);
                if (m > 1) s2[^2] = float.NegativeInfinity;
                s2[^1] = float.NegativeInfinity;
                if (m > 2) TensorPrimitives.Add(next[(from + 2)..], w.Penalty.AsSpan(from + 2, m - 2), s2[..(m - 2)]);
                LogSumExp3(next[from..], s1, s2, w.Max.AsSpan(0, m), w.Tmp.AsSpan(0, m), cur[from..]);
                TensorPrimitives.Add(cur[from..], lpg, cur[from..]);
            }
            // grad = scale·(exp(lp_t(k)) − Σ_{s: l′_s = k} γ_t(s)) with the occupation probability
            // γ_t(s) = exp(α_t(s) + β_t(s) − lp_t(l′_s) + nll) ≤ 1: PyTorch's exp(lcab + nll − lp) summed term by
            // term, so no per-class log-sum-exp is needed.
            var post = w.Shift1.AsSpan(0, m);
            TensorPrimitives.Add(alpha.Slice(t * l + from, m), cur[from..], post);
            TensorPrimitives.Subtract(post, lpg, post);
            TensorPrimitives.Add(post, (float)nll, post);
            TensorPrimitives.Exp(post, post);
            var occupation = w.ClassSum.AsSpan(0, c);
            occupation.Clear();
            for (int s = 0; s < m; s++) occupation[ext[from + s]] += post[s];
            var e = w.LpRow.AsSpan(0, c);
            TensorPrimitives.Exp(lp.Slice(row, c), e);
            TensorPrimitives.Subtract(e, occupation, e);
            TensorPrimitives.Multiply(e, (float)scale, grad.Slice(row, c));
            var swap = next; next = cur; cur = swap;
        }
    }

    /// <summary><c>dest = log(e^a + e^b + e^c)</c> elementwise; <paramref name="max"/> and <paramref name="tmp"/> are work space.</summary>
    private static void LogSumExp3(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c,
        Span<float> max, Span<float> tmp, Span<float> dest)
    {
        TensorPrimitives.Max(a, b, max);
        TensorPrimitives.Max(max, c, max);
        TensorPrimitives.Max(max, Floor, max);
        TensorPrimitives.Subtract(a, max, dest);
        TensorPrimitives.Exp(dest, dest);
        TensorPrimitives.Subtract(b, max, tmp);
        TensorPrimitives.Exp(tmp, tmp);
        TensorPrimitives.Add(dest, tmp, dest);
        TensorPrimitives.Subtract(c, max, tmp);
        TensorPrimitives.Exp(tmp, tmp);
        TensorPrimitives.Add(dest, tmp, dest);
        TensorPrimitives.Log(dest, dest);
        TensorPrimitives.Add(dest, max, dest);
    }

    /// <summary>0 at the positions s of l′ that may be entered by a skip from s − 2, −∞ elsewhere.</summary>
    private static void FillPenalty(ReadOnlySpan<int> ext, Span<float> penalty)
    {
        for (int s = 0; s < ext.Length; s++)
            penalty[s] = s >= 2 && (s & 1) == 1 && ext[s] != ext[s - 2] ? 0 : float.NegativeInfinity;
    }

    private static double LogAddExp(double a, double b)
    {
        double m = Math.Max(a, b);
        if (double.IsNegativeInfinity(m)) return m;
        return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
    }
}
