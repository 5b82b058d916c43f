using SeqPack.Nn;

namespace SeqPack.Models;

/// <summary>
/// Embedding → dropout → [bidirectional] LSTM or GRU over a packed batch: the part the classifier and
/// the tagger share. Each step of a sequence may carry several ids (a word and its features); their
/// embeddings are summed into one input vector.
/// </summary>
internal sealed class SequenceEncoder
{
    public SequenceEncoder(Embedding embedding, RnnBase rnn, Dropout dropout, int idsPerStep)
    {
        Embedding = embedding;
        Rnn = rnn;
        Dropout = dropout;
        IdsPerStep = idsPerStep;
    }

    public Embedding Embedding { get; }
    public RnnBase Rnn { get; }
    public Dropout Dropout { get; }
    public int IdsPerStep { get; }

    /// <summary>Number of layers times directions of the recurrent layer.</summary>
    public int StateRows => Rnn.NumLayers * (Rnn.Bidirectional ? 2 : 1);

    /// <summary>
    /// The layout, the packed output (TotalRows, D·H) and the final hidden states (L·D, B, H) in input order. With
    /// <paramref name="share"/>, <paramref name="sequences"/> are a rank's share of a global batch and every dropout
    /// gives their rows the masks of the whole batch's pass.
    /// </summary>
    public (PackedBatch Layout, PackedSequence Output, Tensor H) Run(IReadOnlyList<int[]> sequences, BatchShare? share = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var lengths = new int[sequences.Count];
        for (int i = 0; i < lengths.Length; i++)
        {
            if (sequences[i].Length % IdsPerStep != 0 || sequences[i].Length == 0)
                throw new ArgumentException($"Sequence {i} has {sequences[i].Length} ids; it needs a positive multiple of {IdsPerStep} (ids per step).", nameof(sequences));
            lengths[i] = sequences[i].Length / IdsPerStep;
        }
        var layout = PackedBatch.Of(lengths);
        if (share is not null && (share.Sequences.Count != layout.Count || share.PackedRows.Count != layout.TotalRows))
            throw new ArgumentException($"The batch share holds {share.Sequences.Count} sequences of {share.PackedRows.Count} steps; the batch has {layout.Count} of {layout.TotalRows}.", nameof(share));
        var ids = layout.Pack<int>(sequences, IdsPerStep);                 // (N·K) ids in packed row order
        var x = Embedding.Forward(ids);                                    // (N·K, E)
        if (IdsPerStep > 1) x = x.Reshape(layout.TotalRows, IdsPerStep, Embedding.EmbeddingDim).Sum(1);   // (N, E)
        x = Dropout.Forward(x, share?.PackedRows);
        var packed = PackedSequence.FromTrusted(x, layout.Layout, layout.SortedIndices.ToArray(), share?.PackedRows);
        var (output, h) = Rnn switch
        {
            Lstm lstm => Unwrap(lstm.Forward(packed)),
            Gru gru => gru.Forward(packed),
            _ => throw new InvalidOperationException($"Unsupported recurrent layer {Rnn.GetType().Name}."),
        };
        x.Recycle();   // inference: the next batch's embeddings take its buffer
        return (layout, output, h);
    }

    private static (PackedSequence, Tensor) Unwrap((PackedSequence Output, LstmState State) r) => (r.Output, r.State.H);

    /// <summary>Builds the recurrent layer of the given kind.</summary>
    public static RnnBase CreateRnn(RecurrentCell cell, int inputSize, int hiddenSize, int numLayers, bool bidirectional, float dropout, Rng rng) =>
        cell == RecurrentCell.Lstm
            ? new Lstm(inputSize, hiddenSize, numLayers, dropout: numLayers > 1 ? dropout : 0f, bidirectional: bidirectional, rng: rng)
            : new Gru(inputSize, hiddenSize, numLayers, dropout: numLayers > 1 ? dropout : 0f, bidirectional: bidirectional, rng: rng);
}
