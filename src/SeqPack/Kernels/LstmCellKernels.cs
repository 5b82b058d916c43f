using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeqPack.Kernels;

/// <summary>
/// The pointwise part of one LSTM time step over a block of rows and a slice of hidden units, forward and
/// backward. Gates are in the kernel layout of <c>GateSlices</c>: for a slice of <c>w</c> units a row holds
/// the pre-activations <c>a_i, a_f, a_g, a_o</c> of those units side by side (4·w floats), where
/// <c>a = x·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh</c>.
/// </summary>
/// <remarks>
/// Forward (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000, as in torch.nn.LSTM):
/// <c>i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o), c = f·c_{t-1} + i·g, h = o·tanh(c)</c>.
/// The activated gates overwrite the pre-activations and <c>tanh(c)</c> is kept: that is all backward needs.
/// Forward runs per row: the bias and the activation over each of the row's gate blocks in one loop
/// (<see cref="FastActivations"/>, relative error ≤ 2e-7; the widest accelerated vectors), then cell and
/// hidden state in one loop (256-bit, then 128-bit vectors); multiply-adds are MultiplyAddEstimate, fused where
/// the hardware has FMA (see <see cref="FastActivations"/>); scalar tails do the same arithmetic, so every element gets the
/// same bits wherever it falls. Backward is one pass per row.
/// </remarks>
internal static unsafe class LstmCellKernels
{
    /// <summary>
    /// Rows ahead whose lines a cell kernel asks for while it computes the current row. In the time loops a
    /// row's saved state and outputs lie in arrays far larger than the caches, 256 bytes per 64-unit slice and
    /// row, and rows are kilobytes apart, so the hardware prefetchers do not fetch them; two rows of arithmetic
    /// take about as long as a miss to memory.
    /// </summary>
    private const int PrefetchRows = 2;

