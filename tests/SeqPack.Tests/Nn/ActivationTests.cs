using System.Text.Json;
using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Nn;

/// <summary>Activations and softmax against PyTorch 1.13 (values and gradients) and finite differences.</summary>
public class ActivationTests
{
    private static readonly JsonElement Cases = FixtureFile.Load("toolkit_layers.json").GetProperty("cases");

    private static void MatchesTorch(string name, Func<Tensor, Tensor> f, double atol = 1e-6, double rtol = 1e-5)
    {
        var c = Cases.GetProperty(name);
        var x = c.Tensor("x");
        x.RequiresGrad = true;
        var y = f(x);
        TensorAssert.Close(c.Floats("y"), y, atol, rtol);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dx"), x.Grad!, atol, rtol);
    }

    [Fact] public void Tanh_MatchesTorch() => MatchesTorch("tanh", x => x.Tanh());
    [Fact] public void Sigmoid_MatchesTorch() => MatchesTorch("sigmoid", x => x.Sigmoid());
    [Fact] public void Relu_MatchesTorch() => MatchesTorch("relu", x => x.Relu());
    [Fact] public void Gelu_MatchesTorch() => MatchesTorch("gelu", x => x.Gelu());
    [Fact] public void Exp_MatchesTorch() => MatchesTorch("exp", x => x.Exp(), 1e-5, 1e-5);
    [Fact] public void Log_MatchesTorch() => MatchesTorch("log", x => x.Log(), 1e-5, 1e-5);
    [Fact] public void Softmax_InnerDim_MatchesTorchWithHugeLogits() => MatchesTorch("softmax_dim1", x => x.Softmax(1));
    [Fact] public void LogSoftmax_InnerDim_MatchesTorchWithHugeLogits() => MatchesTorch("log_softmax_dim1", x => x.LogSoftmax(1), 1e-5, 1e-5);
    [Fact] public void Softmax_LastDim_MatchesTorch() => MatchesTorch("softmax_dim_last", x => x.Softmax(-1));
    [Fact] public void LogSoftmax_LastDim_MatchesTorch() => MatchesTorch("log_softmax_dim_last", x => x.LogSoftmax(-1), 1e-5, 1e-5);

    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(shape, seed);

    [Fact] public void Tanh_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Tanh(), [R(1, 3, 4)]);
    [Fact] public void Sigmoid_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Sigmoid(), [R(2, 3, 4)]);
    [Fact] public void Gelu_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Gelu(), [R(3, 3, 4) * 2f]);
    [Fact] public void Exp_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Exp(), [R(4, 3, 4)]);
    [Fact] public void Log_MatchesFiniteDifferences() => GradCheck.Check(x => (x[0] * x[0] + 1f).Log(), [R(5, 3, 4)]);
    [Fact] public void Softmax_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Softmax(1), [R(6, 2, 4, 3)]);
    [Fact] public void LogSoftmax_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].LogSoftmax(0), [R(7, 4, 3)]);

    [Fact]
    public void Relu_AwayFromZero_MatchesFiniteDifferences()
    {
        // keep every element at least 0.1 from the kink so the central difference is exact
        var x = Tensor.FromArray(R(8, 12).ToArray().Select(v => v >= 0 ? v + 0.1f : v - 0.1f).ToArray(), 3, 4);
        GradCheck.Check(t => t[0].Relu(), [x]);
    }

    [Fact]
    public void Relu_GradientAtZeroIsZero_AsPyTorch()
    {
        var x = Tensor.FromArray([0f, -1f, 2f], 3);
        x.RequiresGrad = true;
        x.Relu().Sum().Backward();
        Assert.Equal(new[] { 0f, 0f, 1f }, x.Grad!.ToArray());
    }

    [Fact]
    public void Gelu_FarNegativeTail_KeepsRelativeAccuracy()
    {
        // GELU(-6) = -6·Φ(-6) = -5.91953e-9 (float64 PyTorch); an absolute-error erf would lose it entirely.
        double y = Tensor.FromArray([-6f], 1).Gelu().Item();
        Assert.True(Math.Abs(y / -5.919526e-9 - 1) < 1e-5, $"GELU(-6) = {y:G9}");
    }

    [Fact]
    public void LogSoftmax_OfInfiniteRow_IsFiniteElsewhere()
    {
        var y = Tensor.FromArray([float.NegativeInfinity, 0f, 0f], 1, 3).LogSoftmax(1).ToArray();
        Assert.Equal(float.NegativeInfinity, y[0]);
        Assert.Equal(-MathF.Log(2f), y[1], 6);
    }
}
