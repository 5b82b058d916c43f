using System.Diagnostics;
using SeqPack.Nn;

namespace SeqPack.Cli.Commands;

/// <summary>
/// A standard workload on SeqPack's own layers (<see cref="Lstm"/> or <see cref="Gru"/>, batch-first, default
/// initialisation), with the peer's input: a seeded standard-normal (B, T_max, I) tensor and the peer's lengths.
/// </summary>
internal sealed class BenchModel : IBenchModel
{
    private readonly Lstm? lstm;
    private readonly Gru? gru;
    private readonly Tensor input;      // (B, T_max, I)
    private readonly int[] lengths;     // (B), unsorted

    public BenchModel(BenchWorkload w, ulong seed = 0)
    {
        lengths = w.Lengths();
        var rng = new Rng(seed);
        input = Tensor.Randn(rng, w.Batch, lengths.Max(), w.InputSize);
        if (w.Cell == BenchCell.Lstm)
            lstm = new Lstm(w.InputSize, w.HiddenSize, w.Layers, batchFirst: true, bidirectional: w.Bidirectional, rng: rng);
        else
            gru = new Gru(w.InputSize, w.HiddenSize, w.Layers, batchFirst: true, bidirectional: w.Bidirectional, rng: rng);
    }

    /// <summary>The parameters, for callers that want to check the gradients a step leaves.</summary>
    public IEnumerable<Tensor> Parameters => ((Module?)lstm ?? gru!).NamedParameters().Select(p => p.Parameter);

    /// <summary>The input of the last step (a fresh leaf each step, as in the peer), for its gradient.</summary>
    public Tensor? LastInput { get; private set; }

    public void Step(bool train, bool packed)
    {
        // As in the peer: a fresh leaf on the same data each step; weight gradients accumulate across steps.
        var x = input.Detach();
        x.RequiresGrad = train;
        LastInput = x;
        // The peer runs each step in a dispose scope; here the step disposes what it made, so that the next step's
        // results take over their buffers instead of fresh memory (see Tensor.Dispose).
        var made = new List<IDisposable>();
        if (train)
        {
            var loss = Forward(x, packed, made).Sum();
            made.Add(loss);
            loss.Backward();
        }
        else
        {
            using var _ = Autograd.NoGrad();
            var sum = Forward(x, packed, made).Sum();
            made.Add(sum);
            sum.Item();
        }
        foreach (var t in made) t.Dispose();
    }

    /// <summary>
    /// One packed or padded training step timed in three parts: packing (zero for padded), forward through the
    /// loss, and backward; plus the managed bytes allocated by forward and by backward (all threads).
    /// </summary>
    public (double PackMs, double ForwardMs, double BackwardMs, long ForwardBytes, long BackwardBytes) TrainPhases(bool packed)
    {
        var x = input.Detach();
        x.RequiresGrad = true;
        LastInput = x;
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        long t0 = Stopwatch.GetTimestamp();
        PackedSequence? p = packed ? Packing.PackPaddedSequence(x, lengths, batchFirst: true, enforceSorted: false) : null;
        long t1 = Stopwatch.GetTimestamp();
        Tensor output = p is not null
            ? lstm is not null ? lstm.Forward(p).Output.Data : gru!.Forward(p).Output.Data
            : lstm is not null ? lstm.Forward(x).Output : gru!.Forward(x).Output;
        var loss = output.Sum();
        long t2 = Stopwatch.GetTimestamp();
        long a1 = GC.GetTotalAllocatedBytes(precise: true);
        loss.Backward();
        long t3 = Stopwatch.GetTimestamp();
        long a2 = GC.GetTotalAllocatedBytes(precise: true);
        return (Ms(t0, t1), Ms(t1, t2), Ms(t2, t3), a1 - a0, a2 - a1);
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    /// <summary>The layer's output (packed data, or padded); adds every result the caller should dispose to <paramref name="made"/>.</summary>
    private Tensor Forward(Tensor x, bool packed, List<IDisposable> made)
    {
        Tensor output;
        if (packed)
        {
            var p = Packing.PackPaddedSequence(x, lengths, batchFirst: true, enforceSorted: false);
            var (o, states) = lstm is not null ? Split(lstm.Forward(p)) : Split(gru!.Forward(p));
            made.AddRange([p, o, .. states]);
            output = o.Data;
        }
        else
        {
            (output, var states) = lstm is not null ? Split(lstm.Forward(x)) : Split(gru!.Forward(x));
            made.AddRange([output, .. states]);
        }
        return output;
    }

    private static (T Output, Tensor[] States) Split<T>((T Output, LstmState State) r) => (r.Output, [r.State.H, r.State.C]);

    private static (T Output, Tensor[] States) Split<T>((T Output, Tensor H) r) => (r.Output, [r.H]);
}
