using SeqPack;
using SeqPack.Nn;

namespace SeqPack.Tests.Nn;

/// <summary>
/// Xavier, Kaiming and orthogonal initialisation. The bits cannot match PyTorch's generator, so these check
/// what defines each scheme: exact gains and bounds, the sample variance against the stated one, and orthogonality.
/// </summary>
public class InitSchemeTests
{
    [Fact]
    public void CalculateGain_MatchesTorchValues()
    {
        // torch.nn.init.calculate_gain in PyTorch 1.13
        Assert.Equal(1f, Init.CalculateGain(Nonlinearity.Linear));
        Assert.Equal(1f, Init.CalculateGain(Nonlinearity.Sigmoid));
        Assert.Equal(5f / 3f, Init.CalculateGain(Nonlinearity.Tanh));
        Assert.Equal(1.4142135f, Init.CalculateGain(Nonlinearity.Relu));
        Assert.Equal(0.75f, Init.CalculateGain(Nonlinearity.Selu));
        Assert.Equal(1.4141428f, Init.CalculateGain(Nonlinearity.LeakyRelu), 6);      // slope 0.01
        Assert.Equal(0.5773503f, Init.CalculateGain(Nonlinearity.LeakyRelu, MathF.Sqrt(5f)), 6);
        Assert.Equal("param", Assert.Throws<ArgumentException>(() => Init.CalculateGain(Nonlinearity.Tanh, 0.1f)).ParamName);
    }

    [Fact]
    public void CalculateFans_FollowsTorchForTwoAndMoreDimensions()
    {
        Assert.Equal((7, 5), Init.CalculateFans(Tensor.Zeros(5, 7)));
        Assert.Equal((7 * 6, 5 * 6), Init.CalculateFans(Tensor.Zeros(5, 7, 2, 3)));
        Assert.Equal("tensor", Assert.Throws<ArgumentException>(() => Init.CalculateFans(Tensor.Zeros(5))).ParamName);
    }

    private static (double Mean, double Var, float MaxAbs) Moments(Tensor t)
    {
        var v = t.ToArray();
        double mean = v.Average(x => (double)x);
        double var = v.Average(x => (x - mean) * (x - mean));
        return (mean, var, v.Max(MathF.Abs));
    }

    [Fact]
    public void XavierUniform_StaysInBoundWithUniformVariance()
    {
        var w = Tensor.Zeros(300, 200);
        Init.XavierUniform(w, gain: 2f, rng: new Rng(1));
        double bound = 2 * Math.Sqrt(6.0 / 500);
        var (mean, var, max) = Moments(w);
        Assert.True(max <= bound && max > 0.99 * bound, $"max |w| {max}, bound {bound}");
        Assert.True(Math.Abs(var / (bound * bound / 3) - 1) < 0.02, $"variance {var} vs {bound * bound / 3}");
        Assert.True(Math.Abs(mean) < 0.01);
    }

    [Fact]
    public void XavierNormal_HasStatedStandardDeviation()
    {
        var w = Tensor.Zeros(300, 200);
        Init.XavierNormal(w, rng: new Rng(2));
        var (_, var, _) = Moments(w);
        Assert.True(Math.Abs(var / (2.0 / 500) - 1) < 0.02, $"variance {var} vs {2.0 / 500}");
    }

    [Theory]
    [InlineData(FanMode.FanIn, 200)]
    [InlineData(FanMode.FanOut, 300)]
    public void Kaiming_UsesTheChosenFanAndGain(FanMode mode, int fan)
    {
        var u = Tensor.Zeros(300, 200);
        Init.KaimingUniform(u, mode: mode, nonlinearity: Nonlinearity.Relu, rng: new Rng(3));
        double bound = Math.Sqrt(2.0) * Math.Sqrt(3.0 / fan);
        var (_, varU, max) = Moments(u);
        Assert.True(max <= bound && max > 0.99 * bound, $"max |w| {max}, bound {bound}");
        Assert.True(Math.Abs(varU / (2.0 / fan) - 1) < 0.02, $"uniform variance {varU} vs {2.0 / fan}");
        var n = Tensor.Zeros(300, 200);
        Init.KaimingNormal(n, a: 0.2f, mode: mode, rng: new Rng(4));     // leaky ReLU, slope 0.2
        var (_, varN, _) = Moments(n);
        double expected = 2.0 / (1 + 0.04) / fan;
        Assert.True(Math.Abs(varN / expected - 1) < 0.02, $"normal variance {varN} vs {expected}");
    }

    [Theory]
    [InlineData(6, 6)]
    [InlineData(9, 4)]
    [InlineData(4, 9)]
    public void Orthogonal_GivesOrthonormalRowsOrColumnsTimesGain(int rows, int cols)
    {
        var w = Tensor.Zeros(rows, cols);
        Init.Orthogonal(w, gain: 1.5f, rng: new Rng(5));
        var a = w.ToArray();
        bool tall = rows >= cols;
        int k = tall ? cols : rows, len = tall ? rows : cols;
        double At(int vec, int i) => tall ? a[i * cols + vec] : a[vec * cols + i];
        for (int p = 0; p < k; p++)
            for (int q = 0; q < k; q++)
            {
                double dot = 0;
                for (int i = 0; i < len; i++) dot += At(p, i) * At(q, i);
                Assert.True(Math.Abs(dot - (p == q ? 2.25 : 0)) < 1e-5, $"<v{p}, v{q}> = {dot}");
            }
    }

    [Fact]
    public void Orthogonal_ColumnsAreNotBiasedTowardsAnySign()
    {
        // with R's diagonal positive, Q is Haar-distributed: its diagonal elements are symmetric about 0
        int positive = 0, trials = 400;
        var rng = new Rng(6);
        for (int t = 0; t < trials; t++)
        {
            var w = Tensor.Zeros(3, 3);
            Init.Orthogonal(w, rng: rng);
            if (w.ToArray()[0] > 0) positive++;
        }
        Assert.InRange(positive, trials / 2 - 50, trials / 2 + 50);    // ±5 standard deviations
    }

    [Fact]
    public void RecurrentOrthogonal_MakesEachGateBlockOfWeightHhOrthogonal()
    {
        var lstm = new Lstm(3, 5, numLayers: 2, bidirectional: true);
        Init.RecurrentOrthogonal(lstm, new Rng(7));
        var state = lstm.StateDict();
        foreach (var key in new[] { "weight_hh_l0", "weight_hh_l1_reverse" })
        {
            var w = state[key].ToArray();                  // (4·5, 5)
            for (int g = 0; g < 4; g++)
                for (int p = 0; p < 5; p++)
                    for (int q = 0; q < 5; q++)
                    {
                        double dot = 0;
                        for (int j = 0; j < 5; j++) dot += w[(g * 5 + p) * 5 + j] * w[(g * 5 + q) * 5 + j];
                        Assert.True(Math.Abs(dot - (p == q ? 1 : 0)) < 1e-5, $"{key} gate {g}: <row {p}, row {q}> = {dot}");
                    }
        }
        Assert.All(state["bias_ih_l0"].ToArray(), b => Assert.Equal(0f, b));
        float bound = MathF.Sqrt(6f / (20 + 10));          // weight_ih_l1 is (20, 10)
        Assert.All(state["weight_ih_l1"].ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.Equal("gates", Assert.Throws<ArgumentException>(() => Init.OrthogonalPerGate(Tensor.Zeros(10, 3), 3)).ParamName);
    }
}
