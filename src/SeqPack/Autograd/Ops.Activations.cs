using System.Numerics.Tensors;

namespace SeqPack;

// Elementwise activations, each next to its gradient rule. Forward passes use TensorPrimitives where it has
// the function; derivatives are written in terms of the saved output where that is cheaper (tanh, sigmoid, exp).
public sealed partial class Tensor
{
    /// <summary>Elementwise hyperbolic tangent; the gradient is <c>g·(1 − y²)</c>.</summary>
    public Tensor Tanh()
    {
        var y = new float[Size];
        TensorPrimitives.Tanh(Data, y);
        return Autograd.Record(new Tensor(y, shape), "Tanh", [this], g =>
        {
            var dx = new float[y.Length];
            for (int i = 0; i < dx.Length; i++) dx[i] = g.Data[i] * (1f - y[i] * y[i]);
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>Elementwise logistic sigmoid <c>1 / (1 + e^−x)</c>; the gradient is <c>g·y·(1 − y)</c>.</summary>
    public Tensor Sigmoid()
    {
        var y = new float[Size];
        TensorPrimitives.Sigmoid(Data, y);
        return Autograd.Record(new Tensor(y, shape), "Sigmoid", [this], g =>
        {
            var dx = new float[y.Length];
            for (int i = 0; i < dx.Length; i++) dx[i] = g.Data[i] * y[i] * (1f - y[i]);
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>Elementwise <c>max(x, 0)</c>; the gradient is <c>g</c> where <c>x &gt; 0</c> and 0 elsewhere (0 at x = 0, as PyTorch).</summary>
    public Tensor Relu()
    {
        var y = new float[Size];
        TensorPrimitives.Max(Data, 0f, y);   // NaN stays NaN, as in PyTorch
        var x = Data;
        return Autograd.Record(new Tensor(y, shape), "Relu", [this], g =>
        {
            var dx = new float[x.Length];
            for (int i = 0; i < dx.Length; i++) dx[i] = x[i] > 0f ? g.Data[i] : 0f;
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>
    /// Elementwise GELU in its exact (erf) form, PyTorch's default: <c>x·Φ(x)</c> with
    /// <c>Φ(x) = ½·erfc(−x/√2)</c>; the gradient is <c>g·(Φ(x) + x·φ(x))</c>, φ the standard normal density.
    /// </summary>
    public Tensor Gelu()
    {
        var x = Data;
        var y = new float[Size];
        for (int i = 0; i < y.Length; i++) y[i] = (float)(x[i] * NormalCdf(x[i]));
        return Autograd.Record(new Tensor(y, shape), "Gelu", [this], g =>
        {
            var dx = new float[x.Length];
            for (int i = 0; i < dx.Length; i++)
            {
                double v = x[i];
                double pdf = Math.Exp(-0.5 * v * v) * 0.39894228040143267794;   // 1/√(2π)
                dx[i] = (float)(g.Data[i] * (NormalCdf(v) + v * pdf));
            }
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>Elementwise <c>e^x</c>; the gradient is <c>g·y</c>.</summary>
    public Tensor Exp()
    {
        var y = new float[Size];
        TensorPrimitives.Exp(Data, y);
        return Autograd.Record(new Tensor(y, shape), "Exp", [this], g =>
        {
            var dx = new float[y.Length];
            TensorPrimitives.Multiply(g.Data, y, dx);
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>Elementwise natural logarithm (−∞ at 0, NaN below 0, as PyTorch); the gradient is <c>g / x</c>.</summary>
    public Tensor Log()
    {
        var y = new float[Size];
        TensorPrimitives.Log(Data, y);
        var x = Data;
        return Autograd.Record(new Tensor(y, shape), "Log", [this], g =>
        {
            var dx = new float[x.Length];
            TensorPrimitives.Divide(g.Data, x, dx);
            return [new Tensor(dx, shape)];
        });
    }

    /// <summary>
    /// The standard normal distribution function Φ(x) = ½·erfc(−x/√2) in double precision, with the
    /// complementary error function of Numerical Recipes (Press et al., 2nd ed., §6.2, <c>erfcc</c>: a
    /// Chebyshev fit with fractional error below 1.2e-7 everywhere, so tiny tails keep their relative accuracy).
    /// </summary>
    internal static double NormalCdf(double x) => 0.5 * Erfc(-x * 0.70710678118654752440);

    internal static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }
}
