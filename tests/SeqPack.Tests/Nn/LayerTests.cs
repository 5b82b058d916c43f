using System.Text.Json;
using SeqPack;
using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Nn;

/// <summary>Linear, Embedding, LayerNorm and Dropout against PyTorch 1.13 fixtures, finite differences and their contracts.</summary>
public class LayerTests
{
    private static readonly JsonElement Cases = FixtureFile.Load("toolkit_layers.json").GetProperty("cases");

    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(shape, seed);

    [Fact]
    public void Linear_MatchesTorch_ValuesAndAllGradients()
    {
        var c = Cases.GetProperty("linear");
        var lin = new Linear(4, 5);
        lin.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = c.Tensor("weight"), ["bias"] = c.Tensor("bias") });
        var x = c.Tensor("x");
        x.RequiresGrad = true;
        var y = lin.Forward(x);
        Assert.Equal(new[] { 2, 3, 5 }, y.Shape);
        TensorAssert.Close(c.Floats("y"), y);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dx"), x.Grad!);
        TensorAssert.Close(c.Floats("dweight"), lin.Weight.Grad!);
        TensorAssert.Close(c.Floats("dbias"), lin.Bias!.Grad!);
    }

    [Fact]
    public void Linear_MatchesFiniteDifferences_WithAndWithoutBias()
    {
        var w = R(1, 3, 4); var b = R(2, 3);
        GradCheck.Check(t => Linear.Functional(t[0], t[1], t[2]), [R(3, 2, 4), w, b]);
        GradCheck.Check(t => Linear.Functional(t[0], t[1], null), [R(4, 5, 4), R(5, 2, 4)]);
    }

    [Fact]
    public void Linear_DefaultInit_IsUniformWithinOneOverSqrtFanIn_AndSeeded()
    {
        var a = new Linear(16, 300, rng: new Rng(7));
        var b = new Linear(16, 300, rng: new Rng(7));
        Assert.Equal(a.Weight.ToArray(), b.Weight.ToArray());
        Assert.Equal(a.Bias!.ToArray(), b.Bias!.ToArray());
        var w = a.Weight.ToArray();
        Assert.All(w, v => Assert.InRange(v, -0.25f, 0.25f));
        Assert.All(a.Bias.ToArray(), v => Assert.InRange(v, -0.25f, 0.25f));
        // U(-1/4, 1/4) has variance 1/48; 4800 draws estimate it within a few percent.
        double var = w.Select(v => (double)v * v).Average();
        Assert.InRange(var, 1 / 48.0 * 0.9, 1 / 48.0 * 1.1);
        Assert.Equal(new[] { "weight", "bias" }, a.NamedParameters().Select(p => p.Name));
        Assert.Equal(16 * 300 + 300, a.ParameterCount());
        Assert.Single(new Linear(3, 2, bias: false).NamedParameters());
    }

    [Fact]
    public void Linear_WrongInputWidth_ThrowsNamingShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Linear(4, 2).Forward(Tensor.Zeros(3, 5)));
        Assert.Contains("(3, 5)", ex.Message);
        Assert.Contains("4", ex.Message);
    }

    [Fact]
    public void Embedding_MatchesTorch_PaddingRowGetsNoGradient()
    {
        var c = Cases.GetProperty("embedding");
        var emb = new Embedding(7, 3, paddingIdx: c.GetProperty("padding_idx").GetInt32());
        emb.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = c.Tensor("weight") });
        var y = emb.Forward(c.Ints("ids"), c.Ints("ids_shape"));
        Assert.Equal(new[] { 2, 3, 3 }, y.Shape);
        TensorAssert.Close(c.Floats("y"), y, 0, 0);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dweight"), emb.Weight.Grad!);
        Assert.All(emb.Weight.Grad!.ToArray().Skip(2 * 3).Take(3), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Embedding_InitIsStandardNormal_PaddingRowZero()
    {
        var emb = new Embedding(500, 8, paddingIdx: -1, rng: new Rng(3));
        Assert.Equal(499, emb.PaddingIdx);
        var w = emb.Weight.ToArray();
        Assert.All(w.Skip(499 * 8), v => Assert.Equal(0f, v));
        var rest = w.Take(499 * 8).ToArray();
        Assert.InRange(rest.Average(), -0.05, 0.05);
        Assert.InRange(rest.Select(v => (double)v * v).Average(), 0.93, 1.07);
    }

    [Fact]
    public void Embedding_IdOutOfRange_ThrowsArgumentException()
    {
        var emb = new Embedding(5, 2);
        var ex = Assert.Throws<ArgumentException>(() => emb.Forward([0, 5]));
        Assert.Contains("ids[1] = 5", ex.Message);
        Assert.Throws<ArgumentException>(() => emb.Forward([-1]));
        Assert.ThrowsAny<ArgumentException>(() => new Embedding(5, 2, paddingIdx: 5));
    }

    [Fact]
    public void LayerNorm_MatchesTorch_ValuesAndAllGradients()
    {
        var c = Cases.GetProperty("layer_norm");
        var ln = new LayerNorm(c.Ints("normalized_shape"), c.GetProperty("eps").GetSingle());
        ln.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = c.Tensor("weight"), ["bias"] = c.Tensor("bias") });
        var x = c.Tensor("x");
        x.RequiresGrad = true;
        var y = ln.Forward(x);
        TensorAssert.Close(c.Floats("y"), y);
        y.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dx"), x.Grad!, 1e-5, 1e-4);
        TensorAssert.Close(c.Floats("dweight"), ln.Weight!.Grad!);
        TensorAssert.Close(c.Floats("dbias"), ln.Bias!.Grad!);
    }

    [Fact]
    public void LayerNorm_MatchesFiniteDifferences()
    {
        var ln = new LayerNorm(5);
        ln.Weight!.CopyFrom(R(1, 5)); ln.Bias!.CopyFrom(R(2, 5));
        GradCheck.Check(t => ln.Forward(t[0]), [R(3, 3, 5)]);
        var plain = new LayerNorm(4, elementwiseAffine: false);
        Assert.Empty(plain.NamedParameters());
        GradCheck.Check(t => plain.Forward(t[0]), [R(4, 2, 4)]);
    }

    [Fact]
    public void Dropout_Training_ZeroesOrScalesAndGradientUsesTheSameMask()
    {
        var drop = new Dropout(0.25f, new Rng(11));
        var x = Tensor.Ones(4000);
        x.RequiresGrad = true;
        var y = drop.Forward(x);
        var v = y.ToArray();
        Assert.All(v, e => Assert.True(e == 0f || e == 1f / 0.75f, $"value {e}"));
        double keep = v.Count(e => e != 0f) / 4000.0;
        Assert.InRange(keep, 0.72, 0.78);
        y.Backward(Tensor.Full(2f, 4000));
        Assert.Equal(v.Select(e => e * 2f), x.Grad!.ToArray());
    }

    [Fact]
    public void Dropout_SameSeedSameMask_EvalIsIdentity()
    {
        var x = R(5, 50);
        Assert.Equal(new Dropout(0.5f, new Rng(1)).Forward(x).ToArray(), new Dropout(0.5f, new Rng(1)).Forward(x).ToArray());
        var d = new Dropout(0.5f, new Rng(1));
        d.Eval();
        Assert.Same(x, d.Forward(x));
        Assert.All(new Dropout(1f, new Rng(1)).Forward(x).ToArray(), e => Assert.Equal(0f, e));
        Assert.Throws<ArgumentException>(() => new Dropout(1.5f));
    }
}
