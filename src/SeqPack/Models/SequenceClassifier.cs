using SeqPack.Nn;

namespace SeqPack.Models;

/// <summary>
/// Sequence classifier: Embedding → dropout → [bidirectional] LSTM or GRU over the packed batch → final
/// hidden state of the last layer (forward and backward directions concatenated) → dropout → Linear → logits.
/// </summary>
/// <remarks>
/// State-dictionary keys follow PyTorch: <c>embedding.weight</c>, <c>rnn.weight_ih_l0</c> …
/// <c>rnn.bias_hh_l0_reverse</c>, <c>output.weight</c>, <c>output.bias</c>; the same module written in PyTorch
/// (nn.Embedding(padding_idx=0), nn.LSTM/nn.GRU, nn.Linear under these attribute names) loads the weights.
/// </remarks>
public sealed class SequenceClassifier : Module
{
    private readonly SequenceEncoder encoder;
    private readonly Linear output;
    private readonly Rng[] generators;

    /// <param name="vocabSize">Embedding rows; id 0 is padding.</param>
    /// <param name="numClasses">Output logits per sequence.</param>
    /// <param name="idsPerStep">Ids per time step whose embeddings are summed (1 for plain tokens).</param>
    /// <param name="seed">Fixes the initial weights and the dropout masks.</param>
    public SequenceClassifier(int vocabSize, int numClasses, int embeddingDim = 64, int hiddenSize = 128, int numLayers = 1,
        bool bidirectional = true, RecurrentCell cell = RecurrentCell.Lstm, float dropout = 0.1f, int idsPerStep = 1, ulong seed = 0)
    {
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "SequenceClassifier: numClasses must be at least 1.");
        if (idsPerStep < 1) throw new ArgumentOutOfRangeException(nameof(idsPerStep), idsPerStep, "SequenceClassifier: idsPerStep must be at least 1.");
        var init = new Rng(seed);
        var rnnRng = new Rng(seed ^ 0x5EB9AC4B1F3D2E77UL);
        var dropRng = new Rng(seed ^ 0x9E3779B97F4A7C15UL);
        var embedding = RegisterModule("embedding", new Embedding(vocabSize, embeddingDim, paddingIdx: 0, rng: init));
        var rnn = RegisterModule("rnn", SequenceEncoder.CreateRnn(cell, embeddingDim, hiddenSize, numLayers, bidirectional, dropout, rnnRng));
        var drop = RegisterModule("dropout", new Dropout(dropout, dropRng));
        output = RegisterModule("output", new Linear(hiddenSize * (bidirectional ? 2 : 1), numClasses, rng: init));
        encoder = new SequenceEncoder(embedding, rnn, drop, idsPerStep);
        generators = [dropRng, rnnRng];
        NumClasses = numClasses;
    }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>The random generators of the dropout masks, in a fixed order (save their states to resume exactly).</summary>
    public IReadOnlyList<Rng> Generators => generators;

    /// <summary>Logits (B, numClasses) for a batch of id sequences (each idsPerStep × its length), in input order.</summary>
    public Tensor Forward(IReadOnlyList<int[]> sequences)
    {
        var (_, _, h) = encoder.Run(sequences);                                 // h: (L·D, B, H)
        int rows = encoder.StateRows;
        var last = encoder.Rnn.Bidirectional
            ? Tensor.Cat([h.Select(0, rows - 2), h.Select(0, rows - 1)], 1)   // (B, 2H): last layer, both directions
            : h.Select(0, rows - 1);                                           // (B, H)
        return output.Forward(encoder.Dropout.Forward(last));
    }
}
