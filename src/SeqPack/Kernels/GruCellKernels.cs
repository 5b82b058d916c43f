using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace SeqPack.Kernels;

/// <summary>
/// The pointwise part of one GRU time step over a block of rows, forward and backward, with PyTorch's gate
/// order r, z, n and the reset gate applied after the recurrent product (torch.nn.GRU; Cho et al. 2014):
/// <c>r = σ(a_r), z = σ(a_z), n = tanh(x·W_inᵀ + b_in + r·(h·W_hnᵀ + b_hn)), h' = (1 − z)·n + z·h</c>.
/// </summary>
internal static class GruCellKernels
{
    /// <summary>
    /// Forward for <paramref name="rows"/> rows.
    /// </summary>
    /// <param name="gx">(rows, 3H) in: <c>x·W_ihᵀ + b_ih</c> plus <c>b_hh</c> for r and z; out: activations r, z, n.</param>
    /// <param name="gh">(rows, 3H) <c>h·W_hhᵀ</c> without bias.</param>
    /// <param name="bHn">(H) the recurrent bias of n, or empty.</param>
    /// <param name="hPrev">(rows, H) previous hidden state.</param>
    /// <param name="ghn">(rows, H) out: <c>h·W_hnᵀ + b_hn</c>, saved for backward.</param>
    /// <param name="h">(rows, H) out: new hidden state.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int rows, int hidden, Span<float> gx, ReadOnlySpan<float> gh, ReadOnlySpan<float> bHn,
        ReadOnlySpan<float> hPrev, Span<float> ghn, Span<float> h)
    {
        int g3 = 3 * hidden, h2 = 2 * hidden;
        for (int r = 0; r < rows; r++)
        {
            var a = gx.Slice(r * g3, g3);
            var b = gh.Slice(r * g3, g3);
            var rz = a[..h2];
            TensorPrimitives.Add(rz, b[..h2], rz);
            FastActivations.Sigmoid(rz, rz);
            var gn = ghn.Slice(r * hidden, hidden);
            if (bHn.IsEmpty) b.Slice(h2, hidden).CopyTo(gn);
            else TensorPrimitives.Add(b.Slice(h2, hidden), bHn, gn);
            var n = a.Slice(h2, hidden);
            TensorPrimitives.MultiplyAdd(a[..hidden], gn, n, n);   // n = a_n + r·ghn
            FastActivations.Tanh(n, n);
            // h = n + z·(hPrev − n)
            var hr = h.Slice(r * hidden, hidden);
            TensorPrimitives.Subtract(hPrev.Slice(r * hidden, hidden), n, hr);
            TensorPrimitives.MultiplyAdd(a.Slice(hidden, hidden), hr, n, hr);
        }
    }

    /// <summary>
    /// Backward for <paramref name="rows"/> rows: from <paramref name="dh"/> computes the gradients of the
    /// recurrent pre-activations, of the input-side n pre-activation, and the direct part of dh_{t-1}.
    /// </summary>
    /// <remarks>
    /// <c>dn = dh·(1−z)</c>, <c>da_n = dn·(1−n²)</c>, <c>da_r = da_n·ghn·r(1−r)</c>,
    /// <c>da_z = dh·(h_{t-1} − n)·z(1−z)</c>, <c>dghn = da_n·r</c>, <c>dh_{t-1} = dh·z</c> (plus dGh·W_hh, added by the caller).
    /// <paramref name="dGh"/> may be the same memory as <paramref name="act"/> (same layout): each step of the loop
    /// loads r, z, n at its indices before it stores anything, and stores only at those indices. No other output
    /// may overlap an input (<paramref name="dAn"/> is stored before <paramref name="ghn"/> is loaded).
    /// </remarks>
    /// <param name="act">(rows, 3H) saved r, z, n.</param>
    /// <param name="ghn">(rows, H) saved <c>h·W_hnᵀ + b_hn</c>.</param>
    /// <param name="hPrev">(rows, H) saved previous hidden state.</param>
    /// <param name="dh">(rows, H) gradient of the new hidden state.</param>
    /// <param name="dGh">(rows, 3H) out: gradient of <c>h·W_hhᵀ + b_hh</c> (da_r, da_z, da_n·r).</param>
    /// <param name="dAn">(rows, H) out: gradient of <c>x·W_inᵀ + b_in</c> (da_n).</param>
    /// <param name="dhPrev">(rows, H) out: dh·z.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int rows, int hidden, ReadOnlySpan<float> act, ReadOnlySpan<float> ghn,
        ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh, Span<float> dGh, Span<float> dAn, Span<float> dhPrev)
    {
        int g3 = 3 * hidden, w = Vector<float>.Count;
        var one = Vector<float>.One;
        for (int row = 0; row < rows; row++)
        {
            ref float r = ref Unsafe.AsRef(in act[row * g3]);
            ref float z = ref Unsafe.Add(ref r, hidden);
            ref float n = ref Unsafe.Add(ref r, 2 * hidden);
            ref float gn = ref Unsafe.AsRef(in ghn[row * hidden]);
            ref float hp = ref Unsafe.AsRef(in hPrev[row * hidden]);
            ref float d = ref Unsafe.AsRef(in dh[row * hidden]);
            ref float dr = ref dGh[row * g3];
            ref float dz = ref Unsafe.Add(ref dr, hidden);
            ref float dhn = ref Unsafe.Add(ref dr, 2 * hidden);
            ref float dan = ref dAn[row * hidden];
            ref float dp = ref dhPrev[row * hidden];
            int k = 0;
            for (; k <= hidden - w; k += w)
            {
                nuint u = (nuint)k;
                var vr = Vector.LoadUnsafe(ref r, u); var vz = Vector.LoadUnsafe(ref z, u); var vn = Vector.LoadUnsafe(ref n, u);
                var vd = Vector.LoadUnsafe(ref d, u);
                var va = vd * (one - vz) * (one - vn * vn);
                va.StoreUnsafe(ref dan, u);
                (va * Vector.LoadUnsafe(ref gn, u) * vr * (one - vr)).StoreUnsafe(ref dr, u);
                (vd * (Vector.LoadUnsafe(ref hp, u) - vn) * vz * (one - vz)).StoreUnsafe(ref dz, u);
                (va * vr).StoreUnsafe(ref dhn, u);
                (vd * vz).StoreUnsafe(ref dp, u);
            }
            for (; k < hidden; k++)
            {
                float vr = Unsafe.Add(ref r, k), vz = Unsafe.Add(ref z, k), vn = Unsafe.Add(ref n, k), vd = Unsafe.Add(ref d, k);
                float va = vd * (1 - vz) * (1 - vn * vn);
                Unsafe.Add(ref dan, k) = va;
                Unsafe.Add(ref dr, k) = va * Unsafe.Add(ref gn, k) * vr * (1 - vr);
                Unsafe.Add(ref dz, k) = vd * (Unsafe.Add(ref hp, k) - vn) * vz * (1 - vz);
                Unsafe.Add(ref dhn, k) = va * vr;
                Unsafe.Add(ref dp, k) = vd * vz;
            }
        }
    }
}
