using System.Numerics.Tensors;
using SeqPack.Kernels;

namespace SeqPack.Nn.Recurrent;

/// <summary>
/// One GRU layer in one direction over time-major rows, forward and backward, recorded as a single autograd
/// node with outputs (Y, h_n). Same structure as <see cref="LstmLayer"/>; the recurrent product goes to a
/// scratch block because the reset gate multiplies its n part (plus b_hn) before the tanh.
/// </summary>
internal static class GruLayer
{
    /// <summary>What forward keeps for backward. N = rows, B = batch.</summary>
    internal sealed class Buffers : SavedBuffers
    {
        // Gates, Ghn and HPrev are rented (possibly longer than N rows); Y and StateH become the output tensors.
        public readonly int Hidden, InputSize;
        public readonly float[] Gates;   // (N, 3H) activated r, z, n
        public readonly float[] Ghn;     // (N, H) h·W_hnᵀ + b_hn
        public readonly float[] HPrev;   // (N, H)
        public readonly float[] Y;       // (N, H)
        public readonly float[] Gh;      // (B, 3H) scratch: h·W_hhᵀ of the current step
        public readonly float[] StateH;  // (B, H) running hidden state; h_n at the end

        public Buffers(int rows, int batch, int inputSize, int hidden, bool recorded)
        {
            Hidden = hidden; InputSize = inputSize;
            Gates = Rent(rows * 3 * hidden);
            Ghn = Rent(rows * hidden);
            HPrev = Rent(rows * hidden);
            Y = Tensor.ResultBuffer(rows * hidden, recorded);   // every row is written by its step; becomes the output tensor
            Gh = GC.AllocateUninitializedArray<float>(batch * 3 * hidden);  // written (beta = 0) before each read
            StateH = new float[batch * hidden];
        }
    }

    /// <summary>Runs the layer: x (N, I), h0 (B, H) or null. Returns Y (N, H) and h_n (B, H).</summary>
    public static (Tensor Y, Tensor H) Forward(Tensor x, PackedLayout layout, bool reverse, LayerWeights w, Tensor? h0)
    {
        int rows = layout.Rows, batch = layout.Batch, inputSize = x.Dim(1), hidden = w.WHh.Dim(1);
        Tensor[] inputs = h0 is null ? [x, .. w.Present()] : [x, .. w.Present(), h0];
        var buf = new Buffers(rows, batch, inputSize, hidden, Autograd.ShouldRecord(inputs));
        // Fold b_ih fully and b_hh for r and z into the input projection; b_hn stays inside r·(…).
        var bias = new float[3 * hidden];
        if (w.BIh is not null) w.BIh.Data.CopyTo(bias, 0);
        if (w.BHh is not null) TensorPrimitives.Add(bias.AsSpan(0, 2 * hidden), w.BHh.Data.AsSpan(0, 2 * hidden), bias.AsSpan(0, 2 * hidden));
        LayerMath.InputProjection(rows, 3 * hidden, inputSize, x.Data, w.WIh.Data, w.BIh is null && w.BHh is null ? [] : bias, buf.Gates);
        if (h0 is not null) h0.Data.CopyTo(buf.StateH, 0);
        ReadOnlyMemory<float> bHn = w.BHh is null ? ReadOnlyMemory<float>.Empty : w.BHh.Data.AsMemory(2 * hidden, hidden);
        var wHhT = PackedMatrix.RentPacked(w.WHh.Data, hidden, true, hidden, 3 * hidden);
        ForwardLoop(layout, reverse, wHhT, bHn, buf);
        wHhT.Return();

        var y = new Tensor(buf.Y, [rows, hidden], recyclable: true);
        var hn = new Tensor(buf.StateH, [batch, hidden]);
        Autograd.Record([y, hn], reverse ? "GruLayerReverse" : "GruLayer", inputs,
            grads => Backward(grads[0], grads[1], x, layout, reverse, w, h0, buf));
        if (y.Node is null) buf.Release();   // nothing recorded (no gradient needed): backward will never read them
        return (y, hn);
    }

    /// <summary>The forward time loop over preallocated buffers (allocation-free).</summary>
    /// <remarks>
    /// Per step: <c>h_{t-1}·W_hhᵀ</c> (one GEMM, parallel over its columns), then the cell over the step's rows,
    /// parallel over blocks of rows (<see cref="CellTasks"/>). Each row is computed by the same code whichever
    /// task takes it, so the results do not depend on the thread count.
    /// </remarks>
    internal static unsafe void ForwardLoop(PackedLayout layout, bool reverse, PackedMatrix wHhT, ReadOnlyMemory<float> bHn, Buffers b)
    {
        int h = b.Hidden, g3 = 3 * h;
        long counted = 0;
        fixed (float* gates = b.Gates, gh = b.Gh, bhn = bHn.Span, hPrevAll = b.HPrev, ghn = b.Ghn, yAll = b.Y, state = b.StateH)
        {
            for (int s = 0; s < layout.Steps; s++)
            {
                int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.StepOffsets[t];
                var hPrev = b.HPrev.AsSpan(r0 * h, n * h);
                b.StateH.AsSpan(0, n * h).CopyTo(hPrev);
                Gemm.Sgemm(false, n, 1f, hPrev, h, wHhT, 0f, b.Gh, g3);
                var job = new CellForward
                {
                    Rows = n, Hidden = h, Tasks = CellTasks(n, h),
                    Gates = gates + (nint)r0 * g3, Gh = gh, BHn = bHn.IsEmpty ? null : bhn, HPrev = hPrevAll + (nint)r0 * h,
                    Ghn = ghn + (nint)r0 * h, Y = yAll + (nint)r0 * h, State = state,
                };
                WorkerPool.Run(job, job.Tasks);
                counted += n;
            }
        }
        LayerMath.CountRows(counted);
    }

