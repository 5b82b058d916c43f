namespace SeqPack.Kernels;

/// <summary>
/// The readable reference GEMM: <c>C = alpha·op(A)·op(B) + beta·C</c> with plain loops in double-precision
/// accumulation. The fast kernels are tested against it; nothing on a hot path calls it.
/// </summary>
internal static class GemmReference
{
    /// <param name="transA">op(A) = Aᵀ when set; A is then stored (K, M) with leading dimension lda.</param>
    /// <param name="transB">op(B) = Bᵀ when set; B is then stored (N, K) with leading dimension ldb.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                float prior = beta == 0f ? 0f : beta * c[i * ldc + j];   // beta = 0 ignores C, NaNs included (BLAS rule)
                c[i * ldc + j] = (float)(alpha * sum) + prior;
            }
    }
}
