namespace SeqPack.Optim;

// The schedule types under their earlier names, kept for one release so that code written against them still
// builds (with a warning naming the new type). Each forwards to the type with PyTorch's capitalisation.

/// <summary>The earlier name of <see cref="LRScheduler"/>.</summary>
[Obsolete("Use LRScheduler (PyTorch's capitalisation).")]
public abstract class LrScheduler : LRScheduler
{
    /// <summary>See <see cref="LRScheduler"/>.</summary>
    protected LrScheduler(Optimizer optimizer) : base(optimizer) { }
}

/// <summary>The earlier name of <see cref="StepLR"/>.</summary>
[Obsolete("Use StepLR (PyTorch's capitalisation).")]
public sealed class StepLr : LRScheduler
{
    private readonly StepLR schedule;

    /// <summary>See <see cref="StepLR(Optimizer, int, float)"/>.</summary>
    public StepLr(Optimizer optimizer, int stepSize, float gamma = 0.1f) : base(optimizer)
    {
        schedule = new StepLR(optimizer, stepSize, gamma);
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) => schedule.LearningRate(initialLr, epoch);
}

/// <summary>The earlier name of <see cref="CosineAnnealingLR"/>.</summary>
[Obsolete("Use CosineAnnealingLR (PyTorch's capitalisation).")]
public sealed class CosineAnnealingLr : LRScheduler
{
    private readonly CosineAnnealingLR schedule;

    /// <summary>See <see cref="CosineAnnealingLR(Optimizer, int, float)"/>.</summary>
    public CosineAnnealingLr(Optimizer optimizer, int tMax, float etaMin = 0f) : base(optimizer)
    {
        schedule = new CosineAnnealingLR(optimizer, tMax, etaMin);
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) => schedule.LearningRate(initialLr, epoch);
}

/// <summary>The earlier name of <see cref="LinearLR"/>.</summary>
[Obsolete("Use LinearLR (PyTorch's capitalisation).")]
public sealed class LinearLr : LRScheduler
{
    private readonly LinearLR schedule;

    /// <summary>See <see cref="LinearLR(Optimizer, float, float, int)"/>.</summary>
    public LinearLr(Optimizer optimizer, float startFactor = 1f / 3f, float endFactor = 1f, int totalIters = 5) : base(optimizer)
    {
        schedule = new LinearLR(optimizer, startFactor, endFactor, totalIters);
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) => schedule.LearningRate(initialLr, epoch);
}

/// <summary>The earlier name of <see cref="SequentialLR"/>.</summary>
[Obsolete("Use SequentialLR (PyTorch's capitalisation).")]
public sealed class SequentialLr : LRScheduler
{
    private readonly SequentialLR schedule;

    /// <summary>See <see cref="SequentialLR(Optimizer, IReadOnlyList{LRScheduler}, IReadOnlyList{int})"/>.</summary>
    public SequentialLr(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones) : base(optimizer)
    {
        schedule = new SequentialLR(optimizer, schedulers, milestones);
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) => schedule.LearningRate(initialLr, epoch);
}
