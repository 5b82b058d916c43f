using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SeqPack.Kernels;

// ============================================================================================================
// FastActivations: vectorised tanh, sigmoid and exp(-y) for the fused recurrent cell kernels.
//
// API (all internal, all pure functions of each lane, all [AggressiveInlining]; every one at Vector512,
// Vector256, Vector128 and float):
//   Tanh(x)   Sigmoid(x)   ExpNeg(y)
//   void Tanh(ReadOnlySpan<float> x, Span<float> destination)      (x and destination may be the same span)
//   void Sigmoid(ReadOnlySpan<float> x, Span<float> destination)
//
// Use inside a cell loop: pick the width once (Vector512.IsHardwareAccelerated, else Vector256, else Vector128,
// else scalar), load the gate pre-activations, call e.g. FastActivations.Sigmoid(v), and finish the tail with the
// scalar overload. Every overload performs the same float operations in the same order, so the scalar tail gives
// the same bits as a vector lane: results never depend on where an element falls in a span or on the vector width.
// Multiply-adds are MultiplyAddEstimate at every width (float.MultiplyAddEstimate in the scalar overloads): fused
// where the hardware has FMA (x86 FMA3, ARM64), a multiply and an add where it has not (SSE-only x86, where an
// exact FusedMultiplyAdd would fall back to a software routine per element); the runtime makes the same choice for
// all widths, so lanes and tails still agree.
//
// Accuracy against double precision (measured exhaustively over every float in [-30, 30] for tanh and
// [-87, 30] for sigmoid; FastActivationsTests asserts ≤ 2e-7 on a dense grid plus special values):
//   ExpNeg:  relative error ≤ 7.9e-8 for 0 ≤ y ≤ 87.
//   Sigmoid: relative error ≤ 1.8e-7 (≈ 1.5 ulp) for x ≥ -87; for x < -87 the result is 0 instead of a value
//            below 1.7e-38 (absolute error < 1.7e-38). Sigmoid(+∞) = 1, Sigmoid(-∞) = 0, NaN → NaN.
//   Tanh:    relative error ≤ 1.6e-7 everywhere (beyond ±9.1 the result is exactly ±1); odd, |Tanh(x)| ≤ 1,
//            Tanh(±∞) = ±1, Tanh(-0) = -0, NaN → NaN.
// TensorPrimitives.Tanh / Sigmoid (System.Numerics.Tensors) remain the span operators for plain elementwise
// tensor ops; these exist so a fused kernel can apply the activation to values still in registers.
//
// Method: exp(-y) for y ≥ 0 by Cody–Waite range reduction y·log₂e = n + f (Cephes' two-part ln 2), a degree-7
// Taylor polynomial for e^r on |r| ≤ ln2/2 (truncation < 5.4e-9 relative) and 2ⁿ built in the exponent field.
// Sigmoid(x) = 1/(1+z) for x ≥ 0 and z/(1+z) for x < 0 with z = e^-|x| (no overflow, no cancellation).
// Tanh(|x|) = (1-t)/(1+t) with t = e^-2|x| for |x| ≥ 0.625, and x + x³·P(x²) below, P a degree-5 polynomial
// fitted for minimum relative error on [0, 0.625] (approximation error 1.6e-10;
// tests/SeqPack.Tests/Fixtures/fit_tanh.py regenerates the coefficients).
// ============================================================================================================

