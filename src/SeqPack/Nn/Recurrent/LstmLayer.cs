using System.Numerics.Tensors;
using SeqPack.Kernels;

namespace SeqPack.Nn.Recurrent;

/// <summary>
/// One LSTM layer in one direction over time-major rows, forward and backward, recorded as a single autograd
/// node with outputs (Y, h_n, c_n).
/// </summary>
/// <remarks>
/// Forward: the input projection of all rows is one GEMM (biases folded in); the time loop multiplies only
/// the active prefix of rows by W_hh and runs the fused cell update. Backward: the time loop computes the
/// gate gradients and <c>dh_{t-1} = dGates·W_hh</c>; afterwards <c>dX = dGates·W_ih</c>,
/// <c>dW_ih = dGatesᵀ·X</c>, <c>dW_hh = dGatesᵀ·H_prev</c> are single GEMMs over all rows, which is why the
/// previous hidden state of every row is kept. With a projection (Sak et al. 2014, "LSTMP"; torch's
/// proj_size) <c>h = W_hr·(o·tanh c)</c>, and <c>dW_hr</c> is one more GEMM after the loop. Saved memory is
/// proportional to the number of rows (the sum of lengths). Nothing is allocated in the time loops.
/// </remarks>
internal static class LstmLayer
{
    /// <summary>Everything forward keeps for backward, plus the running state. Shapes in comments, N = rows, B = batch.</summary>
    internal sealed class Buffers
    {
        public readonly int Hidden, HOut, InputSize;
        public readonly float[] Gates;   // (N, 4H) activated gates
        public readonly float[] CPrev;   // (N, H) cell state before each row's step
        public readonly float[] TanhC;   // (N, H)
        public readonly float[] HPrev;   // (N, Hout) hidden state before each row's step
        public readonly float[] R;       // (N, H) o·tanh(c) before projection; empty without projection
        public readonly float[] Y;       // (N, Hout) output
        public readonly float[] StateH;  // (B, Hout) running hidden state; h_n at the end
        public readonly float[] StateC;  // (B, H) running cell state; c_n at the end

        public Buffers(int rows, int batch, int inputSize, int hidden, int hOut, bool projection)
        {
            Hidden = hidden; HOut = hOut; InputSize = inputSize;
            Gates = new float[rows * 4 * hidden];
            CPrev = new float[rows * hidden];
            TanhC = new float[rows * hidden];
            HPrev = new float[rows * hOut];
            R = projection ? new float[rows * hidden] : [];
            Y = new float[rows * hOut];
            StateH = new float[batch * hOut];
            StateC = new float[batch * hidden];
        }
    }

    /// <summary>
    /// Runs the layer. <paramref name="x"/> is (N, I) rows in <paramref name="layout"/>; <paramref name="h0"/>
    /// (B, Hout) and <paramref name="c0"/> (B, H) are in row order (null: zeros). Returns Y (N, Hout),
    /// h_n (B, Hout), c_n (B, H).
    /// </summary>
    public static (Tensor Y, Tensor H, Tensor C) Forward(Tensor x, StepLayout layout, bool reverse, LayerWeights w,
        Tensor? h0, Tensor? c0)
    {
        int rows = layout.Rows, batch = layout.Batch, inputSize = x.Dim(1);
        int hidden = w.WHh.Dim(0) / 4, hOut = w.WHh.Dim(1);
        var buf = new Buffers(rows, batch, inputSize, hidden, hOut, w.WHr is not null);
        LayerMath.InputProjection(rows, 4 * hidden, inputSize, x.Data, w.WIh.Data, LayerMath.BiasSum(w.BIh, w.BHh), buf.Gates);
        if (h0 is not null) h0.Data.CopyTo(buf.StateH, 0);
        if (c0 is not null) c0.Data.CopyTo(buf.StateC, 0);
        ForwardLoop(layout, reverse, w.WHh.Data, w.WHr?.Data, buf);

        var y = new Tensor(buf.Y, [rows, hOut]);
        var hn = new Tensor(buf.StateH, [batch, hOut]);
        var cn = new Tensor(buf.StateC, [batch, hidden]);
        var inputs = new List<Tensor> { x };
        inputs.AddRange(w.Present());
        if (h0 is not null) inputs.Add(h0);
        if (c0 is not null) inputs.Add(c0);
        Autograd.Record([y, hn, cn], reverse ? "LstmLayerReverse" : "LstmLayer", inputs.ToArray(),
            grads => Backward(grads[0], grads[1], grads[2], x, layout, reverse, w, h0, c0, buf));
        return (y, hn, cn);
    }

    /// <summary>The forward time loop over preallocated buffers (allocation-free).</summary>
    internal static void ForwardLoop(StepLayout layout, bool reverse, float[] wHh, float[]? wHr, Buffers b)
    {
        int h = b.Hidden, hOut = b.HOut, g4 = 4 * h;
        long counted = 0;
        for (int s = 0; s < layout.Steps; s++)
        {
            int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.Offsets[t];
            var hPrev = b.HPrev.AsSpan(r0 * hOut, n * hOut);
            var cPrev = b.CPrev.AsSpan(r0 * h, n * h);
            var gates = b.Gates.AsSpan(r0 * g4, n * g4);
            var y = b.Y.AsSpan(r0 * hOut, n * hOut);
            b.StateH.AsSpan(0, n * hOut).CopyTo(hPrev);
            b.StateC.AsSpan(0, n * h).CopyTo(cPrev);
            Gemm.Sgemm(false, true, n, g4, hOut, 1f, hPrev, hOut, wHh, hOut, 1f, gates, g4);
            if (wHr is null)
                LstmCellKernels.Forward(n, h, gates, cPrev, b.StateC, b.TanhC.AsSpan(r0 * h, n * h), y);
            else
            {
                var r = b.R.AsSpan(r0 * h, n * h);
                LstmCellKernels.Forward(n, h, gates, cPrev, b.StateC, b.TanhC.AsSpan(r0 * h, n * h), r);
                Gemm.Sgemm(false, true, n, hOut, h, 1f, r, h, wHr, h, 0f, y, hOut);
            }
            y.CopyTo(b.StateH);
            counted += n;
        }
        LayerMath.CountRows(counted);
    }

