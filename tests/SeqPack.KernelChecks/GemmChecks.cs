using System.Runtime.Intrinsics;
using SeqPack.Kernels;

namespace SeqPack.KernelChecks;

/// <summary>
/// The GEMM of every kernel family this machine accelerates (and both Vector128 blocks, which run anywhere)
/// against <see cref="GemmReference"/> on sizes that are not multiples of any block, all four transposes,
/// alpha/beta and strided operands, within the forward error bound of a float dot product; the pre-packed
/// weight path of the recurrent layers; and the same bits for 1 and 3 threads.
/// </summary>
internal static class GemmChecks
{
    private static readonly int[] Ms = [1, 2, 3, 5, 7, 8, 9, 13, 17, 26];
    private static readonly int[] Ns = [1, 5, 12, 13, 31, 50];
    private static readonly int[] Ks = [1, 7, 19, 70];

    public static void Run(CheckLog log)
    {
        var plans = GemmPlan.All.Where(p => p.Isa switch
        {
            GemmIsa.Vector512 => Vector512.IsHardwareAccelerated,
            GemmIsa.Vector256 => Vector256.IsHardwareAccelerated,
            _ => true,
        }).Append(GemmPlan.Packed).Distinct().ToArray();
        int seed = 0;
        foreach (var plan in plans)
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                foreach (int m in Ms) Product(log, plan, ta, tb, m, 37, 23, 1f, 0f, 0, ++seed);
                foreach (int n in Ns) Product(log, plan, ta, tb, 11, n, 29, -0.5f, 0.75f, 3, ++seed);
                foreach (int k in Ks) Product(log, plan, ta, tb, 14, 33, k, 2f, 1f, 1, ++seed);
            }
        // Deeper than KC and taller than MC: every loop of the blocked nest runs more than once.
        Product(log, GemmPlan.Default, false, false, GemmPlan.Default.MC + 5, 19, GemmPlan.Default.KC + 9, 1f, 0.5f, 2, ++seed);
        foreach (int m in Ms) PackedProduct(log, m, 61, 45, ++seed);
        ThreadBits(log);
    }

    private static void Product(CheckLog log, GemmPlan plan, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad, int seed)
    {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        var a = Matrix(ta ? k : m, lda, seed);
        var b = Matrix(tb ? n : k, ldb, seed + 1000);
        var c = Matrix(m, ldc, seed + 2000);
        var expected = (float[])c.Clone();
        GemmReference.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        var bound = new float[c.Length];
        GemmReference.Sgemm(ta, tb, m, n, k, Math.Abs(alpha), Abs(a), lda, Abs(b), ldb, 0f, bound, ldc);
        var actual = (float[])c.Clone();
        Gemm.Sgemm(plan, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, actual, ldc);
        Compare(log, $"GEMM {plan.Name}", $"transA={ta} transB={tb} {m}x{n}x{k} alpha={alpha} beta={beta}", m, n, k, ldc, beta, c, expected, bound, actual);
    }

    /// <summary>C = h·Wᵀ with W pre-packed transposed: a recurrent layer's step product.</summary>
    private static void PackedProduct(CheckLog log, int m, int n, int k, int seed)
    {
        var a = Matrix(m, k, seed);
        var w = Matrix(n, k, seed + 1000);
        var packed = new PackedMatrix(w, k, transposed: true, rows: k, columns: n);
        var expected = new float[m * n];
        GemmReference.Sgemm(false, true, m, n, k, 1f, a, k, w, k, 0f, expected, n);
        var bound = new float[m * n];
        GemmReference.Sgemm(false, true, m, n, k, 1f, Abs(a), k, Abs(w), k, 0f, bound, n);
        var actual = new float[m * n];
        Gemm.Sgemm(false, m, 1f, a, k, packed, 0f, actual, n);
        Compare(log, $"packed GEMM {packed.Plan.Name}", $"{m}x{n}x{k}", m, n, k, n, 0f, actual, expected, bound, actual);
    }

    private static void ThreadBits(CheckLog log)
    {
        int m = 131, n = 147, k = 161;
        var a = Matrix(m, k, 7);
        var b = Matrix(k, n, 8);
        float[] Run(int threads)
        {
            int saved = SeqPack.Compute.Threads;
            SeqPack.Compute.Threads = threads;
            try
            {
                var c = new float[m * n];
                Gemm.Sgemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
                return c;
            }
            finally { SeqPack.Compute.Threads = saved; }
        }
        var one = Run(1);
        var three = Run(3);
        log.Check("GEMM thread count", one.AsSpan().SequenceEqual(three), () => $"{m}x{n}x{k}: 1 and 3 threads give different bits");
    }

    private static void Compare(CheckLog log, string group, string what, int m, int n, int k, int ldc, float beta,
        float[] c0, float[] expected, float[] bound, float[] actual)
    {
        const double u = 1.0 / (1 << 24);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int at = i * ldc + j;
                double tol = (k + 2) * u * bound[at] + (beta == 0f ? 0 : 2 * u * Math.Abs((double)beta * c0[at])) + 1e-30;
                double err = Math.Abs((double)actual[at] - expected[at]);
                if (!(err <= tol))
                {
                    log.Check(group, false, () => $"{what}: C[{i},{j}] = {actual[at]:G9}, reference {expected[at]:G9}, error {err:G3} > {tol:G3}");
                    return;
                }
            }
        log.Check(group, true, () => "");
    }

    private static float[] Matrix(int rows, int ld, int seed)
    {
        var rng = new Random(seed);
        var x = new float[Math.Max(1, rows * ld)];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static float[] Abs(float[] x) => Array.ConvertAll(x, Math.Abs);
}
