using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>
/// The fused LSTM forward cell against the same arithmetic written out one element at a time with the scalar
/// <see cref="FastActivations"/>: bit for bit, for unit counts that exercise the vector bodies and the scalar
/// tails, with and without a bias, and with strided rows. The cell adds the bias inside each activation's
/// loop, so this also pins that a vector lane, a tail element and a bias-free row all give the bits the
/// formula gives.
/// </summary>
public unsafe class LstmCellKernelsTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(5, true)]
    [InlineData(8, false)]
    [InlineData(21, true)]
    [InlineData(21, false)]
    [InlineData(64, true)]
    [InlineData(37, true)]
    public void Forward_matches_the_scalar_formula_bit_for_bit(int units, bool withBias)
    {
        const int rows = 3;
        int gateStride = 4 * units + 3, stateStride = units + 2, hStride = units + 1, hCopyStride = units + 4;
        var rng = new Random(units * 2 + (withBias ? 1 : 0));
        float[] Fill(int n, float scale) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale; return a; }
        var gates = Fill(rows * gateStride, 6f);
        var bias = withBias ? Fill(4 * units, 2f) : null;
        var cPrev = Fill(rows * stateStride, 3f);
        var expectGates = (float[])gates.Clone();
        var c = new float[rows * stateStride];
        var tanhC = new float[rows * stateStride];
        var h = new float[rows * hStride];
        var hCopy = new float[rows * hCopyStride];

        fixed (float* g = gates, b = bias, cp = cPrev, cn = c, tc = tanhC, hp = h, hc = hCopy)
            LstmCellKernels.Forward(rows, units, g, gateStride, b, cp, cn, tc, stateStride, hp, hStride, hc, hCopyStride);

        for (int r = 0; r < rows; r++)
            for (int k = 0; k < units; k++)
            {
                float Pre(int gate) => expectGates[r * gateStride + gate * units + k] + (bias is null ? 0f : bias[gate * units + k]);
                float i = FastActivations.Sigmoid(Pre(0)), f = FastActivations.Sigmoid(Pre(1));
                float gg = FastActivations.Tanh(Pre(2)), o = FastActivations.Sigmoid(Pre(3));
                float cell = float.MultiplyAddEstimate(f, cPrev[r * stateStride + k], i * gg);   // fused where the hardware has FMA, as in the kernel
                float t = FastActivations.Tanh(cell);
                string at = $"units {units}, bias {withBias}, row {r}, unit {k}";
                Assert.True(Same(i, gates[r * gateStride + k]), $"i gate, {at}");
                Assert.True(Same(f, gates[r * gateStride + units + k]), $"f gate, {at}");
                Assert.True(Same(gg, gates[r * gateStride + 2 * units + k]), $"g gate, {at}");
                Assert.True(Same(o, gates[r * gateStride + 3 * units + k]), $"o gate, {at}");
                Assert.True(Same(cell, c[r * stateStride + k]), $"c, {at}");
                Assert.True(Same(t, tanhC[r * stateStride + k]), $"tanh c, {at}");
                Assert.True(Same(o * t, h[r * hStride + k]), $"h, {at}");
                Assert.True(Same(o * t, hCopy[r * hCopyStride + k]), $"h copy, {at}");
            }
        // Nothing outside the slice's columns is touched: the padding between rows keeps its values.
        for (int r = 0; r < rows; r++)
            for (int k = 4 * units; k < gateStride; k++)
                Assert.Equal(expectGates[r * gateStride + k], gates[r * gateStride + k]);
    }

    private static bool Same(float expected, float actual) => BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual);
}