    /// <summary>
    /// Tasks for the cell of a step of <paramref name="rows"/> rows: blocks of at least 2,048 cells (a few
    /// microseconds of work, against a hand-off well under one), at most two per thread.
    /// </summary>
    internal static int CellTasks(int rows, int hidden) => Math.Clamp(rows * hidden / 2048, 1, Math.Min(rows, 2 * Compute.Threads));

    /// <summary>Rows [lo, lo + n) of block <paramref name="task"/> when <paramref name="rows"/> rows are split into <paramref name="tasks"/> blocks.</summary>
    private static (int Lo, int N) RowBlock(int rows, int task, int tasks)
    {
        int lo = (int)((long)rows * task / tasks), hi = (int)((long)rows * (task + 1) / tasks);
        return (lo, hi - lo);
    }

    /// <summary>The forward cell of one step for a block of its rows, then the new state of those rows.</summary>
    private unsafe struct CellForward : IParallelJob
    {
        public int Rows, Hidden, Tasks;
        public float* Gates, Gh, BHn, HPrev, Ghn, Y, State;

        public readonly void Execute(int task)
        {
            var (lo, n) = RowBlock(Rows, task, Tasks);
            int h = Hidden, g3 = 3 * h;
            var y = new Span<float>(Y + (nint)lo * h, n * h);
            GruCellKernels.Forward(n, h, new Span<float>(Gates + (nint)lo * g3, n * g3), new ReadOnlySpan<float>(Gh + (nint)lo * g3, n * g3),
                BHn == null ? [] : new ReadOnlySpan<float>(BHn, h), new ReadOnlySpan<float>(HPrev + (nint)lo * h, n * h),
                new Span<float>(Ghn + (nint)lo * h, n * h), y);
            y.CopyTo(new Span<float>(State + (nint)lo * h, n * h));
        }
    }

    /// <summary>The gradient buffers of backward.</summary>
    internal sealed class GradBuffers : SavedBuffers
    {
        public readonly float[] DGh;      // (N, 3H) gradient of h·W_hhᵀ + b_hh; the saved activations' array, overwritten in place
        public readonly float[] DAn;      // (N, H) gradient of x·W_inᵀ + b_in (rented)
        public readonly float[] DH;       // (B, H) scratch: total gradient of the current step's output (rented)
        public readonly float[] DStateH;  // (B, H) gradient of the running hidden state; dh0 at the end

        public GradBuffers(float[] gates, int rows, int batch, int hidden)
        {
            DGh = gates;
            DAn = Rent(rows * hidden);
            DH = Rent(batch * hidden);
            DStateH = new float[batch * hidden];
        }
    }

    /// <summary>The backward time loop (allocation-free). <paramref name="dy"/> may be empty.</summary>
    /// <remarks>Per step: the cell over blocks of rows in parallel (as in forward), then <c>dh_{t-1} += dGh·W_hh</c>.</remarks>
    internal static unsafe void BackwardLoop(PackedLayout layout, bool reverse, PackedMatrix wHh, ReadOnlySpan<float> dy, Buffers b, GradBuffers d)
    {
        int h = b.Hidden, g3 = 3 * h;
        long counted = 0;
        fixed (float* dyAll = dy, gates = b.Gates, ghn = b.Ghn, hPrev = b.HPrev, dh = d.DH, dGhAll = d.DGh, dAn = d.DAn, dState = d.DStateH)
        {
            for (int s = layout.Steps - 1; s >= 0; s--)
            {
                int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.StepOffsets[t];
                var job = new CellBackward
                {
                    Rows = n, Hidden = h, Tasks = CellTasks(n, h),
                    Dy = dy.IsEmpty ? null : dyAll + (nint)r0 * h, Gates = gates + (nint)r0 * g3, Ghn = ghn + (nint)r0 * h,
                    HPrev = hPrev + (nint)r0 * h, Dh = dh, DGh = dGhAll + (nint)r0 * g3, DAn = dAn + (nint)r0 * h, DState = dState,
                };
                WorkerPool.Run(job, job.Tasks);
                Gemm.Sgemm(false, n, 1f, d.DGh.AsSpan(r0 * g3, n * g3), g3, wHh, 1f, d.DStateH.AsSpan(0, n * h), h);
                counted += n;
            }
        }
        LayerMath.CountRows(counted);
    }

