using System.Text.Json;
using SeqPack.Tests.Cli;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Distributed;

/// <summary><c>mpiexec -n 2 seqpack train</c> on tiny data against the single-process run, and its fault cases.</summary>
public class DistributedTrainTests
{
    private const string Cli = "SeqPack.Cli.dll";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    // Dropout and word dropout stay at their defaults: both draw the whole global batch's masks on every rank.
    private static readonly string[] Tiny = ["--embedding-dim", "6", "--hidden-size", "8", "--batch-size", "8", "--seed", "3"];

    /// <summary>60 texts; "spam" ones contain a '!' and digits. Deterministic.</summary>
    private static string ClassifyData(TempDir dir, string name = "tiny.tsv", int seed = 11)
    {
        var rng = new Rng((ulong)seed);
        var lines = new List<string>();
        for (int i = 0; i < 60; i++)
        {
            bool spam = i % 4 == 0;
            var word = new string(Enumerable.Range(0, 3 + rng.NextInt(10)).Select(_ => (char)('a' + rng.NextInt(6))).ToArray());
            lines.Add(spam ? $"spam\tWIN {rng.NextInt(900)}! {word}" : $"ham\t{word} ok");
        }
        return dir.Write(name, string.Join("\n", lines) + "\n");
    }

    private static List<JsonElement> Metrics(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [MpiFact]
    public void TwoRanks_TwoEpochs_SameLossAndAccuracyAsOneProcess_OneRunFolder()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        var single = Path.Combine(dir.Path, "single");
        Assert.Equal(0, CliRunner.Run(["train", "--data", data, "--out", single, "--epochs", "2", .. Tiny]).ExitCode);
        var work = Directory.CreateDirectory(Path.Combine(dir.Path, "work")).FullName;

        var run = MpiRun.Run(2, Cli, ["train", "--data", data, "--out", "multi", "--epochs", "2", .. Tiny], Timeout, work);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("× 2 ranks", run.Output);
        Assert.Single(Directory.EnumerateFileSystemEntries(work));   // one run folder, nothing else
        Assert.Single(run.Output.Split('\n'), l => l.StartsWith("Training a biLSTM", StringComparison.Ordinal));   // rank 0 alone prints
        List<JsonElement> one = Metrics(single), two = Metrics(Path.Combine(work, "multi"));
        double lossOne = one[0].GetProperty("train_loss").GetDouble(), lossTwo = two[0].GetProperty("train_loss").GetDouble();
        Assert.True(Math.Abs(lossOne - lossTwo) <= 1e-3 * lossOne, $"epoch-1 train loss: one process {lossOne}, two ranks {lossTwo}");
        double accOne = one[^1].GetProperty("accuracy").GetDouble(), accTwo = two[^1].GetProperty("accuracy").GetDouble();
        Assert.Equal("test", two[^1].GetProperty("split").GetString());
        Assert.True(Math.Abs(accOne - accTwo) <= 0.01, $"test accuracy: one process {accOne}, two ranks {accTwo}");
    }

    [MpiFact]
    public void OneRankFails_AllStopWithOneLineNamingTheRank()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        string[] common = ["train", "--out", Path.Combine(dir.Path, "run"), "--epochs", "2", .. Tiny];

        var run = MpiRun.RunEach([[.. common, "--data", data], [.. common, "--data", Path.Combine(dir.Path, "missing.tsv")]], Cli, Timeout);

        Assert.NotEqual(0, run.ExitCode);
        var line = Assert.Single(run.All.Split('\n'), l => l.StartsWith("error: rank", StringComparison.Ordinal));
        Assert.StartsWith("error: rank 1 of 2: ", line);
        Assert.Contains("missing.tsv", line);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(60), $"took {run.Elapsed}");
    }

    [MpiFact]
    public void RanksWithDifferentOptions_StopAtStartWithClearError()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        string[] common = ["train", "--data", data, "--out", Path.Combine(dir.Path, "run"), "--epochs", "2", .. Tiny];

        var run = MpiRun.RunEach([common, [.. common, "--lr", "0.5"]], Cli, Timeout);

        Assert.Equal(5, run.ExitCode);
        Assert.Contains("rank 1 of 2 read different data or options than rank 0", run.All);
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", "metrics.jsonl")));
    }

    [MpiFact]
    public void RankKilledMidRun_AllStop_CheckpointResumesUnderMpi()
    {
        using var dir = new TempDir();
        var data = ClassifyData(dir);
        var out_ = Path.Combine(dir.Path, "killed-run");
        string[] args = ["train", "--data", data, "--out", out_, "--epochs", "8", "--patience", "100", .. Tiny];
        var job = MpiRun.Start([args, args], Cli);
        var state = Checkpoint.PathOf(out_);
        while (!File.Exists(state) && !job.Process.HasExited && job.Clock.Elapsed < Timeout) Thread.Sleep(20);
        var victims = MpiRun.RankProcesses(1, out_);
        Assert.NotEmpty(victims);   // still running after the first checkpoint
        foreach (int pid in victims) System.Diagnostics.Process.GetProcessById(pid).Kill();
        var killed = MpiRun.Wait(job, Timeout);
        Assert.NotEqual(0, killed.ExitCode);
        Assert.True(killed.Elapsed < Timeout, killed.All);

        var resumed = MpiRun.Run(2, Cli, ["train", "--resume", out_], Timeout);

        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Contains("Resuming", resumed.Output);
        var metrics = Metrics(out_);
        Assert.Equal("test", metrics[^1].GetProperty("split").GetString());
        Assert.Equal(8, metrics[^2].GetProperty("epoch").GetInt32());
    }
}
