using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SeqPack.Kernels;

/// <summary>
/// The Goto/BLIS loop nest around the micro-kernels, and its split across the <see cref="WorkerPool"/>.
/// </summary>
/// <remarks>
/// For one block of C (rows i0..i1, columns j0..j1):
/// <code>
/// for jc in j0..j1 step NC:                 B column block (L3)
///   for pc in 0..K step KC:                 pack B[pc:pc+KC, jc:jc+NC] (unless pre-packed)
///     for ic in i0..i1 step MC:             pack A[ic:ic+MC, pc:pc+KC] → L2
///       for jr in 0..NC step NR:            B micro-panel KC×NR → L1
///         for ir in 0..MC step MR:          micro-kernel: MR×NR block of C in registers
/// </code>
/// The first KC block applies the caller's beta, later ones accumulate (beta = 1). Threads take disjoint
/// blocks of C (column panels, or row groups when C is narrow), each with its own packing buffers, so the
/// summation order of every element is the same whatever the thread count. Large products split by rows
/// share one packed B block instead and take row blocks one at a time (<see cref="RunRowsSharedB"/>). For small M (a recurrent step,
/// M ≤ MC) the loop becomes: read an untransposed A in place (else pack it once per KC block), then take each
/// B micro-panel (pre-packed, read in place, or packed just before use: <see cref="Job.PanelByPanel"/>) through
/// L1 while all row groups of A are reused from L1/L2.
/// </remarks>
internal static unsafe class GemmDriver
{
    /// <summary>Below this many multiply-adds a product runs on the calling thread only.</summary>
    private const long ParallelThreshold = 1L << 17;

    /// <summary>
    /// Fewest multiply-adds worth a thread of its own: a product takes at most one thread per this many
    /// (half of <see cref="ParallelThreshold"/>, so two threads start exactly where the parallel split does). A
    /// hand-off costs about a microsecond, so on many cores a mid-sized product stops adding threads before
    /// their shares shrink to that: 16 threads from 2^20 multiply-adds, 64 from 2^22.
    /// </summary>
    private const long MinMultiplyAddsPerThread = ParallelThreshold / 2;

    /// <summary>Parallel tasks per thread of a small product: a few, so that a thread slowed by a busy core does not hold the rest up.</summary>
    private const int TasksPerThread = 4;

    public static void Run(GemmPlan plan, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float* packedB, float beta, float* c, nint ldc)
        => Run(plan, transA, transB, m, n, k, alpha, a, lda, b, ldb, packedB, beta, c, ldc, Compute.Threads);

    /// <summary>
    /// As <see cref="Run(GemmPlan, bool, bool, int, int, int, float, float*, nint, float*, nint, float*, float, float*, nint)"/>
    /// on the calling thread only: for a task that is itself one of several parallel tasks (a gate slice of a
    /// recurrent step), where splitting again would only re-read A once per sub-block.
    /// </summary>
    public static void RunSerial(GemmPlan plan, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float* packedB, float beta, float* c, nint ldc)
        => Run(plan, transA, transB, m, n, k, alpha, a, lda, b, ldb, packedB, beta, c, ldc, 1);

    private static void Run(GemmPlan plan, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float* packedB, float beta, float* c, nint ldc, int threads)
    {
        var job = new Job
        {
            Isa = plan.Isa, MR = plan.MR, NR = plan.NR, KC = plan.KC, MC = plan.MC, NC = plan.NC,
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, B = b, Ldb = ldb, PackedB = packedB, C = c, Ldc = ldc,
        };
        threads = (int)Math.Min(threads, Math.Max(1, (long)m * n * k / MinMultiplyAddsPerThread));
        job.DirectB = !NoDirect && packedB == null && !transB && plan.Isa != GemmIsa.Scalar && m <= DirectBRows * plan.MR;
        int panels = (n + plan.NR - 1) / plan.NR, rowGroups = (m + plan.MR - 1) / plan.MR;
        if (threads <= 1 || (long)m * n * k < ParallelThreshold || (panels < 2 && rowGroups < 2))
        {
            job.Block(0, m, 0, n);
            return;
        }
        job.SplitColumns = SplitColumns(m, n, packedB != null, plan, threads);
        if (!job.SplitColumns && (long)m * n * k >= LargeProduct && !SharedB.InUse)
        {
            RunRowsSharedB(ref job, threads);
            return;
        }
        int units = job.SplitColumns ? panels : rowGroups;
        // Small products (a recurrent step) take a few tasks per thread so that a thread slowed by a busy core
        // does not hold the rest up; large column-split ones take one contiguous block per thread, because every
        // task packs its own copy of op(A), which it shares with the others.
        int perThread = (long)m * n * k < LargeProduct ? TasksPerThread : 1;
        job.Tasks = Math.Min(units, threads * perThread);
        job.Units = units;
        WorkerPool.Run(job, job.Tasks, threads);
    }

