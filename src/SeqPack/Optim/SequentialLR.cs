namespace SeqPack.Optim;

/// <summary>
/// PyTorch's <c>SequentialLR</c>: schedule k runs from milestone k−1 (restarting at its own epoch 0) until
/// milestone k. The usual composition is a <see cref="LinearLR"/> warm-up followed by <see cref="CosineAnnealingLR"/>.
/// </summary>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] schedulers;
    private readonly int[] milestones;

    /// <summary>Chains <paramref name="schedulers"/> (built on the same optimiser) at <paramref name="milestones"/> (one fewer, increasing).</summary>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<int> milestones) : base(optimizer)
    {
        ArgumentNullException.ThrowIfNull(schedulers);
        ArgumentNullException.ThrowIfNull(milestones);
        if (schedulers.Count == 0 || milestones.Count != schedulers.Count - 1)
            throw new ArgumentException($"SequentialLR: {schedulers.Count} schedulers need {Math.Max(schedulers.Count - 1, 0)} milestones; got {milestones.Count}.", nameof(milestones));
        for (int i = 0; i < schedulers.Count; i++)
            if (schedulers[i] is null || !ReferenceEquals(schedulers[i].Optimizer, optimizer))
                throw new ArgumentException($"SequentialLR: schedulers[{i}] is null or attached to another optimiser.", nameof(schedulers));
        for (int i = 0; i < milestones.Count; i++)
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1]))
                throw new ArgumentException($"SequentialLR: milestones must be positive and increasing; got [{string.Join(", ", milestones)}].", nameof(milestones));
        this.schedulers = schedulers.ToArray();
        this.milestones = milestones.ToArray();
        SetEpoch(0);
    }

    /// <inheritdoc/>
    public override double LearningRate(double initialLr, int epoch)
    {
        int k = 0;
        while (k < milestones.Length && epoch >= milestones[k]) k++;
        int offset = k == 0 ? 0 : milestones[k - 1];
        return schedulers[k].LearningRate(initialLr, epoch - offset);
    }
}
