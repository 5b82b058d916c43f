namespace SeqPack.Training;

/// <summary>
/// The embedding width, hidden size and dropout that <see cref="RunData.Create"/> gives a model when the options
/// leave them unset, chosen from the data: the task, the training examples, the number of classes and the
/// vocabulary. docs/DEFAULTS.md states the rule and the runs behind it.
/// </summary>
/// <param name="EmbeddingDim">Embedding width.</param>
/// <param name="HiddenSize">Hidden units per direction.</param>
/// <param name="Dropout">Dropout probability.</param>
public sealed record ModelDefaults(int EmbeddingDim, int HiddenSize, float Dropout)
{
    /// <summary>
    /// The size for a run: taggers get embedding 100 and hidden 128 with dropout 0.25 (every token is an output);
    /// classifiers with up to four classes, embedding 32 and hidden 64 with dropout 0.1; classifiers with more
    /// classes, embedding 64 and hidden 128 with dropout 0.2, since the final state must separate more classes;
    /// a classifier with fewer than 500 training examples keeps the small size whatever its classes (too few
    /// examples to fit the larger one).
    /// </summary>
    public static ModelDefaults Choose(bool classify, int trainExamples, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainExamples);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        if (!classify) return new ModelDefaults(100, 128, 0.25f);
        return classes > 4 && trainExamples >= 500 ? new ModelDefaults(64, 128, 0.2f) : new ModelDefaults(32, 64, 0.1f);
    }
}
