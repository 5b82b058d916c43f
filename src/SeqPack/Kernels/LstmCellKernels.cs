using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;

namespace SeqPack.Kernels;

/// <summary>
/// The pointwise part of one LSTM time step over a block of rows, forward and backward, with PyTorch's gate
/// order i, f, g, o. Each row of <c>gates</c> holds the four pre-activations
/// <c>x·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh</c> side by side (4·H floats).
/// </summary>
/// <remarks>
/// Forward (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000, as in torch.nn.LSTM):
/// <c>i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f·c_{t-1} + i·g, h = o·tanh(c)</c>.
/// The activated gates overwrite the pre-activations and <c>tanh(c)</c> is kept: that is all backward needs.
/// </remarks>
internal static class LstmCellKernels
{
    /// <summary>
    /// Activates the gates of <paramref name="rows"/> rows in place and computes the new cell and hidden states:
    /// effectively <c>c[r] = f·cPrev[r] + i·g; tanhC[r] = tanh(c[r]); h[r] = o·tanhC[r]</c>.
    /// </summary>
    /// <param name="gates">(rows, 4H) pre-activations in, activations out.</param>
    /// <param name="cPrev">(rows, H) previous cell state.</param>
    /// <param name="c">(rows, H) new cell state (may be the same memory as <paramref name="cPrev"/>).</param>
    /// <param name="tanhC">(rows, H) tanh of the new cell state, saved for backward.</param>
    /// <param name="h">(rows, H) new hidden state (before any projection).</param>
    public static void Forward(int rows, int hidden, Span<float> gates, ReadOnlySpan<float> cPrev, Span<float> c,
        Span<float> tanhC, Span<float> h)
    {
        int g4 = 4 * hidden;
        for (int r = 0; r < rows; r++)
        {
            var a = gates.Slice(r * g4, g4);
            TensorPrimitives.Sigmoid(a[..(2 * hidden)], a[..(2 * hidden)]);
            TensorPrimitives.Tanh(a.Slice(2 * hidden, hidden), a.Slice(2 * hidden, hidden));
            TensorPrimitives.Sigmoid(a.Slice(3 * hidden, hidden), a.Slice(3 * hidden, hidden));
            var cr = c.Slice(r * hidden, hidden);
            var tr = tanhC.Slice(r * hidden, hidden);
            UpdateCell(a, cPrev.Slice(r * hidden, hidden), cr, hidden);
            TensorPrimitives.Tanh(cr, tr);
            TensorPrimitives.Multiply(a.Slice(3 * hidden, hidden), tr, h.Slice(r * hidden, hidden));
        }
    }

