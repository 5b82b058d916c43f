using System.Text.Json;
using SeqPack.Models;
using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Models;

public class ClassifierPoolingTests
{
    public static TheoryData<string> Cases() => ["max_bilstm", "final_max_bilstm", "mean_max_bilstm", "mean_max_gru_2layers", "final_max_gru_bi"];

    private static readonly Dictionary<string, ClassifierPooling> Poolings = new()
    {
        ["final"] = ClassifierPooling.FinalState, ["max"] = ClassifierPooling.Max,
        ["final-max"] = ClassifierPooling.FinalStateAndMax, ["mean-max"] = ClassifierPooling.MeanAndMax,
    };

    private static JsonElement Case(string name) =>
        FixtureFile.Load("pooling_fixtures.json").GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndGradients_MatchPyTorchPoolingOverEachSequencesSteps(string name)
    {
        var c = Case(name);
        var cell = c.GetProperty("cell").GetString() == "lstm" ? RecurrentCell.Lstm : RecurrentCell.Gru;
        var model = new SequenceClassifier(c.GetProperty("vocab").GetInt32(), c.GetProperty("classes").GetInt32(),
            c.GetProperty("embeddingDim").GetInt32(), c.GetProperty("hiddenSize").GetInt32(), c.GetProperty("layers").GetInt32(),
            c.GetProperty("bidirectional").GetBoolean(), cell, dropout: 0.5f, pooling: Poolings[c.GetProperty("pooling").GetString()!]);
        var state = c.GetProperty("state").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Tensor());
        Assert.Equal(state.Keys, model.StateDict().Keys);
        model.LoadStateDict(state);
        model.Eval();
        var sequences = c.GetProperty("sequences").EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToList();
        var targets = c.GetProperty("targets").EnumerateArray().Select(v => v.GetInt32()).ToArray();

        var logits = model.Forward(sequences);
        var expected = c.GetProperty("logits").Tensor();
        Assert.Equal(expected.Shape, logits.Shape);
        TensorAssert.Close(expected.ToArray(), logits, atol: 1e-5, rtol: 1e-4);

        Losses.CrossEntropy(logits, targets).Backward();
        var grads = c.GetProperty("grads").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Tensor());
        foreach (var (key, p) in model.NamedParameters())
            TensorAssert.Close(grads[key].ToArray(), p.Grad!, atol: 1e-5, rtol: 1e-4);
    }

    [Fact]
    public void PooledClassifier_BatchEqualsEachSequenceAlone()
    {
        foreach (var pooling in new[] { ClassifierPooling.Max, ClassifierPooling.FinalStateAndMax, ClassifierPooling.MeanAndMax })
        {
            var model = new SequenceClassifier(20, 3, embeddingDim: 6, hiddenSize: 5, seed: 3, pooling: pooling);
            model.Eval();
            int[][] batch = [[1, 2, 3], [4], [5, 6, 7, 8, 9], [2, 2]];
            var together = model.Forward(batch).ToArray();
            for (int i = 0; i < batch.Length; i++)
                TensorAssert.Close(together[(i * 3)..(i * 3 + 3)], model.Forward([batch[i]]), atol: 1e-6, rtol: 1e-5);
        }
    }

    [Fact]
    public void Constructor_UndefinedPooling_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceClassifier(10, 2, pooling: (ClassifierPooling)7));
        Assert.Equal("pooling", e.ParamName);
    }

    /// <summary>Packed rows of lengths 3, 1, 4 (sorted: 4, 3, 1) with well-separated values, so no maximum changes under the step.</summary>
    private static (Tensor Packed, PackedBatch Layout) Batch()
    {
        var layout = PackedBatch.Of([3, 1, 4]);
        var values = Enumerable.Range(0, layout.TotalRows * 2).Select(i => (i * 7 % 16) * 0.1f - 0.8f).ToArray();
        return (Tensor.FromArray(values, layout.TotalRows, 2), layout);
    }

    [Fact]
    public void Max_GradientMatchesFiniteDifferences()
    {
        var (packed, layout) = Batch();
        GradCheck.Check(xs => SequencePooling.Max(xs[0], layout), [packed]);
    }

    [Fact]
    public void Mean_GradientMatchesFiniteDifferences()
    {
        var (packed, layout) = Batch();
        GradCheck.Check(xs => SequencePooling.Mean(xs[0], layout), [packed]);
    }

    [Fact]
    public void MaxAndMean_ReadOnlyEachSequencesOwnRows_InInputOrder()
    {
        var (packed, layout) = Batch();
        var rows = layout.Unpack(Enumerable.Range(0, layout.TotalRows).ToArray());
        var x = packed.ToArray();
        var max = SequencePooling.Max(packed, layout).ToArray();
        var mean = SequencePooling.Mean(packed, layout).ToArray();
        for (int i = 0; i < layout.Count; i++)
            for (int f = 0; f < 2; f++)
            {
                var own = rows[i].Select(r => x[r * 2 + f]).ToArray();
                Assert.Equal(own.Max(), max[i * 2 + f]);
                Assert.Equal(own.Average(), mean[i * 2 + f], 5);
            }
    }
}
