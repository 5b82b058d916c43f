using SeqPack.Cli.Commands;
using SeqPack.Cli.Infrastructure;
using SeqPack.IO;
using SeqPack.Tests.Data;
using SeqPack.Training;

namespace SeqPack.Tests.Cli;

/// <summary>What a kill leaves: the file operation it cut short and nothing after it.</summary>
internal sealed class KilledException : Exception;

/// <summary>
/// A file system on which the process is killed at operation <c>killAt</c> (1-based): a write stops after half its
/// bytes, a rename does not happen, and no later operation runs, as after <c>kill -9</c>. With
/// <c>killAt = 0</c> it only counts operations.
/// </summary>
internal sealed class KillingFileOps(int killAt) : FileOps
{
    public int Operations { get; private set; }
    public bool Killed { get; private set; }

    private bool Next()
    {
        if (Killed) throw new KilledException();
        Operations++;
        return Killed = Operations == killAt;
    }

    public override void WriteNew(string path, ReadOnlySpan<byte> bytes)
    {
        if (Next())
        {
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)].ToArray());
            throw new KilledException();
        }
        base.WriteNew(path, bytes);
    }

    public override void Replace(string from, string to)
    {
        if (Next()) throw new KilledException();
        base.Replace(from, to);
    }

    public override void Delete(string path)
    {
        if (Killed) throw new KilledException();
        base.Delete(path);
    }
}

