using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, nint lda, int i0, int p0, int mc, int kc, int mr, float* dst)
    {
        int ir = 0;
        if (transA && mr == 6 && Avx.IsSupported && mc >= 6)
        {
            ir = mc / 6 * 6;
            PackA6Transposed(a + (nint)p0 * lda + i0, lda, kc, ir / 6, dst);
            dst += (nint)ir * kc;
        }
        else if (transA && mr % 4 == 0 && Vector128.IsHardwareAccelerated && mc >= mr)
        {
            ir = mc / mr * mr;
            PackATransposedRuns(a + (nint)p0 * lda + i0, lda, kc, ir / mr, mr, dst);
            dst += (nint)ir * kc;
        }
        for (; ir < mc; ir += mr, dst += mr * kc)
        {
            int rows = Math.Min(mr, mc - ir);
            if (rows == 6 && mr == 6 && Avx.IsSupported && !transA)
            {
                PackA6(a + (nint)(i0 + ir) * lda + p0, lda, kc, dst);
                continue;
            }
            if (rows == mr && mr % 4 == 0 && Avx.IsSupported && !transA)
            {
                PackAQuads(a + (nint)(i0 + ir) * lda + p0, lda, kc, mr, dst);
                continue;
            }
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
    /// One full 6-row micro-panel of an untransposed A (rows <paramref name="lda"/> apart, contiguous in k):
    /// 8 k steps at a time, the 6 row vectors are transposed in registers (unpack, then shuffle, as in the
    /// classic 8×8 AVX transpose with two zero rows) and each k step's 6 floats are stored as 4 + 2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA6(float* src, nint lda, int kc, float* dst)
    {
        float* r0 = src, r1 = src + lda, r2 = src + 2 * lda, r3 = src + 3 * lda, r4 = src + 4 * lda, r5 = src + 5 * lda;
        var zero = Vector256<float>.Zero;
        int p = 0;
        // The rows two panels on (12·lda further) are fetched while this one is transposed: each row is only kc
        // floats long, too short a stream for the hardware prefetcher, and A usually comes from L3 or memory.
        // Two panels ahead beat one; three or four gained nothing more.
        nint ahead = 12 * lda;
        for (; p <= kc - 8; p += 8, dst += 48)
        {
            if (Sse.IsSupported && (p & 15) == 0)
            {
                Sse.Prefetch0(r0 + ahead + p); Sse.Prefetch0(r1 + ahead + p); Sse.Prefetch0(r2 + ahead + p);
                Sse.Prefetch0(r3 + ahead + p); Sse.Prefetch0(r4 + ahead + p); Sse.Prefetch0(r5 + ahead + p);
            }
            var t0 = Avx.UnpackLow(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));   // a0 b0 a1 b1 | a4 b4 a5 b5
            var t1 = Avx.UnpackHigh(Avx.LoadVector256(r0 + p), Avx.LoadVector256(r1 + p));  // a2 b2 a3 b3 | a6 b6 a7 b7
            var t2 = Avx.UnpackLow(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
            var t3 = Avx.UnpackHigh(Avx.LoadVector256(r2 + p), Avx.LoadVector256(r3 + p));
            var t4 = Avx.UnpackLow(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
            var t5 = Avx.UnpackHigh(Avx.LoadVector256(r4 + p), Avx.LoadVector256(r5 + p));
            // k step j's rows 0-3 are in lane j/4 of s[j%4], rows 4-5 in the low half of that lane of e[j%4].
            var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
            var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
            var e0 = Avx.Shuffle(t4, zero, 0x44); var e1 = Avx.Shuffle(t4, zero, 0xEE);
            var e2 = Avx.Shuffle(t5, zero, 0x44); var e3 = Avx.Shuffle(t5, zero, 0xEE);
            Store6(dst + 0, s0.GetLower(), e0.GetLower());
            Store6(dst + 6, s1.GetLower(), e1.GetLower());
            Store6(dst + 12, s2.GetLower(), e2.GetLower());
            Store6(dst + 18, s3.GetLower(), e3.GetLower());
            Store6(dst + 24, s0.GetUpper(), e0.GetUpper());
            Store6(dst + 30, s1.GetUpper(), e1.GetUpper());
            Store6(dst + 36, s2.GetUpper(), e2.GetUpper());
            Store6(dst + 42, s3.GetUpper(), e3.GetUpper());
        }
        for (; p < kc; p++, dst += 6)
        {
            dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p]; dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p];
        }
    }

    /// <summary>
    /// One full micro-panel of an untransposed A whose MR is a multiple of 4 (the 12-row Vector512 panel): for
    /// 8 k steps at a time, each group of 4 rows is transposed in registers (unpack, then shuffle: a 4 × 4
    /// transpose in each 128-bit lane, as in <see cref="PackA6"/>) and stored as 4-float runs, instead of one
    /// float per iteration with a stride of MR floats. The rows two panels on are fetched ahead, as there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackAQuads(float* src, nint lda, int kc, int mr, float* dst)
    {
        nint ahead = 2 * mr * lda;
        int p = 0;
        for (; p <= kc - 8; p += 8, dst += 8 * mr)
        {
            for (int g = 0; g < mr; g += 4)
            {
                float* r0 = src + g * lda + p, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
                if (Sse.IsSupported && (p & 15) == 0)
                {
                    Sse.Prefetch0(r0 + ahead); Sse.Prefetch0(r1 + ahead); Sse.Prefetch0(r2 + ahead); Sse.Prefetch0(r3 + ahead);
                }
                var a0 = Avx.LoadVector256(r0); var a1 = Avx.LoadVector256(r1);
                var a2 = Avx.LoadVector256(r2); var a3 = Avx.LoadVector256(r3);
                var t0 = Avx.UnpackLow(a0, a1); var t1 = Avx.UnpackHigh(a0, a1);   // r0 r1 of k 0,1 | 4,5, and of k 2,3 | 6,7
                var t2 = Avx.UnpackLow(a2, a3); var t3 = Avx.UnpackHigh(a2, a3);
                // s_j holds rows g..g+3 of k step j in its low half and of k step j + 4 in its high half.
                var s0 = Avx.Shuffle(t0, t2, 0x44); var s1 = Avx.Shuffle(t0, t2, 0xEE);
                var s2 = Avx.Shuffle(t1, t3, 0x44); var s3 = Avx.Shuffle(t1, t3, 0xEE);
                float* d = dst + g;
                s0.GetLower().Store(d); s1.GetLower().Store(d + mr); s2.GetLower().Store(d + 2 * mr); s3.GetLower().Store(d + 3 * mr);
                s0.GetUpper().Store(d + 4 * mr); s1.GetUpper().Store(d + 5 * mr); s2.GetUpper().Store(d + 6 * mr); s3.GetUpper().Store(d + 7 * mr);
            }
        }
        for (; p < kc; p++, dst += mr)
            for (int r = 0; r < mr; r++) dst[r] = src[r * lda + p];
    }

    /// <summary>
    /// The full micro-panels of a transposed A block (stored K × M, rows <paramref name="lda"/> apart) whose MR
    /// is a multiple of 4: as <see cref="PackA6Transposed"/>, each row's MR·panels contiguous floats are copied
    /// as MR-float runs into every panel, with each row's lines requested 16 rows ahead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackATransposedRuns(float* src, nint lda, int kc, int panels, int mr, float* dst)
    {
        const int Ahead = 16;
        int width = mr * panels;
        nint panelStride = mr * (nint)kc;
        for (int p = 0; p < kc; p++, src += lda, dst += mr)
        {
            if (Sse.IsSupported && p + Ahead < kc)
            {
                float* next = src + Ahead * lda;
                for (int j = 0; j < width; j += 16) Sse.Prefetch0(next + j);
                Sse.Prefetch0(next + width - 1);
            }
            float* s = src, d = dst;
            for (int q = 0; q < panels; q++, s += mr, d += panelStride)
                for (int j = 0; j < mr; j += 4) Vector128.Load(s + j).Store(d + j);
        }
    }

    /// <summary>Stores the 4 floats of <paramref name="lo"/> and the first 2 of <paramref name="hi"/> at dst[0..6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store6(float* dst, Vector128<float> lo, Vector128<float> hi)
    {
        lo.Store(dst);
        Unsafe.WriteUnaligned(dst + 4, hi.AsDouble().ToScalar());
    }

    /// <summary>
    /// The full 6-row micro-panels of a transposed A block (stored K × M, rows <paramref name="lda"/> apart):
    /// row by row, each row's 6·panels contiguous floats are copied as 6-float runs into every panel.
    /// </summary>
    /// <remarks>
    /// A row of op(A)ᵀ is the block's whole width, so reading it in one pass is one short sequential stream;
    /// going panel by panel instead read 24 bytes from each of kc rows lda apart, and only the first panel's
    /// pass fetched the lines (the others found them in L2). The rows are lda floats apart, usually more than a
    /// page, so the hardware prefetcher does not follow them: each row's lines are requested 16 rows ahead
    /// (8 or 24 rows ahead did no better).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA6Transposed(float* src, nint lda, int kc, int panels, float* dst)
    {
        const int Ahead = 16;
        int width = 6 * panels;
        nint panelStride = 6 * (nint)kc;
        for (int p = 0; p < kc; p++, src += lda, dst += 6)
        {
            if (Sse.IsSupported && p + Ahead < kc)
            {
                float* next = src + Ahead * lda;
                for (int j = 0; j < width; j += 16) Sse.Prefetch0(next + j);
                Sse.Prefetch0(next + width - 1);
            }
            float* s = src, d = dst;
            for (int q = 0; q < panels; q++, s += 6, d += panelStride)
            {
                Vector128.Load(s).Store(d);
                Unsafe.WriteUnaligned(d + 4, Unsafe.ReadUnaligned<double>(s + 4));
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into ⌈nc/NR⌉ micro-panels of NR·kc floats at <paramref name="dst"/>.
    /// op(B)[p, j] is <c>b[p·ldb + j]</c>, or <c>b[j·ldb + p]</c> when <paramref name="transB"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* b, nint ldb, int p0, int j0, int kc, int nc, int nr, float* dst)
    {
        int jr = 0;
        if (!transB && nr % 4 == 0)
        {
            jr = nc / nr * nr;
            PackBFullPanels(b + (nint)p0 * ldb + j0, ldb, kc, jr / nr, nr, dst);
            dst += (nint)(jr / nr) * nr * kc;
        }
        for (; jr < nc; jr += nr, dst += nr * kc)
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
                int p8 = 0;
                if (cols == nr && nr % 8 == 0 && Avx.IsSupported)
                {
                    p8 = kc / 8 * 8;
                    for (int jb = 0; jb < nr; jb += 8)
                        PackBTransposed8(b + (nint)(j0 + jr + jb) * ldb + p0, ldb, p8, nr, dst + jb);
                }
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + (j0 + jr + j) * ldb + p0;
                    for (int p = p8; p < kc; p++) dst[p * nr + j] = src[p];
                }
                if (cols < nr)
                    for (int p = 0; p < kc; p++)
                        for (int j = cols; j < nr; j++) dst[p * nr + j] = 0f;
            }
        }
    }

    /// <summary>
    /// Eight columns of a panel of a transposed B (eight rows of b, <paramref name="ldb"/> apart, each contiguous
    /// in k), <paramref name="kc"/> (a multiple of 8) k steps: each 8 × 8 block is transposed in registers
    /// (unpack, shuffle, then swap 128-bit halves: the classic AVX 8 × 8 transpose) and stored as eight 8-float
    /// runs, <paramref name="nr"/> floats apart, instead of one float per iteration with a stride of NR floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBTransposed8(float* src, nint ldb, int kc, int nr, float* dst)
    {
        for (int p = 0; p < kc; p += 8, src += 8, dst += 8 * nr)
        {
            var r0 = Avx.LoadVector256(src);
            var r1 = Avx.LoadVector256(src + ldb);
            var r2 = Avx.LoadVector256(src + 2 * ldb);
            var r3 = Avx.LoadVector256(src + 3 * ldb);
            var r4 = Avx.LoadVector256(src + 4 * ldb);
            var r5 = Avx.LoadVector256(src + 5 * ldb);
            var r6 = Avx.LoadVector256(src + 6 * ldb);
            var r7 = Avx.LoadVector256(src + 7 * ldb);
            var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
            var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
            // u_k holds k step k (low half: rows 0-3) and k step k + 4 (high half), for rows 0-3 (u0..u3) and 4-7 (u4..u7).
            Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(dst + nr, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(dst + 2 * nr, Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(dst + 3 * nr, Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(dst + 4 * nr, Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(dst + 5 * nr, Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(dst + 6 * nr, Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(dst + 7 * nr, Avx.Permute2x128(u3, u7, 0x31));
        }
    }

    /// <summary>
    /// The full micro-panels of an untransposed B block (rows <paramref name="ldb"/> apart): four rows at a time,
    /// each panel's 4·NR floats copied in turn. Going panel by panel instead (all kc rows of one panel, then the
    /// next) reads one line from each of kc rows that are ldb apart: a stride the hardware prefetcher does not
    /// follow across pages, so every line waited on L3 or memory. Four rows read across all panels are four
    /// sequential streams, and each panel still receives a contiguous 4·NR-float run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackBFullPanels(float* src, nint ldb, int kc, int panels, int nr, float* dst)
    {
        nint panelStride = (nint)nr * kc;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            float* s = src + p * ldb, d = dst + p * nr;
            for (int jp = 0; jp < panels; jp++, s += nr, d += panelStride)
            {
                CopyRun(s, d, nr);
                CopyRun(s + ldb, d + nr, nr);
                CopyRun(s + 2 * ldb, d + 2 * nr, nr);
                CopyRun(s + 3 * ldb, d + 3 * nr, nr);
            }
        }
        for (; p < kc; p++)
        {
            float* s = src + p * ldb, d = dst + p * nr;
            for (int jp = 0; jp < panels; jp++, s += nr, d += panelStride)
                CopyRun(s, d, nr);
        }
    }

    /// <summary>Copies <paramref name="count"/> floats (a multiple of 4) with the widest accelerated vectors that divide it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(float* s, float* d, int count)
    {
        if (Vector256.IsHardwareAccelerated && count % 8 == 0)
            for (int j = 0; j < count; j += 8) Vector256.Load(s + j).Store(d + j);
        else
            for (int j = 0; j < count; j += 4) Vector128.Load(s + j).Store(d + j);
    }
}
