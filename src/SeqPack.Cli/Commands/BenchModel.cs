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
        if (train)
        {
            Forward(x, packed).Sum().Backward();
        }
        else
        {
            using var _ = Autograd.NoGrad();
            Forward(x, packed).Sum().Item();
        }
    }

    private Tensor Forward(Tensor x, bool packed)
    {
        if (packed)
        {
            var p = Packing.PackPaddedSequence(x, lengths, batchFirst: true, enforceSorted: false);
            return lstm is not null ? lstm.Forward(p).Output.Data : gru!.Forward(p).Output.Data;
        }
        return lstm is not null ? lstm.Forward(x).Output : gru!.Forward(x).Output;
    }
}
