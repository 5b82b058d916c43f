using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using SeqPack.Kernels;

namespace SeqPack.Nn.Recurrent;

/// <summary>
/// The time loops of <see cref="LstmLayer"/>: allocation-free, over preallocated buffers, parallel across
/// gate slices on the <see cref="WorkerPool"/>.
/// </summary>
/// <remarks>
/// Forward step t (n active rows): the task for slice s computes the slice's columns of
/// <c>gates[rows] += h_{t-1}·W_hhᵀ</c> against its own pre-packed weight block, then at once the cell update
/// of the slice's units, while the gate block is still in cache. One hand-off per step. Backward step t:
/// each task computes its units' columns of <c>dh_t = dGates_{t+1}·W_hh</c> against its own pre-packed
/// columns of W_hh, then at once their gate gradients; again one hand-off per step (with a projection, two).
/// </remarks>
internal static unsafe class LstmLoops
{
    /// <summary>
    /// For each gate slice, its block of W_hh (kernel order) packed as the right operand of <c>h·W_hhᵀ</c>, in
    /// storage rented from the <see cref="ScratchPool"/> and packed by all threads; give it back with
    /// <see cref="Return"/> after the loop.
    /// </summary>
    public static PackedMatrix[] PackForward(LstmLayer.Buffers b)
    {
        var packed = new PackedMatrix[b.Slices.Count];
        Span<int> offsets = stackalloc int[packed.Length];
        for (int s = 0; s < packed.Length; s++)
        {
            int u0 = b.Slices.Start(s), w = b.Slices.Width(s);
            packed[s] = PackedMatrix.Rent(true, b.HOut, 4 * w);
            offsets[s] = 4 * u0 * b.HOut;
        }
        PackedMatrix.PackAll(packed, b.WHh, b.HOut, offsets);
        return packed;
    }

    /// <summary>Gives the storage of packed weights from <see cref="PackForward"/> or <see cref="PackBackward"/> back.</summary>
    public static void Return(PackedMatrix[] packed)
    {
        foreach (var p in packed) p.Return();
    }

    private struct ForwardStep : IParallelJob
    {
        public int Rows, Carry, Hidden, HOut;
        public float* HPrev, Gates, Bias, CPrev, TanhC, H;
        public int HStride, HPrevStride;
        // Rows below Carry go on to the next step: their c_t and h_t are written straight into that step's
        // rows of CPrev and XH (stride NextHStride). The other rows end here: c_t and h_t go to StateC and
        // HCopy (null with a projection, whose caller copies the projected state itself).
        public float* NextC, NextH, StateC, HCopy;
        public int NextHStride;
        public nint* Packed;

        public readonly void Execute(int s)
        {
            int u0 = s * GateSlices.MaxUnits, w = Math.Min(GateSlices.MaxUnits, Hidden - u0), g4 = 4 * Hidden;
            GemmDriver.RunSerial(GemmPlan.Packed, false, false, Rows, 4 * w, HOut, 1f, HPrev, HPrevStride, null, 0, (float*)Packed[s], 1f, Gates + 4 * u0, g4);
            float* bias = Bias == null ? null : Bias + 4 * u0;
            if (Carry > 0)
                LstmCellKernels.Forward(Carry, w, Gates + 4 * u0, g4, bias, CPrev + u0, NextC + u0, TanhC + u0, Hidden,
                    H + u0, HStride, NextH + u0, NextHStride);
            int rest = Rows - Carry, r = Carry;
            if (rest > 0)
                LstmCellKernels.Forward(rest, w, Gates + (nint)r * g4 + 4 * u0, g4, bias, CPrev + (nint)r * Hidden + u0,
                    StateC + (nint)r * Hidden + u0, TanhC + (nint)r * Hidden + u0, Hidden, H + (nint)r * HStride + u0, HStride,
                    HCopy == null ? null : HCopy + (nint)r * HOut + u0, HOut);
        }
    }