    /// <summary>
    /// Activates the gates of <paramref name="rows"/> rows of one slice in place and computes the new states:
    /// effectively <c>c = f·cPrev + i·g; tanhC = tanh(c); h = o·tanhC</c> (and <c>hCopy = h</c> when given).
    /// </summary>
    /// <param name="gates">Row 0 of the slice's (rows, 4·units) gate block; rows are <paramref name="gateStride"/> apart.</param>
    /// <param name="cPrev">Previous cell state of the slice's units, rows <paramref name="stateStride"/> apart; likewise <paramref name="c"/> (new cell state) and <paramref name="tanhC"/>.</param>
    /// <param name="h">New hidden state (before any projection), rows <paramref name="hStride"/> apart; <paramref name="hCopy"/> (may be null) receives the same values, rows <paramref name="hCopyStride"/> apart.</param>
    /// <param name="bias">The slice's 4·units gate biases (same layout as a gate row), added to every row's pre-activations before the activations; null for none.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int rows, int units, float* gates, int gateStride, float* bias, float* cPrev, float* c, float* tanhC,
        int stateStride, float* h, int hStride, float* hCopy, int hCopyStride)
    {
        float* biasG = bias == null ? null : bias + 2 * units, biasO = bias == null ? null : bias + 3 * units;
        for (int r = 0; r < rows; r++)
        {
            float* i = gates + (nint)r * gateStride, f = i + units, g = i + 2 * units, o = i + 3 * units;
            float* cp = cPrev + (nint)r * stateStride, cn = c + (nint)r * stateStride, tc = tanhC + (nint)r * stateStride;
            float* hr = h + (nint)r * hStride, hc = hCopy == null ? null : hCopy + (nint)r * hCopyStride;
            if (r + PrefetchRows < rows && Sse.IsSupported)   // the lines this kernel will write PrefetchRows rows on
            {
                nint ahead = PrefetchRows * (nint)stateStride;
                for (int q = 0; q < units; q += 16)
                {
                    Sse.Prefetch0(cn + ahead + q);
                    Sse.Prefetch0(tc + ahead + q);
                    Sse.Prefetch0(hr + PrefetchRows * (nint)hStride + q);
                    if (hc != null) Sse.Prefetch0(hc + PrefetchRows * (nint)hCopyStride + q);
                }
            }
            // Each activation runs over its own contiguous gate block (i and f together), then one loop forms
            // c, tanh(c) and h. Fused into one loop, the four activations' constants and temporaries needed more
            // than the 16 ymm registers and RyuJIT spilled about 60 of them per vector of cells; split, each loop
            // keeps one activation's constants in registers (same operations, same bits). The bias is added
            // inside each activation's loop, and the loops are inlined rather than span calls: at 64 units a row
            // the calls and the separate bias pass cost more than the arithmetic.
            FastActivations.ApplyInPlace<FastActivations.SigmoidOp>(i, bias, 2 * units);
            FastActivations.ApplyInPlace<FastActivations.TanhOp>(g, biasG, units);
            FastActivations.ApplyInPlace<FastActivations.SigmoidOp>(o, biasO, units);
            int k = 0;
            if (Vector256.IsHardwareAccelerated)
                for (; k <= units - Vector256<float>.Count; k += Vector256<float>.Count)
                {
                    var vc = Vector256.MultiplyAddEstimate(Vector256.Load(f + k), Vector256.Load(cp + k), Vector256.Load(i + k) * Vector256.Load(g + k));
                    vc.Store(cn + k);
                    var vt = FastActivations.Tanh(vc);
                    vt.Store(tc + k);
                    var vh = Vector256.Load(o + k) * vt;
                    vh.Store(hr + k);
                    if (hc != null) vh.Store(hc + k);
                }
            if (Vector128.IsHardwareAccelerated)
                for (; k <= units - Vector128<float>.Count; k += Vector128<float>.Count)
                {
                    var vc = Vector128.MultiplyAddEstimate(Vector128.Load(f + k), Vector128.Load(cp + k), Vector128.Load(i + k) * Vector128.Load(g + k));
                    vc.Store(cn + k);
                    var vt = FastActivations.Tanh(vc);
                    vt.Store(tc + k);
                    var vh = Vector128.Load(o + k) * vt;
                    vh.Store(hr + k);
                    if (hc != null) vh.Store(hc + k);
                }
            for (; k < units; k++)
            {
                float sc = float.MultiplyAddEstimate(f[k], cp[k], i[k] * g[k]);
                cn[k] = sc;
                float st = FastActivations.Tanh(sc);
                tc[k] = st;
                hr[k] = o[k] * st;
                if (hc != null) hc[k] = o[k] * st;
            }
        }
    }

    /// <summary>
    /// One step of backward for <paramref name="rows"/> rows of one slice: from the gradient of the hidden
    /// state (before projection) and of the cell state computes the gradient of the gate pre-activations.
    /// </summary>
    /// <remarks>
    /// <c>dh = dy + dState</c> (<paramref name="dy"/> may be null); <c>dc ← dc + dh·o·(1 − tanhC²)</c>;
    /// <c>da_i = dc·g·i(1−i)</c>, <c>da_f = dc·cPrev·f(1−f)</c>, <c>da_g = dc·i·(1−g²)</c>,
    /// <c>da_o = dh·tanhC·o(1−o)</c>; then <c>dc ← dc·f</c>, the gradient of the previous cell state.
    /// When <paramref name="dBias"/> is given, each row's four gate gradients are also added to it (the bias
    /// gradient is the sum of dGates over rows): one pass over dGates less than summing them afterwards.
    /// </remarks>
    /// <param name="act">Saved activated gates (slice layout), rows <paramref name="gateStride"/> apart; <paramref name="dGates"/> likewise.</param>
    /// <param name="tanhC">Saved tanh of the cell state, rows <paramref name="stateStride"/> apart; likewise <paramref name="cPrev"/> and <paramref name="dc"/>.</param>
    /// <param name="dy">Output gradient or null; rows <paramref name="dhStride"/> apart, like <paramref name="dState"/>.</param>
    /// <param name="dBias">The slice's 4·units bias gradient (gate-row layout), accumulated into; null for none.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int rows, int units, float* act, int gateStride, float* tanhC, float* cPrev, float* dc,
        int stateStride, float* dy, float* dState, int dhStride, float* dGates, float* dBias)
    {
        int w = Vector<float>.Count;
        var one = Vector<float>.One;
        for (int r = 0; r < rows; r++)
        {
            float* i = act + (nint)r * gateStride, f = i + units, g = i + 2 * units, o = i + 3 * units;
            float* di = dGates + (nint)r * gateStride, df = di + units, dg = di + 2 * units, dO = di + 3 * units;
            float* tc = tanhC + (nint)r * stateStride, cp = cPrev + (nint)r * stateStride, dcr = dc + (nint)r * stateStride;
            float* ds = dState + (nint)r * dhStride, dyr = dy == null ? null : dy + (nint)r * dhStride;
            if (r + PrefetchRows < rows && Sse.IsSupported)   // the saved values this kernel will read PrefetchRows rows on
            {
                nint gatesAhead = PrefetchRows * (nint)gateStride, ahead = PrefetchRows * (nint)stateStride;
                for (int q = 0; q < 4 * units; q += 16) Sse.Prefetch0(i + gatesAhead + q);
                for (int q = 0; q < units; q += 16)
                {
                    Sse.Prefetch0(tc + ahead + q);
                    Sse.Prefetch0(cp + ahead + q);
                    if (dyr != null) Sse.Prefetch0(dyr + PrefetchRows * (nint)dhStride + q);
                }
            }
            int k = 0;
            for (; k <= units - w; k += w)
            {
                var vi = Vector.Load(i + k); var vf = Vector.Load(f + k); var vg = Vector.Load(g + k); var vo = Vector.Load(o + k);
                var vt = Vector.Load(tc + k);
                var vdh = dyr == null ? Vector.Load(ds + k) : Vector.Load(ds + k) + Vector.Load(dyr + k);
                var vdc = Vector.MultiplyAddEstimate(vdh * vo, one - vt * vt, Vector.Load(dcr + k));
                var vdi = vdc * vg * vi * (one - vi);
                var vdf = vdc * Vector.Load(cp + k) * vf * (one - vf);
                var vdg = vdc * vi * (one - vg * vg);
                var vdo = vdh * vt * vo * (one - vo);
                vdi.Store(di + k); vdf.Store(df + k); vdg.Store(dg + k); vdo.Store(dO + k);
                (vdc * vf).Store(dcr + k);
                if (dBias != null)
                {
                    (Vector.Load(dBias + k) + vdi).Store(dBias + k);
                    (Vector.Load(dBias + units + k) + vdf).Store(dBias + units + k);
                    (Vector.Load(dBias + 2 * units + k) + vdg).Store(dBias + 2 * units + k);
                    (Vector.Load(dBias + 3 * units + k) + vdo).Store(dBias + 3 * units + k);
                }
            }
            for (; k < units; k++)
            {
                float vi = i[k], vf = f[k], vg = g[k], vo = o[k], vt = tc[k];
                float vdh = ds[k] + (dyr == null ? 0f : dyr[k]);
                float vdc = float.MultiplyAddEstimate(vdh * vo, 1 - vt * vt, dcr[k]);   // as the vector lanes: same bits
                di[k] = vdc * vg * vi * (1 - vi);
                df[k] = vdc * cp[k] * vf * (1 - vf);
                dg[k] = vdc * vi * (1 - vg * vg);
                dO[k] = vdh * vt * vo * (1 - vo);
                dcr[k] = vdc * vf;
                if (dBias != null)
                {
                    dBias[k] += di[k]; dBias[units + k] += df[k]; dBias[2 * units + k] += dg[k]; dBias[3 * units + k] += dO[k];
                }
            }
        }
    }
}
