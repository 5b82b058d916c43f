using SeqPack.Nn;

namespace SeqPack.Models;

/// <summary>Tag logits of a batch in packed row order, with the layout that maps rows back to (sequence, position).</summary>
public sealed record TaggerOutput(Tensor Logits, PackedBatch Layout);

/// <summary>
/// Sequence tagger: Embedding (the embeddings of a token's ids summed) → dropout → bidirectional LSTM over
/// the packed batch → dropout → Linear on every packed row → one tag distribution per token.
/// </summary>
/// <remarks>
/// State-dictionary keys follow PyTorch: <c>embedding.weight</c>, <c>rnn.*</c> (nn.LSTM names), <c>output.weight</c>,
/// <c>output.bias</c>. Padding is never computed: the recurrent layer and the output layer see packed rows only.
/// </remarks>
public sealed class SequenceTagger : SequenceModel
{
    /// <summary>
    /// Creates the tagger with PyTorch's default initialisation, drawn from generators derived from
    /// <paramref name="seed"/>, so equal arguments give equal weights.
    /// </summary>
    /// <param name="vocabSize">Embedding rows (words and any feature ids share one table); id 0 is padding.</param>
    /// <param name="numTags">Tag logits per token.</param>
    /// <param name="embeddingDim">Features per id embedding (at least 1); the recurrent layer's input size.</param>
    /// <param name="hiddenSize">Hidden features per direction of the recurrent layer (at least 1).</param>
    /// <param name="numLayers">Stacked recurrent layers (at least 1).</param>
    /// <param name="bidirectional">Run a backward direction too; the output layer then reads 2·<paramref name="hiddenSize"/> features per token.</param>
    /// <param name="cell">The recurrent cell: <see cref="RecurrentCell.Lstm"/> or <see cref="RecurrentCell.Gru"/>.</param>
    /// <param name="dropout">Probability in [0, 1] of zeroing an element after the embedding, before the output layer and between stacked recurrent layers.</param>
    /// <param name="idsPerStep">Ids per token whose embeddings are summed (a word and, say, its suffix and shape).</param>
    /// <param name="seed">Fixes the initial weights and the dropout masks.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is below its minimum (<paramref name="vocabSize"/>,
    /// <paramref name="numTags"/> and <paramref name="idsPerStep"/> at least 1), or <paramref name="dropout"/> is outside [0, 1].</exception>
    public SequenceTagger(int vocabSize, int numTags, int embeddingDim = 100, int hiddenSize = 128, int numLayers = 1,
        bool bidirectional = true, RecurrentCell cell = RecurrentCell.Lstm, float dropout = 0.25f, int idsPerStep = 1, ulong seed = 0)
        : base(vocabSize, AtLeastOne(numTags, nameof(numTags), nameof(SequenceTagger)), embeddingDim, hiddenSize, numLayers, bidirectional, cell,
            dropout, idsPerStep, seed)
    {
        NumTags = numTags;
    }

    /// <summary>The number of tags.</summary>
    public int NumTags { get; }

    /// <summary>Logits (total tokens, numTags) in packed row order; <see cref="PackedBatch.Pack{T}"/> puts targets in the same order.</summary>
    public TaggerOutput Forward(IReadOnlyList<int[]> sequences) => Forward(sequences, null);

    /// <summary>As <see cref="Forward(IReadOnlyList{int[]})"/> for a rank's <paramref name="share"/> of a global batch (null: the whole batch).</summary>
    internal TaggerOutput Forward(IReadOnlyList<int[]> sequences, BatchShare? share)
    {
        var (layout, packed, _) = Encoder.Run(sequences, share);
        var logits = Output.Forward(Encoder.Dropout.Forward(packed.Data, share?.PackedRows));   // (N, D·H) → (N, numTags)
        packed.Data.Recycle();   // inference: the next batch's layers take its buffer
        return new TaggerOutput(logits, layout);
    }
}
