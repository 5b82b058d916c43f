using System.Text.Json.Nodes;
using SeqPack.Data;
using SeqPack.Models;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Training;

/// <summary>The classifier pooling through TrainingOptions, config.json and TrainedModel.Load, and older files without it.</summary>
public class PoolingConfigTests
{
    private static Dataset Data(TempDir dir)
    {
        var lines = Enumerable.Range(0, 40).Select(i => i % 4 == 0 ? $"spam\tWIN {i * 37 % 900}! now" : $"ham\tsee you at {i}");
        return DataReader.Read(dir.Write("tiny.tsv", string.Join("\n", lines) + "\n"));
    }

    private static string Train(TempDir dir, string? pooling)
    {
        var options = new TrainingOptions { EmbeddingDim = 6, HiddenSize = 5, BatchSize = 8, Seed = 3, Epochs = 1, Pooling = pooling };
        var run = Path.Combine(dir.Path, "run");
        Trainer.Create(RunData.Create(options, Data(dir)), run).Run();
        return run;
    }

    private static JsonObject ConfigOf(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!.AsObject();

    [Fact]
    public void PooledRun_SavesItsPooling_AndLoadsWithIt()
    {
        using var dir = new TempDir();
        var run = Train(dir, "final-max");
        Assert.Equal("final-max", (string?)ConfigOf(run)["model"]!["pooling"]);
        var model = TrainedModel.Load(run);
        var classifier = Assert.IsType<SequenceClassifier>(model.Network);
        Assert.Equal(ClassifierPooling.FinalStateAndMax, classifier.Pooling);
        Assert.Equal([2, 2 * 2 * 5], classifier.StateDict()["output.weight"].Shape);   // reads final states and maxima
    }

    [Fact]
    public void ConfigWithoutPooling_LoadsAsFinalState_WithTheSameProbabilities()
    {
        using var dir = new TempDir();
        var run = Train(dir, "final");
        var expected = TrainedModel.Load(run).Probabilities("WIN 3!");
        var config = ConfigOf(run);
        config["model"]!.AsObject().Remove("pooling");
        File.WriteAllText(Path.Combine(run, "config.json"), config.ToJsonString());

        var legacy = TrainedModel.Load(run);
        Assert.Null(legacy.Config.Model.Pooling);
        Assert.Equal(ClassifierPooling.FinalState, legacy.Config.Model.EffectivePooling);
        Assert.Equal(ClassifierPooling.FinalState, Assert.IsType<SequenceClassifier>(legacy.Network).Pooling);
        Assert.Equal(expected, legacy.Probabilities("WIN 3!"));
    }

    [Fact]
    public void UnknownPooling_ThrowsNamingTheOption()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => new TrainingOptions { Pooling = "attention" }.Validate());
        Assert.Equal(nameof(TrainingOptions.Pooling), e.ParamName);
        Assert.Contains("final, max, final-max, mean-max", e.Message);
    }
}
