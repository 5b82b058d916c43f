using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace SeqPack.Kernels;

/// <summary>
/// The Vector128 GEMM micro-kernels (ARM64 AdvSimd, or x86 SSE when 256-bit vectors are not accelerated): an
/// up-to-MR×NR block of C from a packed A micro-panel (KC steps of MR floats) or rows of A read in place, and a
/// packed B micro-panel (KC steps of NR floats, NR = 4·<c>vectors</c>) or rows of B read in place. Effectively computes
/// <c>C[i, j] = alpha·Σ_p A[i, p]·B[p, j] + beta·C[i, j]</c>, each sum one multiply-add chain in increasing p,
/// so every row count gives bit-identical results for the same element.
/// </summary>
/// <remarks>
/// Each k step loads <c>vectors</c> B vectors, broadcasts one A value per row and issues rows·vectors
/// <see cref="Vector128.MultiplyAddEstimate(Vector128{float}, Vector128{float}, Vector128{float})"/>: a fused
/// multiply-add where the hardware has one (ARM64, x86 with FMA), a multiply and an add on SSE-only x86. The
/// register block is chosen per platform in <see cref="GemmPlan"/>: 8×12 on ARM64 (24 accumulators + 3 B + 1
/// broadcast = 28 of 32 registers, BLIS armv8a's sgemm block transposed to row-major C) and 6×8 on x86 SSE
/// (12 accumulators + 2 B + 1 broadcast = 15 of 16 xmm registers).
/// </remarks>
internal static unsafe class MicroKernel128
{
    /// <summary>Most rows one call covers.</summary>
    public const int MaxRows = 8;

