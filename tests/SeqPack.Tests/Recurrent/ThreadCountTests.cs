using SeqPack.Kernels;
using SeqPack.Nn;
using SeqPack.Tests.Kernels;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// The recurrent layers split each time step across the worker threads (gate slices, and the columns of the
/// per-step products), and the large products by row or column blocks. Every output and gradient must have the
/// same bits whatever the thread count.
/// </summary>
[Collection(nameof(GemmDriverCollection))]
public class ThreadCountTests
{
    // 150 hidden units: two full 64-unit gate slices and a partial one.
    private const int Input = 7, Hidden = 150;
    private static readonly int[] Lengths = [5, 9, 2, 9, 7, 1];

    public static TheoryData<string> Layers => ["lstm", "lstm-bidirectional-2", "lstm-projection", "gru", "gru-bidirectional-2", "rnn"];

    [Theory]
    [MemberData(nameof(Layers))]
    public void TrainingStep_GivesTheSameBitsOnOneToSixteenThreads(string layer)
    {
        int saved = Compute.Threads;
        try
        {
            List<float[]>? first = null;
            foreach (int threads in ThreadCounts.All)
            {
                Compute.Threads = threads;
                var results = Step(layer);
                if (first is null) { first = results; continue; }
                for (int i = 0; i < first.Count; i++)
                    Assert.True(first[i].AsSpan().SequenceEqual(results[i]), $"{layer}: result {i} changed with {threads} threads");
            }
        }
        finally
        {
            Compute.Threads = saved;
        }
    }

    private static List<float[]> Step(string layer)
    {
        Module module = layer switch
        {
            "lstm" => new Lstm(Input, Hidden, rng: new Rng(11)),
            "lstm-bidirectional-2" => new Lstm(Input, Hidden, numLayers: 2, bidirectional: true, rng: new Rng(12)),
            "lstm-projection" => new Lstm(Input, Hidden, projSize: 37, rng: new Rng(17)),
            "gru" => new Gru(Input, Hidden, rng: new Rng(13)),
            "gru-bidirectional-2" => new Gru(Input, Hidden, numLayers: 2, bidirectional: true, rng: new Rng(18)),
            _ => new Rnn(Input, Hidden, rng: new Rng(14)),
        };
        var x = Tensor.Randn(new Rng(15), Lengths.Max(), Lengths.Length, Input);
        x.RequiresGrad = true;
        var packed = Packing.PackPaddedSequence(x, Lengths, enforceSorted: false);
        var output = module switch
        {
            Lstm l => l.Forward(packed).Output.Data,
            Gru g => g.Forward(packed).Output.Data,
            Rnn r => r.Forward(packed).Output.Data,
            _ => throw new InvalidOperationException(),
        };
        // Weight the rows differently so that every gradient path carries distinct values.
        var weights = Tensor.Randn(new Rng(16), output.Shape);
        (output * weights).Sum().Backward();
        var results = new List<float[]> { output.ToArray(), x.Grad!.ToArray() };
        results.AddRange(module.Parameters().Select(p => p.Grad!.ToArray()));
        return results;
    }
}
