using SeqPack.Nn;
using SeqPack.Optim;

namespace SeqPack.DistributedCheck;

/// <summary>
/// One training step of a small LSTM classifier on a fixed global batch, run whole in one process or split
/// across ranks: the loss is the cross-entropy summed over this rank's sequences and divided by the global
/// count, so that summing the ranks' gradients gives the single-process gradient of the mean.
/// </summary>
public sealed class StepCase
{
    public const int Features = 5, Hidden = 7, Classes = 3, BatchSize = 7;

    private readonly Lstm lstm;
    private readonly Linear head;
    private readonly Adam optimizer;

    /// <summary>The model with weights drawn from <paramref name="seed"/>.</summary>
    public StepCase(ulong seed)
    {
        var rng = new Rng(seed);
        lstm = new Lstm(Features, Hidden, rng: rng);
        head = new Linear(Hidden, Classes, rng: rng);
        optimizer = new Adam(Parameters, lr: 0.01f);
    }

    /// <summary>The parameters by name, in a fixed order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> Named =>
        lstm.NamedParameters().Select(p => ("lstm." + p.Name, p.Parameter)).Concat(head.NamedParameters().Select(p => ("head." + p.Name, p.Parameter)));

    public IEnumerable<Tensor> Parameters => Named.Select(p => p.Parameter);

    /// <summary>The global batch: sequences of lengths 1 to 9 with their classes, drawn from a fixed seed.</summary>
    public static (Tensor[] Inputs, int[] Targets) GlobalBatch()
    {
        var rng = new Rng(2024);
        int[] lengths = [9, 4, 6, 1, 8, 3, 5];
        var inputs = lengths.Select(t => Tensor.Randn(rng, t, Features)).ToArray();
        var targets = lengths.Select((t, i) => (t + i) % Classes).ToArray();
        return (inputs, targets);
    }

    /// <summary>The forward pass and backward pass on <paramref name="rows"/> of the global batch.</summary>
    public float Backward(IReadOnlyList<int> rows)
    {
        var (inputs, targets) = GlobalBatch();
        var packed = Packing.PackSequence(rows.Select(r => inputs[r]).ToArray(), enforceSorted: false);
        var (_, state) = lstm.Forward(packed);
        var logits = head.Forward(state.H.Select(0, 0));   // (rows, classes)
        var loss = Losses.CrossEntropy(logits, rows.Select(r => targets[r]).ToArray(), reduction: Reduction.Sum);
        var scaled = loss * (1f / BatchSize);
        optimizer.ZeroGrad();
        scaled.Backward();
        return scaled.Item();
    }

    /// <summary>The optimiser step after <see cref="Backward"/> (and, across ranks, the all-reduce).</summary>
    public void Step() => optimizer.Step();

    /// <summary>Parameters and gradients keyed "name" and "name.grad", as SafeTensors.Save takes them.</summary>
    public Dictionary<string, Tensor> Snapshot()
    {
        var all = new Dictionary<string, Tensor>();
        foreach (var (name, p) in Named)
        {
            all[name] = p.Clone();
            if (p.Grad is { } g) all[name + ".grad"] = g.Clone();
        }
        return all;
    }
}
