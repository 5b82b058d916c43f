namespace SeqPack;

/// <summary>Shape arithmetic and the checks that produce readable shape errors.</summary>
internal static class Shapes
{
    public static string Format(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>The element count of <paramref name="shape"/>, refusing negative extents and overflow.</summary>
    public static int CheckedSize(int[] shape, string paramName)
    {
        ArgumentNullException.ThrowIfNull(shape, paramName);
        long size = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"Shape {Format(shape)} has a negative extent.", paramName);
            size *= d;
            if (size > Array.MaxLength)
                throw new ArgumentException($"Shape {Format(shape)} has more elements than a .NET array can hold.", paramName);
        }
        return (int)size;
    }

    public static int NormalizeDim(int dim, int rank, string paramName)
    {
        int d = dim < 0 ? dim + rank : dim;
        if (d < 0 || d >= rank)
            throw new ArgumentOutOfRangeException(paramName, dim, $"Dimension {dim} is out of range for a tensor of rank {rank} (allowed: {-rank} to {rank - 1}).");
        return d;
    }

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return strides;
    }

    /// <summary>Product of the extents in [from, to).</summary>
    public static int Product(ReadOnlySpan<int> shape, int from, int to)
    {
        int p = 1;
        for (int d = from; d < to; d++) p *= shape[d];
        return p;
    }

    public static int FlatIndex(int[] shape, int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != shape.Length)
            throw new ArgumentException($"An index into shape {Format(shape)} needs {shape.Length} coordinates; got {index.Length}.", nameof(index));
        int flat = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            if ((uint)index[d] >= (uint)shape[d])
                throw new ArgumentOutOfRangeException(nameof(index), $"Index {index[d]} is out of range for dimension {d} of shape {Format(shape)}.");
            flat = flat * shape[d] + index[d];
        }
        return flat;
    }

    /// <summary>The broadcast shape of two shapes (NumPy/PyTorch rules), or an error naming the operation.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }
}
