namespace SeqPack.Optim;

/// <summary>Gradient clipping (PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>).</summary>
public static class GradClip
{
    /// <summary>
    /// Scales every gradient in place by <c>min(1, maxNorm / (total + 1e-6))</c>, where <c>total</c> is the L2
    /// norm of all gradients taken together (the norm of the per-parameter norms), and returns <c>total</c>
    /// as it was before clipping. Parameters without a gradient are skipped; with none at all the result is 0.
    /// A non-finite total is returned as is (and the gradients become non-finite), as PyTorch does by default.
    /// </summary>
    public static float ClipGradNorm(IEnumerable<Tensor> parameters, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0f))
            throw new ArgumentException($"ClipGradNorm: maxNorm must be a non-negative number; got {maxNorm}.", nameof(maxNorm));
        var grads = parameters.Select(p => p?.Grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0f;
        double sumSquares = 0;
        foreach (var g in grads)
        {
            float norm = (float)Math.Sqrt(SumSquares(g.AsSpan()));     // torch.norm(p.grad) in float32
            sumSquares += (double)norm * norm;
        }
        float total = (float)Math.Sqrt(sumSquares);
        float coef = maxNorm / (total + 1e-6f);
        if (!(coef >= 1f))                                      // NaN total: gradients become NaN, as clamp(NaN) in PyTorch
            foreach (var g in grads) System.Numerics.Tensors.TensorPrimitives.Multiply(g.AsSpan(), coef, g.Span);
        return total;
    }

    /// <summary>
    /// Clamps every gradient element in place to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>]
    /// (<c>torch.nn.utils.clip_grad_value_</c>). Parameters without a gradient are skipped; NaN elements stay NaN.
    /// </summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, float clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0f))
            throw new ArgumentException($"ClipGradValue: clipValue must be a non-negative number; got {clipValue}.", nameof(clipValue));
        foreach (var p in parameters)
        {
            if (p?.Grad is not { } g) continue;
            var span = g.Span;
            for (int i = 0; i < span.Length; i++) span[i] = Math.Clamp(span[i], -clipValue, clipValue);
        }
    }

    private static double SumSquares(ReadOnlySpan<float> v)
    {
        double s = 0;
        foreach (var x in v) s += (double)x * x;
        return s;
    }
}
