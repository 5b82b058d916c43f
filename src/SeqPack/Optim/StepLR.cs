namespace SeqPack.Optim;

/// <summary>PyTorch's <c>StepLR</c>: <c>lr = initial·γ^⌊epoch / stepSize⌋</c>.</summary>
public sealed class StepLR : LRScheduler
{
    private readonly int stepSize;
    private readonly double gamma;

    /// <summary>Decays by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public StepLR(Optimizer optimizer, int stepSize, float gamma = 0.1f) : base(optimizer)
    {
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "StepLR: stepSize must be at least 1.");
        this.stepSize = stepSize;
        this.gamma = gamma;
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) => initialLr * Math.Pow(gamma, epoch / stepSize);
}
