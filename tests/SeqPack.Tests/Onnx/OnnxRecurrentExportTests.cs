using SeqPack.Nn;
using SeqPack.Onnx;
using SeqPack.Tests.Data;

namespace SeqPack.Tests.Onnx;

/// <summary>
/// Every recurrent option exported with <see cref="OnnxModuleExport.SaveModule"/> and run in ONNX Runtime on a
/// padded batch with unsorted lengths, against SeqPack's own packed forward pass (PackPaddedSequence with
/// enforceSorted = false, then PadPackedSequence): output (zero past each end), h_n and c_n within 1e-5.
/// </summary>
public sealed class OnnxRecurrentExportTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, bool, int, bool, bool> AllOptions()
    {
        var data = new TheoryData<string, bool, int, bool, bool>();
        foreach (var cell in new[] { "rnn-tanh", "rnn-relu", "lstm", "gru" })
            foreach (bool bidirectional in new[] { false, true })
                foreach (int layers in new[] { 1, 2 })
                    foreach (bool bias in new[] { true, false })
                        foreach (bool batchFirst in new[] { false, true })
                            data.Add(cell, bidirectional, layers, bias, batchFirst);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllOptions))]
    public void Export_UnsortedLengths_MatchesPackedForward(string cell, bool bidirectional, int layers, bool bias, bool batchFirst)
    {
        var rnn = Create(cell, inputSize: 5, hiddenSize: 6, layers, bias, batchFirst, bidirectional, seed: 11);
        // Unsorted, with 1 and the maximum (7); the first sequence is not the longest.
        CheckAgainstOrt(rnn, [3, 7, 1, 7, 5], seed: 3);
    }

    [Theory]
    [InlineData("lstm", true)]
    [InlineData("gru", false)]
    [InlineData("rnn-relu", true)]
    public void Export_BatchOfOne_MatchesPackedForward(string cell, bool bidirectional)
    {
        var rnn = Create(cell, inputSize: 4, hiddenSize: 3, numLayers: 2, bias: true, batchFirst: false, bidirectional, seed: 5);
        CheckAgainstOrt(rnn, [6], seed: 8);
    }

    [Fact]
    public void Export_TrainingModeWithDropout_ExportsInferenceGraph()
    {
        // Dropout acts between layers in training only; the exported graph is the evaluation-mode network.
        var rnn = new Lstm(4, 5, numLayers: 2, dropout: 0.5f, bidirectional: true, rng: new Rng(2));
        CheckAgainstOrt(rnn, [2, 4, 1], seed: 4);
        Assert.True(rnn.Training);
    }

    [Fact]
    public void Export_LstmWithProjection_RefusedNamingProjSize()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "proj.onnx");
        var ex = Assert.Throws<NotSupportedException>(() => OnnxModuleExport.SaveModule(new Lstm(4, 6, projSize: 3), path));
        Assert.Contains("projSize", ex.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    internal static RnnBase Create(string cell, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst, bool bidirectional, ulong seed) => cell switch
    {
        "rnn-tanh" => new Rnn(inputSize, hiddenSize, numLayers, RnnNonlinearity.Tanh, bias, batchFirst, bidirectional: bidirectional, rng: new Rng(seed)),
        "rnn-relu" => new Rnn(inputSize, hiddenSize, numLayers, RnnNonlinearity.Relu, bias, batchFirst, bidirectional: bidirectional, rng: new Rng(seed)),
        "lstm" => new Lstm(inputSize, hiddenSize, numLayers, bias, batchFirst, bidirectional: bidirectional, rng: new Rng(seed)),
        "gru" => new Gru(inputSize, hiddenSize, numLayers, bias, batchFirst, bidirectional: bidirectional, rng: new Rng(seed)),
        _ => throw new ArgumentException($"unknown cell {cell}", nameof(cell)),
    };

    /// <summary>Runs both and compares output, h_n and (LSTM) c_n; the padded input holds noise past each end, which neither may read.</summary>
    private static void CheckAgainstOrt(RnnBase rnn, int[] lengths, ulong seed)
    {
        int batch = lengths.Length, time = lengths.Max(), inputSize = rnn.InputSize;
        var rng = new Rng(seed);
        var x = rnn.BatchFirst ? Tensor.Randn(rng, batch, time, inputSize) : Tensor.Randn(rng, time, batch, inputSize);

        rnn.Train(false);
        var packed = Packing.PackPaddedSequence(x, lengths, rnn.BatchFirst, enforceSorted: false);
        PackedSequence y;
        Tensor h;
        Tensor? c = null;
        switch (rnn)
        {
            case Lstm lstm: (y, var state) = lstm.Forward(packed); (h, c) = (state.H, state.C); break;
            case Gru gru: (y, h) = gru.Forward(packed); break;
            case Rnn plain: (y, h) = plain.Forward(packed); break;
            default: throw new ArgumentException(rnn.GetType().Name);
        }
        var (padded, _) = Packing.PadPackedSequence(y, rnn.BatchFirst, totalLength: time);
        rnn.Train(true);

        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "rnn.onnx");
        OnnxModuleExport.SaveModule(rnn, path);
        var outputs = OrtRunner.Run(path,
            OrtInput.Floats("input", x.ToArray(), [.. x.Shape.Select(d => (long)d)]),
            OrtInput.Int64s("lengths", [.. lengths.Select(l => (long)l)], batch));

        Assert.Equal(padded.Shape.Select(d => (long)d), outputs["output"].Shape);
        Assert.InRange(OrtRunner.MaxAbsDiff(padded.ToArray(), outputs["output"].Values), 0, Tolerance);
        Assert.Equal(h.Shape.Select(d => (long)d), outputs["h_n"].Shape);
        Assert.InRange(OrtRunner.MaxAbsDiff(h.ToArray(), outputs["h_n"].Values), 0, Tolerance);
        if (c is not null) Assert.InRange(OrtRunner.MaxAbsDiff(c.ToArray(), outputs["c_n"].Values), 0, Tolerance);
        else Assert.False(outputs.ContainsKey("c_n"));
    }
}
