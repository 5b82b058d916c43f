using System.Globalization;
using SeqPack.Data;
using SeqPack.Distributed;
using SeqPack.IO;
using SeqPack.Optim;
using SeqPack.Training;

namespace SeqPack.DistributedCheck;

/// <summary>
/// Three training steps (<see cref="ShardedStep"/>, then SGD) of a classifier or tagger with dropout on fixed global
/// batches, whole in one process or split across ranks: a batch of 7 sequences (shares of 3 and 4), one of a single
/// sequence (on two ranks the second share is empty), and one of lengths 6, 5, 4 (6 against 9 tokens). Equal
/// dropout masks and generators that advance alike make the ranks' results those of one process.
/// </summary>
public sealed class DropoutStepCase
{
    /// <summary>The cases: a 1-layer biLSTM classifier, a 2-layer biLSTM classifier (dropout between the layers too),
    /// and a 2-layer biLSTM tagger reading two ids per step.</summary>
    public static readonly string[] Names = ["classifier-bilstm", "classifier-lstm-2layers", "tagger-bilstm-2layers"];

    private const int Vocabulary = 20, Labels = 3;
    private static readonly int[][] BatchLengths = [[9, 4, 6, 1, 8, 3, 5], [5], [6, 5, 4]];

    private readonly TaskModel model;
    private readonly Sgd optimizer;
    private readonly ShardedStep step;
    private readonly Encoded[][] batches;

    /// <summary>The model of case <paramref name="name"/>, trained data-parallel over <paramref name="world"/>.</summary>
    public DropoutStepCase(string name, Communicator world)
    {
        bool tag = name.StartsWith("tagger", StringComparison.Ordinal);
        int layers = name.Contains("2layers", StringComparison.Ordinal) ? 2 : 1, idsPerStep = tag ? 2 : 1;
        var config = new RunConfig(RunConfig.FormatName, RunConfig.CurrentVersion, "check", tag ? "tag" : "classify", "chars", false, false,
            Enumerable.Range(0, Vocabulary).Select(i => $"w{i}").ToArray(), Enumerable.Range(0, Labels).Select(i => $"l{i}").ToArray(),
            new ModelConfig("lstm", 6, 5, layers, true, 0.3f, idsPerStep),
            new TrainingConfig(1, 8, null, 0.5f, 0f, 0f, 1, 5, 0, 0, null, 0f),
            new DataConfig(null, null, null, []));
        model = new TaskModel(config);
        optimizer = new Sgd(model.Network.Parameters(), lr: 0.5f);
        step = new ShardedStep(model, optimizer, new DataParallel(world, model.Network.Parameters()));
        var rng = new Rng(2024);
        batches = BatchLengths.Select(lengths => lengths.Select(n => new Encoded(
            Enumerable.Range(0, n * idsPerStep).Select(_ => 1 + rng.NextInt(Vocabulary - 1)).ToArray(), n, rng.NextInt(Labels),
            tag ? Enumerable.Range(0, n).Select(_ => rng.NextInt(Labels)).ToArray() : null)).ToArray()).ToArray();
    }

    /// <summary>Runs the steps; returns the global mean loss of each.</summary>
    public double[] Train() => batches.Select(batch =>
    {
        var (loss, _, _) = step.Run(batch, stopRequested: false);
        optimizer.Step();
        return loss;
    }).ToArray();

    /// <summary>The parameters by name.</summary>
    public Dictionary<string, Tensor> Parameters() => model.Network.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Clone());

    /// <summary>The states of the dropout generators, in <see cref="TaskModel.Generators"/> order.</summary>
    public ulong[][] GeneratorStates() => model.Generators.Select(g => g.GetState()).ToArray();

    /// <summary>Trains every case on this rank and writes <c>case.rankR.safetensors</c> (parameters) and
    /// <c>case.rankR.txt</c> (the losses, then one line per generator state) into <paramref name="folder"/>.</summary>
    public static void WriteAll(Communicator world, string folder)
    {
        foreach (var name in Names)
        {
            var c = new DropoutStepCase(name, world);
            var losses = c.Train();
            string stem = Path.Combine(folder, $"{name}.rank{world.Rank}");
            SafeTensors.Save(stem + ".safetensors", c.Parameters());
            File.WriteAllLines(stem + ".txt", [string.Join(' ', losses.Select(l => l.ToString("R", CultureInfo.InvariantCulture))),
                .. c.GeneratorStates().Select(s => string.Join(' ', s))]);
        }
    }
}
