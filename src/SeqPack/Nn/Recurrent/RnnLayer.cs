using System.Numerics.Tensors;
using SeqPack.Kernels;

namespace SeqPack.Nn.Recurrent;

/// <summary>
/// One Elman RNN layer (tanh or relu) in one direction over time-major rows, forward and backward, recorded
/// as a single autograd node with outputs (Y, h_n). Same structure as <see cref="LstmLayer"/> with one gate.
/// </summary>
internal static class RnnLayer
{
    /// <summary>What forward keeps for backward. N = rows, B = batch.</summary>
    internal sealed class Buffers : SavedBuffers
    {
        public readonly int Hidden, InputSize;
        public readonly bool Relu;
        public readonly float[] HPrev;   // (N, H) rented (possibly longer)
        public readonly float[] Y;       // (N, H) pre-activations, activated in place: the output, also what backward differentiates through
        public readonly float[] StateH;  // (B, H)

        public Buffers(int rows, int batch, int inputSize, int hidden, bool relu, bool recorded)
        {
            Hidden = hidden; InputSize = inputSize; Relu = relu;
            HPrev = Rent(rows * hidden);
            Y = Tensor.ResultBuffer(rows * hidden, recorded);   // overwritten by the input projection; becomes the output tensor
            StateH = new float[batch * hidden];
        }
    }

    /// <summary>Runs the layer: x (N, I), h0 (B, H) or null. Returns Y (N, H) and h_n (B, H).</summary>
    public static (Tensor Y, Tensor H) Forward(Tensor x, PackedLayout layout, bool reverse, bool relu, LayerWeights w, Tensor? h0)
    {
        int rows = layout.Rows, batch = layout.Batch, inputSize = x.Dim(1), hidden = w.WHh.Dim(1);
        Tensor[] inputs = h0 is null ? [x, .. w.Present()] : [x, .. w.Present(), h0];
        var buf = new Buffers(rows, batch, inputSize, hidden, relu, Autograd.ShouldRecord(inputs));
        LayerMath.InputProjection(rows, hidden, inputSize, x.Data, w.WIh.Data, LayerMath.BiasSum(w.BIh, w.BHh), buf.Y);
        if (h0 is not null) h0.Data.CopyTo(buf.StateH, 0);
        var wHhT = PackedMatrix.RentPacked(w.WHh.Data, hidden, true, hidden, hidden);
        ForwardLoop(layout, reverse, wHhT, buf);
        wHhT.Return();

        var y = new Tensor(buf.Y, [rows, hidden], recyclable: true);
        var hn = new Tensor(buf.StateH, [batch, hidden]);
        Autograd.Record([y, hn], reverse ? "RnnLayerReverse" : "RnnLayer", inputs,
            grads => Backward(grads[0], grads[1], x, layout, reverse, w, h0, buf));
        if (y.Node is null) buf.Release();   // nothing recorded (no gradient needed): backward will never read it
        return (y, hn);
    }

    /// <summary>The forward time loop over preallocated buffers (allocation-free).</summary>
    internal static void ForwardLoop(PackedLayout layout, bool reverse, PackedMatrix wHhT, Buffers b)
    {
        int h = b.Hidden;
        long counted = 0;
        for (int s = 0; s < layout.Steps; s++)
        {
            int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.StepOffsets[t];
            var hPrev = b.HPrev.AsSpan(r0 * h, n * h);
            var y = b.Y.AsSpan(r0 * h, n * h);
            b.StateH.AsSpan(0, n * h).CopyTo(hPrev);
            Gemm.Sgemm(false, n, 1f, hPrev, h, wHhT, 1f, y, h);
            RnnCellKernels.Forward(b.Relu, y, y);
            y.CopyTo(b.StateH);
            counted += n;
        }
        LayerMath.CountRows(counted);
    }

    /// <summary>The backward time loop (allocation-free): dPre (N, H) out, dState (B, H) in as dh_n, out as dh0.</summary>
    internal static void BackwardLoop(PackedLayout layout, bool reverse, PackedMatrix wHh, ReadOnlySpan<float> dy, Buffers b,
        float[] dPre, float[] dState, float[] dhScratch)
    {
        int h = b.Hidden;
        long counted = 0;
        for (int s = layout.Steps - 1; s >= 0; s--)
        {
            int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.StepOffsets[t];
            var ds = dState.AsSpan(0, n * h);
            var dh = dhScratch.AsSpan(0, n * h);
            if (dy.IsEmpty) ds.CopyTo(dh);
            else TensorPrimitives.Add(dy.Slice(r0 * h, n * h), ds, dh);
            var dp = dPre.AsSpan(r0 * h, n * h);
            RnnCellKernels.Backward(b.Relu, b.Y.AsSpan(r0 * h, n * h), dh, dp);
            Gemm.Sgemm(false, n, 1f, dp, h, wHh, 0f, ds, h);
            counted += n;
        }
        LayerMath.CountRows(counted);
    }

    private static Tensor?[] Backward(Tensor? dy, Tensor? dhn, Tensor x, PackedLayout layout, bool reverse, LayerWeights w,
        Tensor? h0, Buffers b)
    {
        b.ThrowIfReleased("an RNN layer");
        int rows = layout.Rows, batch = layout.Batch, h = b.Hidden, inputSize = b.InputSize;
        // dPre gets its own array: the saved output Y (the only candidate to overwrite) is the user's output tensor.
        var dPre = ScratchPool.Rent(rows * h);      // (N, H), every row written by its step
        var dhScratch = ScratchPool.Rent(batch * h);
        var dState = new float[batch * h];          // (B, H), becomes dh0
        dhn?.Data.CopyTo(dState, 0);
        var wHh = PackedMatrix.RentPacked(w.WHh.Data, h, false, h, h);
        BackwardLoop(layout, reverse, wHh, dy is null ? default : dy.Data, b, dPre, dState, dhScratch);
        wHh.Return();

        var grads = new List<Tensor?>();
        if (x.RequiresGrad)
        {
            var dx = GC.AllocateUninitializedArray<float>(rows * inputSize);   // beta = 0
            Gemm.Sgemm(false, false, rows, inputSize, h, 1f, dPre, h, w.WIh.Data, inputSize, 0f, dx, inputSize);
            grads.Add(Autograd.Unshared(new Tensor(dx, [rows, inputSize])));
        }
        else grads.Add(null);
        grads.Add(LayerMath.WeightGrad(w.WIh, h, inputSize, rows, dPre, x.Data));
        grads.Add(LayerMath.WeightGrad(w.WHh, h, h, rows, dPre, b.HPrev));
        Tensor? dBias = w.BIh is not null ? Autograd.Unshared(new Tensor(LayerMath.ColumnSums(rows, h, dPre, h), [h])) : null;   // given to both biases: the engine copies it for the second
        if (w.BIh is not null) grads.Add(dBias);
        if (w.BHh is not null) grads.Add(dBias);
        if (h0 is not null) grads.Add(Autograd.Unshared(new Tensor(dState, [batch, h])));
        b.Release();
        ScratchPool.Return(dPre, dhScratch);
        return grads.ToArray();
    }
}