/// <summary>Fast vectorised tanh, sigmoid and exp(-y) with stated error bounds (see the block above).</summary>
internal static unsafe class FastActivations
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;            // Cephes: ln 2 = Ln2Hi + Ln2Lo, Ln2Hi exact in few bits
    private const float Ln2Lo = -2.12194440e-4f;
    private const float MaxY = 87f;                      // e^-87 ≈ 1.6e-38 is still a normal float; beyond it: 0
    private const float TanhSmall = 0.625f;

    // 1/k! for the Taylor polynomial of e^r.
    private const float E2 = 0.5f, E3 = 1.66666672e-1f, E4 = 4.16666679e-2f, E5 = 8.33333377e-3f,
        E6 = 1.38888892e-3f, E7 = 1.98412701e-4f;

    // tanh(x) ≈ x + x³·(T0 + T1·s + ... + T5·s⁵), s = x².
    private const float T0 = -0.333333313f, T1 = 0.133332059f, T2 = -0.0539467633f, T3 = 0.0217007119f,
        T4 = -0.00817741640f, T5 = 0.00214297627f;

    // ---------------------------------------------------------------- exp(-y), y ≥ 0

    /// <summary>e^-y for y ≥ 0; 0 for y &gt; 87 (where e^-y &lt; 1.7e-38). Relative error ≤ 7.9e-8 for y ≤ 87.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNeg(Vector512<float> y)
    {
        var underflow = Vector512.GreaterThan(y, Vector512.Create(MaxY));
        y = Vector512.Min(y, Vector512.Create(MaxY));
        var n = Vector512.Round(y * Vector512.Create(-Log2E));                      // n ∈ [-126, 0]
        var r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2Hi), -y);
        r = Vector512.MultiplyAddEstimate(n, Vector512.Create(-Ln2Lo), r);            // |r| ≤ ln2/2
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(E7), r, Vector512.Create(E6));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(E5));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(E4));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(E3));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(E2));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(1f));
        p = Vector512.MultiplyAddEstimate(p, r, Vector512.Create(1f));
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();
        return Vector512.AndNot(p * scale, underflow);
    }

    /// <inheritdoc cref="ExpNeg(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNeg(Vector256<float> y)
    {
        var underflow = Vector256.GreaterThan(y, Vector256.Create(MaxY));
        y = Vector256.Min(y, Vector256.Create(MaxY));
        var n = Vector256.Round(y * Vector256.Create(-Log2E));
        var r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2Hi), -y);
        r = Vector256.MultiplyAddEstimate(n, Vector256.Create(-Ln2Lo), r);
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(E7), r, Vector256.Create(E6));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(E5));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(E4));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(E3));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(E2));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1f));
        p = Vector256.MultiplyAddEstimate(p, r, Vector256.Create(1f));
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return Vector256.AndNot(p * scale, underflow);
    }

    /// <inheritdoc cref="ExpNeg(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ExpNeg(Vector128<float> y)
    {
        var underflow = Vector128.GreaterThan(y, Vector128.Create(MaxY));
        y = Vector128.Min(y, Vector128.Create(MaxY));
        var n = Vector128.Round(y * Vector128.Create(-Log2E));
        var r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2Hi), -y);
        r = Vector128.MultiplyAddEstimate(n, Vector128.Create(-Ln2Lo), r);
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(E7), r, Vector128.Create(E6));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(E5));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(E4));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(E3));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(E2));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1f));
        p = Vector128.MultiplyAddEstimate(p, r, Vector128.Create(1f));
        var scale = Vector128.ShiftLeft(Vector128.ConvertToInt32Native(n) + Vector128.Create(127), 23).AsSingle();
        return Vector128.AndNot(p * scale, underflow);
    }

    /// <inheritdoc cref="ExpNeg(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ExpNeg(float y)
    {
        bool underflow = y > MaxY;
        y = MathF.Min(y, MaxY);
        float n = MathF.Round(y * -Log2E);
        float r = float.MultiplyAddEstimate(n, -Ln2Hi, -y);
        r = float.MultiplyAddEstimate(n, -Ln2Lo, r);
        float p = float.MultiplyAddEstimate(E7, r, E6);
        p = float.MultiplyAddEstimate(p, r, E5);
        p = float.MultiplyAddEstimate(p, r, E4);
        p = float.MultiplyAddEstimate(p, r, E3);
        p = float.MultiplyAddEstimate(p, r, E2);
        p = float.MultiplyAddEstimate(p, r, 1f);
        p = float.MultiplyAddEstimate(p, r, 1f);
        return underflow ? 0f : p * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }

    // ---------------------------------------------------------------- sigmoid

    /// <summary>σ(x) = 1 / (1 + e^-x), lane by lane. Relative error ≤ 1.8e-7 for x ≥ -87.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        var z = ExpNeg(Vector512.Abs(x));
        var numerator = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), z, Vector512<float>.One);
        return numerator / (Vector512<float>.One + z);
    }

    /// <inheritdoc cref="Sigmoid(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x)
    {
        var z = ExpNeg(Vector256.Abs(x));
        var numerator = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), z, Vector256<float>.One);
        return numerator / (Vector256<float>.One + z);
    }

    /// <inheritdoc cref="Sigmoid(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x)
    {
        var z = ExpNeg(Vector128.Abs(x));
        var numerator = Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<float>.Zero), z, Vector128<float>.One);
        return numerator / (Vector128<float>.One + z);
    }

    /// <inheritdoc cref="Sigmoid(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        float z = ExpNeg(MathF.Abs(x));
        return (x < 0f ? z : 1f) / (1f + z);
    }

    // ---------------------------------------------------------------- tanh

    /// <summary>tanh(x), lane by lane. Relative error ≤ 1.6e-7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        var ax = Vector512.Abs(x);
        var t = ExpNeg(ax + ax);
        var large = (Vector512<float>.One - t) / (Vector512<float>.One + t);
        var s = ax * ax;
        var p = Vector512.MultiplyAddEstimate(Vector512.Create(T5), s, Vector512.Create(T4));
        p = Vector512.MultiplyAddEstimate(p, s, Vector512.Create(T3));
        p = Vector512.MultiplyAddEstimate(p, s, Vector512.Create(T2));
        p = Vector512.MultiplyAddEstimate(p, s, Vector512.Create(T1));
        p = Vector512.MultiplyAddEstimate(p, s, Vector512.Create(T0));
        var small = Vector512.MultiplyAddEstimate(ax * s, p, ax);
        var magnitude = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(TanhSmall)), small, large);
        var sign = Vector512.Create(-0f);
        return (magnitude & ~sign) | (x & sign);
    }

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        var ax = Vector256.Abs(x);
        var t = ExpNeg(ax + ax);
        var large = (Vector256<float>.One - t) / (Vector256<float>.One + t);
        var s = ax * ax;
        var p = Vector256.MultiplyAddEstimate(Vector256.Create(T5), s, Vector256.Create(T4));
        p = Vector256.MultiplyAddEstimate(p, s, Vector256.Create(T3));
        p = Vector256.MultiplyAddEstimate(p, s, Vector256.Create(T2));
        p = Vector256.MultiplyAddEstimate(p, s, Vector256.Create(T1));
        p = Vector256.MultiplyAddEstimate(p, s, Vector256.Create(T0));
        var small = Vector256.MultiplyAddEstimate(ax * s, p, ax);
        var magnitude = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(TanhSmall)), small, large);
        var sign = Vector256.Create(-0f);
        return (magnitude & ~sign) | (x & sign);
    }

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        var ax = Vector128.Abs(x);
        var t = ExpNeg(ax + ax);
        var large = (Vector128<float>.One - t) / (Vector128<float>.One + t);
        var s = ax * ax;
        var p = Vector128.MultiplyAddEstimate(Vector128.Create(T5), s, Vector128.Create(T4));
        p = Vector128.MultiplyAddEstimate(p, s, Vector128.Create(T3));
        p = Vector128.MultiplyAddEstimate(p, s, Vector128.Create(T2));
        p = Vector128.MultiplyAddEstimate(p, s, Vector128.Create(T1));
        p = Vector128.MultiplyAddEstimate(p, s, Vector128.Create(T0));
        var small = Vector128.MultiplyAddEstimate(ax * s, p, ax);
        var magnitude = Vector128.ConditionalSelect(Vector128.LessThan(ax, Vector128.Create(TanhSmall)), small, large);
        var sign = Vector128.Create(-0f);
        return (magnitude & ~sign) | (x & sign);
    }

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float ax = MathF.Abs(x);
        float magnitude;
        if (ax < TanhSmall)
        {
            float s = ax * ax;
            float p = float.MultiplyAddEstimate(T5, s, T4);
            p = float.MultiplyAddEstimate(p, s, T3);
            p = float.MultiplyAddEstimate(p, s, T2);
            p = float.MultiplyAddEstimate(p, s, T1);
            p = float.MultiplyAddEstimate(p, s, T0);
            magnitude = float.MultiplyAddEstimate(ax * s, p, ax);
        }
        else
        {
            float t = ExpNeg(ax + ax);
            magnitude = (1f - t) / (1f + t);
        }
        return MathF.CopySign(magnitude, x);
    }

    // ---------------------------------------------------------------- spans

    /// <summary>Effectively computes <c>destination[i] = tanh(x[i])</c> (x and destination may be the same span).</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination) => Apply<TanhOp>(x, destination);

    /// <summary>Effectively computes <c>destination[i] = 1 / (1 + e^-x[i])</c> (x and destination may be the same span).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination) => Apply<SigmoidOp>(x, destination);

    /// <summary>One activation at every width, for the generic drivers.</summary>
    internal interface IOp
    {
        static abstract Vector512<float> Invoke(Vector512<float> x);
        static abstract Vector256<float> Invoke(Vector256<float> x);
        static abstract Vector128<float> Invoke(Vector128<float> x);
        static abstract float Invoke(float x);
    }

    /// <summary><see cref="Tanh(Vector512{float})"/> as an <see cref="IOp"/>.</summary>
    internal struct TanhOp : IOp
    {
        public static Vector512<float> Invoke(Vector512<float> x) => Tanh(x);
        public static Vector256<float> Invoke(Vector256<float> x) => Tanh(x);
        public static Vector128<float> Invoke(Vector128<float> x) => Tanh(x);
        public static float Invoke(float x) => Tanh(x);
    }

    /// <summary><see cref="Sigmoid(Vector512{float})"/> as an <see cref="IOp"/>.</summary>
    internal struct SigmoidOp : IOp
    {
        public static Vector512<float> Invoke(Vector512<float> x) => Sigmoid(x);
        public static Vector256<float> Invoke(Vector256<float> x) => Sigmoid(x);
        public static Vector128<float> Invoke(Vector128<float> x) => Sigmoid(x);
        public static float Invoke(float x) => Sigmoid(x);
    }

    /// <summary>The one driver: widest accelerated width, then the scalar tail (same bits as a lane).</summary>
    private static void Apply<TOp>(ReadOnlySpan<float> x, Span<float> destination) where TOp : struct, IOp
    {
        if (destination.Length < x.Length)
            throw new ArgumentException(
                $"destination has {destination.Length} elements but x has {x.Length}; pass a destination at least as long as x.",
                nameof(destination));
        ref float src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                TOp.Invoke(Vector512.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                TOp.Invoke(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
                TOp.Invoke(Vector128.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
        for (; i < x.Length; i++)
            Unsafe.Add(ref dst, i) = TOp.Invoke(Unsafe.Add(ref src, i));
    }

    /// <summary>
    /// Effectively computes <c>x[k] = TOp(x[k] + bias[k])</c> for k &lt; <paramref name="n"/>, in place; without a
    /// bias (null) <c>x[k] = TOp(x[k])</c>. For a fused kernel's short rows (64-256 floats): no span checks or
    /// separate bias pass, the widest accelerated vectors, then the scalar tail (same bits as a lane).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ApplyInPlace<TOp>(float* x, float* bias, int n) where TOp : struct, IOp
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            if (bias != null)
                for (; k <= n - Vector512<float>.Count; k += Vector512<float>.Count)
                    TOp.Invoke(Vector512.Load(x + k) + Vector512.Load(bias + k)).Store(x + k);
            else
                for (; k <= n - Vector512<float>.Count; k += Vector512<float>.Count)
                    TOp.Invoke(Vector512.Load(x + k)).Store(x + k);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            if (bias != null)
                for (; k <= n - Vector256<float>.Count; k += Vector256<float>.Count)
                    TOp.Invoke(Vector256.Load(x + k) + Vector256.Load(bias + k)).Store(x + k);
            else
                for (; k <= n - Vector256<float>.Count; k += Vector256<float>.Count)
                    TOp.Invoke(Vector256.Load(x + k)).Store(x + k);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            if (bias != null)
                for (; k <= n - Vector128<float>.Count; k += Vector128<float>.Count)
                    TOp.Invoke(Vector128.Load(x + k) + Vector128.Load(bias + k)).Store(x + k);
            else
                for (; k <= n - Vector128<float>.Count; k += Vector128<float>.Count)
                    TOp.Invoke(Vector128.Load(x + k)).Store(x + k);
        }
        for (; k < n; k++) x[k] = TOp.Invoke(bias == null ? x[k] : x[k] + bias[k]);
    }
}
