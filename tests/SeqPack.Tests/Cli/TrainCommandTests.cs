using System.Text.Json;
using SeqPack.Tests.Data;

namespace SeqPack.Tests.Cli;

/// <summary>End-to-end runs of train, evaluate and predict on tiny synthetic data with a tiny model.</summary>
public class TrainCommandTests
{
    private static readonly string[] Tiny = ["--embedding-dim", "6", "--hidden-size", "8", "--batch-size", "8", "--seed", "3"];

    /// <summary>40 texts; "spam" ones contain a '!' and digits. Deterministic.</summary>
    private static string ClassifyData(TempDir dir)
    {
        var rng = new Rng(11);
        var lines = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            bool spam = i % 4 == 0;
            var word = new string(Enumerable.Range(0, 3 + rng.NextInt(10)).Select(_ => (char)('a' + rng.NextInt(6))).ToArray());
            lines.Add(spam ? $"spam\tWIN {rng.NextInt(900)}! {word}" : $"ham\t{word} ok");
        }
        return dir.Write("tiny.tsv", string.Join("\n", lines) + "\n");
    }

    private static string TagData(TempDir dir, string name, int count)
    {
        var rng = new Rng(5);
        var lines = new List<string>();
        string[] nouns = ["cat", "dog", "tree", "car"], verbs = ["runs", "sees", "eats"];
        for (int i = 0; i < count; i++)
        {
            var n1 = nouns[rng.NextInt(4)]; var v = verbs[rng.NextInt(3)]; var n2 = nouns[rng.NextInt(4)];
            lines.Add(i % 2 == 0 ? $"the {n1} {v} a {n2} .\tDET NOUN VERB DET NOUN PUNCT" : $"{n1} {v}\tNOUN VERB");
        }
        return dir.Write(name, string.Join("\n", lines) + "\n");
    }

    private static List<JsonElement> Metrics(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Search_PrintsTheTrialsAndKeepsOneRunWithItsTable()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        var run = Path.Combine(dir.Path, "search");
        var (code, output) = CliRunner.Run(["train", "--data", data, "--out", run, "--epochs", "2", "--search", "3", .. Tiny]);

        Assert.True(code == 0, output);
        Assert.Contains("Configurations tried", output);
        Assert.Contains("trial  3", output);
        Assert.Contains("kept", output);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "search.tsv")).Length);
        Assert.Equal(0, CliRunner.Run("evaluate", "--model", run, "--data", data).ExitCode);
    }

    [Fact]
    public void Train_ThenEvaluateAndPredict_WritesTheRunFolder()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        var run = Path.Combine(dir.Path, "run");
        var (code, output) = CliRunner.Run(["train", "--data", data, "--out", run, "--epochs", "2", .. Tiny]);
        Assert.True(code == 0, output);
        Assert.Contains("Training a biLSTM classifier on tiny.tsv: 2 classes (ham, spam)", output);
        Assert.Contains("32 train / 4 dev / 4 test", output);                  // stratified 10% / 10% of 30 ham + 10 spam
        Assert.Contains("packing skipped", output);
        Assert.Contains("Per-epoch dev metrics", output);
        foreach (var f in new[] { "model.safetensors", "config.json", "metrics.jsonl", "loss.png", "accuracy.png", "lengths.png" })
            Assert.True(File.Exists(Path.Combine(run, f)), f);

        var metrics = Metrics(run);
        Assert.Equal(3, metrics.Count);
        Assert.Equal([1, 2], metrics.Take(2).Select(m => m.GetProperty("epoch").GetInt32()));
        Assert.Equal("test", metrics[^1].GetProperty("split").GetString());
        Assert.Equal(4, metrics[^1].GetProperty("examples").GetInt32());
        Assert.InRange(metrics[^1].GetProperty("accuracy").GetDouble(), 0, 1);

        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "config.json"))).RootElement;
        Assert.Equal(["ham", "spam"], config.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("<pad>", config.GetProperty("vocabulary")[0].GetString());
        Assert.Equal(64, config.GetProperty("data").GetProperty("sha256").GetProperty("tiny.tsv").GetString()!.Length);

        var (evalCode, evalOut) = CliRunner.Run("evaluate", "--model", run, "--data", data);
        Assert.True(evalCode == 0, evalOut);
        Assert.Contains("Confusion matrix", evalOut);
        Assert.Matches(@"│ ham\s+│\s+\d+ │\s+\d+ │", evalOut);

        var (jsonCode, jsonOut) = CliRunner.Run("evaluate", "--model", run, "--data", data, "--json");
        Assert.Equal(0, jsonCode);
        Assert.Equal(40, JsonDocument.Parse(jsonOut).RootElement.GetProperty("examples").GetInt32());

        var (predCode, predOut) = CliRunner.Run("predict", "--model", run, "WIN 123! abc", "abc ok");
        Assert.Equal(0, predCode);
        var lines = predOut.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^(ham|spam)\t0\.\d{4}\t", l));

        var (stdinCode, stdinOut) = CliRunner.RunWithInput("first line\n\nsecond line\n", "predict", "--model", run, "--json");
        Assert.Equal(0, stdinCode);
        var objects = stdinOut.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["first line", "second line"], objects.Select(o => o.GetProperty("text").GetString()));
        Assert.All(objects, o => Assert.Equal(1.0, o.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble()), 3));
    }

    [Fact]
    public void Resume_AfterInterruption_EndsWithTheWeightsOfAnUninterruptedRun()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        string[] common = ["train", "--data", data, "--epochs", "2", "--dropout", "0.3", .. Tiny];
        var whole = Path.Combine(dir.Path, "whole");
        Assert.Equal(0, CliRunner.Run([.. common, "--out", whole]).ExitCode);

        var split = Path.Combine(dir.Path, "split");
        var (code, output) = CliRunner.Run([.. common, "--out", split, "--stop-after-steps", "6"]);   // 4 batches per epoch: stops inside epoch 2
        Assert.True(code == 130, output);
        Assert.Contains($"Continue with: seqpack train --resume {split}", output);
        Assert.False(File.Exists(Path.Combine(split, "metrics.jsonl")) && Metrics(split).Count > 1);
        var (resumeCode, resumeOut) = CliRunner.Run("train", "--resume", split);
        Assert.True(resumeCode == 0, resumeOut);
        Assert.Contains("Continuing at epoch 2, batch 2.", resumeOut);

        // The checkpoint's weights and optimiser state (its metadata also holds timings, which differ).
        var wholeCheckpoint = SeqPack.IO.SafeTensors.Read(Path.Combine(whole, "checkpoint.safetensors")).Tensors;
        var splitCheckpoint = SeqPack.IO.SafeTensors.Read(Path.Combine(split, "checkpoint.safetensors")).Tensors;
        Assert.Equal(wholeCheckpoint.Keys.Order(), splitCheckpoint.Keys.Order());
        foreach (var (name, t) in wholeCheckpoint) Assert.Equal(t.ToArray(), splitCheckpoint[name].ToArray());
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "model.safetensors")), File.ReadAllBytes(Path.Combine(split, "model.safetensors")));
        Assert.Equal(Metrics(whole).Select(m => m.GetProperty("loss").GetDouble()), Metrics(split).Select(m => m.GetProperty("loss").GetDouble()));
    }

    [Fact]
    public void CtrlC_SavesACheckpointAndExits130_AndAFinishedRunCannotResume()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        var run = Path.Combine(dir.Path, "run");
        using var cts = new CancellationTokenSource();
        cts.Cancel();                                                            // Ctrl+C before the first batch
        var (code, output) = CliRunner.Run(cts.Token, ["train", "--data", data, "--out", run, "--epochs", "1", .. Tiny]);
        Assert.Equal(130, code);
        Assert.Contains("Interrupted in epoch 1 at batch 0/", output);
        Assert.True(File.Exists(Path.Combine(run, "checkpoint.safetensors")));

        var (evalCode, evalOut) = CliRunner.Run("evaluate", "--model", run, "--data", data);
        Assert.NotEqual(0, evalCode);
        Assert.Contains("has no model.safetensors", evalOut);

        Assert.Equal(0, CliRunner.Run("train", "--resume", run).ExitCode);
        var (again, againOut) = CliRunner.Run("train", "--resume", run);
        Assert.NotEqual(0, again);
        Assert.Contains("already finished", againOut);

        var (overwrite, overwriteOut) = CliRunner.Run(["train", "--data", data, "--out", run, .. Tiny]);
        Assert.NotEqual(0, overwrite);
        Assert.Contains("already holds files; pass another --out, --force to overwrite", overwriteOut);
    }

    [Fact]
    public void Tagger_TrainsOnSplitFiles_ReportsTokenAccuracy_AndTagsPerToken()
    {
        using var dir = new TempDir();
        var train = TagData(dir, "train.tsv", 30);
        var dev = TagData(dir, "dev.tsv", 6);
        var test = TagData(dir, "test.tsv", 6);
        var run = Path.Combine(dir.Path, "run");
        var (code, output) = CliRunner.Run(["train", "--train", train, "--dev", dev, "--test", test, "--out", run, "--epochs", "3", "--lr", "0.02", .. Tiny]);
        Assert.True(code == 0, output);
        Assert.Contains("tagger on train.tsv + dev.tsv + test.tsv: 4 tags", output);
        Assert.Contains("token accuracy", output);
        var last = Metrics(run)[^1];
        Assert.Equal(24, last.GetProperty("tokens").GetInt32());                // 3 sentences of 6 tokens + 3 of 2
        Assert.True(last.GetProperty("accuracy").GetDouble() > 0.5, last.ToString());   // 3 epochs at lr 0.02 learn most of this grammar

        var (predCode, predOut) = CliRunner.Run("predict", "--model", run, "the cat sees a dog .");
        Assert.Equal(0, predCode);
        Assert.Matches(@"^the/\w+ cat/\w+ sees/\w+ a/\w+ dog/\w+ \./\w+\n$", predOut);
    }
}
