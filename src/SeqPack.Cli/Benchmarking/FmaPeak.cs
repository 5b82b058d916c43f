using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SeqPack.Benchmarking;

/// <summary>
/// The result of <see cref="FmaPeak.Measure"/>: fp32 GFLOP/s of a register-only fused multiply-add loop
/// (one FMA counted as two FLOP), summed over <see cref="Threads"/> threads running at the same time.
/// </summary>
internal readonly record struct FmaPeakResult(int Threads, int VectorBits, double GflopsPerSecond);

/// <summary>
/// Measures the machine's fp32 FMA peak: every thread runs a loop of independent vector fused multiply-adds
/// on twelve accumulators that never leave registers (no loads, no stores), so the result is the execution
/// units' throughput and nothing else. This is the ceiling that GEMM-bound kernels are judged against
/// ("fraction of peak on real tokens"). It uses the widest vector width the hardware accelerates:
/// Vector512 on AVX-512 machines, else Vector256 (AVX2 + FMA3), else Vector128.
/// Twelve chains cover the FMA latency of current cores (4-5 cycles × 2 pipes); see Agner Fog,
/// "Instruction tables", for the latency and throughput figures this relies on.
/// </summary>
internal static class FmaPeak
{
    private const int Chains = 12;

    /// <summary>The vector width (bits) the probe uses on this machine.</summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <summary>FLOP of one iteration of <see cref="Loop"/>: twelve FMAs (two FLOP per lane) at <see cref="VectorBits"/>.</summary>
    public static double FlopsPerIteration => Chains * 2.0 * (VectorBits / 32);

    /// <summary>
    /// Runs the loop on <paramref name="threads"/> dedicated threads at once for about
    /// <paramref name="seconds"/> each, <paramref name="repeats"/> times, and returns the best total rate
    /// (FLOP of all threads divided by the wall time of the slowest thread).
    /// </summary>
    public static FmaPeakResult Measure(int threads, double seconds = 0.2, int repeats = 3)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "FMA peak needs at least one thread.");
        if (!(seconds > 0))
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Give a positive measuring time in seconds.");
        if (repeats < 1)
            throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "Give at least one repeat.");

        int bits = VectorBits;
        long iterations = Calibrate(seconds);
        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            double wall = RunOnThreads(threads, iterations);
            best = Math.Max(best, threads * iterations * FlopsPerIteration / wall / 1e9);
        }
        return new FmaPeakResult(threads, bits, best);
    }

    // Iterations that take about `seconds` on one thread (after the loop is compiled and warm).
    private static long Calibrate(double seconds)
    {
        long n = 1 << 16;
        Loop(n);
        while (true)
        {
            var sw = Stopwatch.StartNew();
            Loop(n);
            double t = sw.Elapsed.TotalSeconds;
            if (t > 0.02 || n > (1L << 40)) return Math.Max(1, (long)(n * seconds / Math.Max(t, 1e-9)));
            n *= 4;
        }
    }

    private static double RunOnThreads(int threads, long iterations)
    {
        using var start = new ManualResetEventSlim(false);
        using var ready = new CountdownEvent(threads);
        var elapsed = new double[threads];
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                ready.Signal();
                start.Wait();
                var sw = Stopwatch.StartNew();
                Loop(iterations);
                elapsed[id] = sw.Elapsed.TotalSeconds;
            }) { IsBackground = true, Name = "FmaPeak" };
            workers[t].Start();
        }
        ready.Wait();
        start.Set();
        foreach (var w in workers) w.Join();
        return elapsed.Max();
    }

    private static float sink;

    /// <summary>Runs <paramref name="iterations"/> iterations of the register-only FMA loop on the calling thread.</summary>
    public static void Loop(long iterations)
    {
        float r = VectorBits switch
        {
            512 => Loop512(iterations),
            256 => Loop256(iterations),
            _ => Loop128(iterations),
        };
        sink += r;   // keeps the JIT from removing the loop
    }

    // The three loops are the same twelve-chain body at three widths; `acc = acc * a + b` with a just below
    // one keeps every value finite for any iteration count.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Loop512(long iterations)
    {
        var a = Vector512.Create(0.999999f);
        var b = Vector512.Create(1e-6f);
        Vector512<float> c0 = Vector512.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0,
            c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b); c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b); c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b); c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b); c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b); c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b); c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Loop256(long iterations)
    {
        var a = Vector256.Create(0.999999f);
        var b = Vector256.Create(1e-6f);
        Vector256<float> c0 = Vector256.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0,
            c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b); c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b); c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b); c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b); c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b); c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b); c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }
        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    // The 128-bit loop uses MultiplyAddEstimate, as the Vector128 kernels do: one fused multiply-add on ARM64 and
    // x86 with FMA, a multiply and an add on SSE-only x86 (where FusedMultiplyAdd would be a software routine), so
    // the peak is that of the operation the kernels issue.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Loop128(long iterations)
    {
        var a = Vector128.Create(0.999999f);
        var b = Vector128.Create(1e-6f);
        Vector128<float> c0 = Vector128.Create(1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0,
            c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector128.MultiplyAddEstimate(c0, a, b); c1 = Vector128.MultiplyAddEstimate(c1, a, b);
            c2 = Vector128.MultiplyAddEstimate(c2, a, b); c3 = Vector128.MultiplyAddEstimate(c3, a, b);
            c4 = Vector128.MultiplyAddEstimate(c4, a, b); c5 = Vector128.MultiplyAddEstimate(c5, a, b);
            c6 = Vector128.MultiplyAddEstimate(c6, a, b); c7 = Vector128.MultiplyAddEstimate(c7, a, b);
            c8 = Vector128.MultiplyAddEstimate(c8, a, b); c9 = Vector128.MultiplyAddEstimate(c9, a, b);
            c10 = Vector128.MultiplyAddEstimate(c10, a, b); c11 = Vector128.MultiplyAddEstimate(c11, a, b);
        }
        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
