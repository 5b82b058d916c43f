namespace SeqPack.Nn;

/// <summary>
/// Size checks that layer constructors run before they allocate, so that sizes whose products overflow or
/// cannot fit in memory fail with an <see cref="ArgumentOutOfRangeException"/> naming the parameter that
/// causes it, instead of a negative extent or a long grind through the allocator.
/// </summary>
internal static class ParameterSizes
{
    /// <summary>
    /// Throws when a (<paramref name="rows"/>, <paramref name="cols"/>) parameter of <paramref name="owner"/>
    /// has more elements than one array holds; <paramref name="paramName"/> (of value <paramref name="value"/>)
    /// is the argument to make smaller.
    /// </summary>
    public static void CheckMatrix(string owner, string paramName, int value, long rows, long cols)
    {
        if (rows * cols > Array.MaxLength)
            throw new ArgumentOutOfRangeException(paramName, value,
                $"{owner}: {paramName} = {value} gives a ({rows}, {cols}) parameter, more than the {Array.MaxLength} elements one array can hold; use a smaller {paramName}.");
    }

    /// <summary>
    /// Throws when <paramref name="parameters"/> float32 values (4 bytes each) exceed the memory the runtime can use;
    /// <paramref name="paramName"/> (of value <paramref name="value"/>) is the argument to make smaller.
    /// </summary>
    public static void CheckTotal(string owner, string paramName, int value, double parameters)
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available <= 0) available = long.MaxValue;
        if (parameters > (double)available / sizeof(float))
            throw new ArgumentOutOfRangeException(paramName, value,
                $"{owner}: {paramName} = {value} gives {parameters:0.###e0} parameters ({parameters * sizeof(float) / (1L << 20):0} MiB), " +
                $"more than the {available >> 20} MiB of memory available; use a smaller {paramName}.");
    }
}
