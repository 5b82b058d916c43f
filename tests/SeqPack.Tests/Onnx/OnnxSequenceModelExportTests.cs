using SeqPack.Models;
using SeqPack.Tests.Data;

namespace SeqPack.Tests.Onnx;

/// <summary>
/// Whole classifier and tagger networks as one ONNX graph (ids, lengths → probabilities), run in ONNX Runtime
/// on a batch with unsorted lengths (1 and the maximum among them) against SeqPack's softmax of the logits.
/// </summary>
public sealed class OnnxSequenceModelExportTests
{
    private const double Tolerance = 1e-5;
    private static readonly int[] Lengths = [4, 9, 1, 9, 6, 2];

    [Theory]
    [InlineData(RecurrentCell.Lstm, true, 1, 1)]
    [InlineData(RecurrentCell.Lstm, false, 2, 3)]
    [InlineData(RecurrentCell.Gru, true, 2, 2)]
    [InlineData(RecurrentCell.Gru, false, 1, 1)]
    public void Classifier_UnsortedBatch_MatchesSoftmaxOfLogits(RecurrentCell cell, bool bidirectional, int layers, int idsPerStep)
    {
        var model = new SequenceClassifier(vocabSize: 30, numClasses: 4, embeddingDim: 8, hiddenSize: 7, numLayers: layers,
            bidirectional: bidirectional, cell: cell, idsPerStep: idsPerStep, seed: 9);
        model.Eval();
        var sequences = RandomSequences(Lengths, idsPerStep, vocab: 30, seed: 1);
        var expected = model.Forward(sequences).Softmax(-1).ToArray();                      // (B, 4)

        var actual = RunExported(model, sequences, idsPerStep);
        Assert.Equal([Lengths.Length, 4L], actual.Shape);
        Assert.InRange(OrtRunner.MaxAbsDiff(expected, actual.Values), 0, Tolerance);
    }

    [Theory]
    [InlineData(ClassifierPooling.Max, RecurrentCell.Lstm, true, 1)]
    [InlineData(ClassifierPooling.FinalStateAndMax, RecurrentCell.Lstm, true, 2)]
    [InlineData(ClassifierPooling.FinalStateAndMax, RecurrentCell.Gru, false, 1)]
    [InlineData(ClassifierPooling.MeanAndMax, RecurrentCell.Lstm, true, 1)]
    [InlineData(ClassifierPooling.MeanAndMax, RecurrentCell.Gru, true, 2)]
    public void PooledClassifier_UnsortedBatch_MatchesSoftmaxOfLogits(ClassifierPooling pooling, RecurrentCell cell, bool bidirectional, int layers)
    {
        var model = new SequenceClassifier(vocabSize: 30, numClasses: 4, embeddingDim: 8, hiddenSize: 7, numLayers: layers,
            bidirectional: bidirectional, cell: cell, seed: 5, pooling: pooling);
        model.Eval();
        var sequences = RandomSequences(Lengths, 1, vocab: 30, seed: 3);
        var expected = model.Forward(sequences).Softmax(-1).ToArray();                      // (B, 4)

        var actual = RunExported(model, sequences, 1);
        Assert.Equal([Lengths.Length, 4L], actual.Shape);
        Assert.InRange(OrtRunner.MaxAbsDiff(expected, actual.Values), 0, Tolerance);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm, true, 1, 3)]
    [InlineData(RecurrentCell.Lstm, false, 2, 1)]
    [InlineData(RecurrentCell.Gru, true, 2, 3)]
    public void Tagger_UnsortedBatch_MatchesSoftmaxPerTokenAndZeroPastEnds(RecurrentCell cell, bool bidirectional, int layers, int idsPerStep)
    {
        var model = new SequenceTagger(vocabSize: 40, numTags: 5, embeddingDim: 6, hiddenSize: 5, numLayers: layers,
            bidirectional: bidirectional, cell: cell, idsPerStep: idsPerStep, seed: 4);
        model.Eval();
        var sequences = RandomSequences(Lengths, idsPerStep, vocab: 40, seed: 2);
        int time = Lengths.Max(), tags = 5;
        var expected = new float[Lengths.Length * time * tags];                              // (B, T, tags), 0 past each end
        for (int b = 0; b < Lengths.Length; b++)
        {
            // One sequence alone: its packed rows are its positions in order.
            var p = model.Forward([sequences[b]]).Logits.Softmax(-1).ToArray();               // (len, tags)
            p.CopyTo(expected, b * time * tags);
        }

        var actual = RunExported(model, sequences, idsPerStep);
        Assert.Equal([Lengths.Length, time, tags], actual.Shape);
        Assert.InRange(OrtRunner.MaxAbsDiff(expected, actual.Values), 0, Tolerance);
    }

    /// <summary>Random ids in [1, vocab), idsPerStep per step.</summary>
    internal static int[][] RandomSequences(int[] lengths, int idsPerStep, int vocab, ulong seed)
    {
        var rng = new Random((int)seed);
        return [.. lengths.Select(l => Enumerable.Range(0, l * idsPerStep).Select(_ => rng.Next(1, vocab)).ToArray())];
    }

    /// <summary>ids (B, T, K) with 0 after each end, and lengths, as the exported interface takes them.</summary>
    internal static OrtInput[] Inputs(IReadOnlyList<int[]> sequences, int idsPerStep)
    {
        int batch = sequences.Count, time = sequences.Max(s => s.Length) / idsPerStep;
        var ids = new long[batch * time * idsPerStep];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < sequences[b].Length; i++) ids[b * time * idsPerStep + i] = sequences[b][i];
        return
        [
            OrtInput.Int64s("ids", ids, batch, time, idsPerStep),
            OrtInput.Int64s("lengths", [.. sequences.Select(s => (long)(s.Length / idsPerStep))], batch),
        ];
    }

    private static (float[] Values, long[] Shape) RunExported(SequenceModel model, IReadOnlyList<int[]> sequences, int idsPerStep)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "model.onnx");
        model.ToOnnxGraph().Save(path);
        return OrtRunner.Run(path, Inputs(sequences, idsPerStep))["probabilities"];
    }
}
