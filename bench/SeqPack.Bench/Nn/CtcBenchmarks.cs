using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SeqPack.Nn;

namespace SeqPack.Bench.Nn;

/// <summary>
/// <see cref="Losses.Ctc"/> on a speech-sized batch: T = 400 steps, N = 32 sequences, C = 40 classes, input
/// lengths <c>400 − (37·b mod 120)</c>, target lengths <c>20 + (29·b mod 61)</c> (20 to 80), labels and
/// log-probabilities seeded. bench/ctc-torch.py times PyTorch's CPU <c>ctc_loss</c> on the same lengths.
/// </summary>
[Config(typeof(CtcBenchConfig))]
public class CtcBenchmarks
{
    private Tensor logProbs = null!;
    private int[] targets = null!, inputLengths = null!, targetLengths = null!;

    [Params(32)] public int Batch { get; set; }

    /// <summary><see cref="Compute.Threads"/> (compare with <c>bench/ctc-torch.py THREADS</c>).</summary>
    [Params(1, 2)] public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const int steps = 400, classes = 40;
        Compute.Threads = Threads;
        inputLengths = new int[Batch];
        targetLengths = new int[Batch];
        for (int b = 0; b < Batch; b++)
        {
            inputLengths[b] = steps - 37 * b % 120;
            targetLengths[b] = 20 + 29 * b % 61;
        }
        var rng = new Rng(5);
        targets = new int[targetLengths.Sum()];
        for (int i = 0; i < targets.Length; i++) targets[i] = 1 + (int)rng.NextUniform(0, classes - 1);
        using (Autograd.NoGrad())
            logProbs = Tensor.Randn([steps, Batch, classes], 6).LogSoftmax(2);
        logProbs.RequiresGrad = true;
    }

    /// <summary>The loss alone (mean reduction), not recorded.</summary>
    [Benchmark]
    public float Forward()
    {
        using var _ = Autograd.NoGrad();
        return Losses.Ctc(logProbs, targets, inputLengths, targetLengths).Item();
    }

    /// <summary>The loss recorded, then its gradient with respect to the log-probabilities.</summary>
    [Benchmark]
    public Tensor? ForwardBackward()
    {
        logProbs.ZeroGrad();
        Losses.Ctc(logProbs, targets, inputLengths, targetLengths).Backward();
        return logProbs.Grad;
    }
}

/// <summary>One in-process launch, 3 warm-ups, 9 measured iterations, the median quoted, allocations counted.</summary>
public sealed class CtcBenchConfig : ManualConfig
{
    public CtcBenchConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(9)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median);
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
