using System.Text.Json.Nodes;
using SeqPack.Tests.Data;

namespace SeqPack.Tests.Cli;

/// <summary>
/// Issue 26, config.json validated field by field: a missing key, a null vocabulary, duplicate labels, an
/// unknown task or a huge layer count is one line naming the field (exit 3). Guards: a NullReferenceException
/// message, an IndexOutOfRange message, an unknown task read as classification, minutes of allocation.
/// </summary>
public class RunFolderValidationTests : IClassFixture<RunFolderValidationTests.TrainedRun>
{
    /// <summary>One tiny trained run, shared by the tests; each test edits a copy of its config.json.</summary>
    public sealed class TrainedRun : IDisposable
    {
        public TempDir Dir { get; } = new();
        public string Run { get; }
        public string DataFile { get; }

        public TrainedRun()
        {
            var lines = Enumerable.Range(0, 30).Select(i => i % 3 == 0 ? $"spam\tWIN {i}! now" : $"ham\tsee you at {i}");
            DataFile = Dir.Write("tiny.tsv", string.Join("\n", lines) + "\n");
            Run = Path.Combine(Dir.Path, "run");
            var (code, output) = CliRunner.Run("train", "--data", DataFile, "--out", Run, "--epochs", "1", "--embedding-dim", "4", "--hidden-size", "4");
            Assert.True(code == 0, output);
        }

        public void Dispose() => Dir.Dispose();
    }

    private readonly TrainedRun trained;

    public RunFolderValidationTests(TrainedRun trained) => this.trained = trained;

    /// <summary>A copy of the run with config.json changed by <paramref name="edit"/>; returns predict's exit code and outputs.</summary>
    private (int Code, string Output, string Error) PredictWith(Action<JsonObject> edit)
    {
        var copy = Path.Combine(trained.Dir.Path, "copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(trained.Run)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(copy, "config.json")))!.AsObject();
        edit(config);
        File.WriteAllText(Path.Combine(copy, "config.json"), config.ToJsonString());
        return CliRunner.RunSplit(["predict", "--model", copy, "hello"]);
    }

    private void Refused(Action<JsonObject> edit, string field, string problem)
    {
        var (code, output, error) = PredictWith(edit);
        Assert.Equal(3, code);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains($"config.json: field '{field}' {problem}", error);
    }

    [Fact] public void MissingKey_NamesIt() => Refused(c => c["model"]!.AsObject().Remove("hiddenSize"), "model.hiddenSize", "is missing");
    [Fact] public void NullVocabulary_NamesIt() => Refused(c => c["vocabulary"] = null, "vocabulary", "must be an array of strings; got null");
    [Fact] public void DuplicateLabels_NamesThem() => Refused(c => c["labels"] = new JsonArray("ham", "ham"), "labels", "holds 'ham' twice");
    [Fact] public void UnorderedLabels_Refused_NotReadInAnotherOrder() => Refused(c => c["labels"] = new JsonArray("spam", "ham"), "labels", "must be in ordinal order");
    [Fact] public void UnknownTask_Refused_NotReadAsClassification() => Refused(c => c["task"] = "translate", "task", "must be one of classify, tag; got \"translate\"");
    [Fact] public void HugeLayerCount_RefusedBeforeAllocating() => Refused(c => c["model"]!["numLayers"] = 100_000_000, "model.numLayers", "must be an integer from 1 to 1000; got 100000000");
    [Fact] public void NonFiniteOrWronglyTypedNumber_Refused() => Refused(c => c["model"]!["dropout"] = "NaN", "model.dropout", "must be a finite number in [0, 1)");
    [Fact] public void TokenizerFilesOnACharsRun_Refused() => Refused(c => c["tokenizerFiles"] = new JsonArray("tokenizer/vocab.txt"), "tokenizerFiles", "must be absent when tokenizer is chars");
    [Fact] public void SubwordTokenizerWithoutItsFiles_Refused() => Refused(c => c["tokenizer"] = "bpe", "tokenizerFiles", "is missing");
    [Fact] public void SubwordTokenizerWithTheWrongFileCount_Refused() => Refused(c => { c["tokenizer"] = "wordpiece"; c["tokenizerFiles"] = new JsonArray("tokenizer/a.txt", "tokenizer/b.txt"); },
        "tokenizerFiles", "must hold 1 to 1 entries, not 2");
    [Fact] public void TokenizerFileOutsideTheRunFolder_Refused() => Refused(c => { c["tokenizer"] = "sentencepiece"; c["tokenizerFiles"] = new JsonArray("/etc/passwd"); },
        "tokenizerFiles[0]", "must be a file name inside the run folder's tokenizer/ folder");
    [Fact] public void IdsPerStepDisagreeingWithFeatures_Refused() => Refused(c => c["model"]!["idsPerStep"] = 3, "model.idsPerStep", "must be 1 when features is false");

    [Fact] public void UnknownPooling_Refused() => Refused(c => c["model"]!["pooling"] = "attention", "model.pooling", "must be one of final, max, final-max, mean-max");

    [Fact]
    public void UntouchedConfig_StillLoads()
    {
        var (code, output, error) = PredictWith(_ => { });
        Assert.True(code == 0, error);
        Assert.Matches("^(ham|spam)\t", output);
    }
}
