using System.Text.Json;
using SeqPack;
using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Nn;

/// <summary>Mse, L1, SmoothL1 and Nll against PyTorch 1.13 for every reduction, and finite differences.</summary>
public class RegressionLossTests
{
    private static readonly JsonElement Cases = FixtureFile.Load("ops_fixtures.json").GetProperty("losses");

    private static Reduction ParseReduction(JsonElement c) => c.GetProperty("reduction").GetString() switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        _ => Reduction.None,
    };

    public static TheoryData<string> PointwiseCases() =>
        new(Cases.EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith("nll")));

    [Theory, MemberData(nameof(PointwiseCases))]
    public void PointwiseLoss_ValueAndBothGradients_MatchTorch(string name)
    {
        var c = Cases.GetProperty(name);
        var input = c.Tensor("input");
        var target = c.Tensor("target");
        input.RequiresGrad = true;
        target.RequiresGrad = true;
        var reduction = ParseReduction(c);
        var loss = name.Split('_')[0] switch
        {
            "mse" => Losses.Mse(input, target, reduction),
            "l1" => Losses.L1(input, target, reduction),
            _ => Losses.SmoothL1(input, target, reduction, c.GetProperty("beta").GetSingle()),
        };
        Assert.Equal(c.GetProperty("y").Ints("shape"), loss.Shape);
        TensorAssert.Close(c.Floats("y"), loss, 1e-5, 1e-5);
        loss.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dinput"), input.Grad!, 1e-6, 1e-5);
        TensorAssert.Close(c.Floats("dtarget"), target.Grad!, 1e-6, 1e-5);
    }

    public static TheoryData<string> NllCases() =>
        new(Cases.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("nll")));

    [Theory, MemberData(nameof(NllCases))]
    public void Nll_WithIgnoredRows_MatchesTorch(string name)
    {
        var c = Cases.GetProperty(name);
        var lp = c.Tensor("lp");
        lp.RequiresGrad = true;
        int ignore = c.TryGetProperty("ignore_index", out var ii) ? ii.GetInt32() : -100;
        var loss = Losses.Nll(lp, c.Ints("targets"), ignore, ParseReduction(c));
        Assert.Equal(c.GetProperty("y").Ints("shape"), loss.Shape);
        TensorAssert.Close(c.Floats("y"), loss, 1e-6, 1e-6);
        loss.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dlp"), lp.Grad!, 1e-7, 1e-6);
    }

    [Fact]
    public void PointwiseLosses_MatchFiniteDifferences()
    {
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            GradCheck.Check(x => Losses.Mse(x[0], x[1], red), [Tensor.Randn([3, 4], 1), Tensor.Randn([3, 4], 2)]);
            GradCheck.Check(x => Losses.L1(x[0], x[1], red), [Tensor.Randn([3, 4], 3), Tensor.Randn([3, 4], 4)]);
            GradCheck.Check(x => Losses.SmoothL1(x[0], x[1], red, beta: 0.7f), [Tensor.Randn([3, 4], 5), Tensor.Randn([3, 4], 6)]);
        }
        GradCheck.Check(x => Losses.Nll(x[0].LogSoftmax(1), [2, -100, 0]), [Tensor.Randn([3, 4], 7)]);
    }

    [Fact]
    public void Mse_ShapeMismatch_NamesTargetAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Mse(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
        Assert.Equal("target", e.ParamName);
        Assert.Contains("(3, 2)", e.Message);
        Assert.Contains("(2, 3)", e.Message);
    }

    [Fact]
    public void SmoothL1_NegativeBeta_Throws() =>
        Assert.Equal("beta", Assert.Throws<ArgumentException>(() => Losses.SmoothL1(Tensor.Zeros(2), Tensor.Zeros(2), beta: -1f)).ParamName);

    [Fact]
    public void Nll_TargetOutOfRange_NamesIndexAndValue()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.Nll(Tensor.Zeros(2, 3), [1, 3]));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains("targets[1] = 3", e.Message);
    }
}
