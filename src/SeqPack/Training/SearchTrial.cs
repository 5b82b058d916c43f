namespace SeqPack.Training;

/// <summary>What one configuration of a <see cref="ConfigurationSearch"/> reached.</summary>
/// <param name="Index">The trial's number, from 1, in the order tried.</param>
/// <param name="Candidate">The configuration.</param>
/// <param name="DevScore">Its best dev score (macro-F1 for classification, accuracy for tagging), the selection criterion.</param>
/// <param name="BestEpoch">The epoch (from 1) of that score.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Seconds">Wall time of the trial.</param>
/// <param name="Outcome">How its training ended.</param>
public sealed record SearchTrial(int Index, SearchCandidate Candidate, double DevScore, int BestEpoch, int Epochs, double Seconds, TrainingOutcome Outcome);

/// <summary>The result of a <see cref="ConfigurationSearch"/>.</summary>
/// <param name="Trials">Every trial, in the order tried.</param>
/// <param name="Chosen">The index into <paramref name="Trials"/> of the configuration kept (the best dev score; the earliest on a tie).</param>
/// <param name="Result">The kept run's training result, with its test score.</param>
public sealed record SearchResult(IReadOnlyList<SearchTrial> Trials, int Chosen, TrainingResult Result);
