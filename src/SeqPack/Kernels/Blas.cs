namespace SeqPack.Kernels;

/// <summary>
/// The matrix product every layer runs on, for callers that work on raw buffers (benchmarks, custom layers):
/// BLAS's <c>sgemm</c> on row-major float32 matrices.
/// </summary>
public static class Blas
{
    /// <summary>
    /// Computes <c>C = alpha·op(A)·op(B) + beta·C</c> (op(X) = X, or Xᵀ when its flag is set) on row-major
    /// matrices with leading dimensions. BLAS conventions: beta = 0 writes C without reading it; k = 0 or
    /// alpha = 0 only scales C. Results are bit-identical for every <see cref="Compute.Threads"/>. Negative sizes,
    /// leading dimensions shorter than a stored row, or spans too short for their operand are an
    /// <see cref="ArgumentException"/> naming the operand.
    /// </summary>
    /// <param name="transA">op(A) = Aᵀ when set; A is then stored (K, M) with leading dimension lda.</param>
    /// <param name="transB">op(B) = Bᵀ when set; B is then stored (N, K) with leading dimension ldb.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major.</param>
    /// <param name="lda">Distance between the starts of A's stored rows.</param>
    /// <param name="b">B, row-major.</param>
    /// <param name="ldb">Distance between the starts of B's stored rows.</param>
    /// <param name="beta">Scale of the old C.</param>
    /// <param name="c">C (M, N), row-major, overwritten.</param>
    /// <param name="ldc">Distance between the starts of C's rows.</param>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
