using System.Text.Json;
using SeqPack;
using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Nn;

/// <summary>CrossEntropy and BinaryCrossEntropyWithLogits against PyTorch 1.13 for every option, and finite differences.</summary>
public class LossTests
{
    private static readonly JsonElement Cases = FixtureFile.Load("toolkit_layers.json").GetProperty("cases");

    private static Reduction ParseReduction(JsonElement c) => c.GetProperty("reduction").GetString() switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        _ => Reduction.None,
    };

    public static TheoryData<string> CrossEntropyCases() =>
        new(Cases.GetProperty("cross_entropy").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    public static TheoryData<string> BceCases() =>
        new(Cases.GetProperty("bce_with_logits").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    private static JsonElement Case(string group, string name) =>
        Cases.GetProperty(group).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory, MemberData(nameof(CrossEntropyCases))]
    public void CrossEntropy_MatchesTorch(string name)
    {
        var c = Case("cross_entropy", name);
        var logits = c.Tensor("logits");
        logits.RequiresGrad = true;
        var loss = Losses.CrossEntropy(logits, c.Ints("targets"), c.GetProperty("ignore_index").GetInt32(),
            ParseReduction(c), c.GetProperty("label_smoothing").GetSingle(), c.TensorOrNull("weight"));
        Assert.Equal(c.GetProperty("loss").Ints("shape"), loss.Shape);
        TensorAssert.Close(c.Floats("loss"), loss, 1e-5, 1e-5);
        loss.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dlogits"), logits.Grad!, 1e-6, 1e-5);
    }

    [Theory, MemberData(nameof(BceCases))]
    public void BinaryCrossEntropyWithLogits_MatchesTorch(string name)
    {
        var c = Case("bce_with_logits", name);
        var logits = c.Tensor("logits");
        var targets = c.Tensor("targets");
        logits.RequiresGrad = true;
        targets.RequiresGrad = true;
        var loss = Losses.BinaryCrossEntropyWithLogits(logits, targets, ParseReduction(c), c.TensorOrNull("weight"), c.TensorOrNull("pos_weight"));
        TensorAssert.Close(c.Floats("loss"), loss, 1e-5, 1e-5);
        loss.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dlogits"), logits.Grad!, 1e-6, 1e-5);
        TensorAssert.Close(c.Floats("dtargets"), targets.Grad!, 1e-5, 1e-5);
    }

    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(shape, seed);

    [Fact]
    public void CrossEntropy_AllOptions_MatchFiniteDifferences()
    {
        var w = Tensor.FromArray([0.5f, 2f, 1f, 1.5f], 4);
        int[] t = [1, -100, 3, 0, 2];
        GradCheck.Check(x => Losses.CrossEntropy(x[0], t), [R(1, 5, 4)]);
        GradCheck.Check(x => Losses.CrossEntropy(x[0], t, reduction: Reduction.None, labelSmoothing: 0.2f, weight: w), [R(2, 5, 4)]);
        GradCheck.Check(x => Losses.CrossEntropy(x[0], t, reduction: Reduction.Mean, labelSmoothing: 0.3f, weight: w), [R(3, 5, 4)]);
        GradCheck.Check(x => Losses.CrossEntropy(x[0], [2]), [R(4, 4)]);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_MatchesFiniteDifferences()
    {
        var pos = Tensor.FromArray([2f, 0.5f, 1f], 3);
        GradCheck.Check(x => Losses.BinaryCrossEntropyWithLogits(x[0], x[1].Sigmoid(), Reduction.None, posWeight: pos), [R(1, 2, 3), R(2, 2, 3)]);
    }

    [Fact]
    public void CrossEntropy_HugeLogits_StayFinite()
    {
        var logits = Tensor.FromArray([1e4f, -1e4f, 0f, 3e4f], 2, 2);
        var loss = Losses.CrossEntropy(logits, [1, 0], reduction: Reduction.None).ToArray();
        Assert.Equal(2e4f, loss[0]);
        Assert.Equal(3e4f, loss[1]);
    }

    [Fact]
    public void CrossEntropy_TargetOutOfRange_ThrowsArgumentExceptionNamingIt()
    {
        var logits = Tensor.Zeros(2, 3);
        var ex = Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, 3]));
        Assert.Equal("targets", ex.ParamName);
        Assert.Contains("targets[1] = 3", ex.Message);
        Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [-1, 0]));
        Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0]));
        Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, 1], labelSmoothing: 1.5f));
        Assert.Throws<ArgumentException>(() => Losses.CrossEntropy(logits, [0, 1], weight: Tensor.Ones(2)));
    }

    [Fact]
    public void CrossEntropy_EveryRowIgnored_MeanIsNaNAsPyTorch_GradientZero()
    {
        var logits = R(5, 2, 3);
        logits.RequiresGrad = true;
        var loss = Losses.CrossEntropy(logits, [-100, -100]);
        Assert.True(float.IsNaN(loss.Item()));
        Assert.Equal(0f, Losses.CrossEntropy(logits, [-100, -100], reduction: Reduction.Sum).Item());
        loss.Backward();
        Assert.All(logits.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }
}
