using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using SeqPack.Kernels;

namespace SeqPack.Bench.Kernels;

/// <summary>Square SGEMM C = A·B (row-major, no transposes, beta = 0), 1 and 2 threads.</summary>
[Config(typeof(KernelBenchConfig))]
public class GemmBenchmarks
{
    private float[] a = [], b = [], c = [];

    [Params(256, 512, 1024, 2048)]
    public int Size { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    public static double Flops(ParameterInstances p) => 2.0 * Math.Pow((int)p["Size"], 3);

    [GlobalSetup]
    public void Setup()
    {
        Compute.Threads = Threads;
        var rng = new Random(42);
        a = Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        b = Enumerable.Range(0, Size * Size).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        c = new float[Size * Size];
    }

    [Benchmark]
    public void Sgemm() => Gemm.Sgemm(false, false, Size, Size, Size, 1f, a, Size, b, Size, 0f, c, Size);
}
