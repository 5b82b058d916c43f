using SeqPack.Cli.Commands;

namespace SeqPack.Tests.Cli;

/// <summary>The timed step does what the peer's does: packing hides the padding; train reaches every weight and the input.</summary>
public class BenchModelTests
{
    private static readonly BenchWorkload Small = new("tiny", BenchCell.Lstm, 2, true, 5, 4, 6, MinLength: 2, MaxLength: 9);

    private static (float[] Grad, int[] Lengths, int TMax) InputGrad(BenchWorkload w, bool packed)
    {
        var model = new BenchModel(w);
        model.Step(train: true, packed);
        Assert.All(model.Parameters, p => Assert.True(p.Grad is not null && p.Grad.ToArray().Any(g => g != 0)));
        var lengths = w.Lengths();
        return (model.LastInput!.Grad!.ToArray(), lengths, lengths.Max());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TrainPacked_GradientReachesEveryWeightAndOnlyRealInputSteps(bool lstm)
    {
        var w = Small with { Cell = lstm ? BenchCell.Lstm : BenchCell.Gru };
        var (grad, lengths, tMax) = InputGrad(w, packed: true);
        for (int b = 0; b < w.Batch; b++)
        for (int t = 0; t < tMax; t++)
        {
            var row = grad.AsSpan((b * tMax + t) * w.InputSize, w.InputSize).ToArray();
            if (t < lengths[b]) Assert.Contains(row, g => g != 0);
            else Assert.All(row, g => Assert.Equal(0f, g));              // padding is never computed
        }
    }

    [Fact]
    public void TrainPadded_ComputesEveryPaddedStep()
    {
        var (grad, lengths, tMax) = InputGrad(Small, packed: false);
        int b = Array.IndexOf(lengths, lengths.Min());
        var lastStep = grad.AsSpan((b * tMax + tMax - 1) * Small.InputSize, Small.InputSize).ToArray();
        Assert.Contains(lastStep, g => g != 0);
    }

    [Fact]
    public void Infer_RecordsNoGradient()
    {
        var model = new BenchModel(Small);
        model.Step(train: false, packed: true);
        Assert.False(model.LastInput!.RequiresGrad);
        Assert.All(model.Parameters, p => Assert.Null(p.Grad));
    }
}

public class BenchPhasesTests
{
    [Fact]
    public void Measure_SplitsTheStepIntoPartsThatAddUp()
    {
        var w = new BenchWorkload("tiny", BenchCell.Gru, 1, false, 5, 4, 6, MinLength: 2, MaxLength: 9);
        var phases = BenchPhases.Measure(w, packed: true, warmup: 0, iters: 1);
        double Ms(int i) => phases[i].Ms;
        Assert.Equal(["pack", "forward (total)", "input GEMM (x·W_ihᵀ)", "time loop (rest)", "backward (total)", "dX GEMM",
            "dW_ih GEMM", "dW_hh GEMM", "time loop (rest)", "step"], phases.Select(p => p.Name.Trim()));
        Assert.Equal(Ms(0) + Ms(1) + Ms(4), Ms(9), 9);
        Assert.Equal(Ms(1) - Ms(2), Ms(3), 9);
        Assert.Equal(Ms(4) - Ms(5) - Ms(6) - Ms(7), Ms(8), 9);
        // GEMM FLOP of forward and backward add up to the workload's training FLOP (18·H·(I+H)·N for a GRU).
        Assert.Equal(w.Flops(w.Lengths().Sum(), train: true), phases[1].Flops + phases[4].Flops, 6);
    }
}