/// <summary>
/// Issue 26, crash-safe run folders: a checkpoint is one file replaced by one rename, so a kill at any file
/// operation of a run (config.json, model.safetensors, checkpoint, metrics) leaves a folder from which
/// <c>--resume</c> either ends with exactly the weights of the uninterrupted run or refuses with a clear message.
/// Guards: a kill between the old checkpoint's file replacements resumed silently to a different model.
/// </summary>
public class CrashSafetyTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private static readonly string[] Tiny = ["--embedding-dim", "6", "--hidden-size", "8", "--batch-size", "8", "--seed", "3", "--epochs", "3", "--dropout", "0.3"];

    private static string Data(TempDir dir)
    {
        var rng = new Rng(11);
        var lines = Enumerable.Range(0, 40).Select(i =>
        {
            var word = new string(Enumerable.Range(0, 3 + rng.NextInt(10)).Select(_ => (char)('a' + rng.NextInt(6))).ToArray());
            return i % 4 == 0 ? $"spam\tWIN {rng.NextInt(900)}! {word}" : $"ham\t{word} ok";
        });
        return dir.Write("tiny.tsv", string.Join("\n", lines) + "\n");
    }

    /// <summary>Starts a run in <paramref name="runDir"/> as `seqpack train` does, with every file written through <paramref name="files"/>.</summary>
    private static void Train(string data, string runDir, FileOps files, Action<TaskModel, int>? afterStep = null)
    {
        var settings = new TrainSettings
        {
            Data = data, Out = runDir, EmbeddingDim = 6, HiddenSize = 8, BatchSize = 8, Seed = 3, Epochs = 3, Dropout = 0.3f,
        };
        Assert.True(settings.Validate().Successful);
        var trainer = Trainer.Create(TrainData.Create(settings), runDir, files);
        trainer.AfterStep = afterStep;
        trainer.Run();
    }

    private static Dictionary<string, float[]> Weights(string file) =>
        SafeTensors.Read(file).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    private static void SameWeights(string expected, string actual)
    {
        var (e, a) = (Weights(expected), Weights(actual));
        Assert.Equal(e.Keys.Order(), a.Keys.Order());
        foreach (var (name, values) in e) Assert.True(values.SequenceEqual(a[name]), $"{actual}: '{name}' differs from the uninterrupted run");
    }

    [Fact]
    public void KillAtEveryFileOperation_ResumeIsExactOrRefusesClearly()
    {
        using var dir = new TempDir();
        var data = Data(dir);
        var reference = Path.Combine(dir.Path, "reference");
        var counter = new KillingFileOps(0);
        Train(data, reference, counter);
        int operations = counter.Operations;
        Assert.True(operations >= 12, $"only {operations} file operations in a 3-epoch run");

        int exact = 0, refused = 0;
        for (int k = 1; k <= operations; k++)
        {
            var run = Path.Combine(dir.Path, $"kill{k}");
            Assert.Throws<KilledException>(() => Train(data, run, new KillingFileOps(k)));
            var (code, output) = CliRunner.Run("train", "--resume", run);
            if (code == 0)
            {
                SameWeights(Path.Combine(reference, "model.safetensors"), Path.Combine(run, "model.safetensors"));
                SameWeights(Path.Combine(reference, Checkpoint.FileName), Path.Combine(run, Checkpoint.FileName));
                exact++;
                continue;
            }
            // Refusals: killed before the first checkpoint, or after the run had finished (then its files are the final ones).
            var line = Assert.Single(output.TrimEnd('\n').Split('\n'));
            Assert.Matches("^error: .*(no checkpoint to resume|already finished|has no config.json)", line);
            if (line.Contains("already finished")) SameWeights(Path.Combine(reference, "model.safetensors"), Path.Combine(run, "model.safetensors"));
            refused++;
        }
        log.WriteLine($"{operations} file operations; {exact} kills resumed exactly, {refused} refused");
        Assert.True(exact >= operations - 6, $"{exact} exact resumes and {refused} refusals out of {operations} kills");
    }

    // Guards: NaN/Inf weights predicted "ham NaN"; they are refused at load.
    [Fact]
    public void NonFiniteWeights_RefusedAtLoad()
    {
        using var dir = new TempDir();
        var data = Data(dir);
        var run = Path.Combine(dir.Path, "run");
        Assert.Equal(0, CliRunner.Run(["train", "--data", data, "--out", run, .. Tiny]).ExitCode);
        var model = Path.Combine(run, "model.safetensors");
        var weights = SafeTensors.Load(model);
        var poisoned = weights.First(kv => kv.Key.StartsWith("output.")).Key;
        var values = weights[poisoned].ToArray();
        values[1] = float.NaN;
        weights[poisoned] = Tensor.FromArray(values, weights[poisoned].Shape);
        SafeTensors.Save(model, weights);
        var (code, _, stderr) = CliRunner.RunSplit(["predict", "--model", run, "hello"]);
        Assert.Equal(3, code);
        Assert.Contains($"holds a non-finite value (NaN) in '{poisoned}' at index 1", stderr);
    }

    // Guards: training that reaches a non-finite value stops with a message and writes nothing more.
    [Fact]
    public void Divergence_StopsWithAMessage_KeepsTheLastGoodCheckpoint_WhichResumesExactly()
    {
        using var dir = new TempDir();
        var data = Data(dir);
        var reference = Path.Combine(dir.Path, "reference");
        Train(data, reference, FileOps.Real);
        var run = Path.Combine(dir.Path, "run");
        // 4 batches per epoch: poison a weight inside epoch 2, as an overflowing update would.
        var e = Assert.Throws<TrainingDivergedException>(() => Train(data, run, FileOps.Real, (model, step) =>
        {
            if (step == 6) model.Network.NamedParameters().First().Parameter.Data[0] = float.NaN;
        }));
        Assert.Matches("^training diverged: the (training loss became NaN|weight '.*' became non-finite) in epoch 2 .* the last good checkpoint \\(epoch 1, batch 0\\)", e.Message);
        Assert.Contains("lower learning rate", e.Message);
        var (code, output) = CliRunner.Run("train", "--resume", run);
        Assert.True(code == 0, output);
        SameWeights(Path.Combine(reference, "model.safetensors"), Path.Combine(run, "model.safetensors"));
    }

    // Guards: a damaged checkpoint (bytes lost on a disk, a truncated copy) is refused, not half-read.
    [Fact]
    public void TruncatedCheckpoint_Refused()
    {
        using var dir = new TempDir();
        var data = Data(dir);
        var run = Path.Combine(dir.Path, "run");
        Assert.Equal(130, CliRunner.Run(["train", "--data", data, "--out", run, "--stop-after-steps", "5", .. Tiny]).ExitCode);
        var checkpoint = Path.Combine(run, Checkpoint.FileName);
        var bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes[..(bytes.Length - 10)]);
        var (code, _, stderr) = CliRunner.RunSplit(["train", "--resume", run]);
        Assert.Equal(3, code);
        Assert.Contains("checkpoint.safetensors is damaged", stderr);
    }
}
