using System.Runtime.Intrinsics;
using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>
/// FastActivations against double precision: the error bounds stated in FastActivations.cs, for the scalar,
/// Vector256 and Vector512 overloads (the vector types run in software where the hardware lacks them), and
/// bit-identity between widths so a fused kernel's scalar tail matches its vector body.
/// </summary>
public class FastActivationsTests
{
    private const double StatedRelativeError = 2e-7;

    /// <summary>A dense grid on [lo, hi] plus the neighbourhood of the tanh branch point.</summary>
    private static float[] Grid(float lo, float hi, int count)
    {
        var x = new List<float>(count + 64);
        for (int i = 0; i < count; i++) x.Add(lo + (hi - lo) * i / (count - 1));
        float t = 0.625f;
        for (int i = 0; i < 32; i++) { x.Add(t); x.Add(-t); t = MathF.BitDecrement(t); }
        x.AddRange([0f, -0f, 1e-30f, -1e-30f, 1e-7f, -3e-5f, 1e-3f]);
        while (x.Count % 16 != 0) x.Add(0.5f);
        return x.ToArray();
    }

    private enum Width { Scalar, V256, V512 }

    private static float[] Eval(Width width, float[] x, bool tanh)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i += 16)
            switch (width)
            {
                case Width.V512:
                    var v = Vector512.Create(x.AsSpan(i, 16));
                    (tanh ? FastActivations.Tanh(v) : FastActivations.Sigmoid(v)).CopyTo(y.AsSpan(i));
                    break;
                case Width.V256:
                    for (int h = 0; h < 16; h += 8)
                    {
                        var w = Vector256.Create(x.AsSpan(i + h, 8));
                        (tanh ? FastActivations.Tanh(w) : FastActivations.Sigmoid(w)).CopyTo(y.AsSpan(i + h));
                    }
                    break;
                default:
                    for (int j = i; j < i + 16; j++) y[j] = tanh ? FastActivations.Tanh(x[j]) : FastActivations.Sigmoid(x[j]);
                    break;
            }
        return y;
    }

    private static void AssertRelativeError(float[] x, float[] y, Func<double, double> exact, string what)
    {
        double worst = 0; float worstAt = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = exact(x[i]);
            double rel = e == 0 ? Math.Abs(y[i]) : Math.Abs(y[i] - e) / Math.Abs(e);
            if (rel > worst) { worst = rel; worstAt = x[i]; }
        }
        Assert.True(worst <= StatedRelativeError, $"{what}: max relative error {worst:G3} at x = {worstAt:G9} exceeds {StatedRelativeError}");
    }

    [Theory]
    [InlineData(Width.Scalar)]
    [InlineData(Width.V256)]
    [InlineData(Width.V512)]
    public void Tanh_WithinStatedRelativeError(object width)
    {
        var x = Grid(-30f, 30f, 120_000);
        AssertRelativeError(x, Eval((Width)width, x, tanh: true), Math.Tanh, $"Tanh {width}");
    }

    [Theory]
    [InlineData(Width.Scalar)]
    [InlineData(Width.V256)]
    [InlineData(Width.V512)]
    public void Sigmoid_WithinStatedRelativeError(object width)
    {
        var x = Grid(-87f, 30f, 120_000);
        AssertRelativeError(x, Eval((Width)width, x, tanh: false), v => 1 / (1 + Math.Exp(-v)), $"Sigmoid {width}");
    }

    [Fact]
    public void AllWidths_GiveIdenticalBits()
    {
        foreach (bool tanh in new[] { true, false })
        {
            var x = Grid(-20f, 20f, 4_000);
            var scalar = Eval(Width.Scalar, x, tanh);
            Assert.Equal(scalar, Eval(Width.V256, x, tanh));
            Assert.Equal(scalar, Eval(Width.V512, x, tanh));
        }
    }

    [Fact]
    public void SpanOverloads_MatchScalar_ForEveryLengthAndInPlace()
    {
        var x = Grid(-9f, 9f, 200);
        for (int n = 0; n <= 67; n++)
        {
            var src = x.AsSpan(3, n);
            var t = new float[n];
            var s = src.ToArray();
            FastActivations.Tanh(src, t);
            FastActivations.Sigmoid(s, s);                              // in place
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(FastActivations.Tanh(src[i]), t[i]);
                Assert.Equal(FastActivations.Sigmoid(src[i]), s[i]);
            }
        }
    }

    [Fact]
    public void SpecialValues()
    {
        float[] x = [float.PositiveInfinity, float.NegativeInfinity, float.NaN, 0f, -0f, 100f, -100f, -87f];
        foreach (var w in new[] { Width.Scalar, Width.V256, Width.V512 })
        {
            var padded = x.Concat(Enumerable.Repeat(0f, 8)).ToArray();
            var t = Eval(w, padded, tanh: true);
            var s = Eval(w, padded, tanh: false);
            Assert.Equal([1f, -1f], t[..2]);
            Assert.True(float.IsNaN(t[2]) && float.IsNaN(s[2]), $"{w}: NaN must propagate");
            Assert.True(t[3] == 0f && !float.IsNegative(t[3]) && t[4] == 0f && float.IsNegative(t[4]), $"{w}: tanh keeps the sign of zero");
            Assert.Equal([1f, -1f], t[5..7]);
            Assert.Equal([1f, 0f], s[..2]);
            Assert.Equal([0.5f, 0.5f, 1f], s[3..6]);
            Assert.Equal(0f, s[6]);
            Assert.Equal(1 / (1 + Math.Exp(87)), s[7], 1e-43);
        }
    }

    [Fact]
    public void Span_DestinationTooShort_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => FastActivations.Tanh(new float[5], new float[4]));
        Assert.Equal("destination", ex.ParamName);
    }
}
