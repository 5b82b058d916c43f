using SeqPack.Nn;

namespace SeqPack.Models;

/// <summary>
/// Sequence classifier: Embedding → dropout → [bidirectional] LSTM or GRU over the packed batch → the last
/// layer's outputs pooled per sequence (<see cref="ClassifierPooling"/>; by default the final hidden state, forward
/// and backward directions concatenated) → dropout → Linear → logits.
/// </summary>
/// <remarks>
/// State-dictionary keys follow PyTorch: <c>embedding.weight</c>, <c>rnn.weight_ih_l0</c> …
/// <c>rnn.bias_hh_l0_reverse</c>, <c>output.weight</c>, <c>output.bias</c>; the same module written in PyTorch
/// (nn.Embedding(padding_idx=0), nn.LSTM/nn.GRU, nn.Linear under these attribute names) loads the weights. With a
/// pooling other than <see cref="ClassifierPooling.FinalState"/> that module pools the padded output over each
/// sequence's length the same way (tests/SeqPack.Tests/Fixtures/make_pooling_fixtures.py writes it out).
/// </remarks>
public sealed class SequenceClassifier : SequenceModel
{
    /// <summary>
    /// Creates the classifier with PyTorch's default initialisation, drawn from generators derived from
    /// <paramref name="seed"/>, so equal arguments give equal weights.
    /// </summary>
    /// <param name="vocabSize">Embedding rows; id 0 is padding.</param>
    /// <param name="numClasses">Output logits per sequence.</param>
    /// <param name="embeddingDim">Features per id embedding (at least 1); the recurrent layer's input size.</param>
    /// <param name="hiddenSize">Hidden features per direction of the recurrent layer (at least 1).</param>
    /// <param name="numLayers">Stacked recurrent layers (at least 1).</param>
    /// <param name="bidirectional">Run a backward direction too; the output layer then reads 2·<paramref name="hiddenSize"/> features (the final states of both directions, concatenated).</param>
    /// <param name="cell">The recurrent cell: <see cref="RecurrentCell.Lstm"/> or <see cref="RecurrentCell.Gru"/>.</param>
    /// <param name="dropout">Probability in [0, 1] of zeroing an element after the embedding, before the output layer and between stacked recurrent layers.</param>
    /// <param name="idsPerStep">Ids per time step whose embeddings are summed (1 for plain tokens).</param>
    /// <param name="seed">Fixes the initial weights and the dropout masks.</param>
    /// <param name="pooling">What the output layer reads of the last layer's outputs; with
    /// <see cref="ClassifierPooling.FinalStateAndMax"/> or <see cref="ClassifierPooling.MeanAndMax"/> it reads twice as many features.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is below its minimum (<paramref name="vocabSize"/>,
    /// <paramref name="numClasses"/> and <paramref name="idsPerStep"/> at least 1), <paramref name="dropout"/> is outside [0, 1],
    /// or <paramref name="pooling"/> is not a defined value.</exception>
    public SequenceClassifier(int vocabSize, int numClasses, int embeddingDim = 64, int hiddenSize = 128, int numLayers = 1,
        bool bidirectional = true, RecurrentCell cell = RecurrentCell.Lstm, float dropout = 0.1f, int idsPerStep = 1, ulong seed = 0,
        ClassifierPooling pooling = ClassifierPooling.FinalState)
        : base(vocabSize, AtLeastOne(numClasses, nameof(numClasses), nameof(SequenceClassifier)), embeddingDim, hiddenSize, numLayers, bidirectional, cell,
            dropout, idsPerStep, seed, Reads(pooling))
    {
        NumClasses = numClasses;
        Pooling = pooling;
    }

    /// <summary>What the output layer reads of the last layer's outputs.</summary>
    public ClassifierPooling Pooling { get; }

    /// <summary>The number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>Logits (B, numClasses) for a batch of id sequences (each idsPerStep × its length), in input order.</summary>
    public Tensor Forward(IReadOnlyList<int[]> sequences) => Forward(sequences, null);

    /// <summary>As <see cref="Forward(IReadOnlyList{int[]})"/> for a rank's <paramref name="share"/> of a global batch (null: the whole batch).</summary>
    internal Tensor Forward(IReadOnlyList<int[]> sequences, BatchShare? share)
    {
        var (layout, output, h) = Encoder.Run(sequences, share);               // output: (TotalRows, D·H); h: (L·D, B, H)
        var features = Pooling switch
        {
            ClassifierPooling.FinalState => FinalState(h),
            ClassifierPooling.Max => SequencePooling.Max(output.Data, layout),
            ClassifierPooling.FinalStateAndMax => Tensor.Cat([FinalState(h), SequencePooling.Max(output.Data, layout)], 1),
            _ => Tensor.Cat([SequencePooling.Mean(output.Data, layout), SequencePooling.Max(output.Data, layout)], 1),
        };                                                                      // (B, D·H) or (B, 2·D·H)
        output.Data.Recycle();   // inference: read by the pooling only; the next batch's layers take its buffer
        return Output.Forward(Encoder.Dropout.Forward(features, share?.Sequences));
    }

    /// <summary>The last layer's final states, both directions concatenated: (B, D·H).</summary>
    private Tensor FinalState(Tensor h)
    {
        int rows = Encoder.StateRows;
        return Encoder.Rnn.Bidirectional
            ? Tensor.Cat([h.Select(0, rows - 2), h.Select(0, rows - 1)], 1)
            : h.Select(0, rows - 1);
    }

    /// <summary>How many times D·H features <paramref name="pooling"/> gives the output layer.</summary>
    private static int Reads(ClassifierPooling pooling) => pooling switch
    {
        ClassifierPooling.FinalState or ClassifierPooling.Max => 1,
        ClassifierPooling.FinalStateAndMax or ClassifierPooling.MeanAndMax => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, $"{nameof(SequenceClassifier)}: pooling must be one of {string.Join(", ", Enum.GetNames<ClassifierPooling>())}."),
    };
}
