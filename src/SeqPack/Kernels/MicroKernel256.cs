using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeqPack.Kernels;

/// <summary>
/// The Vector256 (AVX2 + FMA) GEMM micro-kernel: an up-to-6×16 block of C from a packed A micro-panel
/// (KC steps of 6 floats, one per row) and a packed B micro-panel (KC steps of 16 floats).
/// Effectively computes <c>C[i, j] = alpha·Σ_p A[i, p]·B[p, j] + beta·C[i, j]</c> for the block, each sum
/// one FMA chain in increasing p, so every row count gives bit-identical results for the same element.
/// </summary>
internal static unsafe class MicroKernel256
{
    public const int MR = 6, NR = 16;

    /// <summary>
    /// Runs the kernel for <paramref name="rows"/> (1..6) rows of a full 16-column block. A is a packed
    /// micro-panel when <paramref name="lda"/> is 0, else read in place (row i at <c>a + i·lda</c>); B is a packed
    /// micro-panel when <paramref name="ldb"/> is 0, else read in place from a row-major op(B) (k step p at <c>b + p·ldb</c>).
    /// </summary>
    public static void Run(int rows, int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        if (lda == 0)
        {
            if (ldb == 0) Run<PackedA, PackedB>(rows, kc, a, MR, b, 0, c, ldc, alpha, beta);
            else Run<PackedA, DirectB>(rows, kc, a, MR, b, ldb, c, ldc, alpha, beta);
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
        // A(i, p) is a[i·rs + p·ks]: packed micro-panel (rs = 1, ks = MR, both constants) or row-major (rs = lda, ks = 1).
        nint rs = TA.Direct ? lda : 1, ks = TA.Direct ? 1 : MR;
        nint bs = TB.Direct ? ldb : NR;   // B's k step: the packed panel's NR (a constant) or op(B)'s row stride
        // Ask for the C block now so that its lines arrive while the k loop runs (BLIS's kernels do the same):
        // the store at the end then hits L1 instead of waiting on L2/L3 for each row.
        if (Sse.IsSupported)
            for (int i = 0; i < rows; i++)
            {
                Sse.Prefetch0(c + i * ldc);
                Sse.Prefetch0(c + i * ldc + 15);
            }
        var acc = new Accumulators();
        // Four k steps per iteration (BLIS's haswell kernel unrolls by 4 too): the loop's own counter, compare and
        // pointer updates then take a quarter of the dispatch slots they took, slots the 12 FMAs per step need.
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            if (TB.Direct && Sse.IsSupported)   // B read in place: its rows are ldb apart (see MicroKernel512.DirectBPrefetchRows)
                for (int q = 0; q < 4; q++) Sse.Prefetch0(b + (MicroKernel512.DirectBPrefetchRows + q) * bs);
            acc.Step<TRows>(a, rs, b);
            acc.Step<TRows>(a + ks, rs, b + bs);
            acc.Step<TRows>(a + 2 * ks, rs, b + 2 * bs);
            acc.Step<TRows>(a + 3 * ks, rs, b + 3 * bs);
            a += 4 * ks;
            b += 4 * bs;
        }
        for (; p < kc; p++)
        {
            acc.Step<TRows>(a, rs, b);
            a += ks;
            b += bs;
        }
        acc.Store<TRows>(c, ldc, alpha, beta);
    }

    /// <summary>The 6×16 block of C in 12 registers, one FMA chain per vector.</summary>
    private struct Accumulators
    {
        private Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;

        /// <summary>One k step: A(i, p) = a[i·rs] for each row, times the 16 floats of B at b.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<TRows>(float* a, nint rs, float* b) where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            if (rows > 1)
            {
                av = Vector256.Create(a[1 * rs]);
                c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            }
            if (rows > 2)
            {
                av = Vector256.Create(a[2 * rs]);
                c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            }
            if (rows > 3)
            {
                av = Vector256.Create(a[3 * rs]);
                c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            }
            if (rows > 4)
            {
                av = Vector256.Create(a[4 * rs]);
                c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            }
            if (rows > 5)
            {
                av = Vector256.Create(a[5 * rs]);
                c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store<TRows>(float* c, nint ldc, float alpha, float beta) where TRows : struct, IRowCount
        {
            int rows = TRows.Count;
            MicroKernel256.Store(c, c00, c01, alpha, beta);
            if (rows > 1) MicroKernel256.Store(c + ldc, c10, c11, alpha, beta);
            if (rows > 2) MicroKernel256.Store(c + 2 * ldc, c20, c21, alpha, beta);
            if (rows > 3) MicroKernel256.Store(c + 3 * ldc, c30, c31, alpha, beta);
            if (rows > 4) MicroKernel256.Store(c + 4 * ldc, c40, c41, alpha, beta);
            if (rows > 5) MicroKernel256.Store(c + 5 * ldc, c50, c51, alpha, beta);
        }
    }

    /// <summary>c = alpha·acc + beta·c (beta = 0: c is not read, so NaNs in it do not propagate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store(float* c, Vector256<float> x0, Vector256<float> x1, float alpha, float beta)
    {
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (va * x0).Store(c);
            (va * x1).Store(c + 8);
        }
        else
        {
            var vb = Vector256.Create(beta);
            (va * x0 + vb * Vector256.Load(c)).Store(c);
            (va * x1 + vb * Vector256.Load(c + 8)).Store(c + 8);
        }
    }
}
