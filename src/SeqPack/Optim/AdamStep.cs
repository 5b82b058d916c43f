namespace SeqPack.Optim;

/// <summary>The per-parameter Adam/AdamW update shared by <see cref="Adam"/> and <see cref="AdamW"/>.</summary>
internal static class AdamStep
{
    /// <summary>
    /// PyTorch 1.13's <c>_single_tensor_adam</c> order: step += 1; (AdamW) p *= 1 − lr·wd; (Adam) g += wd·p;
    /// m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; p −= (lr / (1 − β1^t))·m / (√v / √(1 − β2^t) + eps).
    /// Scalars are formed in double and rounded to float where PyTorch passes them to float32 kernels.
    /// </summary>
    public static void Apply(Span<float> p, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float step,
        float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled)
    {
        if (decoupled && weightDecay != 0f)
        {
            float keep = (float)(1.0 - (double)lr * weightDecay);
            for (int i = 0; i < p.Length; i++) p[i] *= keep;
        }
        float l2 = decoupled ? 0f : weightDecay;
        float a1 = (float)(1.0 - beta1), a2 = (float)(1.0 - beta2);
        double bc1 = 1.0 - Math.Pow(beta1, step), bc2 = 1.0 - Math.Pow(beta2, step);
        float stepSize = (float)(lr / bc1);
        float bc2Sqrt = (float)Math.Sqrt(bc2);
        for (int i = 0; i < p.Length; i++)
        {
            float g = l2 != 0f ? grad[i] + l2 * p[i] : grad[i];
            m[i] = m[i] * beta1 + a1 * g;
            v[i] = v[i] * beta2 + a2 * g * g;
            float denom = MathF.Sqrt(v[i]) / bc2Sqrt + eps;
            p[i] += -stepSize * (m[i] / denom);
        }
    }
}
