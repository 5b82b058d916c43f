using SeqPack.Kernels;

namespace SeqPack.KernelChecks;

/// <summary>
/// <see cref="FastActivations"/> over a dense grid, through the span drivers (the widest accelerated vectors plus
/// scalar tails), against double precision: relative error ≤ 2e-7 (the bounds FastActivations states), and
/// the same bits for an element whether it falls in a vector body or a tail.
/// </summary>
internal static class ActivationChecks
{
    public static void Run(CheckLog log)
    {
        const int count = 40_003;   // not a multiple of any vector width
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = -30f + 60f * i / (count - 1);
        Check(log, "tanh", x, FastActivations.Tanh, Math.Tanh);
        Check(log, "sigmoid", x, FastActivations.Sigmoid, v => 1 / (1 + Math.Exp(-v)));
    }

    private delegate void SpanOp(ReadOnlySpan<float> x, Span<float> destination);

    private static void Check(CheckLog log, string name, float[] x, SpanOp op, Func<double, double> exact)
    {
        var y = new float[x.Length];
        op(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double e = exact(x[i]);
            if (!(Math.Abs(y[i] - e) <= 2e-7 * Math.Abs(e) + 1e-37))
            {
                int at = i;
                log.Check($"activation {name}", false, () => $"{name}({x[at]:G9}) = {y[at]:G9}, exact {e:G9}");
                return;
            }
        }
        log.Check($"activation {name}", true, () => "");
        // Shifted by one element, every value moves between vector lanes and the scalar tail: same bits.
        var shifted = new float[x.Length - 1];
        op(x.AsSpan(1), shifted);
        log.Check($"activation {name} lanes", shifted.AsSpan().SequenceEqual(y.AsSpan(1)), () => $"{name}: a value's bits depend on its position in the span");
    }
}
