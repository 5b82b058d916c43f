using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace SeqPack.Kernels;

/// <summary>Which micro-kernel family a GEMM runs: the widest vector width the hardware accelerates.</summary>
internal enum GemmIsa
{
    /// <summary>Plain scalar loops (no hardware intrinsics).</summary>
    Scalar,
    /// <summary>Vector128 multiply-add (ARM64 AdvSimd; x86 SSE when Vector256 is not accelerated).</summary>
    Vector128,
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
/// <item>Vector128 on ARM64: 8×12 — 24 accumulators + 3 B vectors + 1 broadcast = 28 of the 32 NEON registers
/// (BLIS armv8a's 8×12 sgemm block); 24 chains cover 2 FMA pipes × 4 cycles three times.</item>
/// <item>Vector128 on x86 without AVX: 6×8 — 12 accumulators + 2 B + 1 broadcast = 15 of the 16 xmm registers,
/// the Vector256 block at half the width (SSE has no FMA: each chain is a multiply and an add).</item>
/// <item>Scalar: 4×4, for correctness when intrinsics are disabled.</item>
/// </list>
/// KC = 256 for the 256- and 128-bit families: a 256×16 float B micro-panel is 16 KB, the A micro-panel 6 KB,
/// so both stream from L1 (32 KB on Zen 3 / 48 KB on Ice Lake); MC = 120: the A block of MC×KC floats is
/// 120 KB, comfortably inside a 512 KB-1 MB L2 (measured on Zen 3: 32 KB L1d, 512 KB L2). Vector512 takes
/// KC = 1024, MC = 120: its k step reads 176 bytes (a 12-float A column, a 32-float B row) per 24 FMAs, a rate
/// L2 sustains (64 bytes a cycle on Zen 4/5 and Sapphire Rapids), so the 128 KB B micro-panel and the 480 KB
/// A block may both live in L2, and the deep block cuts the passes that load and store each C tile (chosen by
/// measurement on Zen 5, 48 KB L1d and 1 MB L2, against KC 256 / MC 144: docs/PERFORMANCE.md; MC 120 keeps a
/// 64-row product in one block). Where the machine reports its cache sizes
/// (<see cref="CacheSizes"/>) KC and MC are derived from them instead (<see cref="ForCaches"/>).
/// </remarks>
internal sealed class GemmPlan
{
    public GemmIsa Isa { get; }
    /// <summary>The family's name in tests and reports (the two Vector128 blocks differ: "Vector128", "Vector128Arm64").</summary>
    public string Name { get; }
    public int MR { get; }
    public int NR { get; }
    public int KC { get; }
    public int MC { get; }
    public int NC { get; }

    private GemmPlan(GemmIsa isa, string name, int mr, int nr, int kc, int mc, int nc)
    {
        Isa = isa; Name = name; MR = mr; NR = nr; KC = kc; MC = mc; NC = nc;
    }

    private GemmPlan(GemmIsa isa, int mr, int nr, int kc, int mc, int nc) : this(isa, isa.ToString(), mr, nr, kc, mc, nc) { }

    public static readonly GemmPlan Scalar = new(GemmIsa.Scalar, 4, 4, 256, 128, 2048);
    public static readonly GemmPlan V128 = ForCaches(new(GemmIsa.Vector128, "Vector128", 6, 8, 256, 120, 2048), CacheSizes.Machine);
    public static readonly GemmPlan V128Arm64 = ForCaches(new(GemmIsa.Vector128, "Vector128Arm64", 8, 12, 256, 128, 2048), CacheSizes.Machine);
    public static readonly GemmPlan V256 = ForCaches(new(GemmIsa.Vector256, 6, 16, 256, 120, 2048), CacheSizes.Machine);
    public static readonly GemmPlan V512 = ForCaches(new(GemmIsa.Vector512, 12, 32, 1024, 120, 2048), CacheSizes.Machine);