    /// <summary>
    /// The forward time loop. <paramref name="bias"/>: b_ih + b_hh in kernel gate order (4H), added by the cell
    /// kernel, or empty; <paramref name="projection"/>: W_hr packed as the right operand of <c>r·W_hrᵀ</c>, or null.
    /// </summary>
    /// <remarks>
    /// Row i of a step is the same sequence as row i of the next step while that sequence lasts (rows are
    /// sorted by length), so without a projection each step's cell writes c_t and h_t of the continuing rows
    /// straight into the next step's c_{t-1} and h_{t-1} rows, and only the rows that end go to the running
    /// state: the caller copies nothing between steps except the initial state of rows that start (the first
    /// step, and steps where a reverse pass meets more sequences). Copying the state between steps would run on
    /// the calling thread while the other threads wait.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(PackedLayout layout, bool reverse, LstmLayer.Buffers b, ReadOnlySpan<float> bias,
        PackedMatrix[] packedWhh, PackedMatrix? projection)
    {
        int h = b.Hidden, hOut = b.HOut, g4 = 4 * h, slices = packedWhh.Length;
        nint* packed = stackalloc nint[slices];
        for (int s = 0; s < slices; s++) packed[s] = (nint)packedWhh[s].Pointer;
        long counted = 0;
        bool direct = projection is null;
        fixed (float* gates = b.Gates, biasp = bias, cPrev = b.CPrev, tanhC = b.TanhC, xh = b.XH, r = b.R, y = b.Y, stateH = b.StateH, stateC = b.StateC)
        {
            int carried = 0;   // rows of this step whose state the previous step wrote in place (always 0 with a projection)
            for (int step = 0; step < layout.Steps; step++)
            {
                int t = layout.StepAt(step, reverse), n = layout.BatchSizes[t], r0 = layout.StepOffsets[t];
                int from = Math.Min(carried, n);   // rows [from, n) take their state from StateH/StateC (all rows with a projection)
                for (int i = from; i < n; i++)
                    b.StateH.AsSpan(i * hOut, hOut).CopyTo(b.XH.AsSpan((r0 + i) * b.XHStride + b.HPrevColumn, hOut));
                b.StateC.AsSpan(from * h, (n - from) * h).CopyTo(b.CPrev.AsSpan((r0 + from) * h, (n - from) * h));
                int carry = 0, rNext = 0;
                if (direct && step + 1 < layout.Steps)
                {
                    int tNext = layout.StepAt(step + 1, reverse);
                    carry = Math.Min(n, layout.BatchSizes[tNext]);
                    rNext = layout.StepOffsets[tNext];
                }
                var job = new ForwardStep
                {
                    Rows = n, Carry = carry, Hidden = h, HOut = hOut, Packed = packed, Bias = bias.IsEmpty ? null : biasp,
                    HPrev = xh + (nint)r0 * b.XHStride + b.HPrevColumn, HPrevStride = b.XHStride, Gates = gates + (nint)r0 * g4, CPrev = cPrev + (nint)r0 * h,
                    TanhC = tanhC + (nint)r0 * h,
                    H = direct ? y + (nint)r0 * hOut : r + (nint)r0 * h,
                    HStride = direct ? hOut : h,
                    NextC = cPrev + (nint)rNext * h, NextH = xh + (nint)rNext * b.XHStride + b.HPrevColumn, NextHStride = b.XHStride,
                    StateC = stateC, HCopy = direct ? stateH : null,
                };
                WorkerPool.Run(job, slices);
                carried = carry;
                if (projection is not null)
                {
                    var ys = b.Y.AsSpan(r0 * hOut, n * hOut);
                    Gemm.Sgemm(false, n, 1f, b.R.AsSpan(r0 * h, n * h), h, projection, 0f, ys, hOut);
                    ys.CopyTo(b.StateH);
                }
                counted += n;
            }
        }
        LayerMath.CountRows(counted);
        // The packed W_hh slices live in pinned arrays that are freed once unreachable; only raw pointers to them are
        // used above, so keep the owners alive until the loop is done (without this the GC may free them mid-loop).
        GC.KeepAlive(packedWhh);
        GC.KeepAlive(projection);
    }

    /// <summary>The gradient buffers of backward. Shapes in comments.</summary>
    internal sealed class GradBuffers : SavedBuffers
    {
        public readonly float[] DGates;   // (N, 4H) kernel gate order; the saved activations' array, overwritten in place
        public readonly float[] DHTotal;  // (N, Hout) total gradient of each row's output; kept only with projection
        public readonly float[] DR;       // (B, H) gradient before projection (projection only)
        public readonly float[] DStateH;  // (B, Hout) gradient of the running hidden state; dh0 at the end
        public readonly float[] DStateC;  // (B, H) gradient of the running cell state; dc0 at the end
        public readonly float[] DBias;    // (4H) kernel gate order: dGates summed over rows; empty without biases

        public GradBuffers(float[] gates, int rows, int batch, int hidden, int hOut, bool projection, bool bias = false)
        {
            DBias = bias ? new float[4 * hidden] : [];
            DGates = gates;
            DHTotal = projection ? Rent(rows * hOut) : [];
            DR = projection ? new float[batch * hidden] : [];
            DStateH = new float[batch * hOut];
            DStateC = new float[batch * hidden];
        }
    }

    /// <summary>
    /// Gate slices per task of the backward time loop without a projection: enough tasks for two per thread
    /// (so that a thread slowed by a busy core hands work to the other), each as wide as that allows. Every
    /// task's product reads all of the step's gate gradients (up to 64 × 4H floats) to make its columns of
    /// dh, so wider tasks read them fewer times; two slices per task beat one, and four gained nothing more.
    /// </summary>
    private static int BackwardGroup(int slices) => (slices + Math.Min(slices, 2 * Compute.Threads) - 1) / Math.Min(slices, 2 * Compute.Threads);

    /// <summary>
    /// W_hh (kernel order) packed as the right operand of <c>dGates·W_hh</c> for <see cref="Backward"/>, and the
    /// gate slices per task. Without a projection: for each group of <c>group</c> slices (<see cref="BackwardGroup"/>)
    /// their columns of W_hh, since the slices' units of <c>dh_{t-1}</c> come from every gate column of step t.
    /// With one: all of W_hh as one matrix, and a group of 1.
    /// </summary>
    public static (PackedMatrix[] Packed, int Group) PackBackward(LstmLayer.Buffers b, bool projection)
    {
        int group = projection ? 1 : BackwardGroup(b.Slices.Count);
        var packed = new PackedMatrix[projection ? 1 : (b.Slices.Count + group - 1) / group];
        Span<int> offsets = stackalloc int[packed.Length];
        for (int p = 0; p < packed.Length; p++)
        {
            int u0 = projection ? 0 : b.Slices.Start(p * group), u1 = projection ? b.HOut : Math.Min(b.Hidden, b.Slices.Start((p + 1) * group));
            packed[p] = PackedMatrix.Rent(false, 4 * b.Hidden, u1 - u0);
            offsets[p] = u0;
        }
        PackedMatrix.PackAll(packed, b.WHh, b.HOut, offsets);
        return (packed, group);
    }

    private struct BackwardStep : IParallelJob
    {
        public int Rows, Hidden;
        public float* Act, TanhC, CPrev, DC, DY, DState, DGates, DBias;
        public int DhStride;
        // Task p covers the gate slices [p·Group, (p+1)·Group). Without a projection it first computes their
        // units of dh_t from the gate gradients of the step processed before (PrevRows rows at PrevDGates,
        // against its own packed columns of W_hh, Packed[p]), then the cell backward of step t for those units:
        // one hand-off per step instead of two.
        public int Group, PrevRows;
        public float* PrevDGates;
        public nint* Packed;

        public readonly void Execute(int p)
        {
            int g4 = 4 * Hidden, u0 = p * Group * GateSlices.MaxUnits, u1 = Math.Min(Hidden, u0 + Group * GateSlices.MaxUnits);
            if (PrevRows > 0)
                GemmDriver.RunSerial(GemmPlan.Packed, false, false, PrevRows, u1 - u0, g4, 1f, PrevDGates, g4, null, 0, (float*)Packed[p], 0f,
                    DState + u0, DhStride);
            if (Rows == 0) return;
            for (int s0 = u0; s0 < u1; s0 += GateSlices.MaxUnits)
            {
                int w = Math.Min(GateSlices.MaxUnits, u1 - s0);
                LstmCellKernels.Backward(Rows, w, Act + 4 * s0, g4, TanhC + s0, CPrev + s0, DC + s0, Hidden,
                    DY == null ? null : DY + s0, DState + s0, DhStride, DGates + 4 * s0, DBias == null ? null : DBias + 4 * s0);
            }
        }
    }

    /// <summary>
    /// The backward time loop; it also sums the gate gradients into <c>d.DBias</c> when that is not empty (each
    /// slice's task owns its columns, and rows are added in step order, so the sum does not depend on the
    /// thread count). <paramref name="dy"/> (N, Hout) may be null. <paramref name="packedWhh"/> and
    /// <paramref name="group"/> come from <see cref="PackBackward"/>; <paramref name="projection"/> is W_hr packed
    /// as the right operand of <c>dh·W_hr</c>, or null.
    /// </summary>
    /// <remarks>
    /// Without a projection each step is one parallel call: each group of slices computes its units of
    /// <c>dh_t = dGates_{t+1}·W_hh</c> and at once their cell backward, so the step's gate gradients are ready
    /// for the next call; a last call turns the first step's gate gradients into dh0. With a projection, dh_t
    /// must be complete (all Hout columns) before <c>dr = dh·W_hr</c>, so the product and the cells are two calls.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(PackedLayout layout, bool reverse, float[]? dy, LstmLayer.Buffers b, GradBuffers d,
        PackedMatrix[] packedWhh, int group, PackedMatrix? projection)
    {
        int h = b.Hidden, hOut = b.HOut, g4 = 4 * h, slices = b.Slices.Count;
        long counted = 0;
        nint* packed = stackalloc nint[packedWhh.Length];
        for (int s = 0; s < packedWhh.Length; s++) packed[s] = (nint)packedWhh[s].Pointer;
        fixed (float* act = b.Gates, tanhC = b.TanhC, cPrev = b.CPrev, dyp = dy, dGates = d.DGates, dStateH = d.DStateH,
               dStateC = d.DStateC, dr = d.DR, dBias = d.DBias)
        {
            int prevRows = 0, prevOffset = 0;   // the step processed before this one (the next in time order)
            for (int step = layout.Steps - 1; step >= 0; step--)
            {
                int t = layout.StepAt(step, reverse), n = layout.BatchSizes[t], r0 = layout.StepOffsets[t];
                var job = new BackwardStep
                {
                    Rows = n, Hidden = h, Group = 1, Act = act + (nint)r0 * g4, TanhC = tanhC + (nint)r0 * h, CPrev = cPrev + (nint)r0 * h,
                    DC = dStateC, DGates = dGates + (nint)r0 * g4, DBias = dBias,   // null when DBias is empty
                };
                if (projection is null)
                {
                    job.DY = dyp == null ? null : dyp + (nint)r0 * hOut;
                    job.DState = dStateH;
                    job.DhStride = hOut;
                    job.Group = group;
                    job.PrevRows = prevRows;
                    job.PrevDGates = dGates + (nint)prevOffset * g4;
                    job.Packed = packed;
                    WorkerPool.Run(job, packedWhh.Length);
                    prevRows = n;
                    prevOffset = r0;
                }
                else
                {
                    var dhTotal = d.DHTotal.AsSpan(r0 * hOut, n * hOut);
                    var dState = d.DStateH.AsSpan(0, n * hOut);
                    if (dy is null) dState.CopyTo(dhTotal);
                    else TensorPrimitives.Add(dy.AsSpan(r0 * hOut, n * hOut), dState, dhTotal);
                    Gemm.Sgemm(false, n, 1f, dhTotal, hOut, projection, 0f, d.DR.AsSpan(0, n * h), h);
                    job.DY = null;
                    job.DState = dr;
                    job.DhStride = h;
                    WorkerPool.Run(job, slices);
                    Gemm.Sgemm(false, n, 1f, d.DGates.AsSpan(r0 * g4, n * g4), g4, packedWhh[0], 0f, d.DStateH.AsSpan(0, n * hOut), hOut);
                }
                counted += n;
            }
            if (projection is null && prevRows > 0)   // dh0 from the first step's gate gradients
                WorkerPool.Run(new BackwardStep
                {
                    Hidden = h, Group = group, DState = dStateH, DhStride = hOut, PrevRows = prevRows,
                    PrevDGates = dGates + (nint)prevOffset * g4, Packed = packed,
                }, packedWhh.Length);
        }
        LayerMath.CountRows(counted);
        // The packed W_hh blocks live in pinned arrays that are freed once unreachable; keep them alive until the loop is done.
        GC.KeepAlive(packedWhh);
    }
}
