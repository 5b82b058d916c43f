namespace SeqPack.Optim;

/// <summary>
/// PyTorch's <c>LinearLR</c>, the usual linear warm-up: the factor goes linearly from
/// <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> epochs and stays there:
/// <c>lr = initial·(start + (end − start)·min(epoch, totalIters) / totalIters)</c>.
/// </summary>
public sealed class LinearLR : LRScheduler
{
    private readonly double start, end;
    private readonly int totalIters;

    /// <summary>Creates the warm-up (PyTorch's defaults: 1/3 to 1 over 5 epochs).</summary>
    public LinearLR(Optimizer optimizer, float startFactor = 1f / 3f, float endFactor = 1f, int totalIters = 5) : base(optimizer)
    {
        if (!(startFactor > 0f && startFactor <= 1f))
            throw new ArgumentException($"LinearLR: startFactor must lie in (0, 1]; got {startFactor}.", nameof(startFactor));
        if (!(endFactor >= 0f && endFactor <= 1f))
            throw new ArgumentException($"LinearLR: endFactor must lie in [0, 1]; got {endFactor}.", nameof(endFactor));
        if (totalIters < 1) throw new ArgumentOutOfRangeException(nameof(totalIters), totalIters, "LinearLR: totalIters must be at least 1.");
        start = startFactor;
        end = endFactor;
        this.totalIters = totalIters;
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) =>
        initialLr * (start + (end - start) * Math.Min(epoch, totalIters) / totalIters);
}