    /// <summary>
    /// Runs the kernel for <paramref name="rows"/> (1..8) rows of a full block of 4·<paramref name="vectors"/>
    /// (2 or 3) columns. A is a packed micro-panel of <paramref name="mr"/> floats per k step when
    /// <paramref name="lda"/> is 0, else read in place (row i at <c>a + i·lda</c>); B is a packed micro-panel when
    /// <paramref name="ldb"/> is 0, else read in place from a row-major op(B) (k step p at <c>b + p·ldb</c>).
    /// </summary>
    public static void Run(int rows, int vectors, int mr, int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
    {
        if (vectors == 3) Run<Rows3>(rows, mr, kc, a, lda, b, ldb, c, ldc, alpha, beta);
        else Run<Rows2>(rows, mr, kc, a, lda, b, ldb, c, ldc, alpha, beta);
    }

    private static void Run<TCols>(int rows, int mr, int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TCols : struct, IRowCount
    {
        if (lda == 0)
        {
            if (ldb == 0) Run<TCols, PackedA, PackedB>(rows, kc, a, mr, b, ldb, c, ldc, alpha, beta);
            else Run<TCols, PackedA, DirectB>(rows, kc, a, mr, b, ldb, c, ldc, alpha, beta);
        }
        else if (ldb == 0) Run<TCols, DirectA, PackedB>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta);
        else Run<TCols, DirectA, DirectB>(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta);
    }

    /// <param name="stride">Packed A: floats per k step (MR). Direct A: floats between rows (lda).</param>
    private static void Run<TCols, TA, TB>(int rows, int kc, float* a, nint stride, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TCols : struct, IRowCount
        where TA : struct, IAOperand
        where TB : struct, IBOperand
    {
        switch (rows)
        {
            case 8: Kernel<Rows8, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
            case 7: Kernel<Rows7, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
            case 6: Kernel<Rows6, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
            case 5: Kernel<Rows5, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
            case 4: Kernel<Rows4, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
            case 3: Kernel<Rows3, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
            case 2: Kernel<Rows2, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
            default: Kernel<Rows1, TCols, TA, TB>(kc, a, stride, b, ldb, c, ldc, alpha, beta); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel<TRows, TCols, TA, TB>(int kc, float* a, nint stride, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        where TRows : struct, IRowCount
        where TCols : struct, IRowCount
        where TA : struct, IAOperand
        where TB : struct, IBOperand
    {
        int rows = TRows.Count, vectors = TCols.Count;
        nint bs = TB.Direct ? ldb : 4 * vectors;   // B's k step: the packed panel's NR or op(B)'s row stride
        // A(i, p) is a[i·rs + p·ks]: packed micro-panel (rs = 1, ks = MR) or row-major (rs = lda, ks = 1).
        nint rs = TA.Direct ? stride : 1, ks = TA.Direct ? 1 : stride;
        Vector128<float> c00 = default, c01 = default, c02 = default;
        Vector128<float> c10 = default, c11 = default, c12 = default;
        Vector128<float> c20 = default, c21 = default, c22 = default;
        Vector128<float> c30 = default, c31 = default, c32 = default;
        Vector128<float> c40 = default, c41 = default, c42 = default;
        Vector128<float> c50 = default, c51 = default, c52 = default;
        Vector128<float> c60 = default, c61 = default, c62 = default;
        Vector128<float> c70 = default, c71 = default, c72 = default;
        // Four k steps per iteration, as in MicroKernel256: the loop's counter, compare and pointer updates take a
        // quarter of the dispatch slots.
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var b2 = vectors > 2 ? Vector128.Load(b + 8) : default;
            Vector128<float> av;
            av = Vector128.Create(a[0]);
            c00 = MulAdd(av, b0, c00);
            c01 = MulAdd(av, b1, c01);
            if (vectors > 2) c02 = MulAdd(av, b2, c02);
            if (rows > 1)
            {
                av = Vector128.Create(a[rs]);
                c10 = MulAdd(av, b0, c10);
                c11 = MulAdd(av, b1, c11);
                if (vectors > 2) c12 = MulAdd(av, b2, c12);
            }
            if (rows > 2)
            {
                av = Vector128.Create(a[2 * rs]);
                c20 = MulAdd(av, b0, c20);
                c21 = MulAdd(av, b1, c21);
                if (vectors > 2) c22 = MulAdd(av, b2, c22);
            }
            if (rows > 3)
            {
                av = Vector128.Create(a[3 * rs]);
                c30 = MulAdd(av, b0, c30);
                c31 = MulAdd(av, b1, c31);
                if (vectors > 2) c32 = MulAdd(av, b2, c32);
            }
            if (rows > 4)
            {
                av = Vector128.Create(a[4 * rs]);
                c40 = MulAdd(av, b0, c40);
                c41 = MulAdd(av, b1, c41);
                if (vectors > 2) c42 = MulAdd(av, b2, c42);
            }
            if (rows > 5)
            {
                av = Vector128.Create(a[5 * rs]);
                c50 = MulAdd(av, b0, c50);
                c51 = MulAdd(av, b1, c51);
                if (vectors > 2) c52 = MulAdd(av, b2, c52);
            }
            if (rows > 6)
            {
                av = Vector128.Create(a[6 * rs]);
                c60 = MulAdd(av, b0, c60);
                c61 = MulAdd(av, b1, c61);
                if (vectors > 2) c62 = MulAdd(av, b2, c62);
            }
            if (rows > 7)
            {
                av = Vector128.Create(a[7 * rs]);
                c70 = MulAdd(av, b0, c70);
                c71 = MulAdd(av, b1, c71);
                if (vectors > 2) c72 = MulAdd(av, b2, c72);
            }
            b0 = Vector128.Load(b + 1 * bs);
            b1 = Vector128.Load(b + 1 * bs + 4);
            b2 = vectors > 2 ? Vector128.Load(b + 1 * bs + 8) : default;
            av = Vector128.Create(a[1 * ks]);
            c00 = MulAdd(av, b0, c00);
            c01 = MulAdd(av, b1, c01);
            if (vectors > 2) c02 = MulAdd(av, b2, c02);
            if (rows > 1)
            {
                av = Vector128.Create(a[1 * ks + rs]);
                c10 = MulAdd(av, b0, c10);
                c11 = MulAdd(av, b1, c11);
                if (vectors > 2) c12 = MulAdd(av, b2, c12);
            }
            if (rows > 2)
            {
                av = Vector128.Create(a[1 * ks + 2 * rs]);
                c20 = MulAdd(av, b0, c20);
                c21 = MulAdd(av, b1, c21);
                if (vectors > 2) c22 = MulAdd(av, b2, c22);
            }
            if (rows > 3)
            {
                av = Vector128.Create(a[1 * ks + 3 * rs]);
                c30 = MulAdd(av, b0, c30);
                c31 = MulAdd(av, b1, c31);
                if (vectors > 2) c32 = MulAdd(av, b2, c32);
            }
            if (rows > 4)
            {
                av = Vector128.Create(a[1 * ks + 4 * rs]);
                c40 = MulAdd(av, b0, c40);
                c41 = MulAdd(av, b1, c41);
                if (vectors > 2) c42 = MulAdd(av, b2, c42);
            }
            if (rows > 5)
            {
                av = Vector128.Create(a[1 * ks + 5 * rs]);
                c50 = MulAdd(av, b0, c50);
                c51 = MulAdd(av, b1, c51);
                if (vectors > 2) c52 = MulAdd(av, b2, c52);
            }
            if (rows > 6)
            {
                av = Vector128.Create(a[1 * ks + 6 * rs]);
                c60 = MulAdd(av, b0, c60);
                c61 = MulAdd(av, b1, c61);
                if (vectors > 2) c62 = MulAdd(av, b2, c62);
            }
            if (rows > 7)
            {
                av = Vector128.Create(a[1 * ks + 7 * rs]);
                c70 = MulAdd(av, b0, c70);
                c71 = MulAdd(av, b1, c71);
                if (vectors > 2) c72 = MulAdd(av, b2, c72);
            }
            b0 = Vector128.Load(b + 2 * bs);
            b1 = Vector128.Load(b + 2 * bs + 4);
            b2 = vectors > 2 ? Vector128.Load(b + 2 * bs + 8) : default;
            av = Vector128.Create(a[2 * ks]);
            c00 = MulAdd(av, b0, c00);
            c01 = MulAdd(av, b1, c01);
            if (vectors > 2) c02 = MulAdd(av, b2, c02);
            if (rows > 1)
            {
                av = Vector128.Create(a[2 * ks + rs]);
                c10 = MulAdd(av, b0, c10);
                c11 = MulAdd(av, b1, c11);
                if (vectors > 2) c12 = MulAdd(av, b2, c12);
            }
            if (rows > 2)
            {
                av = Vector128.Create(a[2 * ks + 2 * rs]);
                c20 = MulAdd(av, b0, c20);
                c21 = MulAdd(av, b1, c21);
                if (vectors > 2) c22 = MulAdd(av, b2, c22);
            }
            if (rows > 3)
            {
                av = Vector128.Create(a[2 * ks + 3 * rs]);
                c30 = MulAdd(av, b0, c30);
                c31 = MulAdd(av, b1, c31);
                if (vectors > 2) c32 = MulAdd(av, b2, c32);
            }
            if (rows > 4)
            {
                av = Vector128.Create(a[2 * ks + 4 * rs]);
                c40 = MulAdd(av, b0, c40);
                c41 = MulAdd(av, b1, c41);
                if (vectors > 2) c42 = MulAdd(av, b2, c42);
            }
            if (rows > 5)
            {
                av = Vector128.Create(a[2 * ks + 5 * rs]);
                c50 = MulAdd(av, b0, c50);
                c51 = MulAdd(av, b1, c51);
                if (vectors > 2) c52 = MulAdd(av, b2, c52);
            }
            if (rows > 6)
            {
                av = Vector128.Create(a[2 * ks + 6 * rs]);
                c60 = MulAdd(av, b0, c60);
                c61 = MulAdd(av, b1, c61);
                if (vectors > 2) c62 = MulAdd(av, b2, c62);
            }
            if (rows > 7)
            {
                av = Vector128.Create(a[2 * ks + 7 * rs]);
                c70 = MulAdd(av, b0, c70);
                c71 = MulAdd(av, b1, c71);
                if (vectors > 2) c72 = MulAdd(av, b2, c72);
            }
            b0 = Vector128.Load(b + 3 * bs);
            b1 = Vector128.Load(b + 3 * bs + 4);
            b2 = vectors > 2 ? Vector128.Load(b + 3 * bs + 8) : default;
            av = Vector128.Create(a[3 * ks]);
            c00 = MulAdd(av, b0, c00);
            c01 = MulAdd(av, b1, c01);
            if (vectors > 2) c02 = MulAdd(av, b2, c02);
            if (rows > 1)
            {
                av = Vector128.Create(a[3 * ks + rs]);
                c10 = MulAdd(av, b0, c10);
                c11 = MulAdd(av, b1, c11);
                if (vectors > 2) c12 = MulAdd(av, b2, c12);
            }
            if (rows > 2)
            {
                av = Vector128.Create(a[3 * ks + 2 * rs]);
                c20 = MulAdd(av, b0, c20);
                c21 = MulAdd(av, b1, c21);
                if (vectors > 2) c22 = MulAdd(av, b2, c22);
            }
            if (rows > 3)
            {
                av = Vector128.Create(a[3 * ks + 3 * rs]);
                c30 = MulAdd(av, b0, c30);
                c31 = MulAdd(av, b1, c31);
                if (vectors > 2) c32 = MulAdd(av, b2, c32);
            }
            if (rows > 4)
            {
                av = Vector128.Create(a[3 * ks + 4 * rs]);
                c40 = MulAdd(av, b0, c40);
                c41 = MulAdd(av, b1, c41);
                if (vectors > 2) c42 = MulAdd(av, b2, c42);
            }
            if (rows > 5)
            {
                av = Vector128.Create(a[3 * ks + 5 * rs]);
                c50 = MulAdd(av, b0, c50);
                c51 = MulAdd(av, b1, c51);
                if (vectors > 2) c52 = MulAdd(av, b2, c52);
            }
            if (rows > 6)
            {
                av = Vector128.Create(a[3 * ks + 6 * rs]);
                c60 = MulAdd(av, b0, c60);
                c61 = MulAdd(av, b1, c61);
                if (vectors > 2) c62 = MulAdd(av, b2, c62);
            }
            if (rows > 7)
            {
                av = Vector128.Create(a[3 * ks + 7 * rs]);
                c70 = MulAdd(av, b0, c70);
                c71 = MulAdd(av, b1, c71);
                if (vectors > 2) c72 = MulAdd(av, b2, c72);
            }
            a += 4 * ks;
            b += 4 * bs;
        }
        for (; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var b2 = vectors > 2 ? Vector128.Load(b + 8) : default;
            Vector128<float> av;
            av = Vector128.Create(a[0]);
            c00 = MulAdd(av, b0, c00);
            c01 = MulAdd(av, b1, c01);
            if (vectors > 2) c02 = MulAdd(av, b2, c02);
            if (rows > 1)
            {
                av = Vector128.Create(a[rs]);
                c10 = MulAdd(av, b0, c10);
                c11 = MulAdd(av, b1, c11);
                if (vectors > 2) c12 = MulAdd(av, b2, c12);
            }
            if (rows > 2)
            {
                av = Vector128.Create(a[2 * rs]);
                c20 = MulAdd(av, b0, c20);
                c21 = MulAdd(av, b1, c21);
                if (vectors > 2) c22 = MulAdd(av, b2, c22);
            }
            if (rows > 3)
            {
                av = Vector128.Create(a[3 * rs]);
                c30 = MulAdd(av, b0, c30);
                c31 = MulAdd(av, b1, c31);
                if (vectors > 2) c32 = MulAdd(av, b2, c32);
            }
            if (rows > 4)
            {
                av = Vector128.Create(a[4 * rs]);
                c40 = MulAdd(av, b0, c40);
                c41 = MulAdd(av, b1, c41);
                if (vectors > 2) c42 = MulAdd(av, b2, c42);
            }
            if (rows > 5)
            {
                av = Vector128.Create(a[5 * rs]);
                c50 = MulAdd(av, b0, c50);
                c51 = MulAdd(av, b1, c51);
                if (vectors > 2) c52 = MulAdd(av, b2, c52);
            }
            if (rows > 6)
            {
                av = Vector128.Create(a[6 * rs]);
                c60 = MulAdd(av, b0, c60);
                c61 = MulAdd(av, b1, c61);
                if (vectors > 2) c62 = MulAdd(av, b2, c62);
            }
            if (rows > 7)
            {
                av = Vector128.Create(a[7 * rs]);
                c70 = MulAdd(av, b0, c70);
                c71 = MulAdd(av, b1, c71);
                if (vectors > 2) c72 = MulAdd(av, b2, c72);
            }
            a += ks;
            b += bs;
        }
        Store<TCols>(c, c00, c01, c02, alpha, beta);
        if (rows > 1) Store<TCols>(c + ldc, c10, c11, c12, alpha, beta);
        if (rows > 2) Store<TCols>(c + 2 * ldc, c20, c21, c22, alpha, beta);
        if (rows > 3) Store<TCols>(c + 3 * ldc, c30, c31, c32, alpha, beta);
        if (rows > 4) Store<TCols>(c + 4 * ldc, c40, c41, c42, alpha, beta);
        if (rows > 5) Store<TCols>(c + 5 * ldc, c50, c51, c52, alpha, beta);
        if (rows > 6) Store<TCols>(c + 6 * ldc, c60, c61, c62, alpha, beta);
        if (rows > 7) Store<TCols>(c + 7 * ldc, c70, c71, c72, alpha, beta);
    }

    /// <summary>
    /// <c>c + a·b</c> for one accumulator: <see cref="Vector128.MultiplyAddEstimate(Vector128{float}, Vector128{float}, Vector128{float})"/>
    /// where it fuses (ARM64, x86 with FMA); on SSE-only x86, where it is a multiply and an add anyway, written as
    /// <c>c + a·b</c>, for which RyuJIT adds into the accumulator's register (for <c>a·b + c</c> it adds into the
    /// product's register and copies the sum back, a quarter more instructions per k step). The bits are the same
    /// either way: the product is rounded, then the sum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c)
        => Fma.IsSupported || AdvSimd.IsSupported ? Vector128.MultiplyAddEstimate(a, b, c) : c + a * b;

    /// <summary>c = alpha·acc + beta·c over 4·TCols floats (beta = 0: c is not read, so NaNs in it do not propagate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TCols>(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> x2, float alpha, float beta)
        where TCols : struct, IRowCount
    {
        var va = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (va * x0).Store(c);
            (va * x1).Store(c + 4);
            if (TCols.Count > 2) (va * x2).Store(c + 8);
        }
        else
        {
            var vb = Vector128.Create(beta);
            (va * x0 + vb * Vector128.Load(c)).Store(c);
            (va * x1 + vb * Vector128.Load(c + 4)).Store(c + 4);
            if (TCols.Count > 2) (va * x2 + vb * Vector128.Load(c + 8)).Store(c + 8);
        }
    }
}
