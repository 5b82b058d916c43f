using BenchmarkDotNet.Attributes;
using SeqPack.Kernels;

namespace SeqPack.Bench.Kernels;

/// <summary>
/// Hand-off latency: one empty task per thread (2 threads), dispatched and joined, through the persistent
/// <see cref="WorkerPool"/> (spinning workers) and through Parallel.For. Back-to-back calls, as in a time loop.
/// </summary>
[Config(typeof(KernelBenchConfig))]
public class WorkerPoolBenchmarks
{
    private static int counter;
    private static readonly Action<int> Body = _ => Interlocked.Increment(ref counter);

    [GlobalSetup]
    public void Setup() => Compute.Threads = 2;

    [Benchmark(Baseline = true)]
    public void ParallelFor() => Parallel.For(0, 2, Body);

    [Benchmark]
    public void WorkerPoolRun() => WorkerPool.Run(new CountJob(), 2);

    private struct CountJob : IParallelJob
    {
        public readonly void Execute(int index) => Interlocked.Increment(ref counter);
    }
}
