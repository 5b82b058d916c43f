using System.Runtime.CompilerServices;

namespace SeqPack.Kernels;

/// <summary>
/// A GEMM right-hand operand op(B) (K × N) packed once into the micro-panel layout of the GEMM kernels, for
/// reuse across many products (<see cref="Gemm.Sgemm(bool, int, float, ReadOnlySpan{float}, int, PackedMatrix, float, Span{float}, int)"/>).
/// </summary>
/// <remarks>
/// This is the hot path of a recurrent layer: at every time step a small activation block (M = active batch,
/// 1..64 rows) meets the same weight — forward <c>h·W_hhᵀ</c> (pack W_hh with transposed = true) and backward
/// <c>dGates·W_hh</c> (pack W_hh with transposed = false). The weight is the operand worth packing: it is the
/// large one (4H × H), it is reused at every step, and as B it is streamed panel by panel (KC × NR floats,
/// contiguous, in L1) past the small A block, which is packed per call at negligible cost (M·K floats) and
/// stays in L1/L2 for the whole product.
/// Layout: for each KC block of rows (depth kc), ⌈N/NR⌉ panels of kc·NR floats (<c>panel[p·NR + j]</c>),
/// zero-padded past column N — exactly what <see cref="GemmDriver"/> packs on the fly.
/// </remarks>
internal sealed unsafe class PackedMatrix
{
    private readonly float[] store;

    /// <summary>K: rows of op(B).</summary>
    public int Rows { get; }
    /// <summary>N: columns of op(B).</summary>
    public int Columns { get; }
    /// <summary>Whether the source is stored transposed ((N, K) row-major, op(B) = Bᵀ).</summary>
    public bool Transposed { get; }
    internal GemmPlan Plan { get; }
    internal float* Pointer { get; }

    /// <summary>Allocates and packs op(B) for the machine's kernels; see <see cref="Pack"/>.</summary>
    public PackedMatrix(ReadOnlySpan<float> b, int ldb, bool transposed, int rows, int columns)
        : this(GemmPlan.Packed, b, ldb, transposed, rows, columns) { }

    internal PackedMatrix(GemmPlan plan, ReadOnlySpan<float> b, int ldb, bool transposed, int rows, int columns)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "PackedMatrix: rows (K) must be non-negative.");
        if (columns < 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "PackedMatrix: columns (N) must be non-negative.");
        Plan = plan;
        Rows = rows;
        Columns = columns;
        Transposed = transposed;
        long floats = (long)rows * ((columns + plan.NR - 1) / plan.NR * plan.NR);
        if (floats > Array.MaxLength - 16)
            throw new ArgumentException($"PackedMatrix: {rows} × {columns} is too large to pack.", nameof(rows));
        store = GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
        Pointer = (float*)(((nint)Unsafe.AsPointer(ref store[0]) + 63) & ~(nint)63);
        Pack(b, ldb);
    }

    /// <summary>
    /// Re-packs new values of the same shape in place (no allocation), e.g. after an optimiser step.
    /// op(B)[p, j] is <c>b[p·ldb + j]</c>, or <c>b[j·ldb + p]</c> when <see cref="Transposed"/>.
    /// </summary>
    public void Pack(ReadOnlySpan<float> b, int ldb)
    {
        Gemm.CheckOperand(b, ldb, Transposed ? Columns : Rows, Transposed ? Rows : Columns, nameof(b), nameof(ldb));
        if (Rows == 0 || Columns == 0) return;
        int nPadded = (Columns + Plan.NR - 1) / Plan.NR * Plan.NR;
        fixed (float* pb = b)
            for (int pc = 0; pc < Rows; pc += Plan.KC)
            {
                int kc = Math.Min(Plan.KC, Rows - pc);
                GemmPacking.PackB(Transposed, pb, ldb, pc, 0, kc, Columns, Plan.NR, Pointer + (nint)pc * nPadded);
            }
    }
}
