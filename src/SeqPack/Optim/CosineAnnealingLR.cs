namespace SeqPack.Optim;

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c> in its closed form (SGDR without restarts, Loshchilov and Hutter 2017):
/// <c>lr = ηmin + (initial − ηmin)·(1 + cos(π·epoch / tMax)) / 2</c>.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    private readonly int tMax;
    private readonly double etaMin;

    /// <summary>Anneals from the initial rate to <paramref name="etaMin"/> over <paramref name="tMax"/> epochs.</summary>
    public CosineAnnealingLR(Optimizer optimizer, int tMax, float etaMin = 0f) : base(optimizer)
    {
        if (tMax < 1) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "CosineAnnealingLR: tMax must be at least 1.");
        this.tMax = tMax;
        this.etaMin = etaMin;
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch) =>
        etaMin + (initialLr - etaMin) * (1 + Math.Cos(Math.PI * epoch / tMax)) / 2;
}
