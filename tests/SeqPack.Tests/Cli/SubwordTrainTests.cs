using System.Text.Json;
using SeqPack.Data;
using SeqPack.Models;
using SeqPack.Tests.Data;
using SeqPack.Tests.Onnx;
using SeqPack.Tests.Support;
using SeqPack.Training;

namespace SeqPack.Tests.Cli;

/// <summary>
/// <c>seqpack train --tokenizer KIND:FILES</c> with each sub-word kind over the files in Fixtures/tokenizers: the
/// run folder keeps a copy of the files, and predict, evaluate, export and --resume reuse them with no flag.
/// </summary>
public class SubwordTrainTests
{
    private static readonly string[] Tiny = ["--embedding-dim", "6", "--hidden-size", "8", "--batch-size", "8", "--seed", "3"];

    private static string Fixture(string name) => FixtureFile.PathOf(Path.Combine("tokenizers", name));

    /// <summary>The --tokenizer value of each kind over the fixture files, and the names config.json gives their copies.</summary>
    public static TheoryData<string, string, string[]> Kinds => new()
    {
        { "wordpiece", $"wordpiece:{Fixture("wordpiece-vocab.txt")}", ["tokenizer/vocab.txt"] },
        { "bpe", $"bpe:{Fixture("bpe-vocab.json")},{Fixture("bpe-merges.txt")}", ["tokenizer/vocab.json", "tokenizer/merges.txt"] },
        { "sentencepiece", $"sentencepiece:{Fixture("sentencepiece-unigram.model")}", ["tokenizer/sentencepiece.model"] },
    };

