// SeqPack's GEMM against three native BLAS implementations on this machine, in one process, alternating:
// libtorch 2.10's CPU matmul (through TorchSharp, the library ../../../shared/peer times), OpenBLAS and BLIS
// (Debian's pthread builds, called through cblas_sgemm), and the register-only FMA peak that the issue's
// percentages are taken against. Each round measures the peak and then every library once, in an order that
// rotates from round to round; the table gives medians over rounds and the median of the per-round ratio
// SeqPack / other, so a slow stretch of the host falls on both sides of each ratio.
//
//   dotnet SeqPack.BlasCompare.dll [--threads 1,2] [--rounds 15] [--shapes 1024x1024x1024,8649x2048x256:NT,...]
//
// A shape is MxNxK with an optional :XY, X and Y each N (as stored) or T (transposed) for op(A) and op(B).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SeqPack.Benchmarking;
using SeqPack.Kernels;
using TorchSharp;

var threadCounts = new[] { 1, 2 };
int rounds = 15;
var shapes = new List<Shape>
{
    Shape.Parse("512x512x512"), Shape.Parse("1024x1024x1024"), Shape.Parse("2048x2048x2048"),
    Shape.Parse("8649x2048x256:NT"), Shape.Parse("8649x256x2048"), Shape.Parse("2048x768x8649:TN"),
};
for (int i = 0; i < args.Length; i++)
{
    string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--threads": threadCounts = value.Split(',').Select(int.Parse).ToArray(); i++; break;
        case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
        case "--shapes": shapes = value.Split(',').Select(Shape.Parse).ToList(); i++; break;
        default: throw new ArgumentException($"unknown option {args[i]}; use --threads, --rounds or --shapes");
    }
}

