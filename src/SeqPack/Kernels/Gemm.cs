namespace SeqPack.Kernels;

/// <summary>
/// The GEMM entry point used by every layer: <c>C = alpha·op(A)·op(B) + beta·C</c>, row-major, with leading
/// dimensions. This placeholder forwards to a straightforward loop; the packed, register-blocked kernels
/// replace its body without changing the signature.
/// </summary>
internal static class Gemm
{
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (m == 0 || n == 0) return;
        for (int i = 0; i < m; i++)
        {
            var ci = c.Slice(i * ldc, n);
            if (beta == 0f) ci.Clear();
            else if (beta != 1f) for (int j = 0; j < n; j++) ci[j] *= beta;
            for (int p = 0; p < k; p++)
            {
                float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                if (av == 0f) continue;
                if (!transB)
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), av, ci, ci);
                else
                    for (int j = 0; j < n; j++) ci[j] += av * b[j * ldb + p];
            }
        }
    }
}