    /// <summary>
    /// A large product split by rows, BLIS's "ic loop" parallelism: for each KC×NC block of op(B) the threads
    /// first pack it together into one shared buffer (each a range of its micro-panels), then take blocks of
    /// at most MC rows of A from the pool's shared counter, each packing its own A block and running the
    /// macro-kernel against the shared B block. op(B) is packed once instead of once per thread, and the row
    /// blocks are small enough that a thread slowed by a busy core hands its share to the other instead of
    /// holding up the call. Each element of C is summed in the same order as on one thread (same KC blocks,
    /// same kernels), so the bits do not depend on the thread count.
    /// </summary>
    private static void RunRowsSharedB(ref Job job, int threads)
    {
        // Blocks of whole MR-row groups, at most MC rows each, a whole number of rounds, their sizes differing by
        // one group at most, so that the threads' shares differ by MR rows at most. (Blocks all of one size would
        // leave a short last block: 2048 rows as seventeen of 120 and one of 8, a block more for one thread.)
        int groups = (job.M + job.MR - 1) / job.MR, groupsPerBlock = job.MC / job.MR;
        int blocks = (groups + groupsPerBlock - 1) / groupsPerBlock;
        blocks = Math.Min((blocks + threads - 1) / threads * threads, groups);
        SharedB.InUse = true;
        try
        {
            float* shared = job.PackedB != null ? null : SharedB.Get(job.KC * job.NC);
            for (int jc = 0; jc < job.N; jc += job.NC)
            {
                int nc = Math.Min(job.NC, job.N - jc), panels = (nc + job.NR - 1) / job.NR;
                for (int pc = 0; pc < job.K; pc += job.KC)
                {
                    int kc = Math.Min(job.KC, job.K - pc);
                    float* bp;
                    if (job.PackedB != null)
                        bp = job.PackedBlock(pc, jc, kc);
                    else
                    {
                        bp = shared;
                        var pack = new PackBJob { TransB = job.TransB, B = job.B, Ldb = job.Ldb, P0 = pc, J0 = jc, Kc = kc, Nc = nc, NR = job.NR, Dst = bp,
                            Panels = panels, Tasks = Math.Min(panels, threads) };
                        WorkerPool.Run(pack, pack.Tasks, threads);
                    }
                    var rows = new RowBlockJob { Job = job, Groups = groups, Blocks = blocks, Jc = jc, Nc = nc, Pc = pc, Kc = kc, Bp = bp };
                    WorkerPool.Run(rows, blocks, threads);
                }
            }
        }
        finally
        {
            SharedB.InUse = false;
        }
    }

    private struct PackBJob : IParallelJob
    {
        public bool TransB;
        public float* B, Dst;
        public nint Ldb;
        public int P0, J0, Kc, Nc, NR, Panels, Tasks;

        public readonly void Execute(int index)
        {
            int lo = (int)((long)Panels * index / Tasks), hi = (int)((long)Panels * (index + 1) / Tasks);
            GemmPacking.PackB(TransB, B, Ldb, P0, J0 + lo * NR, Kc, Math.Min(Nc, hi * NR) - lo * NR, NR, Dst + (nint)lo * NR * Kc);
        }
    }

    private struct RowBlockJob : IParallelJob
    {
        public Job Job;
        public int Groups, Blocks, Jc, Nc, Pc, Kc;
        public float* Bp;

        public readonly void Execute(int index)
        {
            int i0 = (int)((long)Groups * index / Blocks) * Job.MR, i1 = Math.Min(Job.M, (int)((long)Groups * (index + 1) / Blocks) * Job.MR);
            Job.RowBlock(i0, i1 - i0, Jc, Nc, Pc, Kc, Bp, 0);
        }
    }

    /// <summary>The shared B block of <see cref="RunRowsSharedB"/>: one per calling thread, pinned, 64-byte aligned.</summary>
    private static class SharedB
    {
        [ThreadStatic] private static float[]? store;
        [ThreadStatic] private static float* pointer;
        /// <summary>Set while this thread runs a shared-B product: a product nested inside one takes the ordinary path.</summary>
        [ThreadStatic] public static bool InUse;

        public static float* Get(int floats)
        {
            if (store is null || store.Length < floats + 16) pointer = PackBuffers.Allocate(floats, out store);
            return pointer;
        }
    }

