namespace SeqPack.Kernels;

/// <summary>
/// The GEMM entry point used by every layer: <c>C = alpha·op(A)·op(B) + beta·C</c> on row-major float32
/// matrices with leading dimensions (op(X) = X or Xᵀ). Organised as Goto and van de Geijn ("Anatomy of
/// high-performance matrix multiplication", 2008) and BLIS do it: see <see cref="GemmDriver"/> for the loops,
/// <see cref="GemmPlan"/> for the blocking, <see cref="MicroKernel512"/> / <see cref="MicroKernel256"/> /
/// <see cref="MicroKernelScalar"/> for the register kernels and <see cref="GemmReference"/> for the naive loops
/// the tests compare against.
/// </summary>
/// <remarks>
/// BLAS conventions: beta = 0 means C is written without being read (NaNs in C do not propagate); k = 0 or
/// alpha = 0 only scales C by beta. Results are bit-identical for every <see cref="Compute.Threads"/>: threads
/// split C into blocks, never the k sum, and every kernel (full or edge) sums an element in the same order.
/// </remarks>
internal static unsafe class Gemm
{
    /// <param name="transA">op(A) = Aᵀ when set; A is then stored (K, M) with leading dimension lda.</param>
    /// <param name="transB">op(B) = Bᵀ when set; B is then stored (N, K) with leading dimension ldb.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Sgemm(GemmPlan.Default, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>
    /// <c>C = alpha·op(A)·B + beta·C</c> with B pre-packed (<see cref="PackedMatrix"/>): the products of a
    /// recurrent layer's time loop, where the same weight meets a small activation block at every step.
    /// </summary>
    public static void Sgemm(bool transA, int m, float alpha, ReadOnlySpan<float> a, int lda,
        PackedMatrix b, float beta, Span<float> c, int ldc)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.Columns, k = b.Rows;
        CheckOperand(a, lda, transA ? k : m, transA ? m : k, nameof(a), nameof(lda));
        CheckOperand(c, ldc, m, n, nameof(c), nameof(ldc));
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pc = c)
        {
            if (k == 0 || alpha == 0f) { ScaleC(m, n, beta, pc, ldc); return; }
            GemmDriver.Run(b.Plan, transA, false, m, n, k, alpha, pa, lda, null, 0, b.Pointer, beta, pc, ldc);
        }
        GC.KeepAlive(b);   // b's pinned store is freed once b is unreachable; the kernels above only hold its raw pointer
    }

    /// <summary>As the public overload, with an explicit kernel plan (tests run every plan on any machine).</summary>
    internal static void Sgemm(GemmPlan plan, bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), m, "Sgemm: m must be non-negative.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Sgemm: n must be non-negative.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "Sgemm: k must be non-negative.");
        CheckOperand(a, lda, transA ? k : m, transA ? m : k, nameof(a), nameof(lda));
        CheckOperand(b, ldb, transB ? n : k, transB ? k : n, nameof(b), nameof(ldb));
        CheckOperand(c, ldc, m, n, nameof(c), nameof(ldc));
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0 || alpha == 0f) { ScaleC(m, n, beta, pc, ldc); return; }
            GemmDriver.Run(plan, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, null, beta, pc, ldc);
        }
    }

    /// <summary>C = beta·C (beta = 0 writes zeros without reading C).</summary>
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (nint)i * ldc, n);
            if (beta == 0f) row.Clear();
            else System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>Checks that a row-major (rows × cols) operand with leading dimension ld fits in its span.</summary>
    internal static void CheckOperand(ReadOnlySpan<float> x, int ld, int rows, int cols, string name, string ldName)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentOutOfRangeException(ldName, ld,
                $"Sgemm: {ldName} must be at least the stored row length {cols} (and at least 1) for operand {name}.");
        if (rows == 0 || cols == 0) return;
        long need = (long)(rows - 1) * ld + cols;
        if (x.Length < need)
            throw new ArgumentException(
                $"Sgemm: operand {name} stored ({rows} × {cols}) with {ldName} = {ld} needs {need} floats but its span has {x.Length}; pass a larger span or fix the sizes.",
                name);
    }
}
