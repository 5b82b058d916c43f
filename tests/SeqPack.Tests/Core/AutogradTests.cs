using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Core;

public class AutogradTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(shape, seed);

    [Fact] public void Add_Broadcast_MatchesFiniteDifferences() => GradCheck.Check(x => x[0] + x[1], [R(1, 3, 4), R(2, 4)]);
    [Fact] public void Sub_Broadcast_MatchesFiniteDifferences() => GradCheck.Check(x => x[0] - x[1], [R(1, 2, 1, 3), R(2, 4, 1)]);
    [Fact] public void Mul_Broadcast_MatchesFiniteDifferences() => GradCheck.Check(x => x[0] * x[1], [R(3, 2, 3), R(4, 2, 1)]);
    [Fact] public void Div_MatchesFiniteDifferences() => GradCheck.Check(x => x[0] / (x[1] * x[1] + 1f), [R(5, 3), R(6, 3)]);
    [Fact] public void Affine_MatchesFiniteDifferences() => GradCheck.Check(x => x[0] * 3f - 1f, [R(7, 5)]);
    [Fact] public void Sum_MatchesFiniteDifferences() => GradCheck.Check(x => (x[0] * x[0]).Sum(), [R(8, 2, 3)]);
    [Fact] public void Mean_MatchesFiniteDifferences() => GradCheck.Check(x => (x[0] * x[0]).Mean(), [R(9, 2, 3)]);
    [Fact] public void SumDim_MatchesFiniteDifferences() => GradCheck.Check(x => (x[0] * x[0]).Sum(1), [R(10, 2, 3, 4)]);
    [Fact] public void MeanDimKeep_MatchesFiniteDifferences() => GradCheck.Check(x => (x[0] * x[0]).Mean(0, keepDim: true), [R(11, 3, 2)]);
    [Fact] public void Reshape_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Reshape(-1, 2) * x[1], [R(12, 2, 3, 2), R(13, 2)]);
    [Fact] public void Select_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Select(1, 2) * x[0].Select(1, -1), [R(14, 3, 4, 2)]);
    [Fact] public void Narrow_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Narrow(2, 1, 2), [R(15, 2, 2, 4)]);
    [Fact] public void Cat_MatchesFiniteDifferences() => GradCheck.Check(x => Tensor.Cat([x[0], x[1] * x[1]], 1), [R(16, 2, 3), R(17, 2, 2)]);
    [Fact] public void Stack_MatchesFiniteDifferences() => GradCheck.Check(x => Tensor.Stack([x[0], x[1]], 1), [R(18, 2, 3), R(19, 2, 3)]);
    [Fact] public void Transpose_MatchesFiniteDifferences() => GradCheck.Check(x => x[0].Transpose(0, 2) * x[1], [R(20, 2, 3, 4), R(21, 2)]);
    [Fact] public void MatMul2D_MatchesFiniteDifferences() => GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [R(22, 3, 5), R(23, 5, 2)]);
    [Fact] public void MatMulVectorCases_MatchFiniteDifferences()
    {
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [R(24, 4), R(25, 4)]);
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [R(26, 4), R(27, 4, 3)]);
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [R(28, 3, 4), R(29, 4)]);
    }
    [Fact] public void MatMulBatchedBroadcast_MatchesFiniteDifferences() => GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [R(30, 2, 3, 4), R(31, 4, 5)]);

    [Fact]
    public void MatMul_ShapesFollowTorchMatmul()
    {
        Assert.Equal(Array.Empty<int>(), Tensor.MatMul(R(1, 4), R(2, 4)).Shape);
        Assert.Equal(new[] { 3 }, Tensor.MatMul(R(1, 4), R(2, 4, 3)).Shape);
        Assert.Equal(new[] { 2 }, Tensor.MatMul(R(1, 2, 4), R(2, 4)).Shape);
        Assert.Equal(new[] { 5, 2, 3 }, Tensor.MatMul(R(1, 5, 2, 4), R(2, 1, 4, 3)).Shape);
    }

    [Fact]
    public void MatMul_KnownValues()
    {
        var a = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray([7, 8, 9, 10, 11, 12], 3, 2);
        TensorAssert.Equal([58, 64, 139, 154], [2, 2], Tensor.MatMul(a, b));
    }

    [Fact]
    public void Backward_AccumulatesIntoGradLikePyTorch()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 3);
        x.RequiresGrad = true;
        (x * x).Sum().Backward();
        (x * x).Sum().Backward();
        Assert.Equal(new[] { 4f, 8f, 12f }, x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_SharedSubexpressionSumsBothPaths()
    {
        var x = Tensor.FromArray([2f], 1);
        x.RequiresGrad = true;
        var y = x * x;              // used twice below
        (y * y + y).Sum().Backward();   // d/dx (x^4 + x^2) = 4x^3 + 2x = 36
        Assert.Equal(36f, x.Grad!.Item());
    }

    [Fact]
    public void Backward_SameGradientObjectDeliveredTwice_IsSummedNotAliased()
    {
        // Add(y, y) hands the very same gradient tensor to both of its inputs, and Reshape shares buffers:
        // the engine must sum them into a buffer of its own instead of writing into either.
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 4);
        x.RequiresGrad = true;
        var y = x * 1f;
        var z = (y + y).Reshape(2, 2) + y.Reshape(2, 2);
        var seed = Tensor.FromArray([1f, 10f, 100f, 1000f], 2, 2);
        z.Backward(seed);
        Assert.Equal(new[] { 3f, 30f, 300f, 3000f }, x.Grad!.ToArray());
        Assert.Equal(new[] { 1f, 10f, 100f, 1000f }, seed.ToArray());   // the caller's gradient is untouched
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Backward_SumPassedOnToTwoInputs_IsNotWrittenByALaterGradient(int order)
    {
        // y = p + q receives two gradients, so the engine sums them into a buffer of its own; Add then passes
        // that very sum to both p and q. A later gradient for p must not be added into it, or q's gradient
        // changes too. The orders put the consumers of p and q at different places in the topological order
        // (before the fix, orders 2 and 3 gave 71 and 70).
        var a = Tensor.FromArray([1f], 1);
        a.RequiresGrad = true;
        var p = a * 2f;
        var q = a * 3f;
        var y = p + q;
        var ly = (y * 2f + y * 3f).Sum();   // dL/dy = 5
        var lp = (p * 5f).Sum();            // dL/dp = 5 + 5
        var lq = (q * 7f).Sum();            // dL/dq = 5 + 7
        var l = order switch
        {
            0 => ly + lp + lq, 1 => lp + ly + lq, 2 => lq + lp + ly,
            3 => lp + lq + ly, 4 => ly + lq + lp, _ => lq + ly + lp,
        };
        l.Backward();
        Assert.Equal(2f * 10f + 3f * 12f, a.Grad!.Item());
    }

    [Fact]
    public void Backward_OneFreshGradientForTwoLeaves_GivesEachItsOwnBuffer()
    {
        // An LSTM's rule returns one bias-gradient tensor for both b_ih and b_hh. The engine may keep a fresh
        // gradient as a leaf's .Grad without copying it, but only once: a second backward accumulates into
        // each .Grad, and aliased buffers would receive it twice.
        var lstm = new SeqPack.Nn.Lstm(3, 4, rng: new Rng(5));
        var x = Tensor.Randn(new Rng(6), 5, 2, 3);
        lstm.Forward(x).Output.Sum().Backward();
        var bih = lstm.NamedParameters().Single(p => p.Name == "bias_ih_l0").Parameter;
        var bhh = lstm.NamedParameters().Single(p => p.Name == "bias_hh_l0").Parameter;
        var once = bih.Grad!.ToArray();
        Assert.Equal(once, bhh.Grad!.ToArray());
        lstm.Forward(x).Output.Sum().Backward();
        Assert.Equal(once.Select(v => 2f * v).ToArray(), bih.Grad!.ToArray());
        Assert.Equal(once.Select(v => 2f * v).ToArray(), bhh.Grad!.ToArray());
    }

    [Fact]
    public void Backward_PassedOnSeed_IsCopiedIntoTheLeafGrad()
    {
        // Reshape passes the caller's gradient on as a view of the same buffer: the leaf's .Grad must be a
        // copy, or the second backward would add into the caller's tensor.
        var x = Tensor.FromArray([1f, 2f, 3f, 4f], 4);
        x.RequiresGrad = true;
        var seed = Tensor.FromArray([1f, 10f, 100f, 1000f], 2, 2);
        x.Reshape(2, 2).Backward(seed);
        x.Reshape(2, 2).Backward(seed);
        Assert.Equal(new[] { 2f, 20f, 200f, 2000f }, x.Grad!.ToArray());
        Assert.Equal(new[] { 1f, 10f, 100f, 1000f }, seed.ToArray());
    }

    [Fact]
    public void Backward_FreshGradientKeptAsASum_IsNotSharedWithALeaf()
    {
        // Linear's fresh dX becomes the pending sum of h (h feeds two consumers) and is added into; x's .Grad
        // must still come out right, and a second backward must accumulate exactly once.
        var lin = new SeqPack.Nn.Linear(3, 2, rng: new Rng(7));
        var x = Tensor.Randn(new Rng(8), 4, 3);
        x.RequiresGrad = true;
        Tensor Loss()
        {
            var h = x * 1f;
            return (lin.Forward(h).Sum() + (h * 2f).Sum() + lin.Forward(h).Sum());
        }
        Loss().Backward();
        var once = x.Grad!.ToArray();
        var w = lin.NamedParameters().Single(p => p.Name == "weight").Parameter.ToArray();
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 3; c++)
                Assert.Equal(2f + 2f * (w[c] + w[3 + c]), once[r * 3 + c], 5);
        Loss().Backward();
        Assert.Equal(once.Select(v => 2f * v).ToArray(), x.Grad!.ToArray());
    }

    [Fact]
    public void NoGrad_RecordsNothing()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        Tensor y;
        using (SeqPack.Autograd.NoGrad()) y = x * x;
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.True(SeqPack.Autograd.IsEnabled);
    }

    [Fact]
    public void NothingRecorded_WhenNoInputRequiresGrad()
    {
        var y = R(1, 2) * R(2, 2);
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
    }

    [Fact]
    public void AutogradBackward_SeveralRootsWithGradients()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var a = x * 2f;
        var b = x * x;
        SeqPack.Autograd.Backward([a, b], [Tensor.FromArray([1f, 1f], 2), Tensor.FromArray([10f, 100f], 2)]);
        Assert.Equal(new[] { 2f + 20f, 2f + 400f }, x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_WithoutGradientOnNonScalar_ThrowsNamingShape()
    {
        var x = R(1, 2, 2); x.RequiresGrad = true;
        var ex = Assert.Throws<ArgumentException>(() => (x * 2f).Backward());
        Assert.Contains("(2, 2)", ex.Message);
    }

    [Fact]
    public void Backward_OnTensorWithoutGrad_Throws()
    {
        Assert.Throws<ArgumentException>(() => R(1, 1).Backward());
    }

    [Fact]
    public void LongChain_DoesNotOverflowTheStack()
    {
        var x = Tensor.FromArray([1f], 1); x.RequiresGrad = true;
        var y = x;
        for (int i = 0; i < 100_000; i++) y = y + 0f;
        y.Sum().Backward();
        Assert.Equal(1f, x.Grad!.Item());
    }
}