    /// <summary>
    /// A product with at most this many register blocks of rows (and an untransposed B that is not pre-packed)
    /// reads B in place instead of packing it: each element of B then meets only one or two register blocks,
    /// so packing (read B, write the panels, read them again) would cost more memory traffic than the product
    /// itself, which streams B once. The kernels sum every element in the same order either way: same bits.
    /// </summary>
    private const int DirectBRows = 2;

    /// <summary>At or above this many multiply-adds a product is split into one block per thread.</summary>
    private const long LargeProduct = 1L << 24;

    /// <summary>
    /// Test hook: when true, the kernels always pack A instead of reading a short untransposed A in place
    /// (<c>DirectA</c>), pack B instead of reading it in place (<c>DirectB</c>), and pack each B block whole
    /// instead of panel by panel (<c>PanelByPanel</c>), so tests can check that all paths give the same bits.
    /// Never set by the library; it is static, so tests that set it run in one xunit collection and restore it.
    /// </summary>
    internal static bool NoDirect;

    /// <summary>
    /// Whether threads take column blocks of C (each then packs all of op(A)) rather than row blocks (each then
    /// packs all of op(B), unless B is pre-packed). Picks the split whose redundant packing is smaller, as long
    /// as the split dimension has at least one unit per thread.
    /// </summary>
    internal static bool SplitColumns(int m, int n, bool bPrepacked, GemmPlan plan, int threads)
    {
        int panels = (n + plan.NR - 1) / plan.NR, rowGroups = (m + plan.MR - 1) / plan.MR;
        if (rowGroups < threads) return true;
        if (panels < threads) return false;
        if (bPrepacked) return m <= plan.MC;   // B costs nothing to share; split rows unless A is one small block
        return n >= m;                          // redundant packing ∝ the other operand: K·M vs K·N
    }

    private struct Job : IParallelJob
    {
        public GemmIsa Isa;
        public int MR, NR, KC, MC, NC;
        public bool TransA, TransB;
        public int M, N, K;
        public float Alpha, Beta;
        public float* A, B, PackedB, C;
        public nint Lda, Ldb, Ldc;
        public bool SplitColumns, DirectB;
        public int Tasks, Units;

        public readonly void Execute(int index)
        {
            int lo = (int)((long)Units * index / Tasks), hi = (int)((long)Units * (index + 1) / Tasks);
            if (SplitColumns) Block(0, M, lo * NR, Math.Min(N, hi * NR));
            else Block(lo * MR, Math.Min(M, hi * MR), 0, N);
        }

        /// <summary>
        /// Whether the kernels read A in place instead of packing it: a short, untransposed A on the vector
        /// families (BLIS's "sup" idea). A recurrent step's A is a few rows of h or dGates that every panel of
        /// the large pre-packed weight meets once; packing them costs as much as the product's own loads, and
        /// rows that are already contiguous in k gain nothing from it.
        /// </summary>
        private readonly bool DirectA => !NoDirect && Isa != GemmIsa.Scalar && !TransA && M <= MC;

        /// <summary>Computes rows i0..i1 and columns j0..j1 of C (j0 a multiple of NR).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Block(int i0, int i1, int j0, int j1)
        {
            // The B buffer holds one packed KC × NC block, or less when the product is smaller: a deep KC (Vector512)
            // makes a full block 8 MB, which a thread that only ever runs small products should not pin.
            int bFloats = Math.Min(KC, K) * ((Math.Min(NC, j1 - j0) + NR - 1) / NR * NR);
            var buffers = PackBuffers.ForThisThread(MC * KC, bFloats);
            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                for (int pc = 0; pc < K; pc += KC)
                {
                    int kc = Math.Min(KC, K - pc);
                    if (DirectB)
                    {
                        DirectBBlock(i0, i1, jc, nc, pc, kc, buffers.B);
                        continue;
                    }
                    if (PackedB == null && !NoDirect && i1 - i0 <= MC)
                    {
                        PanelByPanel(i0, i1 - i0, jc, nc, pc, kc, buffers);
                        continue;
                    }
                    float* bp;
                    if (PackedB != null)
                        bp = PackedBlock(pc, jc, kc);
                    else
                    {
                        bp = buffers.B;
                        GemmPacking.PackB(TransB, B, Ldb, pc, jc, kc, nc, NR, bp);
                    }
                    for (int ic = i0; ic < i1; ic += MC)
                        RowBlock(ic, Math.Min(MC, i1 - ic), jc, nc, pc, kc, bp, 0);
                }
            }
        }

