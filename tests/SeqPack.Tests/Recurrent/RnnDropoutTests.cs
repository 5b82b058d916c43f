using SeqPack.Nn;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// PyTorch's <c>test_RNN_dropout</c> (test/test_nn.py) ported: a ReLU Rnn(10, 1000, 2 layers) without bias
/// and with every weight 1, on input ones(1, 1, 10) and zero initial state. The first layer outputs 10 in
/// every unit, the second the sum of the (dropped-out) first-layer outputs: 10000 without dropout, 0 when
/// everything is dropped, otherwise a multiple of 10/(1 − p). Dropout sits between layers only, so h_n[0] is
/// always 10 everywhere.
/// </summary>
public class RnnDropoutTests
{
    [Theory]
    [InlineData(0f, true)]
    [InlineData(0f, false)]
    [InlineData(0.276f, true)]
    [InlineData(0.276f, false)]
    [InlineData(0.731f, true)]
    [InlineData(0.731f, false)]
    [InlineData(1f, true)]
    [InlineData(1f, false)]
    public void DropoutSitsBetweenLayers_AsInPyTorch(float p, bool train)
    {
        var rnn = new Rnn(10, 1000, 2, RnnNonlinearity.Relu, bias: false, dropout: p, rng: new Rng(5));
        foreach (var (_, w) in rnn.NamedParameters()) w.Span.Fill(1f);
        rnn.Train(train);
        var (output, hy) = rnn.Forward(Tensor.Ones(1, 1, 10), Tensor.Zeros(2, 1, 1000));

        var values = output.ToArray();
        float first = values[0];
        Assert.All(values, v => Assert.Equal(first, v));   // every unit sums the same masked inputs
        if (p == 0f || !train) Assert.Equal(10000f, first);
        else if (p == 1f) Assert.Equal(0f, first);
        else
        {
            double denormalised = first * (1 - p) % 10;   // (units kept) × 10
            Assert.True(Math.Min(denormalised, 10 - denormalised) < 1e-2, $"output {first} is not a multiple of 10/(1-p)");
            int kept = (int)Math.Round(first * (1 - p) / 10);
            Assert.InRange(kept, 1, 999);   // some, but not all, of the 1000 first-layer units survived
        }
        Assert.All(hy.Select(0, 0).ToArray(), v => Assert.Equal(10f, v));
        Assert.Equal(values, hy.Select(0, 1).ToArray());
    }
}
