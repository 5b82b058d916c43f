namespace SeqPack.Kernels;

/// <summary>
/// Large float arrays that the recurrent layers save between forward and backward (gate activations, cell
/// states, previous hidden states), kept after backward for the next step instead of being left to the GC.
/// </summary>
/// <remarks>
/// A training step of lstm-m saves about 140 MB in such arrays. Allocating them fresh every step means the GC
/// zeroes them, the OS faults their pages in, and full collections run every few steps; renting them from here
/// makes the steady state allocation-free for these buffers and bounds the working set to one step's worth.
/// Rented arrays are not cleared (callers overwrite every element they read) and may be up to a quarter longer
/// than asked for; callers address them with explicit sizes and never wrap them in tensors. Thread-safe.
/// </remarks>
internal static class ScratchPool
{
    /// <summary>Arrays shorter than this are not pooled: the GC handles small ones well.</summary>
    public const int MinPooledLength = 1 << 14;

    /// <summary>Most floats the pool keeps (1 GiB); the oldest arrays are dropped beyond it.</summary>
    public const long MaxPooledFloats = 1L << 28;

    private static readonly object Gate = new();
    private static readonly List<float[]> Free = [];
    private static long pooledFloats;

    /// <summary>An array of at least <paramref name="length"/> floats with unspecified contents.</summary>
    public static float[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < MinPooledLength) return length == 0 ? [] : GC.AllocateUninitializedArray<float>(length);
        lock (Gate)
        {
            int best = -1;
            for (int i = 0; i < Free.Count; i++)
            {
                int len = Free[i].Length;
                if (len >= length && len - length <= length / 4 && (best < 0 || len < Free[best].Length)) best = i;
            }
            if (best >= 0)
            {
                var array = Free[best];
                Free.RemoveAt(best);
                pooledFloats -= array.Length;
                return array;
            }
        }
        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Gives several arrays back (a layer's saved arrays after backward).</summary>
    public static void Return(params ReadOnlySpan<float[]> arrays)
    {
        foreach (var array in arrays) Return(array);
    }

    /// <summary>Gives <paramref name="array"/> back; the caller must not touch it afterwards.</summary>
    public static void Return(float[] array)
    {
        if (array.Length < MinPooledLength) return;
        lock (Gate)
        {
            Free.Add(array);
            pooledFloats += array.Length;
            while (pooledFloats > MaxPooledFloats)
            {
                pooledFloats -= Free[0].Length;
                Free.RemoveAt(0);
            }
        }
    }
}