        /// <summary>
        /// One KC block of a <see cref="DirectB"/> product: the full NR-column panels read B in place; only the
        /// right-edge panel (fewer than NR columns, which a kernel must not read past) is packed, into
        /// <paramref name="edgePanel"/>.
        /// </summary>
        private readonly void DirectBBlock(int i0, int i1, int jc, int nc, int pc, int kc, float* edgePanel)
        {
            int full = nc / NR * NR;
            if (full < nc) GemmPacking.PackB(false, B, Ldb, pc, jc + full, kc, nc - full, NR, edgePanel);
            for (int ic = i0; ic < i1; ic += MC)
            {
                int mc = Math.Min(MC, i1 - ic);
                if (full > 0) RowBlock(ic, mc, jc, full, pc, kc, B + (nint)pc * Ldb + jc, Ldb);
                if (full < nc) RowBlock(ic, mc, jc + full, nc - full, pc, kc, edgePanel, 0);
            }
        }

        /// <summary>
        /// One KC block of a product whose rows form a single A block (at most MC rows, e.g. x·Wᵀ for a few rows
        /// of x): each B micro-panel is packed right before the row groups use it, into the start of the B
        /// buffer, so it is still in L1/L2 when the kernels read it. Packing the whole KC × NC block first would
        /// write it out to memory and read it back, three passes over B for a product that meets each panel
        /// once. The kernels, their arguments and the panel contents are those of the whole-block order: same
        /// bits. The Vector256 family packs the wide edge kernel's group of panels together (see
        /// <see cref="Macro"/>).
        /// </summary>
        private readonly void PanelByPanel(int i0, int mc, int jc, int nc, int pc, int kc, PackBuffers buffers)
        {
            float beta = pc == 0 ? Beta : 1f;
            float* ap = ABlock(i0, mc, pc, kc, out nint lda);
            int step = (Isa == GemmIsa.Vector256 ? MicroKernel256Wide.Panels : 1) * NR;
            for (int j = 0; j < nc; j += step)
            {
                int w = Math.Min(step, nc - j);
                GemmPacking.PackB(TransB, B, Ldb, pc, jc + j, kc, w, NR, buffers.B);
                Macro(mc, w, kc, ap, lda, buffers.B, 0, C + i0 * Ldc + jc + j, beta);
            }
        }

        /// <summary>The block of a pre-packed B for KC block pc (depth kc), from column jc on (the <see cref="PackedMatrix"/> layout).</summary>
        public readonly float* PackedBlock(int pc, int jc, int kc)
            => PackedB + (nint)pc * ((N + NR - 1) / NR * NR) + (nint)(jc / NR) * kc * NR;

        /// <summary>
        /// Rows ic..ic+mc (mc ≤ MC) of C against one B block (KC block pc, columns jc..jc+nc): packed, or read in
        /// place with row stride <paramref name="ldb"/> when it is not 0.
        /// </summary>
        public readonly void RowBlock(int ic, int mc, int jc, int nc, int pc, int kc, float* bp, nint ldb)
        {
            float beta = pc == 0 ? Beta : 1f;
            float* ap = ABlock(ic, mc, pc, kc, out nint lda);
            Macro(mc, nc, kc, ap, lda, bp, ldb, C + ic * Ldc + jc, beta);
        }

        /// <summary>
        /// Rows ic..ic+mc of A in KC block pc as the kernels read them: in place with row stride
        /// <paramref name="lda"/> = Lda (<see cref="DirectA"/>), else packed into this thread's A buffer (lda 0).
        /// </summary>
        private readonly float* ABlock(int ic, int mc, int pc, int kc, out nint lda)
        {
            if (DirectA)
            {
                lda = Lda;
                return A + ic * Lda + pc;
            }
            var buffers = PackBuffers.ForThisThread(MC * KC, 0);
            GemmPacking.PackA(TransA, A, Lda, ic, pc, mc, kc, MR, buffers.A);
            lda = 0;
            return buffers.A;
        }

