using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace SeqPack.Kernels;

/// <summary>
/// The pointwise part of a plain (Elman) RNN step: <c>h = tanh(a)</c> or <c>h = relu(a)</c> with
/// <c>a = x·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh</c> (torch.nn.RNN), and its derivative.
/// </summary>
internal static class RnnCellKernels
{
    /// <summary>Effectively computes <c>h[i] = act(a[i])</c> over <paramref name="a"/>.</summary>
    public static void Forward(bool relu, ReadOnlySpan<float> a, Span<float> h)
    {
        if (relu) TensorPrimitives.Max(a, 0f, h);
        else FastActivations.Tanh(a, h);
    }

    /// <summary>Effectively computes <c>da[i] = dh[i]·act'(a[i])</c> from the saved output: <c>1 − h²</c> for tanh, <c>h &gt; 0</c> for relu.</summary>
    public static void Backward(bool relu, ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> da)
    {
        int k = 0, w = Vector<float>.Count, len = h.Length;
        ref float hr = ref Unsafe.AsRef(in h[0]);
        ref float dr = ref Unsafe.AsRef(in dh[0]);
        ref float ar = ref da[0];
        if (relu)
        {
            for (; k <= len - w; k += w)
            {
                var vh = Vector.LoadUnsafe(ref hr, (nuint)k);
                Vector.ConditionalSelect(Vector.GreaterThan(vh, Vector<float>.Zero), Vector.LoadUnsafe(ref dr, (nuint)k), Vector<float>.Zero)
                    .StoreUnsafe(ref ar, (nuint)k);
            }
            for (; k < len; k++) Unsafe.Add(ref ar, k) = Unsafe.Add(ref hr, k) > 0f ? Unsafe.Add(ref dr, k) : 0f;
        }
        else
        {
            for (; k <= len - w; k += w)
            {
                var vh = Vector.LoadUnsafe(ref hr, (nuint)k);
                (Vector.LoadUnsafe(ref dr, (nuint)k) * (Vector<float>.One - vh * vh)).StoreUnsafe(ref ar, (nuint)k);
            }
            for (; k < len; k++) { float v = Unsafe.Add(ref hr, k); Unsafe.Add(ref ar, k) = Unsafe.Add(ref dr, k) * (1 - v * v); }
        }
    }
}
