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
    private readonly bool pooled;   // store is rented from the ScratchPool (see Rent)

    /// <summary>K: rows of op(B).</summary>
    public int Rows { get; }
    /// <summary>N: columns of op(B).</summary>
    public int Columns { get; }
    /// <summary>Whether the source is stored transposed ((N, K) row-major, op(B) = Bᵀ).</summary>
    public bool Transposed { get; }
    internal GemmPlan Plan { get; }
    /// <summary>The packed panels (64-byte aligned, pinned). Throws once the storage of a rented matrix has been returned.</summary>
    internal float* Pointer => returned
        ? throw new InvalidOperationException("PackedMatrix: this matrix's storage was given back to the pool (Return); pack a new one.")
        : pointer;

    private readonly float* pointer;
    private bool returned;

    /// <summary>Allocates and packs op(B) for the machine's kernels; see <see cref="Pack"/>.</summary>
    public PackedMatrix(ReadOnlySpan<float> b, int ldb, bool transposed, int rows, int columns)
        : this(GemmPlan.Packed, b, ldb, transposed, rows, columns) { }

    internal PackedMatrix(GemmPlan plan, ReadOnlySpan<float> b, int ldb, bool transposed, int rows, int columns)
        : this(plan, transposed, rows, columns, pooled: false)
    {
        Pack(b, ldb);
    }

    private PackedMatrix(GemmPlan plan, bool transposed, int rows, int columns, bool pooled)
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
        this.pooled = pooled;
        store = pooled ? ScratchPool.RentPinned((int)floats + 16) : GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
        pointer = (float*)(((nint)Unsafe.AsPointer(ref store[0]) + 63) & ~(nint)63);
    }

    /// <summary>
    /// An unpacked matrix of this shape whose storage comes from the <see cref="ScratchPool"/>: for a layer that
    /// re-packs its weights at every call, so that a training step does not allocate (and fault in) fresh
    /// pinned arrays each time. Fill it with <see cref="Pack"/> or <see cref="PackAll"/>; give the storage back
    /// with <see cref="Return"/> when the last product with it is done.
    /// </summary>
    internal static PackedMatrix Rent(bool transposed, int rows, int columns) => new(GemmPlan.Packed, transposed, rows, columns, pooled: true);

    /// <summary>As <see cref="Rent"/>, packed from <paramref name="b"/> at once (by all threads when it has several KC blocks).</summary>
    internal static PackedMatrix RentPacked(ReadOnlySpan<float> b, int ldb, bool transposed, int rows, int columns)
    {
        var m = Rent(transposed, rows, columns);
        PackAll([m], b, ldb, [0]);
        return m;
    }

    /// <summary>
    /// Gives the storage of a <see cref="Rent"/>ed matrix back to the pool; products with it throw afterwards,
    /// and a second call does nothing. No effect on a matrix that was not rented.
    /// </summary>
    internal void Return()
    {
        if (!pooled || returned) return;   // a second Return must not put the array in the pool twice
        returned = true;
        ScratchPool.ReturnPinned(store);
    }

    /// <summary>
    /// Packs several matrices of the same plan, orientation and depth (<see cref="Rows"/>) from one source at
    /// once, their KC blocks spread over the <see cref="WorkerPool"/>: <c>targets[i]</c> from
    /// <c>source[offsets[i]..]</c> with row stride <paramref name="ldb"/> (a layer's W_hh cut into the column
    /// blocks its time loop multiplies). Each block is packed by one thread, so the result does not depend on the
    /// thread count.
    /// </summary>
    internal static void PackAll(ReadOnlySpan<PackedMatrix> targets, ReadOnlySpan<float> source, int ldb, ReadOnlySpan<int> offsets)
    {
        if (offsets.Length != targets.Length)
            throw new ArgumentException($"PackedMatrix.PackAll: {offsets.Length} offsets for {targets.Length} targets; give one offset per target.", nameof(offsets));
        if (targets.Length == 0) return;
        var first = targets[0];
        int count = targets.Length, blocks = (first.Rows + first.Plan.KC - 1) / first.Plan.KC;
        var jobDst = stackalloc nint[count];
        var jobSrc = stackalloc nint[count];
        var jobCols = stackalloc int[count];
        fixed (float* src = source)
        {
            for (int i = 0; i < count; i++)
            {
                var t = targets[i];
                if ((uint)offsets[i] > (uint)source.Length)
                    throw new ArgumentOutOfRangeException(nameof(offsets), offsets[i], $"PackedMatrix.PackAll: offset {i} lies outside the source of {source.Length} floats.");
                if (t.Plan != first.Plan || t.Transposed != first.Transposed || t.Rows != first.Rows)
                    throw new ArgumentException("PackedMatrix.PackAll: every target must have the same plan, orientation and rows.", nameof(targets));
                Gemm.CheckOperand(source[offsets[i]..], ldb, t.Transposed ? t.Columns : t.Rows, t.Transposed ? t.Rows : t.Columns, nameof(source), nameof(ldb));
                jobDst[i] = (nint)t.Pointer;
                jobSrc[i] = (nint)(src + offsets[i]);
                jobCols[i] = t.Columns;
            }
            if (first.Rows == 0) return;
            WorkerPool.Run(new PackAllJob
            {
                KC = first.Plan.KC, NR = first.Plan.NR, Transposed = first.Transposed, Rows = first.Rows, Ldb = ldb, Blocks = blocks,
                Dst = jobDst, Src = jobSrc, Columns = jobCols,
            }, count * blocks);
        }
        foreach (var t in targets) GC.KeepAlive(t);   // their pinned stores were addressed by raw pointer only
    }

    private struct PackAllJob : IParallelJob
    {
        public bool Transposed;
        public int KC, NR, Rows, Blocks;
        public nint Ldb;
        public nint* Dst, Src;
        public int* Columns;

        /// <summary>Packs KC block <c>index % Blocks</c> of target <c>index / Blocks</c>.</summary>
        public readonly void Execute(int index)
        {
            int i = index / Blocks, pc = index % Blocks * KC, cols = Columns[i], nPadded = (cols + NR - 1) / NR * NR;
            if (cols > 0)
                GemmPacking.PackB(Transposed, (float*)Src[i], Ldb, pc, 0, Math.Min(KC, Rows - pc), cols, NR, (float*)Dst[i] + (nint)pc * nPadded);
        }
    }

    /// <summary>
    /// Re-packs new values of the same shape in place (no allocation), e.g. after an optimiser step.
    /// op(B)[p, j] is <c>b[p·ldb + j]</c>, or <c>b[j·ldb + p]</c> when <see cref="Transposed"/>.
    /// </summary>
    public void Pack(ReadOnlySpan<float> b, int ldb)
    {
        Gemm.CheckOperand(b, ldb, Transposed ? Columns : Rows, Transposed ? Rows : Columns, nameof(b), nameof(ldb));
        PackAll([this], b, ldb, [0]);
    }
}