        /// <summary>
        /// The macro-kernel: one A block (packed, or in place with row stride <paramref name="lda"/> when it is
        /// not 0) times one B block (packed, or in place with row stride <paramref name="ldb"/> when it is not 0:
        /// then every panel is full) into C. Each B micro-panel meets all full MR-row groups while it is in
        /// L1. Leftover rows (mc mod MR) of 1 or 2 on the Vector256 family go to the wide edge kernel, which covers
        /// 4 panels at once so that it still has 8 independent FMA chains; the panels are taken in groups of 4 so
        /// that they are still in L1 when it runs.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void Macro(int mc, int nc, int kc, float* ap, nint lda, float* bp, nint ldb, float* c, float beta)
        {
            nint panelStride = ldb != 0 ? NR : (nint)NR * kc;   // floats from one B micro-panel to the next
            int edgeRows = mc % MR, full = mc - edgeRows;
            bool wide = Isa == GemmIsa.Vector256 && edgeRows > 0 && edgeRows <= MicroKernel256Wide.MaxRows;
            int span = wide ? MicroKernel256Wide.Panels * NR : NR;
            nint rowGroup = lda != 0 ? MR * lda : (nint)MR * kc;   // floats from one MR-row group of A to the next
            float* edgeA = ap + full / MR * rowGroup;
            for (int jb = 0; jb < nc; jb += span)
            {
                int blockEnd = Math.Min(nc, jb + span);
                bool wideBlock = wide && blockEnd - jb == span;
                for (int jr = jb; jr < blockEnd; jr += NR)
                {
                    for (int ir = 0; ir < full; ir += MR)
                        Tile(MR, Math.Min(NR, nc - jr), kc, ap + ir / MR * rowGroup, lda, bp + jr / NR * panelStride, ldb, c + ir * Ldc + jr, beta);
                    if (edgeRows > 0 && !wideBlock)
                        Tile(edgeRows, Math.Min(NR, nc - jr), kc, edgeA, lda, bp + jr / NR * panelStride, ldb, c + full * Ldc + jr, beta);
                }
                if (wideBlock)
                    MicroKernel256Wide.Run(edgeRows, kc, edgeA, lda, bp + jb / NR * panelStride, ldb, panelStride,
                        c + full * Ldc + jb, Ldc, Alpha, beta);
            }
        }

        /// <summary>One rows × NR register block of C (cols &lt; NR only at the right edge of C).</summary>
        private readonly void Tile(int rows, int cols, int kc, float* apanel, nint lda, float* bpanel, nint ldb, float* cij, float beta)
        {
            if (cols == NR)
            {
                Kernel(rows, kc, apanel, lda, bpanel, ldb, cij, Ldc, Alpha, beta);
                return;
            }
            Debug.Assert(ldb == 0, "a B read in place has full panels only (DirectBBlock packs the edge)");
            // Right edge: compute the full-width block into a tile, then merge the valid columns with the same
            // arithmetic as the kernels' store (alpha·acc + beta·c, in that order).
            float* tile = stackalloc float[MicroKernel512.MR * MicroKernel512.NR];
            Kernel(rows, kc, apanel, lda, bpanel, 0, tile, NR, 1f, 0f);
            for (int i = 0; i < rows; i++)
            {
                float* ci = cij + i * Ldc;
                float* ti = tile + i * NR;
                for (int j = 0; j < cols; j++)
                    ci[j] = beta == 0f ? Alpha * ti[j] : Alpha * ti[j] + beta * ci[j];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private readonly void Kernel(int rows, int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float alpha, float beta)
        {
            switch (Isa)
            {
                case GemmIsa.Vector512:
                    MicroKernel512.Run(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta);
                    break;
                case GemmIsa.Vector256: MicroKernel256.Run(rows, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
                case GemmIsa.Vector128: MicroKernel128.Run(rows, NR / 4, MR, kc, a, lda, b, ldb, c, ldc, alpha, beta); break;
                default:
                    Debug.Assert(lda == 0 && ldb == 0, "the scalar family packs both operands");
                    MicroKernelScalar.Run(rows, kc, a, b, c, ldc, alpha, beta);
                    break;
            }
        }
    }

    /// <summary>Per-thread packing buffers: pinned, 64-byte aligned, grown on demand and then reused.</summary>
    private sealed class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? current;
        private float[] aStore = [], bStore = [];
        public float* A, B;

        public static PackBuffers ForThisThread(int aFloats, int bFloats)
        {
            var pb = current ??= new PackBuffers();
            if (pb.aStore.Length < aFloats + 16) pb.A = Allocate(aFloats, out pb.aStore);
            if (pb.bStore.Length < bFloats + 16) pb.B = Allocate(bFloats, out pb.bStore);
            return pb;
        }

        /// <summary>A pinned array of at least <paramref name="floats"/> floats and a 64-byte aligned pointer into it.</summary>
        public static float* Allocate(int floats, out float[] store)
        {
            store = GC.AllocateUninitializedArray<float>(floats + 16, pinned: true);
            nint p = (nint)Unsafe.AsPointer(ref store[0]);
            return (float*)((p + 63) & ~(nint)63);
        }
    }
}
