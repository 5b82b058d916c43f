namespace SeqPack.Optim;

/// <summary>
/// A per-step schedule: a linear warm-up over the first <c>warmupSteps</c> optimiser steps, then cosine decay
/// (SGDR without restarts, Loshchilov and Hutter 2017) over the remaining steps down to <c>minLr</c>:
/// <c>lr_t = initial·(t + 1)/W</c> for <c>t &lt; W</c>, else
/// <c>lr_t = minLr + (initial − minLr)·0.5·(1 + cos(π·min(s, T)/max(1, T)))</c> with <c>s = t − W</c> and
/// <c>T = totalSteps − W</c>; after <c>totalSteps</c> the rate stays at <c>minLr</c>. The "epoch" of
/// <see cref="LRScheduler"/> counts optimiser steps here: call <see cref="LRScheduler.Step"/> after every
/// optimiser step, or <see cref="LRScheduler.SetEpoch"/> with the step index before it (to resume).
/// A function of the step index only, so a resumed run gets the same rates.
/// </summary>
public sealed class WarmupCosineLR : LRScheduler
{
    private readonly int warmupSteps;
    private readonly int totalSteps;
    private readonly double minLr;

    /// <summary>
    /// Warms up over <paramref name="warmupSteps"/> steps (0: none), then decays to <paramref name="minLr"/> at
    /// step <paramref name="totalSteps"/>; <paramref name="warmupSteps"/> must not exceed <paramref name="totalSteps"/>.
    /// </summary>
    public WarmupCosineLR(Optimizer optimizer, int totalSteps, int warmupSteps = 0, float minLr = 0f) : base(optimizer)
    {
        if (totalSteps < 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "WarmupCosineLR: totalSteps must not be negative.");
        if (warmupSteps < 0 || warmupSteps > totalSteps)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, $"WarmupCosineLR: warmupSteps must lie in [0, totalSteps = {totalSteps}].");
        if (!(minLr >= 0)) throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "WarmupCosineLR: minLr must not be negative.");
        this.totalSteps = totalSteps;
        this.warmupSteps = warmupSteps;
        this.minLr = minLr;
        SetEpoch(0);
    }

    /// <summary>The rate at optimiser step <paramref name="epoch"/> (0-based) for a group that started at <paramref name="initialLr"/>.</summary>
    public override double LearningRate(double initialLr, int epoch)
    {
        if (epoch < warmupSteps) return initialLr * (epoch + 1) / warmupSteps;
        long s = epoch - warmupSteps, t = totalSteps - warmupSteps;
        return minLr + (initialLr - minLr) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(s, t) / Math.Max(1, t)));
    }
}
