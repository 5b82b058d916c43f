using System.Text.Json;
using SeqPack.Models;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Models;

public class ModelTests
{
    public static TheoryData<string> Cases() => ["classifier_bilstm", "classifier_gru_2layers", "tagger_bilstm_features"];

    private static JsonElement Case(string name) =>
        FixtureFile.Load("model_fixtures.json").GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_MatchesPyTorchModuleWithTheSameStateDict(string name)
    {
        var c = Case(name);
        var cell = c.GetProperty("cell").GetString() == "lstm" ? RecurrentCell.Lstm : RecurrentCell.Gru;
        int vocab = c.GetProperty("vocab").GetInt32(), classes = c.GetProperty("classes").GetInt32();
        int emb = c.GetProperty("embeddingDim").GetInt32(), hidden = c.GetProperty("hiddenSize").GetInt32();
        int layers = c.GetProperty("layers").GetInt32(), k = c.GetProperty("idsPerStep").GetInt32();
        bool bi = c.GetProperty("bidirectional").GetBoolean();
        var state = c.GetProperty("state").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Tensor());
        var sequences = c.GetProperty("sequences").EnumerateArray().Select(s => s.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToList();
        var expected = c.GetProperty("logits").Tensor();

        Tensor logits;
        if (c.GetProperty("tagger").GetBoolean())
        {
            var model = new SequenceTagger(vocab, classes, emb, hidden, layers, bi, cell, dropout: 0.5f, idsPerStep: k);
            Assert.Equal(state.Keys, model.StateDict().Keys);          // PyTorch's keys, in PyTorch's order
            model.LoadStateDict(state);
            model.Eval();
            logits = model.Forward(sequences).Logits;
        }
        else
        {
            var model = new SequenceClassifier(vocab, classes, emb, hidden, layers, bi, cell, dropout: 0.5f, idsPerStep: k);
            Assert.Equal(state.Keys, model.StateDict().Keys);
            model.LoadStateDict(state);
            model.Eval();
            logits = model.Forward(sequences);
        }
        Assert.Equal(expected.Shape, logits.Shape);
        TensorAssert.Close(expected.ToArray(), logits, atol: 1e-5, rtol: 1e-4);
    }

    [Fact]
    public void PackedBatch_OrderMatchesPackSequenceUnsorted()
    {
        int[][] seqs = [[10, 11, 12], [20], [30, 31, 32, 33], [40, 41, 42]];
        var layout = PackedBatch.Of(seqs.Select(s => s.Length).ToArray());
        var packed = Packing.PackSequence(seqs.Select(s => Tensor.FromArray(s.Select(v => (float)v).ToArray(), s.Length)).ToList(), enforceSorted: false);
        Assert.Equal(packed.BatchSizes, layout.BatchSizes);
        Assert.Equal(packed.Data.ToArray(), layout.Pack<int>(seqs).Select(v => (float)v).ToArray());
        Assert.Equal(seqs, layout.Unpack(layout.Pack<int>(seqs)));
        Assert.Equal([2, 0, 3, 1], layout.SortedIndices);
        // Read-only views: a caller cannot reach the arrays the layout shares with the recurrent layers.
        Assert.Null(layout.BatchSizes as int[]);
        Assert.Null(layout.SortedIndices as int[]);
    }

    [Fact]
    public void Classifier_BatchEqualsEachSequenceAlone_AndEveryParameterGetsAGradient()
    {
        var model = new SequenceClassifier(20, 3, embeddingDim: 6, hiddenSize: 5, seed: 3);
        model.Eval();
        int[][] batch = [[1, 2, 3], [4], [5, 6, 7, 8, 9], [2, 2]];
        var together = model.Forward(batch).ToArray();
        for (int i = 0; i < batch.Length; i++)
            TensorAssert.Close(together[(i * 3)..(i * 3 + 3)], model.Forward([batch[i]]), atol: 1e-6, rtol: 1e-5);

        model.Train();
        var loss = SeqPack.Nn.Losses.CrossEntropy(model.Forward(batch), [0, 1, 2, 1]);
        loss.Backward();
        foreach (var (name, p) in model.NamedParameters())
        {
            Assert.True(p.Grad is not null, name);
            if (name != "embedding.weight") Assert.True(p.Grad!.ToArray().Any(g => g != 0), name);
        }
    }

    [Fact]
    public void Tagger_RowsMapBackToTheirTokens()
    {
        var model = new SequenceTagger(20, 4, embeddingDim: 6, hiddenSize: 5, seed: 4);
        model.Eval();
        int[][] batch = [[1, 2], [3, 4, 5], [6]];
        var output = model.Forward(batch);
        Assert.Equal([6, 4], output.Logits.Shape);
        var rows = output.Layout.Unpack(Enumerable.Range(0, 6).ToArray());
        var alone = model.Forward([batch[1]]).Logits.ToArray();
        var all = output.Logits.ToArray();
        for (int t = 0; t < 3; t++)
            Assert.Equal(alone[(t * 4)..(t * 4 + 4)], all[(rows[1][t] * 4)..(rows[1][t] * 4 + 4)], (a, b) => Math.Abs(a - b) < 1e-5f);
    }
}
