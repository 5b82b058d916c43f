namespace SeqPack.IO;

/// <summary>An integer tensor read from or written to a safetensors file (dtype I64): values row-major and the shape.</summary>
public sealed record IntegerTensor(long[] Values, int[] Shape)
{
    /// <summary>A one-element integer tensor of shape ().</summary>
    public static IntegerTensor Scalar(long value) => new([value], []);
}

/// <summary>
/// Everything a safetensors file holds: float tensors (F32 on disk; F64, F16 and BF16 are converted when read),
/// integer tensors (I64 on disk; I32 is widened when read) and the <c>__metadata__</c> string map.
/// </summary>
public sealed class SafeTensorsContent
{
    /// <summary>Float tensors by name.</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>Integer tensors by name (step counts, generator states).</summary>
    public Dictionary<string, IntegerTensor> Integers { get; } = new(StringComparer.Ordinal);

    /// <summary>The free-form string map stored under <c>__metadata__</c>.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
}
