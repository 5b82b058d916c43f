using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Ops;

/// <summary>Every new differentiable op against central finite differences, away from kinks and ties.</summary>
public class OpsGradCheckTests
{
    private static Tensor R(ulong seed, params int[] shape) => Tensor.Randn(shape, seed);

    [Fact]
    public void MaxMin_ByDimAndFull_MatchFiniteDifferences()
    {
        GradCheck.Check(x => x[0].Max(1).Values, [R(1, 3, 4, 2)]);
        GradCheck.Check(x => x[0].Min(-1, keepDim: true).Values, [R(2, 3, 4)]);
        GradCheck.Check(x => x[0].Max(), [R(3, 2, 5)]);
        GradCheck.Check(x => x[0].Min(), [R(4, 7)]);
    }

    [Fact]
    public void GatherAndIndexSelect_MatchFiniteDifferences()
    {
        var index = Tensor.FromArray([0, 2, 2, 1, 1, 0], 3, 2);
        GradCheck.Check(x => x[0].Gather(1, index), [R(5, 3, 4)]);
        GradCheck.Check(x => x[0].IndexSelect(0, [2, 0, 2]), [R(6, 3, 2)]);
    }

    [Fact]
    public void WhereAndMaskedFill_MatchFiniteDifferences()
    {
        var cond = Mask.FromArray([true, false, false, true, true, false], 2, 1, 3);
        GradCheck.Check(x => Tensor.Where(cond, x[0], x[1]), [R(7, 4, 3), R(8, 2, 4, 1)]);
        GradCheck.Check(x => x[0].MaskedFill(cond.Reshape(2, 3).Unsqueeze(1), -5f), [R(9, 2, 4, 3)]);
    }

    [Fact]
    public void ElementwiseMath_MatchesFiniteDifferences()
    {
        // Inputs kept clear of 0 and of the clamp bounds, where the derivatives jump.
        var away = Tensor.FromArray([-2.1f, -0.7f, 0.4f, 1.3f, 2.6f, -1.4f], 2, 3);
        GradCheck.Check(x => x[0].Abs(), [away.Clone()]);
        GradCheck.Check(x => x[0].Clamp(-1f, 1f), [away.Clone()]);
        GradCheck.Check(x => x[0].Clamp(min: 0f), [away.Clone()]);
        var positive = Tensor.FromArray([0.5f, 1.2f, 2.7f, 0.9f, 3.3f, 1.8f], 3, 2);
        GradCheck.Check(x => x[0].Sqrt(), [positive.Clone()]);
        foreach (float e in new[] { 2f, 0.5f, -1.5f, 3f })
            GradCheck.Check(x => x[0].Pow(e), [positive.Clone()]);
    }

    [Fact]
    public void LayoutOps_MatchFiniteDifferences()
    {
        GradCheck.Check(x => x[0].Permute(1, 2, 0), [R(10, 2, 3, 4)]);
        GradCheck.Check(x => x[0].Unsqueeze(0).Squeeze(0).Squeeze(), [R(11, 3, 1, 2)]);
        GradCheck.Check(x => x[0].Expand(2, -1, 3), [R(12, 4, 1)]);
    }

    [Fact]
    public void BatchedMatMul_BroadcastForms_MatchFiniteDifferences()
    {
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [R(13, 2, 1, 3, 4), R(14, 5, 4, 2)]);
        GradCheck.Check(x => Tensor.MatMul(x[0], x[1]), [R(15, 4), R(16, 2, 4, 3)]);
    }
}
