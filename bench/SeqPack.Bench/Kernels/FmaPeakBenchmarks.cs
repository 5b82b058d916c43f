using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using SeqPack.Benchmarking;
using SeqPack.Kernels;

namespace SeqPack.Bench.Kernels;

/// <summary>
/// The machine's register-level FMA peak, the yardstick of the GEMM numbers: the library's
/// <see cref="FmaPeak.Loop"/> (independent FMAs on the widest accelerated vector, no memory traffic), the
/// same loop `seqpack bench` measures. Two threads run it through the <see cref="WorkerPool"/> concurrently.
/// </summary>
[Config(typeof(KernelBenchConfig))]
public class FmaPeakBenchmarks
{
    private const int Iterations = 1 << 20;

    [Params(1, 2)]
    public int Threads { get; set; }

    public static double Flops(ParameterInstances p)
    {
        return FmaPeak.FlopsPerIteration * Iterations * (int)p["Threads"];
    }

    [GlobalSetup]
    public void Setup() => Compute.Threads = Threads;

    [Benchmark]
    public void FmaLoop() => WorkerPool.Run(new PeakJob(), Threads);

    private struct PeakJob : IParallelJob
    {
        public readonly void Execute(int index) => FmaPeak.Loop(Iterations);
    }
}
