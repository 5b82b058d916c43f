namespace SeqPack.Training;

/// <summary>
/// Training reached a non-finite loss or weight. The run folder keeps its last good checkpoint and best model
/// (nothing is written after the divergence); the message names the epoch, the batch and the fix.
/// </summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
