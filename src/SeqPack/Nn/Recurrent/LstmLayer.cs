using System.Numerics.Tensors;
using SeqPack.Kernels;

namespace SeqPack.Nn.Recurrent;

/// <summary>
/// One LSTM layer in one direction over time-major rows, forward and backward, recorded as a single autograd
/// node with outputs (Y, h_n, c_n).
/// </summary>
/// <remarks>
/// Forward: the input projection of all rows is one GEMM (biases folded in); the time loop multiplies only
/// the active prefix of rows by the pre-packed W_hh and runs the fused cell update (see <see cref="LstmLoops"/>).
/// Backward: the time loop computes the gate gradients and <c>dh_{t-1} = dGates·W_hh</c>; afterwards
/// <c>dX = dGates·W_ih</c>, <c>dW_ih = dGatesᵀ·X</c>, <c>dW_hh = dGatesᵀ·H_prev</c> are single GEMMs over all
/// rows, which is why the previous hidden state of every row is kept. With a projection (Sak et al. 2014,
/// "LSTMP"; torch's proj_size) <c>h = W_hr·(o·tanh c)</c>, and <c>dW_hr</c> is one more GEMM after the loop.
/// Saved memory is proportional to the number of rows (the sum of lengths). Gate columns are in the kernel
/// layout of <see cref="GateSlices"/> internally and in PyTorch's order in every parameter and gradient.
/// </remarks>
internal static class LstmLayer
{
    /// <summary>Everything forward keeps for backward, plus the running state. Shapes in comments, N = rows, B = batch.</summary>
    internal sealed class Buffers : SavedBuffers
    {
        // WIh, WHh, Gates, CPrev, TanhC, XH and R are rented (possibly longer than needed); Y, StateH and StateC
        // become the output tensors.
        public readonly int Hidden, HOut, InputSize;
        /// <summary>
        /// Whether XH also holds each row's input, so that dW_ih and dW_hh are one GEMM
        /// <c>dGatesᵀ·[X | H_prev]</c>: the transposed dGates (N × 4H, larger than L3) is then packed once, not twice.
        /// </summary>
        public readonly bool JointWeightGrad;
        /// <summary>Row stride of XH, and the column of XH where h_{t-1} starts (I when <see cref="JointWeightGrad"/>, else 0).</summary>
        public readonly int XHStride, HPrevColumn;
        public readonly GateSlices Slices;
        public readonly float[] WIh;     // (4H, I) W_ih in kernel gate order (possibly longer)
        public readonly float[] WHh;     // (4H, Hout) W_hh in kernel gate order (possibly longer)
        public readonly float[] Gates;   // (N, 4H) activated gates, kernel order
        public readonly float[] CPrev;   // (N, H) cell state before each row's step
        public readonly float[] TanhC;   // (N, H)
        public readonly float[] XH;      // (N, XHStride): [x | h_{t-1}] of each row, or h_{t-1} alone
        public readonly float[] R;       // (N, H) o·tanh(c) before projection; empty without projection
        public readonly float[] Y;       // (N, Hout) output
        public readonly float[] StateH;  // (B, Hout) h0, then each row's last h as its sequence ends (the loop carries h_t in XH; with a projection, the running state); h_n at the end
        public readonly float[] StateC;  // (B, H) c0, then each row's last c as its sequence ends (carried in CPrev); c_n at the end

