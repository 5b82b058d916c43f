using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using SeqPack.Kernels;

namespace SeqPack.Bench.Kernels;

/// <summary>
/// The recurrent step product: a (M × K) hidden-state block times the pre-packed weight W_hhᵀ (K × N),
/// M = active batch, N = 4H (LSTM, H = 512: 2048) or 3H (GRU: 1536), K = H = 512. Forward h·W_hhᵀ shape.
/// </summary>
[Config(typeof(KernelBenchConfig))]
public class RecurrentGemmBenchmarks
{
    private const int K = 512;
    private float[] h = [], gates = [];
    private PackedMatrix weight = null!;

    [Params(1, 2, 4, 8, 16, 32, 64)]
    public int M { get; set; }

    [Params(1536, 2048)]
    public int N { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    public static double Flops(ParameterInstances p) => 2.0 * (int)p["M"] * (int)p["N"] * K;

    [GlobalSetup]
    public void Setup()
    {
        Compute.Threads = Threads;
        var rng = new Random(7);
        var w = Enumerable.Range(0, N * K).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();   // W_hh (N, K)
        weight = new PackedMatrix(w, K, transposed: true, rows: K, columns: N);
        h = Enumerable.Range(0, M * K).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        gates = new float[M * N];
    }

    [Benchmark]
    public void PrepackedStep() => Gemm.Sgemm(false, M, 1f, h, K, weight, 0f, gates, N);
}