    /// <summary>The gradient buffers of backward. Shapes in comments.</summary>
    internal sealed class GradBuffers
    {
        public readonly float[] DGates;   // (N, 4H)
        public readonly float[] DHTotal;  // (N, Hout) total gradient of each row's output; kept only with projection
        public readonly float[] DR;       // (B, H) scratch: gradient before projection, or the total dh without
        public readonly float[] DStateH;  // (B, Hout) gradient of the running hidden state; dh0 at the end
        public readonly float[] DStateC;  // (B, H) gradient of the running cell state; dc0 at the end

        public GradBuffers(int rows, int batch, int hidden, int hOut, bool projection)
        {
            DGates = new float[rows * 4 * hidden];
            DHTotal = projection ? new float[rows * hOut] : [];
            DR = new float[batch * hidden];
            DStateH = new float[batch * hOut];
            DStateC = new float[batch * hidden];
        }
    }

    /// <summary>The backward time loop over preallocated buffers (allocation-free). <paramref name="dy"/> may be empty (no output gradient).</summary>
    internal static void BackwardLoop(StepLayout layout, bool reverse, float[] wHh, float[]? wHr, ReadOnlySpan<float> dy,
        Buffers b, GradBuffers d)
    {
        int h = b.Hidden, hOut = b.HOut, g4 = 4 * h;
        long counted = 0;
        for (int s = layout.Steps - 1; s >= 0; s--)
        {
            int t = layout.StepAt(s, reverse), n = layout.BatchSizes[t], r0 = layout.Offsets[t];
            var dState = d.DStateH.AsSpan(0, n * hOut);
            var dGates = d.DGates.AsSpan(r0 * g4, n * g4);
            Span<float> dr = d.DR.AsSpan(0, n * h);
            if (wHr is null)
            {
                if (dy.IsEmpty) dState.CopyTo(dr);
                else TensorPrimitives.Add(dy.Slice(r0 * hOut, n * hOut), dState, dr);
            }
            else
            {
                var dhTotal = d.DHTotal.AsSpan(r0 * hOut, n * hOut);
                if (dy.IsEmpty) dState.CopyTo(dhTotal);
                else TensorPrimitives.Add(dy.Slice(r0 * hOut, n * hOut), dState, dhTotal);
                Gemm.Sgemm(false, false, n, h, hOut, 1f, dhTotal, hOut, wHr, h, 0f, dr, h);
            }
            LstmCellKernels.Backward(n, h, b.Gates.AsSpan(r0 * g4, n * g4), b.TanhC.AsSpan(r0 * h, n * h),
                b.CPrev.AsSpan(r0 * h, n * h), dr, d.DStateC.AsSpan(0, n * h), dGates);
            Gemm.Sgemm(false, false, n, hOut, g4, 1f, dGates, g4, wHh, hOut, 0f, dState, hOut);
            counted += n;
        }
        LayerMath.CountRows(counted);
    }

    private static Tensor?[] Backward(Tensor? dy, Tensor? dhn, Tensor? dcn, Tensor x, StepLayout layout, bool reverse,
        LayerWeights w, Tensor? h0, Tensor? c0, Buffers b)
    {
        int rows = layout.Rows, batch = layout.Batch, h = b.Hidden, hOut = b.HOut, inputSize = b.InputSize, g4 = 4 * h;
        var d = new GradBuffers(rows, batch, h, hOut, w.WHr is not null);
        dhn?.Data.CopyTo(d.DStateH, 0);
        dcn?.Data.CopyTo(d.DStateC, 0);
        BackwardLoop(layout, reverse, w.WHh.Data, w.WHr?.Data, dy is null ? default : dy.Data, b, d);

        var grads = new List<Tensor?>();
        if (x.RequiresGrad)
        {
            var dx = new float[rows * inputSize];   // (N, I) = dGates · W_ih
            Gemm.Sgemm(false, false, rows, inputSize, g4, 1f, d.DGates, g4, w.WIh.Data, inputSize, 0f, dx, inputSize);
            grads.Add(new Tensor(dx, [rows, inputSize]));
        }
        else grads.Add(null);
        grads.Add(LayerMath.WeightGrad(w.WIh, g4, inputSize, rows, d.DGates, x.Data));
        grads.Add(LayerMath.WeightGrad(w.WHh, g4, hOut, rows, d.DGates, b.HPrev));
        Tensor? dBias = w.BIh is not null || w.BHh is not null ? new Tensor(LayerMath.ColumnSums(rows, g4, d.DGates, g4), [g4]) : null;
        if (w.BIh is not null) grads.Add(dBias);
        if (w.BHh is not null) grads.Add(dBias);
        if (w.WHr is not null) grads.Add(LayerMath.WeightGrad(w.WHr, hOut, h, rows, d.DHTotal, b.R));
        if (h0 is not null) grads.Add(new Tensor(d.DStateH, [batch, hOut]));
        if (c0 is not null) grads.Add(new Tensor(d.DStateC, [batch, h]));
        return grads.ToArray();
    }
}
