using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Parameters;
using SeqPack.Kernels;
using SeqPack.Nn;

namespace SeqPack.Bench.Kernels;

/// <summary>
/// The public products beside the internal GEMM they run on, same operands, 1 and 2 threads:
/// <list type="bullet">
/// <item><c>SgemmReusedC</c> (baseline): <see cref="Gemm.Sgemm(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/> into one C allocated in setup;</item>
/// <item><c>SgemmNewC</c>: the same call into a C allocated for this call, as every op's output is;</item>
/// <item><c>TensorMatMul</c>: <see cref="Tensor.MatMul(Tensor, Tensor)"/> (no gradient recorded), the result left to the GC;</item>
/// <item><c>TensorMatMulDisposed</c>: the same with the result disposed (<see cref="Tensor.Dispose"/>), as a loop
/// with <c>using</c> (or TorchSharp's dispose scope) does: the next call's result takes over its buffer;</item>
/// <item><c>TensorMatMulDestination</c>: <see cref="Tensor.MatMul(Tensor, Tensor, Tensor)"/> into one tensor made in setup;</item>
/// <item><c>LinearForward</c>: <see cref="Linear.Forward(Tensor)"/> without bias, whose weight is (N, K): x·Wᵀ.</item>
/// </list>
/// SgemmNewC against SgemmReusedC is the cost of touching a fresh output for the first time (page faults);
/// TensorMatMul against SgemmNewC is what the op adds on top of that (shape checks, bookkeeping), and
/// TensorMatMulDisposed and TensorMatMulDestination against SgemmReusedC the same without the fresh output.
/// </summary>
[Config(typeof(KernelBenchConfig))]
public class MatMulBenchmarks
{
    private float[] a = [], b = [], c = [];
    private Tensor ta = null!, tb = null!, x = null!, destination = null!;
    private Linear linear = null!;

    /// <summary>M×N×K: a square product and the skinny ones a recurrent layer's time loop and a classifier head make.</summary>
    [Params("1024x1024x1024", "64x2048x512", "8x2048x512")]
    public string Shape { get; set; } = "";

    [Params(1, 2)]
    public int Threads { get; set; }

    private int M => Dims(Shape)[0];
    private int N => Dims(Shape)[1];
    private int K => Dims(Shape)[2];

    private static int[] Dims(string shape) => shape.Split('x').Select(int.Parse).ToArray();

    public static double Flops(ParameterInstances p)
    {
        var d = Dims((string)p["Shape"]);
        return 2.0 * d[0] * d[1] * d[2];
    }

    [GlobalSetup]
    public void Setup()
    {
        Compute.Threads = Threads;
        var rng = new Random(11);
        a = Enumerable.Range(0, M * K).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        b = Enumerable.Range(0, K * N).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        c = new float[M * N];
        ta = Tensor.FromArray(a, M, K);
        tb = Tensor.FromArray(b, K, N);
        linear = new Linear(K, N, bias: false);
        x = ta;
        destination = Tensor.Zeros(M, N);
    }

    [Benchmark(Baseline = true)]
    public void SgemmReusedC() => Gemm.Sgemm(false, false, M, N, K, 1f, a, K, b, N, 0f, c, N);

    [Benchmark]
    public float[] SgemmNewC()
    {
        var fresh = GC.AllocateUninitializedArray<float>(M * N);
        Gemm.Sgemm(false, false, M, N, K, 1f, a, K, b, N, 0f, fresh, N);
        return fresh;
    }

    [Benchmark]
    public Tensor TensorMatMul() => Tensor.MatMul(ta, tb);

    [Benchmark]
    public int TensorMatMulDisposed()
    {
        using var product = Tensor.MatMul(ta, tb);
        return product.Rank;
    }

    [Benchmark]
    public Tensor TensorMatMulDestination() => Tensor.MatMul(ta, tb, destination);

    [Benchmark]
    public Tensor LinearForward() => linear.Forward(x);
}
