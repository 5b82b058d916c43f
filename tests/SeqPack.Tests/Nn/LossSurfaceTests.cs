using SeqPack;
using SeqPack.Nn;

namespace SeqPack.Tests.Nn;

/// <summary>
/// The loss signatures of ../shared/DESIGN.md §1 called with their documented parameter names and defaults,
/// so that a rename breaks compilation; each call checks one value that is known in closed form.
/// </summary>
public class LossSurfaceTests
{
    [Fact]
    public void Mse_NamedParameters_MeanOfSquares()
    {
        Tensor loss = Losses.Mse(input: Tensor.FromArray([1f, 2f]), target: Tensor.FromArray([0f, 0f]), reduction: Reduction.Mean);
        Assert.Equal(2.5f, loss.Item());
    }

    [Fact]
    public void Nll_NamedParameters_SkipsIgnoredRow()
    {
        var lp = Tensor.FromArray([-1f, -2f, -3f, -4f], 2, 2);
        Tensor loss = Losses.Nll(logProbs: lp, targets: new[] { 1, 9 }, ignoreIndex: 9, reduction: Reduction.Mean);
        Assert.Equal(2f, loss.Item());
    }

    [Fact]
    public void Ctc_NamedParameters_TwoStepsOneLabel()
    {
        // T = 2, one label "1": paths (1,1), (1,b), (b,1) with probabilities .6·.6, .6·.4, .4·.6 → p = 0.84.
        var lp = Tensor.FromArray([MathF.Log(0.4f), MathF.Log(0.6f), MathF.Log(0.4f), MathF.Log(0.6f)], 2, 1, 2);
        Tensor loss = Losses.Ctc(logProbs: lp, targets: new[] { 1 }, inputLengths: new[] { 2 }, targetLengths: new[] { 1 },
            blank: 0, reduction: Reduction.Sum, zeroInfinity: false);
        Assert.Equal(-Math.Log(0.84), loss.Item(), 5);
    }
}