        public Buffers(int rows, int batch, LayerWeights w, bool recorded, bool jointWeightGrad = false)
        {
            InputSize = w.WIh.Dim(1);
            Hidden = w.WHh.Dim(0) / 4;
            HOut = w.WHh.Dim(1);
            Slices = new GateSlices(4, Hidden);
            WIh = Slices.ToKernelRows(w.WIh.Data, InputSize, Rent(w.WIh.Size));
            WHh = Slices.ToKernelRows(w.WHh.Data, HOut, Rent(w.WHh.Size));
            Gates = Rent(rows * 4 * Hidden);
            CPrev = Rent(rows * Hidden);
            TanhC = Rent(rows * Hidden);
            JointWeightGrad = jointWeightGrad;
            HPrevColumn = jointWeightGrad ? InputSize : 0;
            XHStride = HPrevColumn + HOut;
            XH = Rent(rows * XHStride);
            R = w.WHr is not null ? Rent(rows * Hidden) : [];
            Y = Tensor.ResultBuffer(rows * HOut, recorded);   // every row is written by its step; becomes the output tensor
            StateH = new float[batch * HOut];
            StateC = new float[batch * Hidden];
        }
    }

    /// <summary>
    /// Runs the layer. <paramref name="x"/> is (N, I) rows in <paramref name="layout"/>; <paramref name="h0"/>
    /// (B, Hout) and <paramref name="c0"/> (B, H) are in row order (null: zeros). Returns Y (N, Hout),
    /// h_n (B, Hout), c_n (B, H).
    /// </summary>
    public static (Tensor Y, Tensor H, Tensor C) Forward(Tensor x, PackedLayout layout, bool reverse, LayerWeights w,
        Tensor? h0, Tensor? c0)
    {
        int rows = layout.Rows, batch = layout.Batch;
        var inputList = new List<Tensor> { x };
        inputList.AddRange(w.Present());
        if (h0 is not null) inputList.Add(h0);
        if (c0 is not null) inputList.Add(c0);
        var inputs = inputList.ToArray();
        bool recorded = Autograd.ShouldRecord(inputs);
        bool joint = recorded && w.WIh.RequiresGrad && w.WHh.RequiresGrad;
        var buf = new Buffers(rows, batch, w, recorded, joint);
        if (joint)   // x goes beside h_{t-1} for the joint weight gradient
            for (int r = 0; r < rows; r++)
                x.Data.AsSpan(r * buf.InputSize, buf.InputSize).CopyTo(buf.XH.AsSpan(r * buf.XHStride, buf.InputSize));
        int g4 = 4 * buf.Hidden;
        var bias = LayerMath.BiasSum(w.BIh, w.BHh);
        // The biases are added by the cell kernel (to each gate row while it is in cache), so the input
        // projection is a plain GEMM that writes the gates without reading them.
        LayerMath.InputProjection(rows, g4, buf.InputSize, x.Data, buf.WIh, [], buf.Gates);
        if (h0 is not null) h0.Data.CopyTo(buf.StateH, 0);
        if (c0 is not null) c0.Data.CopyTo(buf.StateC, 0);
        var packedWhh = LstmLoops.PackForward(buf);
        LstmLoops.Forward(layout, reverse, buf, bias.Length == 0 ? bias : buf.Slices.ToKernelRows(bias, 1), packedWhh,
            w.WHr is null ? null : new PackedMatrix(w.WHr.Data, buf.Hidden, true, buf.Hidden, buf.HOut));
        LstmLoops.Return(packedWhh);

        var y = new Tensor(buf.Y, [rows, buf.HOut], recyclable: true);
        var hn = new Tensor(buf.StateH, [batch, buf.HOut]);
        var cn = new Tensor(buf.StateC, [batch, buf.Hidden]);
        Autograd.Record([y, hn, cn], reverse ? "LstmLayerReverse" : "LstmLayer", inputs,
            grads => Backward(grads[0], grads[1], grads[2], x, layout, reverse, w, h0, c0, buf));
        if (y.Node is null) buf.Release();   // nothing recorded (no gradient needed): backward will never read them
        return (y, hn, cn);
    }