    /// <summary>
    /// The plan for this machine: the widest accelerated vector width; at 128 bits the block that fits the
    /// register file (32 registers on ARM64, 16 on x86).
    /// </summary>
    public static readonly GemmPlan Default =
        Vector512.IsHardwareAccelerated ? V512 :
        Vector256.IsHardwareAccelerated ? V256 :
        Vector128.IsHardwareAccelerated ? (AdvSimd.Arm64.IsSupported ? V128Arm64 : V128) : Scalar;

    /// <summary>
    /// Vector256 with KC = 512, for weights packed once (<see cref="PackedMatrix"/>) and met by a few rows at a
    /// time. A recurrent step's K is H (forward) or 4H (backward); a deeper block halves the passes over the
    /// step's C tiles, each of which reloads and stores C, and the 32 KB B micro-panel is read by one to a few
    /// row groups only, so it need not share L1 with a large A block.
    /// </summary>
    public static readonly GemmPlan V256Deep = V256.WithKC(512);

    /// <summary>
    /// The plan <see cref="PackedMatrix"/> packs for on this machine: the default, 512 deep for the Vector256
    /// and Vector128 families (see <see cref="V256Deep"/>; a 512 × 8 or 512 × 12 B micro-panel is 16-24 KB).
    /// </summary>
    public static readonly GemmPlan Packed = Default == V256 ? V256Deep : Default.Isa == GemmIsa.Vector128 ? Default.WithKC(512) : Default;

    /// <summary>Every plan, runnable on any machine (unaccelerated vector types fall back to software).</summary>
    public static IEnumerable<GemmPlan> All => [Scalar, V128, V128Arm64, V256, V512];

    /// <summary>This plan with another KC.</summary>
    internal GemmPlan WithKC(int kc) => new(Isa, Name, MR, NR, kc, MC, NC);

    /// <summary>
    /// The plan's blocking derived from the cache sizes (the analytical model of Low et al., "Analytical
    /// modeling is enough for high-performance BLIS", 2016, simplified): the KC × NR B micro-panel, reused by
    /// every row group while it sits in L1, takes at most half of L1d so the streaming A micro-panels and the C
    /// tile do not evict it; the MC × KC A block takes at most a quarter of L2, the rest holding the B
    /// micro-panels on their way to L1 and the other blocks of the loop. Vector512 streams both micro-panels
    /// from L2 instead (see the remarks on the class): its B micro-panel takes at most an eighth of L2 and its
    /// A block at most half. KC is a multiple of 16 in 128..1024, MC a multiple of MR in 4·MR..512. Zen 3
    /// (32 KB, 512 KB) gives the defaults back for Vector256 (KC 256, MC 126 against 120); Zen 4/5 (1 MB L2)
    /// give the Vector512 defaults (KC 1024, MC 120), Sapphire Rapids (2 MB) KC 1024, MC 252. Unknown caches
    /// keep the defaults.
    /// </summary>
    internal static GemmPlan ForCaches(GemmPlan defaults, CacheSizes caches)
    {
        if (!caches.Known) return defaults;
        bool fromL2 = defaults.Isa == GemmIsa.Vector512;
        int panelBytes = fromL2 ? caches.L2 / 8 : caches.L1Data / 2, blockBytes = fromL2 ? caches.L2 / 2 : caches.L2 / 4;
        int kc = Math.Clamp(panelBytes / (sizeof(float) * defaults.NR) / 16 * 16, 128, 1024);
        int mc = Math.Clamp(blockBytes / (sizeof(float) * kc) / defaults.MR * defaults.MR, 4 * defaults.MR, 512 / defaults.MR * defaults.MR);
        return new(defaults.Isa, defaults.Name, defaults.MR, defaults.NR, kc, mc, defaults.NC);
    }

    public override string ToString() => $"{Name} {MR}x{NR} (KC={KC}, MC={MC}, NC={NC})";
}
