namespace SeqPack.Onnx;

/// <summary>
/// One dimension of a graph input or output: a fixed size, or a symbolic name (<c>"batch"</c>, <c>"time"</c>)
/// that the runtime binds when the model runs. Ints and strings convert implicitly.
/// </summary>
public readonly record struct OnnxDim
{
    private OnnxDim(long? size, string? name) { Size = size; Name = name; }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null for a fixed size.</summary>
    public string? Name { get; }

    /// <summary>A dimension of fixed <paramref name="size"/> (at least 0).</summary>
    public static OnnxDim Fixed(long size) => size >= 0
        ? new OnnxDim(size, null)
        : throw new ArgumentOutOfRangeException(nameof(size), size, "OnnxDim: a fixed size must not be negative.");

    /// <summary>A dynamic dimension called <paramref name="name"/>; equal names mean equal sizes.</summary>
    public static OnnxDim Symbolic(string name) => !string.IsNullOrWhiteSpace(name)
        ? new OnnxDim(null, name)
        : throw new ArgumentException("OnnxDim: a symbolic dimension needs a non-empty name.", nameof(name));

    /// <summary>A fixed dimension of <paramref name="size"/>, as <see cref="Fixed"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public static implicit operator OnnxDim(int size) => Fixed(size);

    /// <summary>A symbolic dimension called <paramref name="name"/>, as <see cref="Symbolic"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public static implicit operator OnnxDim(string name) => Symbolic(name);

    /// <inheritdoc/>
    public override string ToString() => Name ?? Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
}
