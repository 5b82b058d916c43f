using System.Text.Json;
using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Ops;

/// <summary>
/// The tensor ops of issue 25 against PyTorch 1.13 (Fixtures/make_ops_fixtures.py): values, indices and the
/// gradient each op sends back for a random upstream gradient g.
/// </summary>
public class OpsFixtureTests
{
    private static readonly JsonElement Ops = FixtureFile.Load("ops_fixtures.json").GetProperty("ops");

    /// <summary>Runs <paramref name="f"/> on the case's inputs (named by <paramref name="names"/>), checks y and every d&lt;name&gt;.</summary>
    private static void CheckCase(JsonElement c, Func<Tensor[], Tensor> f, params string[] names)
    {
        var inputs = names.Select(n => { var t = c.Tensor(n); t.RequiresGrad = true; return t; }).ToArray();
        var y = f(inputs);
        Assert.Equal(c.GetProperty("y").Ints("shape"), y.Shape);
        TensorAssert.Close(c.Floats("y"), y, 1e-5, 1e-5);
        y.Backward(c.Tensor("g"));
        for (int i = 0; i < names.Length; i++)
            TensorAssert.Close(c.Floats("d" + names[i]), inputs[i].Grad ?? Tensor.Zeros(inputs[i].Shape), 1e-5, 1e-5);
    }

    private static JsonElement Case(string name) => Ops.GetProperty(name);

    public static TheoryData<string> ReduceByDimCases() =>
        new(Ops.EnumerateObject().Select(p => p.Name).Where(n => (n.StartsWith("max_") || n.StartsWith("min_")) && !n.Contains("full")));

    [Theory, MemberData(nameof(ReduceByDimCases))]
    public void MaxMinByDim_ValuesIndicesAndGradient_MatchTorch(string name)
    {
        var c = Case(name);
        var x = c.Tensor("x");
        x.RequiresGrad = true;
        int dim = c.GetProperty("dim").GetInt32();
        bool keep = c.GetProperty("keepdim").GetBoolean();
        var (values, indices) = name.StartsWith("max") ? x.Max(dim, keep) : x.Min(dim, keep);
        TensorAssert.Equal(c.Floats("values"), c.GetProperty("values").Ints("shape"), values);
        TensorAssert.Equal(c.Floats("indices"), c.GetProperty("indices").Ints("shape"), indices);
        values.Backward(c.Tensor("g"));
        TensorAssert.Close(c.Floats("dx"), x.Grad!, 0, 0);
    }

    [Fact]
    public void MaxMinFull_TiesShareTheGradient_AsTorch()
    {
        CheckCase(Case("max_full_ties"), x => x[0].Max(), "x");
        CheckCase(Case("min_full_ties"), x => x[0].Min(), "x");
    }

    [Fact]
    public void Gather_MatchesTorch()
    {
        var c = Case("gather_dim1");
        CheckCase(c, x => x[0].Gather(1, c.Tensor("index")), "x");
    }

    [Fact]
    public void IndexSelect_WithRepeats_MatchesTorch()
    {
        var c = Case("index_select_dim1");
        var index = c.Ints("index");
        CheckCase(c, x => x[0].IndexSelect(1, index), "x");
        CheckCase(c, x => x[0].IndexSelect(1, Tensor.FromArray(index.Select(i => (float)i).ToArray())), "x");
    }

    [Fact]
    public void Where_BroadcastsAllThree_MatchesTorch()
    {
        var c = Case("where_broadcast");
        CheckCase(c, x => Tensor.Where(c.Mask("cond"), x[0], x[1]), "a", "b");
    }

    [Fact]
    public void MaskedFill_BroadcastMask_MatchesTorch()
    {
        var c = Case("masked_fill");
        CheckCase(c, x => x[0].MaskedFill(c.Mask("mask"), -1e9f), "x");
    }

    [Fact]
    public void Comparisons_WithNaNSignedZeroAndBroadcast_MatchTorch()
    {
        var c = Case("compare");
        var p = c.Tensor("p");
        var q = c.Tensor("q");
        var ops = new (string Name, Func<Tensor, Mask> WithTensor, Func<float, Mask> WithScalar)[]
        {
            ("eq", p.Eq, p.Eq), ("ne", p.Ne, p.Ne), ("lt", p.Lt, p.Lt),
            ("le", p.Le, p.Le), ("gt", p.Gt, p.Gt), ("ge", p.Ge, p.Ge),
        };
        foreach (var (name, withTensor, withScalar) in ops)
        {
            var expected = c.Mask(name);
            var actual = withTensor(q);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.True(expected.ToArray().SequenceEqual(actual.ToArray()), $"{name}: expected {expected}, got {actual}");
            Assert.Equal(c.Mask(name + "_scalar").ToArray(), withScalar(2f).ToArray());
        }
    }

    [Fact]
    public void AbsSqrt_MatchTorch()
    {
        CheckCase(Case("abs"), x => x[0].Abs(), "x");
        CheckCase(Case("sqrt"), x => x[0].Sqrt(), "x");
    }

    public static TheoryData<string> PowCases() => new(Ops.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("pow_")));

    [Theory, MemberData(nameof(PowCases))]
    public void Pow_MatchesTorch(string name)
    {
        var c = Case(name);
        float e = c.GetProperty("exponent").GetSingle();
        CheckCase(c, x => x[0].Pow(e), "x");
    }

    public static TheoryData<string> ClampCases() => new(Ops.EnumerateObject().Select(p => p.Name).Where(n => n.StartsWith("clamp_")));

    [Theory, MemberData(nameof(ClampCases))]
    public void Clamp_BoundsIncludedInGradient_MatchesTorch(string name)
    {
        var c = Case(name);
        float? Bound(string k) => c.GetProperty(k).ValueKind == JsonValueKind.Null ? null : c.GetProperty(k).GetSingle();
        CheckCase(c, x => x[0].Clamp(Bound("min"), Bound("max")), "x");
    }

    [Fact]
    public void LayoutOps_MatchTorch()
    {
        CheckCase(Case("permute"), x => x[0].Permute(Case("permute").Ints("dims")), "x");
        CheckCase(Case("unsqueeze"), x => x[0].Unsqueeze(-2), "x");
        CheckCase(Case("squeeze"), x => x[0].Squeeze(), "x");
        CheckCase(Case("expand"), x => x[0].Expand(Case("expand").Ints("sizes")), "x");
    }

    public static TheoryData<string> MatMulCases() => new(Ops.GetProperty("matmul").EnumerateObject().Select(p => p.Name));

    [Theory, MemberData(nameof(MatMulCases))]
    public void MatMul_BatchedAndBroadcastForms_MatchTorch(string name) =>
        CheckCase(Ops.GetProperty("matmul").GetProperty(name), x => Tensor.MatMul(x[0], x[1]), "a", "b");

    [Fact]
    public void LengthMask_BothLayouts_MatchTorch()
    {
        var c = Case("length_mask");
        var lengths = c.Ints("lengths");
        var batchFirst = Packing.LengthMask(lengths, maxLength: 6, batchFirst: true);
        var timeFirst = Packing.LengthMask(lengths);
        Assert.Equal(c.Mask("batch_first").Shape, batchFirst.Shape);
        Assert.Equal(c.Mask("batch_first").ToArray(), batchFirst.ToArray());
        Assert.Equal(c.Mask("time_first").Shape, timeFirst.Shape);
        Assert.Equal(c.Mask("time_first").ToArray(), timeFirst.ToArray());
    }
}
