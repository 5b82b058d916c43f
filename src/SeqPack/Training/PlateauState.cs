using SeqPack.Optim;

namespace SeqPack.Training;

/// <summary>
/// The state of the plateau schedule's <see cref="ReduceLROnPlateau"/> (its counters and the rate in force), kept in
/// <see cref="RunState.Plateau"/> so that a resumed run lowers the rate exactly when an uninterrupted one would.
/// </summary>
/// <param name="Best">The best dev score seen (<see cref="ReduceLROnPlateau.Best"/>).</param>
/// <param name="NumBadEpochs">Epochs without improvement (<see cref="ReduceLROnPlateau.NumBadEpochs"/>).</param>
/// <param name="CooldownCounter">Cooldown epochs left (<see cref="ReduceLROnPlateau.CooldownCounter"/>).</param>
/// <param name="LastEpoch">Epochs stepped (<see cref="ReduceLROnPlateau.LastEpoch"/>).</param>
/// <param name="Lr">The learning rate of the next step at a constant rate; during the anneal, the rate it starts from.</param>
/// <param name="AnnealStart">The epoch (0-based) where the final cosine decay starts; meaningful when <paramref name="AnnealEpochs"/> is positive.</param>
/// <param name="AnnealEpochs">The length of the final cosine decay in epochs; 0 while the rate is still constant.</param>
public sealed record PlateauState(double Best, int NumBadEpochs, int CooldownCounter, int LastEpoch, float Lr, int AnnealStart = 0, int AnnealEpochs = 0)
{
    /// <summary>The state of <paramref name="schedule"/> now (the rate of its optimiser's first group).</summary>
    public static PlateauState Of(ReduceLROnPlateau schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new(schedule.Best, schedule.NumBadEpochs, schedule.CooldownCounter, schedule.LastEpoch, schedule.GetLastLr()[0]);
    }

    /// <summary>Puts this state back into <paramref name="schedule"/> and sets every group of its optimiser to <see cref="Lr"/>.</summary>
    public void RestoreInto(ReduceLROnPlateau schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Restore(Best, NumBadEpochs, CooldownCounter, LastEpoch);
        foreach (var group in schedule.Optimizer.ParamGroups) group.Lr = Lr;
    }
}
