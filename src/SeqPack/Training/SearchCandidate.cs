namespace SeqPack.Training;

/// <summary>One configuration that <see cref="ConfigurationSearch"/> trains: the values it varies.</summary>
/// <param name="Cell">Recurrent cell, <c>lstm</c> or <c>gru</c>.</param>
/// <param name="EmbeddingDim">Embedding width.</param>
/// <param name="HiddenSize">Hidden units per direction.</param>
/// <param name="Dropout">Dropout probability.</param>
/// <param name="Lr">Adam's learning rate.</param>
public sealed record SearchCandidate(string Cell, int EmbeddingDim, int HiddenSize, float Dropout, float Lr)
{
    /// <summary><paramref name="options"/> with this candidate's values in place of theirs.</summary>
    public TrainingOptions Apply(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { Cell = Cell, EmbeddingDim = EmbeddingDim, HiddenSize = HiddenSize, Dropout = Dropout, Lr = Lr };
    }
}
