using System.Runtime.Intrinsics;

namespace SeqPack.Kernels;

/// <summary>Which micro-kernel family a GEMM runs: the widest vector width the hardware accelerates.</summary>
internal enum GemmIsa
{
    /// <summary>Plain scalar loops (no hardware intrinsics).</summary>
    Scalar,
    /// <summary>Vector256 FMA (AVX2 + FMA3).</summary>
    Vector256,
    /// <summary>Vector512 FMA (AVX-512F).</summary>
    Vector512,
}

/// <summary>
/// Blocking of the Goto/BLIS GEMM for one kernel family (Goto and van de Geijn, "Anatomy of high-performance
/// matrix multiplication", 2008): an MR×NR register block, KC-deep packed panels whose B micro-panel
/// (KC×NR) stays in L1 while the A block (MC×KC) stays in L2, and NC-wide column blocks of B.
/// </summary>
/// <remarks>
/// C is row-major, so the register block is a few rows of C by one to two vectors of columns: each k step
/// loads NR/W vectors of the packed B panel, broadcasts MR values of A and issues MR·NR/W independent FMAs.
/// <list type="bullet">
/// <item>Vector512: 12×32 — 24 accumulators + 2 B vectors + 1 broadcast = 27 of the 32 zmm registers
/// (the row-major transpose of BLIS skx's 32×12 column-major block, two rows short of the register file so
/// RyuJIT does not spill); 24 independent FMA chains cover 2 FMA ports × 4 cycles of latency three times.</item>
/// <item>Vector256: 6×16 — BLIS haswell's block: 12 accumulators + 2 B vectors + 1 broadcast = 15 of the
/// 16 ymm registers; 12 chains cover 2 ports × 4-5 cycles; 8 loads per 12 FMAs fit the load ports.</item>
/// <item>Scalar: 4×4, for correctness when intrinsics are disabled.</item>
/// </list>
/// KC = 256: a 256×16 (or 256×32) float B micro-panel is 16 KB (32 KB), the A micro-panel 6 KB (12 KB), so
/// both stream from L1 (32 KB on Zen 3 / 48 KB on Ice Lake). MC = 144/120: the A block of MC×KC floats is
/// 144 KB / 120 KB, comfortably inside a 512 KB-1 MB L2.
/// </remarks>
internal sealed class GemmPlan
{
    public GemmIsa Isa { get; }
    public int MR { get; }
    public int NR { get; }
    public int KC { get; }
    public int MC { get; }
    public int NC { get; }

    private GemmPlan(GemmIsa isa, int mr, int nr, int kc, int mc, int nc)
    {
        Isa = isa; MR = mr; NR = nr; KC = kc; MC = mc; NC = nc;
    }

    public static readonly GemmPlan Scalar = new(GemmIsa.Scalar, 4, 4, 256, 128, 2048);
    public static readonly GemmPlan V256 = new(GemmIsa.Vector256, 6, 16, 256, 120, 2048);
    public static readonly GemmPlan V512 = new(GemmIsa.Vector512, 12, 32, 256, 144, 2048);

    /// <summary>The plan for this machine: the widest accelerated vector width with FMA semantics.</summary>
    public static readonly GemmPlan Default =
        Vector512.IsHardwareAccelerated ? V512 :
        Vector256.IsHardwareAccelerated ? V256 : Scalar;

    /// <summary>
    /// Vector256 with KC = 512, for weights packed once (<see cref="PackedMatrix"/>) and met by a few rows at a
    /// time. A recurrent step's K is H (forward) or 4H (backward); a deeper block halves the passes over the
    /// step's C tiles, each of which reloads and stores C, and the 32 KB B micro-panel is read by one to a few
    /// row groups only, so it need not share L1 with a large A block.
    /// </summary>
    public static readonly GemmPlan V256Deep = new(GemmIsa.Vector256, 6, 16, 512, 120, 2048);

    /// <summary>The plan <see cref="PackedMatrix"/> packs for on this machine.</summary>
    public static readonly GemmPlan Packed = Default == V256 ? V256Deep : Default;

    /// <summary>Every plan, runnable on any machine (unaccelerated vector types fall back to software).</summary>
    public static IEnumerable<GemmPlan> All => [Scalar, V256, V512];

    public override string ToString() => $"{Isa} {MR}x{NR} (KC={KC}, MC={MC}, NC={NC})";
}