    /// <summary>
    /// The backward cell of one step for a block of its rows: dh = dy + dState (the running gradient), then
    /// the gate gradients, and dState = dh·z (the direct part of dh_{t-1}).
    /// </summary>
    private unsafe struct CellBackward : IParallelJob
    {
        public int Rows, Hidden, Tasks;
        public float* Dy, Gates, Ghn, HPrev, Dh, DGh, DAn, DState;

        public readonly void Execute(int task)
        {
            var (lo, n) = RowBlock(Rows, task, Tasks);
            int h = Hidden, g3 = 3 * h;
            var dState = new Span<float>(DState + (nint)lo * h, n * h);
            var dh = new Span<float>(Dh + (nint)lo * h, n * h);
            if (Dy == null) dState.CopyTo(dh);
            else TensorPrimitives.Add(new ReadOnlySpan<float>(Dy + (nint)lo * h, n * h), dState, dh);
            GruCellKernels.Backward(n, h, new ReadOnlySpan<float>(Gates + (nint)lo * g3, n * g3), new ReadOnlySpan<float>(Ghn + (nint)lo * h, n * h),
                new ReadOnlySpan<float>(HPrev + (nint)lo * h, n * h), dh, new Span<float>(DGh + (nint)lo * g3, n * g3),
                new Span<float>(DAn + (nint)lo * h, n * h), dState);
        }
    }

    private static Tensor?[] Backward(Tensor? dy, Tensor? dhn, Tensor x, PackedLayout layout, bool reverse, LayerWeights w,
        Tensor? h0, Buffers b)
    {
        b.ThrowIfReleased("a GRU layer");
        int rows = layout.Rows, batch = layout.Batch, h = b.Hidden, inputSize = b.InputSize, g3 = 3 * h, h2 = 2 * h;
        // The recurrent-side gradients overwrite the saved activations (GruCellKernels.Backward reads each element
        // of a row's r, z, n before it writes the gradient at the same index), so dGh needs no (N, 3H) buffer.
        var d = new GradBuffers(b.Gates, rows, batch, h);
        dhn?.Data.CopyTo(d.DStateH, 0);
        var wHh = PackedMatrix.RentPacked(w.WHh.Data, h, false, g3, h);
        BackwardLoop(layout, reverse, wHh, dy is null ? default : dy.Data, b, d);
        wHh.Return();

        // The input side sees (da_r, da_z) from dGh and da_n from dAn.
        var grads = new List<Tensor?>();
        if (x.RequiresGrad)
        {
            var dx = GC.AllocateUninitializedArray<float>(rows * inputSize);   // (N, I); the first GEMM has beta = 0
            Gemm.Sgemm(false, false, rows, inputSize, h2, 1f, d.DGh, g3, w.WIh.Data, inputSize, 0f, dx, inputSize);
            Gemm.Sgemm(false, false, rows, inputSize, h, 1f, d.DAn, h, w.WIh.Data.AsSpan(h2 * inputSize), inputSize, 1f, dx, inputSize);
            grads.Add(Autograd.Unshared(new Tensor(dx, [rows, inputSize])));
        }
        else grads.Add(null);
        if (w.WIh.RequiresGrad)
        {
            var dw = GC.AllocateUninitializedArray<float>(g3 * inputSize);   // (3H, I); both row blocks written with beta = 0
            Gemm.Sgemm(true, false, h2, inputSize, rows, 1f, d.DGh, g3, x.Data, inputSize, 0f, dw, inputSize);
            Gemm.Sgemm(true, false, h, inputSize, rows, 1f, d.DAn, h, x.Data, inputSize, 0f, dw.AsSpan(h2 * inputSize), inputSize);
            grads.Add(Autograd.Unshared(new Tensor(dw, [g3, inputSize])));
        }
        else grads.Add(null);
        grads.Add(LayerMath.WeightGrad(w.WHh, g3, h, rows, d.DGh, b.HPrev));
        // db_hh = Σ_rows dGh; db_ih is the same in its r and z blocks and Σ_rows dAn in its n block.
        var dGhSums = w.BIh is not null || w.BHh is not null ? LayerMath.ColumnSums(rows, g3, d.DGh, g3) : [];
        if (w.BIh is not null)
        {
            var db = (float[])dGhSums.Clone();
            LayerMath.ColumnSums(rows, h, d.DAn, h).CopyTo(db, h2);
            grads.Add(Autograd.Unshared(new Tensor(db, [g3])));
        }
        if (w.BHh is not null) grads.Add(Autograd.Unshared(new Tensor(dGhSums, [g3])));
        if (h0 is not null) grads.Add(Autograd.Unshared(new Tensor(d.DStateH, [batch, h])));
        b.Release();
        d.Release();
        return grads.ToArray();
    }
}