var blas = new List<Cblas>
{
    Cblas.Load("openblas", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", "openblas_set_num_threads", longThreadCount: false),
    Cblas.Load("blis", "/usr/lib/x86_64-linux-gnu/blis-pthread/libblis.so.4", "bli_thread_set_num_threads", longThreadCount: true),
};
Console.WriteLine($"# SeqPack GEMM against libtorch {torch.__version__}, OpenBLAS 0.3.21 and BLIS 0.9.0 (Debian), {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"# {Environment.ProcessorCount} CPUs, {RuntimeInformation.FrameworkDescription}; {rounds} rounds; GFLOP/s = 2·M·N·K / time; medians");
foreach (int threads in threadCounts)
{
    SeqPack.Compute.Threads = threads;
    torch.set_num_threads(threads);
    foreach (var lib in blas) lib.SetThreads(threads);
    Console.WriteLine();
    Console.WriteLine($"## {threads} thread{(threads > 1 ? "s" : "")} (torch reports {torch.get_num_threads()})");
    Console.WriteLine();
    Console.WriteLine("| M×N×K op | FMA peak | SeqPack | libtorch | OpenBLAS | BLIS | SeqPack / libtorch | / OpenBLAS | / BLIS |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var shape in shapes) Console.WriteLine(Measure(shape, threads, rounds, blas));
}

static string Measure(Shape s, int threads, int rounds, List<Cblas> blas)
{
    var rng = new Random(1);
    var a = new float[(long)s.M * s.K]; var b = new float[(long)s.K * s.N]; var c = new float[(long)s.M * s.N];
    for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble() - 0.5f;
    for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble() - 0.5f;
    int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
    using var ta = torch.tensor(a, s.TransA ? [s.K, s.M] : [s.M, s.K]);
    using var tb = torch.tensor(b, s.TransB ? [s.N, s.K] : [s.K, s.N]);
    using var opA = s.TransA ? ta.t() : ta.alias();
    using var opB = s.TransB ? tb.t() : tb.alias();
    using var tc = torch.zeros(s.M, s.N);
    float[] InC() => c;
    var libs = new (string Name, Action Run, Func<float[]> Result)[]
    {
        ("SeqPack", () => Gemm.Sgemm(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, 0f, c, s.N), InC),
        ("libtorch", () => _ = tc.addmm_(opA, opB, 0f, 1f), () => tc.data<float>().ToArray()),   // in place: returns tc itself
        (blas[0].Name, () => blas[0].Sgemm(s, a, lda, b, ldb, c), InC),
        (blas[1].Name, () => blas[1].Sgemm(s, a, lda, b, ldb, c), InC),
    };
    // Every library must compute the same product (checked against SeqPack's).
    libs[0].Run(); var expected = (float[])c.Clone();
    foreach (var (name, run, result) in libs.Skip(1))
    {
        run();
        float[] got = result();
        double worst = 0; for (int i = 0; i < got.Length; i++) worst = Math.Max(worst, Math.Abs(got[i] - expected[i]));
        if (worst > 1e-3) throw new InvalidOperationException($"{name} differs from SeqPack by {worst} on {s}");
    }
    double flops = 2.0 * s.M * s.N * s.K;
    var gflops = libs.Select(_ => new List<double>()).ToArray();
    var peak = new List<double>();
    for (int w = 0; w < 2; w++) foreach (var lib in libs) lib.Run();
    // Enough calls for about 0.2 s per timing at SeqPack's speed, so that waking the threads is a small part.
    var once = Stopwatch.StartNew(); libs[0].Run();
    int reps = Math.Max(3, (int)Math.Ceiling(0.2 / once.Elapsed.TotalSeconds));
    for (int r = 0; r < rounds; r++)
    {
        // The best of three 0.1 s runs of the register-only FMA loop (`seqpack bench` takes three of 0.2 s).
        if (threads > 1) Thread.Sleep(300);
        peak.Add(FmaPeak.Measure(threads, 0.1, 3).GflopsPerSecond);
        for (int j = 0; j < libs.Length; j++)
        {
            int v = (j + r) % libs.Length;
            // Other libraries' idle threads spin for a while after a call (OpenMP, OpenBLAS, our own pool): let
            // them go to sleep before the next library is timed.
            if (threads > 1) Thread.Sleep(300);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < reps; i++) libs[v].Run();
            gflops[v].Add(flops * reps / sw.Elapsed.TotalSeconds / 1e9);
        }
    }
    double pk = Median(peak);
    string Cell(int v) => $"{Median(gflops[v]):F1} ({100 * Median(gflops[v]) / pk:F0}%)";
    string Ratio(int v) => $"{Median(Enumerable.Range(0, rounds).Select(r => gflops[0][r] / gflops[v][r])):F2}×";
    return $"| {s} | {pk:F1} | {Cell(0)} | {Cell(1)} | {Cell(2)} | {Cell(3)} | {Ratio(1)} | {Ratio(2)} | {Ratio(3)} |";
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.OrderBy(x => x).ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
}

readonly record struct Shape(int M, int N, int K, bool TransA, bool TransB)
{
    public static Shape Parse(string text)
    {
        var parts = text.Split(':');
        var dims = parts[0].Split('x').Select(int.Parse).ToArray();
        string op = parts.Length > 1 ? parts[1] : "NN";
        if (dims.Length != 3 || op.Length != 2 || op.Any(ch => ch is not ('N' or 'T')))
            throw new ArgumentException($"shape '{text}': expected MxNxK or MxNxK:XY with X, Y in N/T");
        return new Shape(dims[0], dims[1], dims[2], op[0] == 'T', op[1] == 'T');
    }

    public override string ToString() => $"{M}×{N}×{K} {(TransA ? 'T' : 'N')}{(TransB ? 'T' : 'N')}";
}

/// <summary>A BLAS library's cblas_sgemm (row-major) and its thread-count setter, loaded by path.</summary>
sealed unsafe class Cblas(string name, nint sgemm, nint setThreads, bool longThreadCount)
{
    public string Name { get; } = name;

    /// <param name="longThreadCount">Whether the thread-count setter takes a 64-bit count (BLIS's dim_t) rather than an int.</param>
    public static Cblas Load(string name, string path, string threadsSymbol, bool longThreadCount)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{name} not found at {path}; install it with bench/blas-compare.sh (apt-get install libopenblas0-pthread libblis4-pthread)");
        nint lib = NativeLibrary.Load(path);
        return new Cblas(name, NativeLibrary.GetExport(lib, "cblas_sgemm"), NativeLibrary.GetExport(lib, threadsSymbol), longThreadCount);
    }

    public void SetThreads(int threads)
    {
        if (longThreadCount) ((delegate* unmanaged<long, void>)setThreads)(threads);
        else ((delegate* unmanaged<int, void>)setThreads)(threads);
    }

    public void Sgemm(Shape s, float[] a, int lda, float[] b, int ldb, float[] c)
    {
        const int RowMajor = 101, NoTrans = 111, Trans = 112;
        fixed (float* pa = a, pb = b, pc = c)
            ((delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm)(
                RowMajor, s.TransA ? Trans : NoTrans, s.TransB ? Trans : NoTrans, s.M, s.N, s.K, 1f, pa, lda, pb, ldb, 0f, pc, s.N);
    }
}
