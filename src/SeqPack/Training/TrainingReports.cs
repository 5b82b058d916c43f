namespace SeqPack.Training;

/// <summary>
/// Reported after every optimiser step: where the run is (<paramref name="Epoch"/> from 0 of
/// <paramref name="Epochs"/>, <paramref name="Step"/> batches done of <paramref name="Steps"/> in this epoch),
/// the mean training loss of the epoch so far, the training speed in steps (tokens) per second of this epoch's
/// wall time, and the learning rate the step used.
/// </summary>
public sealed record StepReport(int Epoch, int Epochs, int Step, int Steps, double MeanLoss, double TokensPerSecond, float LearningRate);

/// <summary>How a call of <see cref="Trainer.Run"/> ended.</summary>
public enum TrainingOutcome
{
    /// <summary>All epochs ran.</summary>
    Completed,
    /// <summary>The dev score did not improve for <see cref="TrainingConfig.Patience"/> epochs.</summary>
    EarlyStopped,
    /// <summary>Cancelled (or stopped after the requested steps); a checkpoint was saved, resume to continue.</summary>
    Interrupted,
}

/// <summary>
/// The end of <see cref="Trainer.Run"/>. When interrupted, <see cref="Epoch"/> and <see cref="Step"/> say where
/// (0-based epoch, batches done of <see cref="Steps"/>); otherwise <see cref="Test"/> holds the test metrics of
/// the best weights (null without test data) and <see cref="State"/> the full history.
/// </summary>
public sealed record TrainingResult(TrainingOutcome Outcome, RunState State, int Epoch, int Step, int Steps, double TestLoss, ClassMetrics? Test);