    private static Tensor?[] Backward(Tensor? dy, Tensor? dhn, Tensor? dcn, Tensor x, PackedLayout layout, bool reverse,
        LayerWeights w, Tensor? h0, Tensor? c0, Buffers b)
    {
        b.ThrowIfReleased("an LSTM layer");
        int rows = layout.Rows, batch = layout.Batch, h = b.Hidden, hOut = b.HOut, inputSize = b.InputSize, g4 = 4 * h;
        // The gate gradients overwrite the saved activations row by row (each row's activations are read only
        // to compute that row's gradients), so backward needs no (N, 4H) buffer of its own.
        bool hasBias = w.BIh is not null || w.BHh is not null;
        var d = new LstmLoops.GradBuffers(b.Gates, rows, batch, h, hOut, w.WHr is not null, hasBias);
        dhn?.Data.CopyTo(d.DStateH, 0);
        dcn?.Data.CopyTo(d.DStateC, 0);
        var (packedWhh, group) = LstmLoops.PackBackward(b, w.WHr is not null);
        LstmLoops.Backward(layout, reverse, dy is null ? null : dy.Data, b, d, packedWhh, group,
            w.WHr is null ? null : new PackedMatrix(w.WHr.Data, h, false, hOut, h));
        LstmLoops.Return(packedWhh);

        var grads = new List<Tensor?>();
        if (x.RequiresGrad)
        {
            var dx = GC.AllocateUninitializedArray<float>(rows * inputSize);   // (N, I) = dGates · W_ih (both in kernel gate order), beta = 0
            Gemm.Sgemm(false, false, rows, inputSize, g4, 1f, d.DGates, g4, b.WIh, inputSize, 0f, dx, inputSize);
            grads.Add(Autograd.Unshared(new Tensor(dx, [rows, inputSize])));
        }
        else grads.Add(null);
        if (b.JointWeightGrad)
        {
            // (4H, I + Hout) = dGatesᵀ·[X | H_prev]; its two column blocks are dW_ih and dW_hh.
            var joint = ScratchPool.Rent(g4 * b.XHStride);
            Gemm.Sgemm(true, false, g4, b.XHStride, rows, 1f, d.DGates, g4, b.XH, b.XHStride, 0f, joint, b.XHStride);
            grads.Add(Autograd.Unshared(new Tensor(b.Slices.ToTorchRows(joint, b.XHStride, 0, inputSize), w.WIh.Shape)));
            grads.Add(Autograd.Unshared(new Tensor(b.Slices.ToTorchRows(joint, b.XHStride, inputSize, hOut), w.WHh.Shape)));
            ScratchPool.Return(joint);
        }
        else
        {
            grads.Add(GateWeightGrad(w.WIh, b.Slices, rows, d.DGates, x.Data));
            grads.Add(GateWeightGrad(w.WHh, b.Slices, rows, d.DGates, b.XH));
        }
        Tensor? dBias = hasBias ? Autograd.Unshared(new Tensor(b.Slices.ToTorchRows(d.DBias, 1), [g4])) : null;   // given to both biases: the engine copies it for the second
        if (w.BIh is not null) grads.Add(dBias);
        if (w.BHh is not null) grads.Add(dBias);
        if (w.WHr is not null) grads.Add(LayerMath.WeightGrad(w.WHr, hOut, h, rows, d.DHTotal, b.R));
        if (h0 is not null) grads.Add(Autograd.Unshared(new Tensor(d.DStateH, [batch, hOut])));
        if (c0 is not null) grads.Add(Autograd.Unshared(new Tensor(d.DStateC, [batch, h])));
        b.Release();
        d.Release();
        return grads.ToArray();
    }

    /// <summary>The gradient of a (G·H, k) gate weight: dGatesᵀ·input over all rows, rows put back in PyTorch's order.</summary>
    internal static Tensor? GateWeightGrad(Tensor weight, GateSlices slices, int rows, ReadOnlySpan<float> dGates, ReadOnlySpan<float> input)
    {
        var kernelOrder = LayerMath.WeightGrad(weight, weight.Dim(0), weight.Dim(1), rows, dGates, input);
        return kernelOrder is null ? null : Autograd.Unshared(new Tensor(slices.ToTorchRows(kernelOrder.Data, weight.Dim(1)), weight.Shape));
    }
}
