using System.Numerics.Tensors;

namespace SeqPack;

// Elementwise functions of one tensor (absolute value, roots and powers, clamping), each next to its
// gradient rule, following PyTorch's derivatives.yaml at the kinks (abs and clamp) and at 0.
public sealed partial class Tensor
{
    /// <summary>Elementwise <c>|x|</c>; the gradient is <c>g·sign(x)</c>, 0 at x = 0 (as PyTorch).</summary>
    public Tensor Abs()
    {
        var y = new float[Size];
        TensorPrimitives.Abs(Data, y);
        var x = Data;
        return Autograd.Record(new Tensor(y, shape), "Abs", [this], g =>
        {
            var dx = new float[x.Length];
            for (int i = 0; i < dx.Length; i++) dx[i] = x[i] > 0 ? g.Data[i] : x[i] < 0 ? -g.Data[i] : 0f;
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>Elementwise <c>√x</c> (NaN below 0); the gradient is <c>g / (2·√x)</c> (infinite at 0, as PyTorch).</summary>
    public Tensor Sqrt()
    {
        var y = new float[Size];
        TensorPrimitives.Sqrt(Data, y);
        return Autograd.Record(new Tensor(y, shape), "Sqrt", [this], g =>
        {
            var dx = new float[y.Length];
            for (int i = 0; i < dx.Length; i++) dx[i] = g.Data[i] / (2f * y[i]);
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>
    /// Elementwise <c>x^exponent</c> (<c>MathF.Pow</c>'s rules for negative bases and special values); the
    /// gradient is <c>g·exponent·x^(exponent − 1)</c>, and 0 when <paramref name="exponent"/> is 0 (as PyTorch).
    /// </summary>
    public Tensor Pow(float exponent)
    {
        var x = Data;
        var y = new float[Size];
        if (exponent == 2f) TensorPrimitives.Multiply(x, x, y);
        else for (int i = 0; i < y.Length; i++) y[i] = MathF.Pow(x[i], exponent);
        return Autograd.Record(new Tensor(y, shape), "Pow", [this], g =>
        {
            var dx = new float[x.Length];
            if (exponent != 0f)
                for (int i = 0; i < dx.Length; i++) dx[i] = g.Data[i] * exponent * MathF.Pow(x[i], exponent - 1f);
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>
    /// Elementwise <c>min(max(x, min), max)</c>, either bound optional (PyTorch's <c>clamp</c>; NaN stays NaN,
    /// and every element becomes <paramref name="max"/> when min &gt; max). The gradient passes where
    /// <c>min ≤ x ≤ max</c> (bounds included, as PyTorch) and is 0 elsewhere.
    /// </summary>
    /// <exception cref="ArgumentException">Both bounds are null, or a bound is NaN.</exception>
    public Tensor Clamp(float? min = null, float? max = null)
    {
        if (min is null && max is null)
            throw new ArgumentException("Clamp: give min, max or both; both are null.", nameof(min));
        if (min is float lo0 && float.IsNaN(lo0)) throw new ArgumentException("Clamp: min is NaN.", nameof(min));
        if (max is float hi0 && float.IsNaN(hi0)) throw new ArgumentException("Clamp: max is NaN.", nameof(max));
        float lo = min ?? float.NegativeInfinity, hi = max ?? float.PositiveInfinity;
        var x = Data;
        var y = new float[Size];
        for (int i = 0; i < y.Length; i++)
        {
            float v = x[i];
            y[i] = float.IsNaN(v) ? v : Math.Min(Math.Max(v, lo), hi);
        }
        return Autograd.Record(new Tensor(y, shape), "Clamp", [this], g =>
        {
            var dx = new float[x.Length];
            for (int i = 0; i < dx.Length; i++) dx[i] = x[i] >= lo && x[i] <= hi ? g.Data[i] : 0f;
            return [new Tensor(dx, shape)];
        });
    }
}
