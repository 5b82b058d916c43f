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
public sealed class SequenceTagger : Module
{
    private readonly SequenceEncoder encoder;
    private readonly Linear output;
    private readonly Rng[] generators;

    /// <param name="vocabSize">Embedding rows (words and any feature ids share one table); id 0 is padding.</param>
    /// <param name="numTags">Tag logits per token.</param>
    /// <param name="idsPerStep">Ids per token whose embeddings are summed (a word and, say, its suffix and shape).</param>
    /// <param name="seed">Fixes the initial weights and the dropout masks.</param>
    public SequenceTagger(int vocabSize, int numTags, int embeddingDim = 100, int hiddenSize = 128, int numLayers = 1,
        bool bidirectional = true, RecurrentCell cell = RecurrentCell.Lstm, float dropout = 0.25f, int idsPerStep = 1, ulong seed = 0)
    {
        if (numTags < 1) throw new ArgumentOutOfRangeException(nameof(numTags), numTags, "SequenceTagger: numTags must be at least 1.");
        if (idsPerStep < 1) throw new ArgumentOutOfRangeException(nameof(idsPerStep), idsPerStep, "SequenceTagger: idsPerStep must be at least 1.");
        var init = new Rng(seed);
        var rnnRng = new Rng(seed ^ 0x5EB9AC4B1F3D2E77UL);
        var dropRng = new Rng(seed ^ 0x9E3779B97F4A7C15UL);
        var embedding = RegisterModule("embedding", new Embedding(vocabSize, embeddingDim, paddingIdx: 0, rng: init));
        var rnn = RegisterModule("rnn", SequenceEncoder.CreateRnn(cell, embeddingDim, hiddenSize, numLayers, bidirectional, dropout, rnnRng));
        var drop = RegisterModule("dropout", new Dropout(dropout, dropRng));
        output = RegisterModule("output", new Linear(hiddenSize * (bidirectional ? 2 : 1), numTags, rng: init));
        encoder = new SequenceEncoder(embedding, rnn, drop, idsPerStep);
        generators = [dropRng, rnnRng];
        NumTags = numTags;
    }

    /// <summary>The number of tags.</summary>
    public int NumTags { get; }

    /// <summary>The random generators of the dropout masks, in a fixed order (save their states to resume exactly).</summary>
    public IReadOnlyList<Rng> Generators => generators;

    /// <summary>Logits (total tokens, numTags) in packed row order; <see cref="PackedBatch.Pack{T}"/> puts targets in the same order.</summary>
    public TaggerOutput Forward(IReadOnlyList<int[]> sequences)
    {
        var (layout, packed, _) = encoder.Run(sequences);
        var logits = output.Forward(encoder.Dropout.Forward(packed.Data));   // (N, D·H) → (N, numTags)
        return new TaggerOutput(logits, layout);
    }
}
