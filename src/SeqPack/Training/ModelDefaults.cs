using SeqPack.Models;

namespace SeqPack.Training;

/// <summary>
/// The embedding width, hidden size, dropout and classifier pooling that <see cref="RunData.Create"/> gives a model when the options
/// leave them unset, chosen from the data: the task, the training examples, the number of classes and the
/// vocabulary. docs/DEFAULTS.md states the rule and the runs behind it.
/// </summary>
/// <param name="EmbeddingDim">Embedding width.</param>
/// <param name="HiddenSize">Hidden units per direction.</param>
/// <param name="Dropout">Dropout probability.</param>
/// <param name="Pooling">What a classifier's output layer reads; null for a tagger, which has no pooling.</param>
public sealed record ModelDefaults(int EmbeddingDim, int HiddenSize, float Dropout, ClassifierPooling? Pooling)
{
    /// <summary>
    /// The size for a run: taggers get embedding 100 and hidden 128 with dropout 0.25 (every token is an output);
    /// classifiers with up to four classes, embedding 32 and hidden 64 with dropout 0.1; classifiers with more
    /// classes, embedding 64 and hidden 128 with dropout 0.2, since the final state must separate more classes;
    /// a classifier with fewer than 500 training examples keeps the small size whatever its classes (too few
    /// examples to fit the larger one). Every classifier reads the final states and the maximum over time
    /// (<see cref="ClassifierPooling.FinalStateAndMax"/>), so a feature seen anywhere in a long text reaches the
    /// output layer without having to survive to the final state.
    /// </summary>
    public static ModelDefaults Choose(bool classify, int trainExamples, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainExamples);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        if (!classify) return new ModelDefaults(100, 128, 0.25f, null);
        const ClassifierPooling pooling = ClassifierPooling.FinalStateAndMax;
        return classes > 4 && trainExamples >= 500 ? new ModelDefaults(64, 128, 0.2f, pooling) : new ModelDefaults(32, 64, 0.1f, pooling);
    }
}
