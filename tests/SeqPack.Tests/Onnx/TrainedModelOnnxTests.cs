using SeqPack.Data;
using SeqPack.Models;
using SeqPack.Tests.Cli;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Onnx;

/// <summary>
/// Trained runs exported by <c>seqpack export</c> and run in ONNX Runtime: a classifier trained for two epochs on a
/// new label&lt;TAB&gt;text file and a tagger on a slice of data/ud-ewt-pos; on one batch of unsorted lengths
/// (1 and the maximum among them) the probabilities equal <see cref="TrainedModel.Probabilities(string)"/> to 1e-4.
/// </summary>
public sealed class TrainedModelOnnxTests
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void Classifier_ExportedByCli_MatchesProbabilitiesOnUnsortedBatch()
    {
        using var dir = new TempDir();
        var rng = new Rng(17);
        string[] moods = ["calm", "angry", "happy"];
        string[][] words = [["quiet", "slow", "rest", "tea"], ["loud", "hate", "stop", "no"], ["sun", "fun", "yes", "love"]];
        var lines = new List<string>();
        for (int i = 0; i < 90; i++)
        {
            int k = i % 3;
            var text = string.Join(" ", Enumerable.Range(0, 1 + rng.NextInt(8)).Select(_ => words[k][rng.NextInt(4)]));
            lines.Add($"{moods[k]}\t{text}");
        }
        var data = DataReader.Read(dir.Write("moods.tsv", string.Join("\n", lines) + "\n"));
        var run = Path.Combine(dir.Path, "run");
        var options = new TrainingOptions { EmbeddingDim = 8, HiddenSize = 12, Layers = 2, BatchSize = 16, Epochs = 2, Seed = 5 };
        Trainer.Create(RunData.Create(options, data), run).Run();

        var model = TrainedModel.Load(run);
        string[] texts = ["sun fun yes love sun", "no", "quiet tea and a long slow rest at home today", "loud stop", "x"];
        var onnx = Export(run, dir);
        CheckAgainstOrt(model, onnx, texts);
        var metadata = OrtRunner.Metadata(onnx);
        Assert.Equal("classifier", metadata["seqpack.task"]);
        Assert.Equal(model.Labels, System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["seqpack.labels"]));
        Assert.Equal(model.Vocabulary.Tokens, System.Text.Json.JsonSerializer.Deserialize<string[]>(metadata["seqpack.vocabulary"]));
    }

    [Fact]
    public void Tagger_OnUdEwtSlice_ExportedByCli_MatchesProbabilitiesOnUnsortedBatch()
    {
        using var dir = new TempDir();
        var slice = File.ReadLines(Path.Combine(DataReaderTests.RepoRoot(), "data/ud-ewt-pos/train.tsv")).Take(200);
        var data = DataReader.Read(dir.Write("pos.tsv", string.Join("\n", slice) + "\n"));
        var run = Path.Combine(dir.Path, "run");
        var options = new TrainingOptions { EmbeddingDim = 12, HiddenSize = 10, BatchSize = 32, Epochs = 2, Seed = 2 };
        Trainer.Create(RunData.Create(options, data), run).Run();

        var model = TrainedModel.Load(run);
        Assert.True(model.IsTagger);
        string[] texts = ["The food was great .", "Hi", "I would not go back there again , even if they paid me to eat .", "Call me"];
        var onnx = Export(run, dir);
        CheckAgainstOrt(model, onnx, texts);
        Assert.Equal("tagger", OrtRunner.Metadata(onnx)["seqpack.task"]);
    }

    [Fact]
    public void Export_MissingRunFolder_FailsWithoutWritingAFile()
    {
        using var dir = new TempDir();
        var onnx = Path.Combine(dir.Path, "model.onnx");
        var (code, output) = CliRunner.Run(["export", "--model", Path.Combine(dir.Path, "none"), "--onnx", onnx]);
        Assert.NotEqual(0, code);
        Assert.Contains("does not exist", output);
        Assert.False(File.Exists(onnx));
    }

    private static string Export(string run, TempDir dir)
    {
        var onnx = Path.Combine(dir.Path, "model.onnx");
        var (code, output) = CliRunner.Run(["export", "--model", run, "--onnx", onnx]);
        Assert.True(code == 0, output);
        Assert.Contains("wrote", output);
        return onnx;
    }

    /// <summary>All texts as one batch (their lengths unsorted), compared row by row with TrainedModel.Probabilities.</summary>
    private static void CheckAgainstOrt(TrainedModel model, string onnx, string[] texts)
    {
        var sequences = texts.Select(model.Encode).ToArray();
        int k = model.IdsPerStep, labels = model.Labels.Count;
        var lengths = sequences.Select(s => s.Length / k).ToArray();
        Assert.Contains(1, lengths);
        Assert.NotEqual(lengths.Max(), lengths[0]);
        var p = OrtRunner.Run(onnx, OnnxSequenceModelExportTests.Inputs(sequences, k))["probabilities"];
        int time = lengths.Max();
        for (int b = 0; b < texts.Length; b++)
        {
            var expected = model.Probabilities(texts[b]);
            if (!model.IsTagger)
            {
                Assert.InRange(OrtRunner.MaxAbsDiff(expected, p.Values.AsSpan(b * labels, labels).ToArray()), 0, Tolerance);
                continue;
            }
            var row = p.Values.AsSpan(b * time * labels, time * labels);
            Assert.InRange(OrtRunner.MaxAbsDiff(expected, row[..(lengths[b] * labels)].ToArray()), 0, Tolerance);
            Assert.All(row[(lengths[b] * labels)..].ToArray(), v => Assert.Equal(0f, v));
        }
    }
}
