using System.Text.Json;
using SeqPack;
using SeqPack.Optim;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Optim;

/// <summary>Learning-rate schedules against PyTorch 1.13's sequences, and gradient clipping's contract.</summary>
public class ScheduleAndClipTests
{
    private static readonly JsonElement Schedules = FixtureFile.Load("toolkit_optim.json").GetProperty("schedules");

    private static void Matches(string name, Func<Optimizer, LRScheduler> make)
    {
        var expected = Schedules.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var opt = new Sgd([Tensor.Zeros(1)], 0.1f);
        var sched = make(opt);
        for (int e = 0; e < expected.Length; e++)
        {
            Assert.True(Math.Abs(opt.ParamGroups[0].Lr - expected[e]) <= 1e-8 + 1e-6 * expected[e],
                $"{name} epoch {e}: expected {expected[e]:G9}, got {opt.ParamGroups[0].Lr:G9}");
            opt.Step();
            sched.Step();
        }
    }

    [Fact] public void StepLr_MatchesTorch() => Matches("step_3_half", o => new StepLR(o, 3, 0.5f));
    [Fact] public void CosineAnnealing_MatchesTorch_IncludingPastTMax() => Matches("cosine_5_min001", o => new CosineAnnealingLR(o, 5, 0.01f));
    [Fact] public void LinearWarmup_MatchesTorch() => Matches("linear_quarter_4", o => new LinearLR(o, 0.25f, totalIters: 4));
    [Fact] public void LinearWarmupDefaults_MatchTorch() => Matches("linear_default", o => new LinearLR(o));
    [Fact]
    public void WarmupThenCosine_MatchesTorchSequentialLr() =>
        Matches("warmup4_cosine6", o => new SequentialLR(o, [new LinearLR(o, 0.1f, totalIters: 4), new CosineAnnealingLR(o, 6, 0.001f)], [4]));

    [Fact]
    public void ClipGradNorm_ReturnsNormBeforeClipping_AndScalesToMaxNorm()
    {
        var a = Tensor.Zeros(2); var b = Tensor.Zeros(1); var none = Tensor.Zeros(3);
        a.RequiresGrad = b.RequiresGrad = none.RequiresGrad = true;
        (a * Tensor.FromArray([3f, 0f], 2) + Tensor.Zeros(2)).Sum().Backward();
        (b * Tensor.FromArray([4f], 1)).Sum().Backward();
        float total = GradClip.ClipGradNorm([a, b, none], 1f);
        Assert.Equal(5f, total);                                   // √(3² + 4²)
        float coef = 1f / (5f + 1e-6f);
        Assert.Equal(new[] { 3f * coef, 0f }, a.Grad!.ToArray());
        Assert.Equal(new[] { 4f * coef }, b.Grad!.ToArray());
        Assert.Null(none.Grad);
        // below the limit nothing changes
        Assert.Equal(1f, GradClip.ClipGradNorm([a, b], 10f), 5);
        Assert.Equal(new[] { 4f * coef }, b.Grad!.ToArray());
        Assert.Equal(0f, GradClip.ClipGradNorm([none], 1f));
        Assert.Throws<ArgumentException>(() => GradClip.ClipGradNorm([a], -1f));
    }
}
