namespace SeqPack.Kernels;

/// <summary>
/// Large float arrays used and given back: what the recurrent layers save between forward and backward (gate
/// activations, cell states, previous hidden states), kept after backward for the next step instead of being left
/// to the GC, and the buffers of disposed tensors (<see cref="Tensor.Dispose"/>), kept for the next result of
/// the same size.
/// </summary>
/// <remarks>
/// A training step of a medium-sized LSTM saves a hundred megabytes or more in such arrays. Allocating them fresh every step means the GC
/// zeroes them, the OS faults their pages in, and full collections run every few steps; renting them from here
/// makes the steady state allocation-free for these buffers and bounds the working set to one step's worth.
/// Rented arrays are not cleared (callers overwrite every element they read). <see cref="Rent"/> may give up to a
/// quarter more than asked for (callers address such arrays with explicit sizes); <see cref="RentExact"/> gives
/// exactly the length asked for, as a tensor's buffer must be. Thread-safe.
/// </remarks>
internal static class ScratchPool
{
    /// <summary>Arrays shorter than this are not pooled: the GC handles small ones well.</summary>
    public const int MinPooledLength = 1 << 14;

    /// <summary>
    /// Tensor buffers shorter than this (the GC's large-object threshold, 85,000 bytes) are not pooled: they come
    /// from the young generation, whose memory the GC reuses while it is still in cache.
    /// </summary>
    public const int MinResultLength = 85_000 / sizeof(float);

    /// <summary>Most floats the pool keeps (1 GiB); beyond it the arrays given back longest ago are dropped.</summary>
    public const long MaxPooledFloats = 1L << 28;

    private static readonly object Gate = new();
    // Each free array with GC.CollectionCount(2) when it came back (TrimResults reads it for FreeResults).
    private static readonly List<(float[] Array, int Gen2, long Order)> Free = [];
    // Pinned arrays (on the pinned object heap) live in their own list: an unpinned array must never be handed
    // out where a caller keeps a raw pointer to it.
    private static readonly List<(float[] Array, int Gen2, long Order)> FreePinned = [];
    // Disposed tensors' buffers, for the next result of the same length only.
    private static readonly List<(float[] Array, int Gen2, long Order)> FreeResults = [];
    private static long pooledFloats;
    private static int trimmedAtGen2;   // GC.CollectionCount(2) at the last TrimResults
    private static long returns;        // arrays given back so far: each free entry's Order

    /// <summary>An array of at least <paramref name="length"/> floats with unspecified contents.</summary>
    public static float[] Rent(int length) => RentFrom(length, pinned: false, exact: false);

    /// <summary>
    /// An array of exactly <paramref name="length"/> floats with unspecified contents, for a tensor's buffer: a disposed
    /// tensor's buffer of that length when there is one (<see cref="ReturnResult"/>).
    /// </summary>
    public static float[] RentExact(int length) => RentFrom(length, pinned: false, exact: true);

    /// <summary>Gives a disposed tensor's buffer back, for <see cref="RentExact"/> only.</summary>
    public static void ReturnResult(float[] array) => Return(array, FreeResults);

    /// <summary>
    /// A pinned array (it never moves, so raw pointers into it stay valid) of at least <paramref name="length"/>
    /// floats with unspecified contents; give it back with <see cref="ReturnPinned"/>.
    /// </summary>
    public static float[] RentPinned(int length) => RentFrom(length, pinned: true, exact: false);

    private static float[] RentFrom(int length, bool pinned, bool exact)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var free = pinned ? FreePinned : exact ? FreeResults : Free;
        if (length < MinLength(free)) return length == 0 ? [] : GC.AllocateUninitializedArray<float>(length, pinned);
        int slack = exact ? 0 : length / 4;
        lock (Gate)
        {
            TrimResults();
            int best = -1;
            for (int i = 0; i < free.Count; i++)
            {
                int len = free[i].Array.Length;
                if (len >= length && len - length <= slack && (best < 0 || len < free[best].Array.Length)) best = i;
            }
            if (best >= 0)
            {
                var array = free[best].Array;
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

    private static void Return(float[] array, List<(float[] Array, int Gen2, long Order)> free)
    {
        if (array.Length < MinLength(free)) return;
        lock (Gate)
        {
            TrimResults();
            free.Add((array, GC.CollectionCount(2), returns++));
            pooledFloats += array.Length;
            while (pooledFloats > MaxPooledFloats)
            {
                // Each list is in the order its arrays came back, so the oldest entry heads one of them. Dropping
                // by age, not by kind, keeps what a loop is reusing and drops what an earlier workload left.
                var oldest = Free;
                foreach (var list in (ReadOnlySpan<List<(float[] Array, int Gen2, long Order)>>)[FreePinned, FreeResults])
                    if (list.Count > 0 && (oldest.Count == 0 || list[0].Order < oldest[0].Order)) oldest = list;
                pooledFloats -= oldest[0].Array.Length;
                oldest.RemoveAt(0);
            }
        }
    }

    private static int MinLength(List<(float[] Array, int Gen2, long Order)> free) =>
        free == FreeResults ? MinResultLength : MinPooledLength;

    /// <summary>
    /// Drops the disposed tensors' buffers that have lain unused through a whole full collection. A loop that
    /// disposes its results takes them back every iteration; kept longer, buffers of a workload that has moved on
    /// fragment the large-object heap that the next one allocates in, and the GC then gives it fresh memory (page
    /// faults) more often. The recurrent layers' scratch buffers are not trimmed: they come back every training
    /// step, and dropping them between a run's epochs costs more than it saves. Called under <see cref="Gate"/>.
    /// </summary>
    private static void TrimResults()
    {
        int gen2 = GC.CollectionCount(2);
        if (gen2 == trimmedAtGen2) return;
        trimmedAtGen2 = gen2;
        for (int i = FreeResults.Count - 1; i >= 0; i--)
            if (FreeResults[i].Gen2 < gen2 - 1)
            {
                pooledFloats -= FreeResults[i].Array.Length;
                FreeResults.RemoveAt(i);
            }
    }
}
