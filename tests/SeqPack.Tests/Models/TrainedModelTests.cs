using System.Text.Json;
using SeqPack.Data;
using SeqPack.Models;
using SeqPack.Tests.Cli;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Models;

/// <summary>The training API and <see cref="TrainedModel"/> on tiny synthetic data, against the CLI's own output.</summary>
public class TrainedModelTests
{
    private static readonly TrainingOptions Tiny = new() { EmbeddingDim = 6, HiddenSize = 8, BatchSize = 8, Seed = 3, Epochs = 2 };

    /// <summary>40 texts; the "spam" ones contain '!' and digits.</summary>
    private static Dataset ClassifyData(TempDir dir)
    {
        var rng = new Rng(11);
        var lines = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            bool spam = i % 4 == 0;
            var word = new string(Enumerable.Range(0, 3 + rng.NextInt(10)).Select(_ => (char)('a' + rng.NextInt(6))).ToArray());
            lines.Add(spam ? $"spam\tWIN {rng.NextInt(900)}! {word}" : $"ham\t{word} ok");
        }
        return DataReader.Read(dir.Write("tiny.tsv", string.Join("\n", lines) + "\n"));
    }

    private static string TrainRun(TempDir dir, out TrainingResult result, List<StepReport>? steps = null, List<EpochMetrics>? epochs = null)
    {
        var run = Path.Combine(dir.Path, "run");
        var trainer = Trainer.Create(RunData.Create(Tiny, ClassifyData(dir)), run);
        if (steps is not null) trainer.StepProgress = new Collect<StepReport>(steps);
        if (epochs is not null) trainer.EpochProgress = new Collect<EpochMetrics>(epochs);
        result = trainer.Run();
        return run;
    }

    private sealed class Collect<T>(List<T> into) : IProgress<T>
    {
        public void Report(T value) => into.Add(value);
    }

    [Fact]
    public void Trainer_ReportsEveryStepAndEpoch_AndWritesALoadableRun()
    {
        using var dir = new TempDir();
        var steps = new List<StepReport>();
        var epochs = new List<EpochMetrics>();
        var run = TrainRun(dir, out var result, steps, epochs);

        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal([1, 2], epochs.Select(e => e.Epoch));
        Assert.Equal(epochs, result.State.History);
        int perEpoch = steps.Count / 2;                                       // 32 training examples in batches of 8
        Assert.Equal(4, perEpoch);
        Assert.Equal(Enumerable.Range(1, perEpoch).Concat(Enumerable.Range(1, perEpoch)), steps.Select(s => s.Step));
        Assert.Equal(2e-3f, steps[0].LearningRate);                          // cosine starts at the peak rate
        Assert.True(steps[^1].LearningRate < steps[0].LearningRate);
        Assert.NotNull(result.Test);
        Assert.Equal(4, result.Test!.Count);                                  // 10% of 40, stratified
        foreach (var f in new[] { "config.json", "model.safetensors", "metrics.jsonl", "checkpoint.safetensors" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);

        var model = TrainedModel.Load(run);
        Assert.Equal(["ham", "spam"], model.Labels);
        Assert.False(model.IsTagger);
        Assert.Equal(1, model.IdsPerStep);
        Assert.Equal(model.Vocabulary.Encode(model.Encoder.Tokens("WIN 12!")), model.Encode("WIN 12!"));
    }

    [Fact]
    public void Probabilities_EqualWhatPredictJsonPrints()
    {
        using var dir = new TempDir();
        var run = TrainRun(dir, out _);
        string[] texts = ["WIN 512! abc", "abcab ok", " "];
        var model = TrainedModel.Load(run);
        var (code, output) = CliRunner.Run(["predict", "--model", run, "--json", .. texts]);
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(texts.Length, lines.Length);
        var batch = model.Probabilities(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            var json = JsonDocument.Parse(lines[i]).RootElement;
            var single = model.Probabilities(texts[i]);
            Assert.Equal(2, single.Length);
            Assert.Equal(1f, single.Sum(), 5);
            for (int c = 0; c < 2; c++)
            {
                Assert.Equal(Math.Round(single[c], 4), json.GetProperty("probabilities").GetProperty(model.Labels[c]).GetDouble(), 6);
                Assert.Equal(single[c], batch[i][c], 5);                        // batching does not change the result
            }
            Assert.Equal(json.GetProperty("label").GetString(), model.Predict(texts[i]));
        }
        Assert.Equal(texts.Select(model.Predict), model.Predict(texts));
    }

    [Fact]
    public void Trainer_Cancelled_SavesACheckpoint_AndResumesToTheSameWeights()
    {
        using var dir = new TempDir();
        var whole = TrainRun(dir, out _);

        using var dir2 = new TempDir();
        var run = Path.Combine(dir2.Path, "run");
        var data = ClassifyData(dir2);
        var first = Trainer.Create(RunData.Create(Tiny, data), run);
        first.StopAfterSteps = 6;                                             // into the second epoch
        var stopped = first.Run();
        Assert.Equal(TrainingOutcome.Interrupted, stopped.Outcome);
        Assert.Equal((1, 2), (stopped.Epoch, stopped.Step));
        using (var cancel = new CancellationTokenSource())
        {
            cancel.Cancel();
            var again = Trainer.Resume(RunData.Resume(RunConfig.Load(run), data), run).Run(cancel.Token);
            Assert.Equal(TrainingOutcome.Interrupted, again.Outcome);
            Assert.Equal((1, 2), (again.Epoch, again.Step));                  // cancelled before its first step
        }
        var done = Trainer.Resume(RunData.Resume(RunConfig.Load(run), data), run).Run();
        Assert.Equal(TrainingOutcome.Completed, done.Outcome);
        var a = TrainedModel.Load(whole).Network.StateDict();
        var b = TrainedModel.Load(run).Network.StateDict();
        foreach (var (name, t) in a) Assert.Equal(t.ToArray(), b[name].ToArray());
    }

    [Fact]
    public void Load_ForeignOrDamagedFolder_ThrowsOneLineIoErrors()
    {
        using var dir = new TempDir();
        var missing = Assert.Throws<DirectoryNotFoundException>(() => TrainedModel.Load(Path.Combine(dir.Path, "none")));
        Assert.Contains("does not exist", missing.Message);
        Assert.Contains("has no config.json", Assert.Throws<FileNotFoundException>(() => TrainedModel.Load(dir.Path)).Message);
        dir.Write("config.json", "{\"format\":\"other\"}");
        Assert.Contains("is not a SeqPack run configuration", Assert.Throws<InvalidDataException>(() => TrainedModel.Load(dir.Path)).Message);
        dir.Write("config.json", "{ not json");
        Assert.Contains("cannot be read", Assert.Throws<InvalidDataException>(() => TrainedModel.Load(dir.Path)).Message);
        dir.Write("config.json", "{\"format\":\"seqpack-run\",\"version\":2}");
        Assert.Contains("format version 2, newer than the version 1", Assert.Throws<InvalidDataException>(() => TrainedModel.Load(dir.Path)).Message);
        Assert.Throws<ArgumentException>(() => TrainedModel.Load(""));

        var run = TrainRun(dir, out _);
        File.WriteAllText(Path.Combine(run, "model.safetensors"), "garbage");
        var damaged = Assert.Throws<InvalidDataException>(() => TrainedModel.Load(run));
        Assert.Contains("model.safetensors", damaged.Message);
        Assert.DoesNotContain('\n', damaged.Message);
    }

    [Fact]
    public void Load_ConfigWithoutVersionField_ReadsAsVersion1()
    {
        using var dir = new TempDir();
        var run = TrainRun(dir, out _);
        var path = Path.Combine(run, "config.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(1, (int)node["version"]!);
        var expected = TrainedModel.Load(run).Probabilities("WIN 3!");
        node.Remove("version");
        File.WriteAllText(path, node.ToJsonString());
        var legacy = TrainedModel.Load(run);
        Assert.Equal(1, legacy.Config.Version);
        Assert.Equal(expected, legacy.Probabilities("WIN 3!"));
    }

    [Fact]
    public void Tagger_ProbabilitiesAreTokensByTags_AndEncodeGivesThreeIdsPerToken()
    {
        using var dir = new TempDir();
        var lines = Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? "the cat sees a dog .\tDET NOUN VERB DET NOUN PUNCT" : "dog runs\tNOUN VERB");
        var data = DataReader.Read(dir.Write("t.tsv", string.Join("\n", lines) + "\n"));
        var run = Path.Combine(dir.Path, "run");
        Trainer.Create(RunData.Create(Tiny with { Epochs = 1 }, data), run).Run();
        var model = TrainedModel.Load(run);
        Assert.True(model.IsTagger);
        Assert.Equal(3, model.IdsPerStep);
        Assert.Equal(9, model.Encode("the cat runs").Length);
        var p = model.Probabilities("the cat runs");
        Assert.Equal(3 * model.Labels.Count, p.Length);
        for (int t = 0; t < 3; t++) Assert.Equal(1f, p.AsSpan(t * model.Labels.Count, model.Labels.Count).ToArray().Sum(), 5);
        Assert.Equal(3, model.Predict("the cat runs").Split(' ').Length);
        Assert.Throws<ArgumentException>(() => model.Encode("   "));
    }
}
