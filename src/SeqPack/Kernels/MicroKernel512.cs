using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeqPack.Kernels;

/// <summary>
/// The Vector512 (AVX-512F) GEMM micro-kernel: an up-to-12×32 block of C from a packed A micro-panel
/// (KC steps of 12 floats, one per row) or rows of A read in place, and a packed B micro-panel (KC steps of
/// 32 floats) or rows of B read in place.
/// Effectively computes <c>C[i, j] = alpha·Σ_p A[i, p]·B[p, j] + beta·C[i, j]</c> for the block, each sum
/// one FMA chain in increasing p, so every row count gives bit-identical results for the same element.
/// Same structure as <see cref="MicroKernel256"/>; 24 accumulators + 2 B vectors + 1 broadcast = 27 zmm.
/// </summary>
internal static unsafe class MicroKernel512
{
    public const int MR = 12, NR = 32;

    /// <summary>k steps ahead whose B lines a kernel reading B in place asks for: a step of a few rows takes a few cycles, a miss hundreds.</summary>
    internal const int DirectBPrefetchRows = 16;

    /// <summary>
    /// Runs the kernel for <paramref name="rows"/> (1..12) rows of a full 32-column block. A is a packed
    /// micro-panel when <paramref name="lda"/> is 0, else read in place (row i at <c>a + i·lda</c>); B is a packed
    /// micro-panel when <paramref name="ldb"/> is 0, else read in place from a row-major op(B) with row stride ldb.
    /// </summary>
    public static void Run(int rows, int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        if (lda == 0)
        {
            if (ldb == 0) Run<PackedA, PackedB>(rows, kc, a, 0, b, 0, c, ldc, alpha, beta);
            else Run<PackedA, DirectB>(rows, kc, a, 0, b, ldb, c, ldc, alpha, beta);
        }
        else if (ldb == 0) Run<DirectA, PackedB>(rows, kc, a, lda, b, 0, c, ldc, alpha, beta);
        else Run<DirectA, DirectB>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta);
    }

    private static void Run<TA, TB>(int rows, int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TA : struct, IAOperand
        where TB : struct, IBOperand
    {
        switch (rows)
        {
            case 12: Kernel<Rows12, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 11: Kernel<Rows11, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 10: Kernel<Rows10, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 9: Kernel<Rows9, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 8: Kernel<Rows8, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 7: Kernel<Rows7, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 6: Kernel<Rows6, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 5: Kernel<Rows5, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 4: Kernel<Rows4, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 3: Kernel<Rows3, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            case 2: Kernel<Rows2, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
            default: Kernel<Rows1, TA, TB>(kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TRows, TA, TB>(int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TRows : struct, IRowCount
        where TA : struct, IAOperand
        where TB : struct, IBOperand
    {
        int rows = TRows.Count;
        nint bs = TB.Direct ? ldb : NR;   // floats from one k step of B to the next
        // A read in place: rows 0-3, 4-7 and 8-11 from three pointers, each row at 0, 1, 2 or 3 times lda from
        // its group's pointer, so that every address is a base plus a scaled index register.
        nint lda3 = 3 * lda;
        float* a4 = TA.Direct ? a + 4 * lda : a, a8 = TA.Direct ? a + 8 * lda : a;
        // Ask for the C block now, as MicroKernel256 does, so that its lines arrive while the k loop runs: a
        // recurrent step adds to gate rows that the input projection wrote long before (they come from memory),
        // and a 12-row tile's store would otherwise wait on up to 36 lines (a row's 128 bytes span three when
        // the array is not 64-byte aligned, as large managed arrays are not).
        if (Sse.IsSupported)
            for (int i = 0; i < rows; i++)
            {
                Sse.Prefetch0(c + i * ldc);
                Sse.Prefetch0(c + i * ldc + 16);
                Sse.Prefetch0(c + i * ldc + 31);
            }
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        for (int p = 0; p < kc; p++)
        {
            if (TB.Direct && Sse.IsSupported)
            {
                // B read in place: rows ldb apart, a stride the hardware prefetcher does not follow across pages.
                Sse.Prefetch0(b + DirectBPrefetchRows * ldb);
                Sse.Prefetch0(b + DirectBPrefetchRows * ldb + 16);
            }
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            if (rows > 1)
            {
                av = Vector512.Create(TA.Direct ? a[lda] : a[1]);
                c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            }
            if (rows > 2)
            {
                av = Vector512.Create(TA.Direct ? a[2 * lda] : a[2]);
                c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            }
            if (rows > 3)
            {
                av = Vector512.Create(TA.Direct ? a[lda3] : a[3]);
                c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            }
            if (rows > 4)
            {
                av = Vector512.Create(TA.Direct ? a4[0] : a[4]);
                c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            }
            if (rows > 5)
            {
                av = Vector512.Create(TA.Direct ? a4[lda] : a[5]);
                c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            }
            if (rows > 6)
            {
                av = Vector512.Create(TA.Direct ? a4[2 * lda] : a[6]);
                c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            }
            if (rows > 7)
            {
                av = Vector512.Create(TA.Direct ? a4[lda3] : a[7]);
                c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            }
            if (rows > 8)
            {
                av = Vector512.Create(TA.Direct ? a8[0] : a[8]);
                c80 = Vector512.FusedMultiplyAdd(av, b0, c80);
                c81 = Vector512.FusedMultiplyAdd(av, b1, c81);
            }
            if (rows > 9)
            {
                av = Vector512.Create(TA.Direct ? a8[lda] : a[9]);
                c90 = Vector512.FusedMultiplyAdd(av, b0, c90);
                c91 = Vector512.FusedMultiplyAdd(av, b1, c91);
            }
            if (rows > 10)
            {
                av = Vector512.Create(TA.Direct ? a8[2 * lda] : a[10]);
                c100 = Vector512.FusedMultiplyAdd(av, b0, c100);
                c101 = Vector512.FusedMultiplyAdd(av, b1, c101);
            }
            if (rows > 11)
            {
                av = Vector512.Create(TA.Direct ? a8[lda3] : a[11]);
                c110 = Vector512.FusedMultiplyAdd(av, b0, c110);
                c111 = Vector512.FusedMultiplyAdd(av, b1, c111);
            }
            if (TA.Direct)
            {
                a++;
                a4++;
                a8++;
            }
            else a += MR;
            b += bs;
        }
        Store(c, c00, c01, alpha, beta);
        if (rows > 1) Store(c + 1 * ldc, c10, c11, alpha, beta);
        if (rows > 2) Store(c + 2 * ldc, c20, c21, alpha, beta);
        if (rows > 3) Store(c + 3 * ldc, c30, c31, alpha, beta);
        if (rows > 4) Store(c + 4 * ldc, c40, c41, alpha, beta);
        if (rows > 5) Store(c + 5 * ldc, c50, c51, alpha, beta);
        if (rows > 6) Store(c + 6 * ldc, c60, c61, alpha, beta);
        if (rows > 7) Store(c + 7 * ldc, c70, c71, alpha, beta);
        if (rows > 8) Store(c + 8 * ldc, c80, c81, alpha, beta);
        if (rows > 9) Store(c + 9 * ldc, c90, c91, alpha, beta);
        if (rows > 10) Store(c + 10 * ldc, c100, c101, alpha, beta);
        if (rows > 11) Store(c + 11 * ldc, c110, c111, alpha, beta);
    }

    /// <summary>c = alpha·acc + beta·c (beta = 0: c is not read, so NaNs in it do not propagate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> x0, Vector512<float> x1, float alpha, float beta)
    {
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (va * x0).Store(c);
            (va * x1).Store(c + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            (va * x0 + vb * Vector512.Load(c)).Store(c);
            (va * x1 + vb * Vector512.Load(c + 16)).Store(c + 16);
        }
    }
}
