using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>Random operands for the GEMM tests and the comparison against <see cref="GemmReference"/>.</summary>
internal static class GemmTestData
{
    /// <summary>Uniform values in [-1, 1), seeded; strided gaps are filled with a sentinel to catch stray writes.</summary>
    public static float[] Matrix(int rows, int cols, int ld, int seed, float gap = 1e30f)
    {
        var rng = new Random(seed);
        var x = new float[Math.Max(1, rows == 0 ? 0 : (rows - 1) * ld + cols)];
        Array.Fill(x, gap);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                x[i * ld + j] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>
    /// Runs the fast GEMM (through <paramref name="fast"/>) and the reference on the same operands and asserts
    /// every element of C within the forward error bound of a float dot product,
    /// |Δ| ≤ (k + 2)·u·|alpha|·(|A|·|B|) + 2u·|beta·C| with u = 2⁻²⁴, and that padding between rows of C is untouched.
    /// </summary>
    public static void Check(string label, bool transA, bool transB, int m, int n, int k, float alpha, float beta,
        int padA, int padB, int padC, Action<float[], int, float[], int, float[], int> fast, int seed = 1)
    {
        int lda = (transA ? m : k) + padA, ldb = (transB ? k : n) + padB, ldc = n + padC;
        var a = Matrix(transA ? k : m, transA ? m : k, Math.Max(1, lda), seed);
        var b = Matrix(transB ? n : k, transB ? k : n, Math.Max(1, ldb), seed + 1);
        var c0 = Matrix(m, n, Math.Max(1, ldc), seed + 2, gap: -7.5f);
        lda = Math.Max(1, lda); ldb = Math.Max(1, ldb); ldc = Math.Max(1, ldc);
        var expected = (float[])c0.Clone();
        GemmReference.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        var absA = Array.ConvertAll(a, Math.Abs);
        var absB = Array.ConvertAll(b, Math.Abs);
        var bound = new float[c0.Length];
        GemmReference.Sgemm(transA, transB, m, n, k, 1f, absA, lda, absB, ldb, 0f, bound, ldc);
        var actual = (float[])c0.Clone();
        fast(a, lda, b, ldb, actual, ldc);
        const double u = 1.0 / (1 << 24);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                int at = i * ldc + j;
                double prior = beta == 0f ? 0 : Math.Abs((double)beta * c0[at]);
                double tol = (k + 2) * u * Math.Abs(alpha) * bound[at] + 2 * u * prior + 1e-30;
                double err = Math.Abs((double)actual[at] - expected[at]);
                if (!(err <= tol))
                    Assert.Fail($"{label} transA={transA} transB={transB} m={m} n={n} k={k} alpha={alpha} beta={beta}: " +
                                $"C[{i},{j}] = {actual[at]:G9}, reference {expected[at]:G9}, error {err:G3} > bound {tol:G3}");
            }
        for (int i = 0; i < m - 1; i++)
            for (int j = n; j < ldc; j++)
                Assert.True(actual[i * ldc + j] == -7.5f, $"{label}: padding C[{i},{j}] was overwritten with {actual[i * ldc + j]}");
    }
}
