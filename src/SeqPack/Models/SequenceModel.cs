using SeqPack.Nn;
using SeqPack.Onnx;

namespace SeqPack.Models;

/// <summary>
/// What <see cref="SequenceClassifier"/> and <see cref="SequenceTagger"/> share: an embedding of id sequences
/// (id 0 is padding), a recurrent encoder over the packed batch, dropout, and a Linear output layer, registered
/// under PyTorch's names (<c>embedding</c>, <c>rnn</c>, <c>dropout</c>, <c>output</c>) in that order.
/// </summary>
public abstract class SequenceModel : Module
{
    private readonly Rng[] generators;

    private protected SequenceModel(int vocabSize, int outputs, int embeddingDim, int hiddenSize, int numLayers,
        bool bidirectional, RecurrentCell cell, float dropout, int idsPerStep, ulong seed, int outputReads = 1)
    {
        if (idsPerStep < 1) throw new ArgumentOutOfRangeException(nameof(idsPerStep), idsPerStep, $"{GetType().Name}: idsPerStep must be at least 1.");
        var init = new Rng(seed);
        var rnnRng = new Rng(seed ^ 0x5EB9AC4B1F3D2E77UL);
        var dropRng = new Rng(seed ^ 0x9E3779B97F4A7C15UL);
        var embedding = RegisterModule("embedding", new Embedding(vocabSize, embeddingDim, paddingIdx: 0, rng: init));
        var rnn = RegisterModule("rnn", SequenceEncoder.CreateRnn(cell, embeddingDim, hiddenSize, numLayers, bidirectional, dropout, rnnRng));
        var drop = RegisterModule("dropout", new Dropout(dropout, dropRng));
        Output = RegisterModule("output", new Linear(outputReads * hiddenSize * (bidirectional ? 2 : 1), outputs, rng: init));
        Encoder = new SequenceEncoder(embedding, rnn, drop, idsPerStep);
        generators = [dropRng, rnnRng];
    }

    private protected SequenceEncoder Encoder { get; }

    private protected Linear Output { get; }

    /// <summary>
    /// The evaluation-mode network as one ONNX graph: inputs <c>ids</c> int64 (batch, time, idsPerStep), 0 after
    /// each end, and <c>lengths</c> int64 (batch), unsorted, each ≥ 1; output <c>probabilities</c> (batch, labels),
    /// or (batch, time, labels) for a <see cref="SequenceTagger"/>, 0 past each end. Add metadata and
    /// <see cref="OnnxGraphBuilder.Save"/> it.
    /// </summary>
    /// <exception cref="NotSupportedException">The recurrent layer has an option ONNX cannot express.</exception>
    public OnnxGraphBuilder ToOnnxGraph() =>
        OnnxSequenceModelExport.Build(Encoder.Embedding, Encoder.Rnn, Output, Encoder.IdsPerStep, this is SequenceTagger,
            (this as SequenceClassifier)?.Pooling ?? ClassifierPooling.FinalState);

    /// <summary>The random generators of the dropout masks, in a fixed order (save their states to resume exactly).</summary>
    public IReadOnlyList<Rng> Generators => generators;

    /// <summary>Checks a count argument of a derived constructor before the base builds anything.</summary>
    private protected static int AtLeastOne(int value, string paramName, string model) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(paramName, value, $"{model}: {paramName} must be at least 1.");
}
