using SeqPack;

namespace SeqPack.Tests.Support;

/// <summary>
/// Central finite differences against autograd. The function's output is reduced to a scalar with fixed
/// random weights, the difference quotients are accumulated in double precision, and each input element is
/// checked to an absolute-plus-relative tolerance.
/// </summary>
public static class GradCheck
{
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double eps = 1e-2, double tol = 2e-3, ulong seed = 99)
    {
        foreach (var x in inputs) { x.RequiresGrad = true; x.ZeroGrad(); }
        var probe = f(inputs);
        var weights = Tensor.Randn(probe.Shape, seed);
        double Loss(Tensor[] xs)
        {
            using var _ = SeqPack.Autograd.NoGrad();
            var y = f(xs).ToArray();
            var w = weights.ToArray();
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += (double)y[i] * w[i];
            return s;
        }
        (probe * weights).Sum().Backward();
        for (int n = 0; n < inputs.Length; n++)
        {
            var x = inputs[n];
            var analytic = x.Grad?.ToArray() ?? new float[x.Size];
            var values = x.ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                var plus = (float[])values.Clone(); plus[i] += (float)eps;
                var minus = (float[])values.Clone(); minus[i] -= (float)eps;
                var xsPlus = (Tensor[])inputs.Clone(); xsPlus[n] = Tensor.FromArray(plus, x.Shape);
                var xsMinus = (Tensor[])inputs.Clone(); xsMinus[n] = Tensor.FromArray(minus, x.Shape);
                double numeric = (Loss(xsPlus) - Loss(xsMinus)) / ((double)(float)(values[i] + (float)eps) - (float)(values[i] - (float)eps));
                double diff = Math.Abs(numeric - analytic[i]);
                Assert.True(diff <= tol * (1 + Math.Abs(numeric)),
                    $"input {n}, element {i}: autograd {analytic[i]:G6}, finite difference {numeric:G6}");
            }
        }
    }
}
