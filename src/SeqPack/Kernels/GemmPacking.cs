namespace SeqPack.Kernels;

/// <summary>
/// Packing of GEMM operands into the micro-panel layout the kernels stream (Goto and van de Geijn 2008, §4):
/// A blocks become MR-row micro-panels stored k-major (<c>panel[p·MR + r]</c>), B blocks become NR-column
/// micro-panels stored k-major (<c>panel[p·NR + j]</c>). Rows or columns past the matrix edge are zero so the
/// kernels never branch on them.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] into ⌈mc/MR⌉ micro-panels of MR·kc floats at <paramref name="dst"/>.
    /// op(A)[i, p] is <c>a[i·lda + p]</c>, or <c>a[p·lda + i]</c> when <paramref name="transA"/>.
    /// </summary>
    public static void PackA(bool transA, float* a, nint lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - ir);
            if (!transA)
            {
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kc; p++) dst[p * mr + r] = src[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (p0 + p) * lda + i0 + ir;
                    for (int r = 0; r < rows; r++) dst[p * mr + r] = src[r];
                }
            }
            if (rows < mr)
                for (int p = 0; p < kc; p++)
                    for (int r = rows; r < mr; r++) dst[p * mr + r] = 0f;
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into ⌈nc/NR⌉ micro-panels of NR·kc floats at <paramref name="dst"/>.
    /// op(B)[p, j] is <c>b[p·ldb + j]</c>, or <c>b[j·ldb + p]</c> when <paramref name="transB"/>.
    /// </summary>
    public static void PackB(bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr, dst += nr * kc)
        {
            int cols = Math.Min(nr, nc - jr);
            if (!transB)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (p0 + p) * ldb + j0 + jr;
                    float* d = dst + p * nr;
                    Buffer.MemoryCopy(src, d, cols * sizeof(float), cols * sizeof(float));
                    for (int j = cols; j < nr; j++) d[j] = 0f;
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + (j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) dst[p * nr + j] = src[p];
                }
                if (cols < nr)
                    for (int p = 0; p < kc; p++)
                        for (int j = cols; j < nr; j++) dst[p * nr + j] = 0f;
            }
        }
    }
}