    /// <summary>c = f·cPrev + i·g for one row of activated gates.</summary>
    private static void UpdateCell(ReadOnlySpan<float> act, ReadOnlySpan<float> cPrev, Span<float> c, int hidden)
    {
        ref float i = ref MemoryMarshal.GetReference(act);
        ref float f = ref Unsafe.Add(ref i, hidden);
        ref float g = ref Unsafe.Add(ref i, 2 * hidden);
        ref float cp = ref MemoryMarshal.GetReference(cPrev);
        ref float cn = ref MemoryMarshal.GetReference(c);
        int k = 0, w = Vector<float>.Count;
        for (; k <= hidden - w; k += w)
        {
            var v = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref f, (nuint)k), Vector.LoadUnsafe(ref cp, (nuint)k),
                Vector.LoadUnsafe(ref i, (nuint)k) * Vector.LoadUnsafe(ref g, (nuint)k));
            v.StoreUnsafe(ref cn, (nuint)k);
        }
        for (; k < hidden; k++)
            Unsafe.Add(ref cn, k) = MathF.FusedMultiplyAdd(Unsafe.Add(ref f, k), Unsafe.Add(ref cp, k), Unsafe.Add(ref i, k) * Unsafe.Add(ref g, k));
    }

    /// <summary>
    /// One step of backward for <paramref name="rows"/> rows: from the gradient of the hidden state
    /// (<paramref name="dh"/>, before projection) and of the cell state (<paramref name="dc"/>, updated in place
    /// to the gradient of the previous cell state) computes the gradient of the gate pre-activations.
    /// </summary>
    /// <remarks>
    /// <c>dc ← dc + dh·o·(1 − tanhC²)</c>; <c>da_i = dc·g·i(1−i)</c>, <c>da_f = dc·cPrev·f(1−f)</c>,
    /// <c>da_g = dc·i·(1−g²)</c>, <c>da_o = dh·tanhC·o(1−o)</c>; then <c>dc ← dc·f</c>.
    /// </remarks>
    /// <param name="act">(rows, 4H) activated gates saved by forward.</param>
    /// <param name="tanhC">(rows, H) saved tanh of the cell state.</param>
    /// <param name="cPrev">(rows, H) saved previous cell state.</param>
    /// <param name="dh">(rows, H) gradient of the hidden state.</param>
    /// <param name="dc">(rows, H) gradient of the cell state in, of the previous cell state out.</param>
    /// <param name="dGates">(rows, 4H) gradient of the gate pre-activations.</param>
    public static void Backward(int rows, int hidden, ReadOnlySpan<float> act, ReadOnlySpan<float> tanhC,
        ReadOnlySpan<float> cPrev, ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates)
    {
        int g4 = 4 * hidden, w = Vector<float>.Count;
        var one = Vector<float>.One;
        for (int r = 0; r < rows; r++)
        {
            ref float i = ref Unsafe.AsRef(in act[r * g4]);
            ref float f = ref Unsafe.Add(ref i, hidden);
            ref float g = ref Unsafe.Add(ref i, 2 * hidden);
            ref float o = ref Unsafe.Add(ref i, 3 * hidden);
            ref float tc = ref Unsafe.AsRef(in tanhC[r * hidden]);
            ref float cp = ref Unsafe.AsRef(in cPrev[r * hidden]);
            ref float dhr = ref Unsafe.AsRef(in dh[r * hidden]);
            ref float dcr = ref dc[r * hidden];
            ref float di = ref dGates[r * g4];
            ref float df = ref Unsafe.Add(ref di, hidden);
            ref float dg = ref Unsafe.Add(ref di, 2 * hidden);
            ref float dO = ref Unsafe.Add(ref di, 3 * hidden);
            int k = 0;
            for (; k <= hidden - w; k += w)
            {
                nuint u = (nuint)k;
                var vi = Vector.LoadUnsafe(ref i, u); var vf = Vector.LoadUnsafe(ref f, u);
                var vg = Vector.LoadUnsafe(ref g, u); var vo = Vector.LoadUnsafe(ref o, u);
                var vt = Vector.LoadUnsafe(ref tc, u); var vdh = Vector.LoadUnsafe(ref dhr, u);
                var vdc = Vector.FusedMultiplyAdd(vdh * vo, one - vt * vt, Vector.LoadUnsafe(ref dcr, u));
                (vdc * vg * vi * (one - vi)).StoreUnsafe(ref di, u);
                (vdc * Vector.LoadUnsafe(ref cp, u) * vf * (one - vf)).StoreUnsafe(ref df, u);
                (vdc * vi * (one - vg * vg)).StoreUnsafe(ref dg, u);
                (vdh * vt * vo * (one - vo)).StoreUnsafe(ref dO, u);
                (vdc * vf).StoreUnsafe(ref dcr, u);
            }
            for (; k < hidden; k++)
            {
                float vi = Unsafe.Add(ref i, k), vf = Unsafe.Add(ref f, k), vg = Unsafe.Add(ref g, k), vo = Unsafe.Add(ref o, k);
                float vt = Unsafe.Add(ref tc, k), vdh = Unsafe.Add(ref dhr, k);
                float vdc = Unsafe.Add(ref dcr, k) + vdh * vo * (1 - vt * vt);
                Unsafe.Add(ref di, k) = vdc * vg * vi * (1 - vi);
                Unsafe.Add(ref df, k) = vdc * Unsafe.Add(ref cp, k) * vf * (1 - vf);
                Unsafe.Add(ref dg, k) = vdc * vi * (1 - vg * vg);
                Unsafe.Add(ref dO, k) = vdh * vt * vo * (1 - vo);
                Unsafe.Add(ref dcr, k) = vdc * vf;
            }
        }
    }
}