    /// <summary>40 texts over the words the fixture vocabularies spell (and an unknown "ℵ" now and then); "spam" ones hold "newest".</summary>
    private static string ClassifyData(TempDir dir)
    {
        var rng = new Rng(17);
        string[] words = ["the", "cat", "cats", "sat", "on", "mat", "matting", "lower", "low", "new", "ℵ"];
        var lines = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            var text = string.Join(" ", Enumerable.Range(0, 2 + rng.NextInt(6)).Select(_ => words[rng.NextInt(words.Length)]));
            lines.Add(i % 4 == 0 ? $"spam\tnewest {text}" : $"ham\t{text}");
        }
        return dir.Write("tiny.tsv", string.Join("\n", lines) + "\n");
    }

    private static string[] Texts(string data) => File.ReadAllLines(data).Select(l => l.Split('\t')[1]).ToArray();

    private static string Train(TempDir dir, string data, string tokenizer, string name = "run", params string[] more)
    {
        var run = Path.Combine(dir.Path, name);
        var (code, output) = CliRunner.Run(["train", "--data", data, "--out", run, "--epochs", "1", "--tokenizer", tokenizer, .. Tiny, .. more]);
        Assert.True(code == 0, output);
        return run;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Train_CopiesTheTokenizer_AndPredictEvaluateFromTheRunFolder_MatchTheOriginalFiles(string kind, string spec, string[] files)
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        var run = Train(dir, data, spec);

        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))).RootElement;
        Assert.Equal(kind, config.GetProperty("tokenizer").GetString());
        Assert.Equal(files, config.GetProperty("tokenizerFiles").EnumerateArray().Select(e => e.GetString()));
        var originals = spec[(spec.IndexOf(':') + 1)..].Split(',');
        for (int i = 0; i < files.Length; i++)
            Assert.Equal(File.ReadAllBytes(originals[i]), File.ReadAllBytes(Path.Combine(run, files[i])));

        // The vocabulary numbers the pieces the tokenizer gives the training texts; its own unknown pieces are <unk>.
        var original = Tokenizer.Parse(spec);
        var pieces = Texts(data).SelectMany(original.Split).ToHashSet();
        var vocabulary = config.GetProperty("vocabulary").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["<pad>", "<unk>"], vocabulary[..2]);
        Assert.All(vocabulary[2..], v => Assert.Contains(v, pieces));
        Assert.True(vocabulary.Length > 4, string.Join(" ", vocabulary));

        // What the model in memory gives for ids made with the user's own files, not the run folder's copy.
        var model = TrainedModel.Load(run);
        var encoder = new TextEncoder(TaskKind.Classify, original, features: false, model.Vocabulary);
        var texts = Texts(data);
        var expected = model.Model.Predict(texts.Select(t => encoder.Encode(encoder.Tokens(t)) is { Length: > 0 } ids ? ids : [Vocabulary.UnkId]).ToArray());

        // Texts must get different probabilities (to 4 places) for the comparison to tell encodings apart.
        Assert.True(expected.Select(p => Math.Round(p.Probabilities[0], 4)).Distinct().Count() >= texts.Length / 2,
            string.Join(" ", expected.Select(p => p.Probabilities[0])));
        var (predictCode, predictOut) = CliRunner.RunWithInput(string.Join("\n", texts) + "\n", "predict", "--model", run, "--json");
        Assert.True(predictCode == 0, predictOut);
        var predicted = predictOut.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(texts.Length, predicted.Length);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(model.Labels[expected[i].Label], predicted[i].GetProperty("label").GetString());
            var probabilities = predicted[i].GetProperty("probabilities");
            for (int c = 0; c < model.Labels.Count; c++)                       // predict --json rounds to 4 places
                Assert.Equal(Math.Round(expected[i].Probabilities[c], 4), probabilities.GetProperty(model.Labels[c]).GetDouble());
        }

        var labels = File.ReadAllLines(data).Select(l => l.Split('\t')[0]).ToArray();
        double accuracy = expected.Select((p, i) => model.Labels[p.Label] == labels[i] ? 1.0 : 0.0).Average();
        var (evalCode, evalOut) = CliRunner.Run("evaluate", "--model", run, "--data", data, "--json");
        Assert.True(evalCode == 0, evalOut);
        Assert.Equal(accuracy, JsonDocument.Parse(evalOut).RootElement.GetProperty("accuracy").GetDouble(), 12);
    }

    [Fact]
    public void Resume_KeepsTheTokenizer_AndEndsWithTheWeightsOfAnUninterruptedRun()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        var spec = $"sentencepiece:{Fixture("sentencepiece-bpe.model")}";
        var whole = Train(dir, data, spec, "whole", "--epochs", "2");

        var split = Path.Combine(dir.Path, "split");
        var (code, output) = CliRunner.Run(["train", "--data", data, "--out", split, "--tokenizer", spec, .. Tiny, "--epochs", "2", "--stop-after-steps", "6"]);
        Assert.True(code == 130, output);
        var model = Path.Combine(split, "tokenizer", "sentencepiece.model");
        var bytes = File.ReadAllBytes(model);
        File.WriteAllText(model, "damaged");
        var (damagedCode, damagedOut) = CliRunner.Run("train", "--resume", split);
        Assert.True(damagedCode == 3, damagedOut);
        Assert.Contains("tokenizer files", damagedOut);
        File.WriteAllBytes(model, bytes);
        var (resumeCode, resumeOut) = CliRunner.Run("train", "--resume", split);
        Assert.True(resumeCode == 0, resumeOut);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.safetensors")), File.ReadAllBytes(Path.Combine(split, "model.safetensors")));
        Assert.Equal("sentencepiece", RunConfig.Load(split).Tokenizer);
    }

    [Fact]
    public void Export_RecordsTheTokenizerInTheOnnxMetadata()
    {
        using var dir = new TempDir();
        var run = Train(dir, ClassifyData(dir), $"bpe:{Fixture("bpe-vocab.json")},{Fixture("bpe-merges.txt")}");
        var onnx = Path.Combine(dir.Path, "model.onnx");
        var (code, output) = CliRunner.Run("export", "--model", run, "--onnx", onnx);
        Assert.True(code == 0, output);
        var metadata = OrtRunner.Metadata(onnx);
        Assert.Equal("bpe", metadata["seqpack.tokenizer"]);
        Assert.Equal("[\"tokenizer/vocab.json\",\"tokenizer/merges.txt\"]", metadata["seqpack.tokenizer_files"]);
    }

    [Fact]
    public void TrainedModelLoad_GivesTheProbabilitiesOfTheModelInMemory()
    {
        using var dir = new TempDir();
        var dataset = DataReader.Read(ClassifyData(dir));
        var options = new TrainingOptions
        {
            Tokenizer = $"sentencepiece:{Fixture("sentencepiece-unigram.model")}", EmbeddingDim = 6, HiddenSize = 8, BatchSize = 8, Seed = 3, Epochs = 1,
        };
        var data = RunData.Create(options, dataset);
        var run = Path.Combine(dir.Path, "run");
        var trainer = Trainer.Create(data, run);
        trainer.Run();
        trainer.Model.Network.Eval();
        var texts = dataset.Texts.Select(t => t.Text).Append("ℵℵ unseen 😀").ToArray();
        var inMemory = trainer.Model.Predict(texts.Select(t => data.Encoder.Encode(data.Encoder.Tokens(t))).ToArray());

        var loaded = TrainedModel.Load(run);
        Assert.Equal("sentencepiece", loaded.Encoder.Tokenizer.Name);
        Assert.Equal([Vocabulary.UnkId], loaded.Encode("ℵℵ").Skip(1));       // "▁" then the one unknown piece of the run "ℵℵ"
        var fromFolder = loaded.Probabilities(texts);
        for (int i = 0; i < texts.Length; i++) Assert.Equal(inMemory[i].Probabilities, fromFolder[i]);
    }

    public static TheoryData<string, int, string> BadTokenizers => new()
    {
        { "bogus", 2, "--tokenizer must be chars, words, wordpiece:VOCAB.txt" },
        { "morse:code.txt", 2, "--tokenizer must be chars, words, wordpiece:VOCAB.txt, bpe:VOCAB.json,MERGES.txt or sentencepiece:FILE.model (kind in any case); got 'morse:code.txt'" },
        { $"bpe:{Fixture("bpe-vocab.json")}", 2, "needs 2 files separated by a comma: bpe:VOCAB.json,MERGES.txt" },
        { "sentencepiece:no/such.model", 4, "the file 'no/such.model' does not exist" },
        { $"wordpiece:{FixtureFile.PathOf("tokenizers")}", 4, "is a folder" },
        { $"sentencepiece:{Fixture("wordpiece-vocab.txt")}", 3, "Could not load a sentencepiece tokenizer from" },
    };

    [Theory]
    [MemberData(nameof(BadTokenizers))]
    public void BadTokenizer_FailsWithTheExitCodeAndAMessageNamingTheOption(string value, int exitCode, string message)
    {
        using var dir = new TempDir();
        var run = Path.Combine(dir.Path, "run");
        var (code, stdout, stderr) = CliRunner.RunSplit(["train", "--data", ClassifyData(dir), "--out", run, "--tokenizer", value, .. Tiny], width: 400);
        Assert.True(code == exitCode, stdout + stderr);
        Assert.Contains($"--tokenizer", stderr);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void SubwordTokenizer_WithTaggingData_IsAUsageError()
    {
        using var dir = new TempDir();
        var data = dir.Write("tags.tsv", "the cat sat\tDET NOUN VERB\ncats sat\tNOUN VERB\n");
        var (code, stdout, stderr) = CliRunner.RunSplit(["train", "--data", data, "--out", Path.Combine(dir.Path, "run"), "--tokenizer", $"wordpiece:{Fixture("wordpiece-vocab.txt")}"], width: 400);
        Assert.True(code == 2, stdout + stderr);
        Assert.Contains("cuts classification texts", stderr);
        Assert.Contains("drop --tokenizer", stderr);
    }

    [Fact]
    public void RunDataCreate_SubwordTokenizerForTaggingData_NamesTheOptions()
    {
        using var dir = new TempDir();
        var tagging = DataReader.Read(dir.Write("tags.tsv", "the cat sat\tDET NOUN VERB\ncats sat\tNOUN VERB\n"));
        var options = new TrainingOptions { Tokenizer = $"wordpiece:{Fixture("wordpiece-vocab.txt")}" };
        var ex = Assert.Throws<ArgumentException>(() => RunData.Create(options, tagging));
        Assert.Equal("options", ex.ParamName);
        Assert.Contains("holds tagging examples", ex.Message);
    }

    [Fact]
    public void Pooling_WithTaggingData_IsAUsageError_InTheCliAndTheLibrary()
    {
        using var dir = new TempDir();
        var data = dir.Write("tags.tsv", "the cat sat\tDET NOUN VERB\ncats sat\tNOUN VERB\n");
        var run = Path.Combine(dir.Path, "run");
        var (code, stdout, stderr) = CliRunner.RunSplit(["train", "--data", data, "--out", run, "--pooling", "max"], width: 400);
        Assert.True(code == 2, stdout + stderr);
        Assert.Contains("--pooling 'max'", stderr);
        Assert.Contains("drop --pooling", stderr);
        Assert.False(Directory.Exists(run));

        var ex = Assert.Throws<ArgumentException>(() => RunData.Create(new TrainingOptions { Pooling = "max" }, DataReader.Read(data)));
        Assert.Equal("options", ex.ParamName);
        Assert.Contains("holds tagging examples", ex.Message);
    }

    [Fact]
    public void RunFolder_WithAMissingDamagedOrEscapingTokenizerFile_FailsWithAClearError()
    {
        using var dir = new TempDir();
        var run = Train(dir, ClassifyData(dir), $"sentencepiece:{Fixture("sentencepiece-unigram.model")}");
        var model = Path.Combine(run, "tokenizer", "sentencepiece.model");
        var bytes = File.ReadAllBytes(model);

        File.Delete(model);
        var (missing, missingOut, missingErr) = CliRunner.RunSplit(["predict", "--model", run, "hello"], width: 400);
        Assert.True(missing == 4, missingOut + missingErr);
        Assert.Contains(model, missingErr);

        File.WriteAllText(model, "not a model");
        var (damaged, damagedOut, damagedErr) = CliRunner.RunSplit(["predict", "--model", run, "hello"], width: 400);
        Assert.True(damaged == 3, damagedOut + damagedErr);
        Assert.Contains("damaged", damagedErr);

        File.WriteAllBytes(model, bytes);
        Assert.Equal(0, CliRunner.Run("predict", "--model", run, "hello").ExitCode);
        var configPath = Path.Combine(run, "config.json");
        File.WriteAllText(configPath, File.ReadAllText(configPath).Replace("\"tokenizer/sentencepiece.model\"", "\"tokenizer/../../secret.model\""));
        var (escaping, escapingOut, escapingErr) = CliRunner.RunSplit(["predict", "--model", run, "hello"], width: 400);
        Assert.True(escaping == 3, escapingOut + escapingErr);
        Assert.Contains("tokenizerFiles[0]", escapingErr);
        Assert.DoesNotContain("   at ", missingErr + damagedErr + escapingErr);
    }
}
