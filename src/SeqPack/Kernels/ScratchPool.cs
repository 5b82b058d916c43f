namespace SeqPack.Kernels;

/// <summary>
/// Large float arrays that the recurrent layers save between forward and backward (gate activations, cell
/// states, previous hidden states), kept after backward for the next step instead of being left to the GC.
/// </summary>
/// <remarks>
/// A training step of a medium-sized LSTM saves a hundred megabytes or more in such arrays. Allocating them fresh every step means the GC
/// zeroes them, the OS faults their pages in, and full collections run every few steps; renting them from here
/// makes the steady state allocation-free for these buffers and bounds the working set to one step's worth.
/// Rented arrays are not cleared (callers overwrite every element they read) and may be up to a quarter longer
/// than asked for; callers address them with explicit sizes and never wrap them in tensors. Thread-safe.
/// </remarks>
internal static class ScratchPool
{
    /// <summary>Arrays shorter than this are not pooled: the GC handles small ones well.</summary>
    public const int MinPooledLength = 1 << 14;

    /// <summary>Most floats the pool keeps (1 GiB); beyond it the oldest arrays are dropped, unpinned ones first.</summary>
    public const long MaxPooledFloats = 1L << 28;

    private static readonly object Gate = new();
    private static readonly List<float[]> Free = [];
    // Pinned arrays (on the pinned object heap) live in their own list: an unpinned array must never be handed
    // out where a caller keeps a raw pointer to it.
    private static readonly List<float[]> FreePinned = [];
    private static long pooledFloats;

    /// <summary>An array of at least <paramref name="length"/> floats with unspecified contents.</summary>
    public static float[] Rent(int length) => RentFrom(length, pinned: false);

    /// <summary>
    /// A pinned array (it never moves, so raw pointers into it stay valid) of at least <paramref name="length"/>
    /// floats with unspecified contents; give it back with <see cref="ReturnPinned"/>.
    /// </summary>
    public static float[] RentPinned(int length) => RentFrom(length, pinned: true);

    private static float[] RentFrom(int length, bool pinned)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < MinPooledLength) return length == 0 ? [] : GC.AllocateUninitializedArray<float>(length, pinned);
        var free = pinned ? FreePinned : Free;
        lock (Gate)
        {
            int best = -1;
            for (int i = 0; i < free.Count; i++)
            {
                int len = free[i].Length;
                if (len >= length && len - length <= length / 4 && (best < 0 || len < free[best].Length)) best = i;
            }
            if (best >= 0)
            {
                var array = free[best];
                free.RemoveAt(best);
                pooledFloats -= array.Length;
                return array;
            }
        }
        return GC.AllocateUninitializedArray<float>(length, pinned);
    }

    /// <summary>Gives several arrays back (a layer's saved arrays after backward).</summary>
    public static void Return(params ReadOnlySpan<float[]> arrays)
    {
        foreach (var array in arrays) Return(array);
    }

    /// <summary>Gives <paramref name="array"/> (from <see cref="Rent"/>) back; the caller must not touch it afterwards.</summary>
    public static void Return(float[] array) => Return(array, Free);

    /// <summary>Gives <paramref name="array"/> (from <see cref="RentPinned"/>) back; the caller must not touch it afterwards.</summary>
    public static void ReturnPinned(float[] array) => Return(array, FreePinned);

    private static void Return(float[] array, List<float[]> free)
    {
        if (array.Length < MinPooledLength) return;
        lock (Gate)
        {
            free.Add(array);
            pooledFloats += array.Length;
            while (pooledFloats > MaxPooledFloats)
            {
                var oldest = Free.Count > 0 ? Free : FreePinned;
                pooledFloats -= oldest[0].Length;
                oldest.RemoveAt(0);
            }
        }
    }
}
