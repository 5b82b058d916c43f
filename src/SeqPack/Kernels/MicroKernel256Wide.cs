using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SeqPack.Kernels;

/// <summary>
/// Wide edge kernels for the Vector256 family: 1 or 2 rows of C across 4 adjacent B micro-panels (64 columns).
/// A 1-row block of one panel has only 2 independent FMA chains and stalls on FMA latency (2 ports × 4 cycles
/// want 8); spanning panels gives 1 row × 4 panels or 2 rows × 2 panels = 8 chains, which keeps small-batch
/// recurrent steps (M = 1, 2, or the leftover rows of a larger packed A) near the FMA or memory limit. Three
/// rows take the ordinary kernel: 6 chains in one pass over B beat a 2-row and a 1-row pass.
/// Each element is still one FMA chain in increasing p, so results are bit-identical to <see cref="MicroKernel256"/>.
/// </summary>
internal static unsafe class MicroKernel256Wide
{
    /// <summary>Most rows this family widens.</summary>
    public const int MaxRows = 2;

    /// <summary>Adjacent full B panels one call covers (64 columns).</summary>
    public const int Panels = 4;

    /// <summary>
    /// Runs rows (1 or 2) × 4 full panels; panelStride = floats between consecutive B panels. One row spans the
    /// 4 panels at once (8 chains); two rows take 2 panels at a time (8 chains). A and B are packed when
    /// <paramref name="lda"/> / <paramref name="ldb"/> are 0, else read in place as in <see cref="MicroKernel256.Run"/>.
    /// </summary>
    public static void Run(int rows, int kc, float* a, nint lda, float* b, nint ldb, nint panelStride, float* c, nint ldc, float alpha, float beta)
    {
        if (lda == 0)
        {
            if (ldb == 0) Run<PackedA, PackedB>(rows, kc, a, MicroKernel256.MR, b, 0, panelStride, c, ldc, alpha, beta);
            else Run<PackedA, DirectB>(rows, kc, a, MicroKernel256.MR, b, ldb, panelStride, c, ldc, alpha, beta);
        }
        else if (ldb == 0) Run<DirectA, PackedB>(rows, kc, a, lda, b, 0, panelStride, c, ldc, alpha, beta);
        else Run<DirectA, DirectB>(rows, kc, a, lda, b, ldb, panelStride, c, ldc, alpha, beta);
    }

    private static void Run<TA, TB>(int rows, int kc, float* a, nint lda, float* b, nint ldb, nint panelStride, float* c, nint ldc, float alpha, float beta)
        where TA : struct, IAOperand
        where TB : struct, IBOperand
    {
        if (rows == 1)
        {
            Kernel<Rows1, Rows4, TA, TB>(kc, a, lda, b, ldb, panelStride, c, ldc, alpha, beta);
            return;
        }
        Kernel<Rows2, Rows2, TA, TB>(kc, a, lda, b, ldb, panelStride, c, ldc, alpha, beta);
        Kernel<Rows2, Rows2, TA, TB>(kc, a, lda, b + 2 * panelStride, ldb, panelStride, c + 2 * MicroKernel256.NR, ldc, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TRows, TPanels, TA, TB>(int kc, float* a, nint lda, float* b, nint ldb, nint panelStride, float* c, nint ldc, float alpha, float beta)
        where TRows : struct, IRowCount
        where TPanels : struct, IRowCount
        where TA : struct, IAOperand
        where TB : struct, IBOperand
    {
        int rows = TRows.Count, panels = TPanels.Count;
        nint rs = TA.Direct ? lda : 1, ks = TA.Direct ? 1 : MicroKernel256.MR;   // A(i, p) = a[i·rs + p·ks]
        nint bs = TB.Direct ? ldb : MicroKernel256.NR;                           // B's k step
        Vector256<float> c0_0 = default, c0_1 = default, c0_2 = default, c0_3 = default, c0_4 = default, c0_5 = default, c0_6 = default, c0_7 = default;
        Vector256<float> c1_0 = default, c1_1 = default, c1_2 = default, c1_3 = default, c1_4 = default, c1_5 = default, c1_6 = default, c1_7 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> b2 = default;
            if (panels > 1) b2 = Vector256.Load(b + 1 * panelStride);
            Vector256<float> b3 = default;
            if (panels > 1) b3 = Vector256.Load(b + 1 * panelStride + 8);
            Vector256<float> b4 = default;
            if (panels > 2) b4 = Vector256.Load(b + 2 * panelStride);
            Vector256<float> b5 = default;
            if (panels > 2) b5 = Vector256.Load(b + 2 * panelStride + 8);
            Vector256<float> b6 = default;
            if (panels > 3) b6 = Vector256.Load(b + 3 * panelStride);
            Vector256<float> b7 = default;
            if (panels > 3) b7 = Vector256.Load(b + 3 * panelStride + 8);
            var a0 = Vector256.Create(a[0]);
            c0_0 = Vector256.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Vector256.FusedMultiplyAdd(a0, b1, c0_1);
            if (panels > 1) c0_2 = Vector256.FusedMultiplyAdd(a0, b2, c0_2);
            if (panels > 1) c0_3 = Vector256.FusedMultiplyAdd(a0, b3, c0_3);
            if (panels > 2) c0_4 = Vector256.FusedMultiplyAdd(a0, b4, c0_4);
            if (panels > 2) c0_5 = Vector256.FusedMultiplyAdd(a0, b5, c0_5);
            if (panels > 3) c0_6 = Vector256.FusedMultiplyAdd(a0, b6, c0_6);
            if (panels > 3) c0_7 = Vector256.FusedMultiplyAdd(a0, b7, c0_7);
            if (rows > 1)
            {
                var a1 = Vector256.Create(a[rs]);
                c1_0 = Vector256.FusedMultiplyAdd(a1, b0, c1_0);
                c1_1 = Vector256.FusedMultiplyAdd(a1, b1, c1_1);
                if (panels > 1) c1_2 = Vector256.FusedMultiplyAdd(a1, b2, c1_2);
                if (panels > 1) c1_3 = Vector256.FusedMultiplyAdd(a1, b3, c1_3);
                if (panels > 2) c1_4 = Vector256.FusedMultiplyAdd(a1, b4, c1_4);
                if (panels > 2) c1_5 = Vector256.FusedMultiplyAdd(a1, b5, c1_5);
                if (panels > 3) c1_6 = Vector256.FusedMultiplyAdd(a1, b6, c1_6);
                if (panels > 3) c1_7 = Vector256.FusedMultiplyAdd(a1, b7, c1_7);
            }
            a += ks;
            b += bs;
        }
        MicroKernel256.Store(c + 0 * ldc + 0, c0_0, c0_1, alpha, beta);
        if (panels > 1) MicroKernel256.Store(c + 0 * ldc + 16, c0_2, c0_3, alpha, beta);
        if (panels > 2) MicroKernel256.Store(c + 0 * ldc + 32, c0_4, c0_5, alpha, beta);
        if (panels > 3) MicroKernel256.Store(c + 0 * ldc + 48, c0_6, c0_7, alpha, beta);
        if (rows > 1) MicroKernel256.Store(c + 1 * ldc + 0, c1_0, c1_1, alpha, beta);
        if (rows > 1 && panels > 1) MicroKernel256.Store(c + 1 * ldc + 16, c1_2, c1_3, alpha, beta);
        if (rows > 1 && panels > 2) MicroKernel256.Store(c + 1 * ldc + 32, c1_4, c1_5, alpha, beta);
        if (rows > 1 && panels > 3) MicroKernel256.Store(c + 1 * ldc + 48, c1_6, c1_7, alpha, beta);
    }
}
