using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using SeqPack.Kernels;

namespace SeqPack.Bench.Kernels;

/// <summary>
/// The machine's register-level FMA peak, the yardstick of the GEMM numbers: a loop of independent FMAs on
/// the widest accelerated vector (Vector512 where AVX-512 is present, else Vector256), with enough
/// accumulators to cover latency × FMA ports, no memory traffic. Two threads run the loop through the
/// <see cref="WorkerPool"/> concurrently.
/// </summary>
[Config(typeof(KernelBenchConfig))]
public class FmaPeakBenchmarks
{
    private const int Iterations = 1 << 20;
    private const int Accumulators = 12;
    private static float sink;

    [Params(1, 2)]
    public int Threads { get; set; }

    public static double Flops(ParameterInstances p)
    {
        int lanes = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : Vector256<float>.Count;
        return 2.0 * Iterations * Accumulators * lanes * (int)p["Threads"];
    }

    [GlobalSetup]
    public void Setup() => Compute.Threads = Threads;

    [Benchmark]
    public void FmaLoop() => WorkerPool.Run(new PeakJob(), Threads);

    private struct PeakJob : IParallelJob
    {
        public readonly void Execute(int index) => sink += Vector512.IsHardwareAccelerated ? Loop512(1.0001f) : Loop256(1.0001f);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop256(float seed)
    {
        var x = Vector256.Create(seed);
        var y = Vector256.Create(0.9999f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, y, x); a1 = Vector256.FusedMultiplyAdd(a1, y, x);
            a2 = Vector256.FusedMultiplyAdd(a2, y, x); a3 = Vector256.FusedMultiplyAdd(a3, y, x);
            a4 = Vector256.FusedMultiplyAdd(a4, y, x); a5 = Vector256.FusedMultiplyAdd(a5, y, x);
            a6 = Vector256.FusedMultiplyAdd(a6, y, x); a7 = Vector256.FusedMultiplyAdd(a7, y, x);
            a8 = Vector256.FusedMultiplyAdd(a8, y, x); a9 = Vector256.FusedMultiplyAdd(a9, y, x);
            a10 = Vector256.FusedMultiplyAdd(a10, y, x); a11 = Vector256.FusedMultiplyAdd(a11, y, x);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop512(float seed)
    {
        var x = Vector512.Create(seed);
        var y = Vector512.Create(0.9999f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, y, x); a1 = Vector512.FusedMultiplyAdd(a1, y, x);
            a2 = Vector512.FusedMultiplyAdd(a2, y, x); a3 = Vector512.FusedMultiplyAdd(a3, y, x);
            a4 = Vector512.FusedMultiplyAdd(a4, y, x); a5 = Vector512.FusedMultiplyAdd(a5, y, x);
            a6 = Vector512.FusedMultiplyAdd(a6, y, x); a7 = Vector512.FusedMultiplyAdd(a7, y, x);
            a8 = Vector512.FusedMultiplyAdd(a8, y, x); a9 = Vector512.FusedMultiplyAdd(a9, y, x);
            a10 = Vector512.FusedMultiplyAdd(a10, y, x); a11 = Vector512.FusedMultiplyAdd(a11, y, x);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
