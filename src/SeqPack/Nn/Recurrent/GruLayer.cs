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
    internal sealed class Buffers
    {
        // Gates, Ghn and HPrev are rented from the ScratchPool (possibly longer than N rows) and given back by
        // Release once backward has used them; Y and StateH become the output tensors.
        public readonly int Hidden, InputSize;
        public readonly float[] Gates;   // (N, 3H) activated r, z, n
        public readonly float[] Ghn;     // (N, H) h·W_hnᵀ + b_hn
        public readonly float[] HPrev;   // (N, H)
        public readonly float[] Y;       // (N, H)
        public readonly float[] Gh;      // (B, 3H) scratch: h·W_hhᵀ of the current step
        public readonly float[] StateH;  // (B, H) running hidden state; h_n at the end

        public Buffers(int rows, int batch, int inputSize, int hidden)
        {
            Hidden = hidden; InputSize = inputSize;
            Gates = ScratchPool.Rent(rows * 3 * hidden);
            Ghn = ScratchPool.Rent(rows * hidden);
            HPrev = ScratchPool.Rent(rows * hidden);
            Y = GC.AllocateUninitializedArray<float>(rows * hidden);        // every row is written by its step
            Gh = GC.AllocateUninitializedArray<float>(batch * 3 * hidden);  // written (beta = 0) before each read
            StateH = new float[batch * hidden];
        }

        /// <summary>True once <see cref="Release"/> has run: the saved arrays belong to the pool again.</summary>
        public bool Released { get; private set; }

        /// <summary>Gives the saved arrays back to the pool (after backward, or at once when nothing was recorded).</summary>
        public void Release()
        {
            if (Released) return;
            Released = true;
            ScratchPool.Return(Gates, Ghn, HPrev);
        }
    }

    /// <summary>Runs the layer: x (N, I), h0 (B, H) or null. Returns Y (N, H) and h_n (B, H).</summary>
    public static (Tensor Y, Tensor H) Forward(Tensor x, StepLayout layout, bool reverse, LayerWeights w, Tensor? h0)
    {
        int rows = layout.Rows, batch = layout.Batch, inputSize = x.Dim(1), hidden = w.WHh.Dim(1);
        var buf = new Buffers(rows, batch, inputSize, hidden);
        // Fold b_ih fully and b_hh for r and z into the input projection; b_hn stays inside r·(…).
        var bias = new float[3 * hidden];
        if (w.BIh is not null) w.BIh.Data.CopyTo(bias, 0);
        if (w.BHh is not null) TensorPrimitives.Add(bias.AsSpan(0, 2 * hidden), w.BHh.Data.AsSpan(0, 2 * hidden), bias.AsSpan(0, 2 * hidden));
        LayerMath.InputProjection(rows, 3 * hidden, inputSize, x.Data, w.WIh.Data, w.BIh is null && w.BHh is null ? [] : bias, buf.Gates);
        if (h0 is not null) h0.Data.CopyTo(buf.StateH, 0);
        ReadOnlyMemory<float> bHn = w.BHh is null ? ReadOnlyMemory<float>.Empty : w.BHh.Data.AsMemory(2 * hidden, hidden);
        ForwardLoop(layout, reverse, new PackedMatrix(w.WHh.Data, hidden, true, hidden, 3 * hidden), bHn, buf);

        var y = new Tensor(buf.Y, [rows, hidden]);
        var hn = new Tensor(buf.StateH, [batch, hidden]);
        var inputs = new List<Tensor> { x };
        inputs.AddRange(w.Present());
        if (h0 is not null) inputs.Add(h0);
        Autograd.Record([y, hn], reverse ? "GruLayerReverse" : "GruLayer", inputs.ToArray(),
            grads => Backward(grads[0], grads[1], x, layout, reverse, w, h0, buf));
        if (y.Node is null) buf.Release();   // nothing recorded (no gradient needed): backward will never read them
        return (y, hn);
    }

    /// <summary>The forward time loop over preallocated buffers (allocation-free).</summary>
    internal static void ForwardLoop(StepLayout layout, bool reverse, PackedMatrix wHhT, ReadOnlyMemory<float> bHn, Buffers b)
    {
        int h = b.Hidden, g3 = 3 * h;
        long counted = 0;
        for (int s = 0; s < layout.Steps; s++)
        {
            int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.Offsets[t];
            var hPrev = b.HPrev.AsSpan(r0 * h, n * h);
            var y = b.Y.AsSpan(r0 * h, n * h);
            b.StateH.AsSpan(0, n * h).CopyTo(hPrev);
            Gemm.Sgemm(false, n, 1f, hPrev, h, wHhT, 0f, b.Gh, g3);
            GruCellKernels.Forward(n, h, b.Gates.AsSpan(r0 * g3, n * g3), b.Gh, bHn.Span, hPrev, b.Ghn.AsSpan(r0 * h, n * h), y);
            y.CopyTo(b.StateH);
            counted += n;
        }
        LayerMath.CountRows(counted);
    }

    /// <summary>The gradient buffers of backward.</summary>
    internal sealed class GradBuffers
    {
        public readonly float[] DGh;      // (N, 3H) gradient of h·W_hhᵀ + b_hh; the saved activations' array, overwritten in place
        public readonly float[] DAn;      // (N, H) gradient of x·W_inᵀ + b_in (rented)
        public readonly float[] DH;       // (B, H) scratch: total gradient of the current step's output (rented)
        public readonly float[] DStateH;  // (B, H) gradient of the running hidden state; dh0 at the end

        public GradBuffers(float[] gates, int rows, int batch, int hidden)
        {
            DGh = gates;
            DAn = ScratchPool.Rent(rows * hidden);
            DH = ScratchPool.Rent(batch * hidden);
            DStateH = new float[batch * hidden];
        }

        /// <summary>Gives the rented scratch back to the pool (DGh belongs to the forward buffers).</summary>
        public void Release()
        {
            ScratchPool.Return(DAn, DH);
        }
    }

    /// <summary>The backward time loop (allocation-free). <paramref name="dy"/> may be empty.</summary>
    internal static void BackwardLoop(StepLayout layout, bool reverse, PackedMatrix wHh, ReadOnlySpan<float> dy, Buffers b, GradBuffers d)
    {
        int h = b.Hidden, g3 = 3 * h;
        long counted = 0;
        for (int s = layout.Steps - 1; s >= 0; s--)
        {
            int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.Offsets[t];
            var dState = d.DStateH.AsSpan(0, n * h);
            var dh = d.DH.AsSpan(0, n * h);
            if (dy.IsEmpty) dState.CopyTo(dh);
            else TensorPrimitives.Add(dy.Slice(r0 * h, n * h), dState, dh);
            var dGh = d.DGh.AsSpan(r0 * g3, n * g3);
            GruCellKernels.Backward(n, h, b.Gates.AsSpan(r0 * g3, n * g3), b.Ghn.AsSpan(r0 * h, n * h), b.HPrev.AsSpan(r0 * h, n * h),
                dh, dGh, d.DAn.AsSpan(r0 * h, n * h), dState);
            Gemm.Sgemm(false, n, 1f, dGh, g3, wHh, 1f, dState, h);
            counted += n;
        }
        LayerMath.CountRows(counted);
    }

    private static Tensor?[] Backward(Tensor? dy, Tensor? dhn, Tensor x, StepLayout layout, bool reverse, LayerWeights w,
        Tensor? h0, Buffers b)
    {
        if (b.Released)
            throw new InvalidOperationException(
                "Backward through a GRU layer a second time: the values it saved in forward were freed by the first backward (as in PyTorch without retain_graph). Run the forward pass again before calling Backward again.");
        int rows = layout.Rows, batch = layout.Batch, h = b.Hidden, inputSize = b.InputSize, g3 = 3 * h, h2 = 2 * h;
        // The recurrent-side gradients overwrite the saved activations (GruCellKernels.Backward reads each element
        // of a row's r, z, n before it writes the gradient at the same index), so dGh needs no (N, 3H) buffer.
        var d = new GradBuffers(b.Gates, rows, batch, h);
        dhn?.Data.CopyTo(d.DStateH, 0);
        BackwardLoop(layout, reverse, new PackedMatrix(w.WHh.Data, h, false, g3, h), dy is null ? default : dy.Data, b, d);

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
