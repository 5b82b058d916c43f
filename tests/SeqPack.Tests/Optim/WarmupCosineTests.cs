using SeqPack.Optim;

namespace SeqPack.Tests.Optim;

public class WarmupCosineTests
{
    private static Adam Optimizer(float lr) => new([Tensor.Zeros(3)], lr);

    /// <summary>The per-step cosine that seqpack train used before the schedule existed, kept here as the reference.</summary>
    private static float TrainerCosine(float lr, long step, long total) =>
        (float)(lr * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(step, total) / Math.Max(1, total))));

    [Theory]
    [InlineData(2e-3f, 1680)]
    [InlineData(0.02f, 7)]
    [InlineData(1e-3f, 1)]
    public void WithoutWarmup_EqualsTheTrainersCosineBitForBit(float lr, int total)
    {
        var opt = Optimizer(lr);
        var schedule = new WarmupCosineLR(opt, total);
        for (int t = 0; t <= total + 2; t++)
        {
            schedule.SetEpoch(t);
            Assert.Equal(BitConverter.SingleToInt32Bits(TrainerCosine(lr, t, total)), BitConverter.SingleToInt32Bits(opt.ParamGroups[0].Lr));
        }
    }

    [Fact]
    public void Warmup_RisesLinearlyThenDecaysToMinLr()
    {
        var opt = Optimizer(1f);
        var schedule = new WarmupCosineLR(opt, totalSteps: 14, warmupSteps: 4, minLr: 0.1f);
        Assert.Equal(0.25f, opt.ParamGroups[0].Lr);                          // step 0 of 4: 1/4
        var rates = new List<float> { opt.ParamGroups[0].Lr };
        for (int t = 1; t <= 16; t++) { schedule.Step(); rates.Add(schedule.GetLastLr()[0]); }
        Assert.Equal([0.25f, 0.5f, 0.75f, 1f], rates.Take(4));
        Assert.Equal((float)(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 3 / 10))), rates[7]);   // step 7: 3 of 10 decay steps
        Assert.Equal(0.1f, rates[14], 6);
        Assert.Equal(0.1f, rates[16], 6);                                     // stays at minLr after the end
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineLR(Optimizer(1f), totalSteps: 3, warmupSteps: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineLR(Optimizer(1f), totalSteps: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupCosineLR(Optimizer(1f), totalSteps: 3, minLr: -1f));
    }

#pragma warning disable CS0618   // the obsolete names must keep working for one release
    [Fact]
    public void ObsoleteNames_GiveTheSameRatesAsTheNewOnes()
    {
        static float[] Run(Func<Optimizer, LRScheduler> make)
        {
            var opt = Optimizer(0.1f);
            var s = make(opt);
            return Enumerable.Range(0, 12).Select(_ => { var lr = opt.ParamGroups[0].Lr; s.Step(); return lr; }).ToArray();
        }
        Assert.Equal(Run(o => new StepLR(o, 3, 0.5f)), Run(o => new StepLr(o, 3, 0.5f)));
        Assert.Equal(Run(o => new CosineAnnealingLR(o, 10, 0.01f)), Run(o => new CosineAnnealingLr(o, 10, 0.01f)));
        Assert.Equal(Run(o => new LinearLR(o, 0.2f, 1f, 4)), Run(o => new LinearLr(o, 0.2f, 1f, 4)));
        Assert.Equal(Run(o => new SequentialLR(o, [new LinearLR(o, 0.5f, 1f, 2), new CosineAnnealingLR(o, 8)], [2])),
            Run(o => new SequentialLr(o, [new LinearLr(o, 0.5f, 1f, 2), new CosineAnnealingLr(o, 8)], [2])));
        Assert.Equal(Tensor.Randn([2, 3], 7).ToArray(), Tensor.Randn(7, 2, 3).ToArray());
        Assert.Equal(Tensor.Randn([4], new Rng(9)).ToArray(), Tensor.Randn(new Rng(9), 4).ToArray());
    }
#pragma warning restore CS0618
}
