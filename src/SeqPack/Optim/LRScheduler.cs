namespace SeqPack.Optim;

/// <summary>
/// A learning-rate schedule in closed form (PyTorch's <c>lr_scheduler</c> family): the learning rate of each
/// parameter group at epoch e is <see cref="LearningRate"/>(initial lr of the group, e). Construction sets
/// epoch 0; each <see cref="Step"/> (called after <see cref="Optimizer.Step"/>, as in PyTorch) advances one
/// epoch and writes the new rates into the optimiser.
/// </summary>
public abstract class LRScheduler
{
    /// <summary>Attaches the schedule to <paramref name="optimizer"/> and applies epoch 0.</summary>
    protected LRScheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
    }

    /// <summary>The optimiser whose learning rates this schedule sets.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The epoch whose rates are in force (PyTorch's <c>last_epoch</c>).</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The learning rate at <paramref name="epoch"/> for a group that started at <paramref name="initialLr"/>.</summary>
    public abstract double LearningRate(double initialLr, int epoch);

    /// <summary>Advances one epoch and updates the optimiser's learning rates.</summary>
    public void Step() => SetEpoch(LastEpoch + 1);

    /// <summary>Jumps to <paramref name="epoch"/> (to resume from a checkpoint) and updates the learning rates.</summary>
    public void SetEpoch(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch must not be negative.");
        LastEpoch = epoch;
        foreach (var g in Optimizer.ParamGroups) g.Lr = (float)LearningRate(g.InitialLr, epoch);
        OnEpochSet(epoch);
    }

    /// <summary>Called after the learning rates of <paramref name="epoch"/> are applied, for schedules that set more than the rate.</summary>
    protected virtual void OnEpochSet(int epoch) { }

    /// <summary>The learning rates now in force, one per group (PyTorch's <c>get_last_lr()</c>).</summary>
    public float[] GetLastLr() => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();
}
