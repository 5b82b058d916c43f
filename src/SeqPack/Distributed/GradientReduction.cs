namespace SeqPack.Distributed;

/// <summary>How <see cref="DataParallel.AllReduceGradients"/> combines the ranks' gradients.</summary>
public enum GradientReduction
{
    /// <summary>The mean over ranks, as PyTorch DDP and Horovod do: right when each rank's loss is a mean over
    /// an equal share of the batch.</summary>
    Mean,

    /// <summary>The sum over ranks: right when each rank's loss is already divided by the global count (the
    /// number of items in the whole batch), which makes the step equal the single-process step exactly.</summary>
    Sum,
}
