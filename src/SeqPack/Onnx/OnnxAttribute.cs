using Google.Protobuf;
using SeqPack.Onnx.Proto;

namespace SeqPack.Onnx;

/// <summary>A named attribute of an ONNX node (<c>axis</c>, <c>perm</c>, <c>hidden_size</c>…), built by the factories below.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(AttributeProto proto) { Proto = proto; }

    internal AttributeProto Proto { get; }

    /// <summary>The attribute's name.</summary>
    public string Name => Proto.Name;

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) =>
        new(new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>A string attribute (stored as UTF-8 bytes).</summary>
    public static OnnxAttribute String(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });
    }

    /// <summary>A list-of-integers attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var a = new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return new(a);
    }

    /// <summary>A list-of-floats attribute.</summary>
    public static OnnxAttribute Floats(string name, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var a = new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return new(a);
    }

    /// <summary>A list-of-strings attribute (each stored as UTF-8 bytes).</summary>
    public static OnnxAttribute Strings(string name, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var a = new AttributeProto { Name = Checked(name), Type = AttributeProto.Types.AttributeType.Strings };
        foreach (var v in values) a.Strings.Add(ByteString.CopyFromUtf8(v ?? throw new ArgumentNullException(nameof(values), $"OnnxAttribute.Strings '{name}': an element is null.")));
        return new(a);
    }

    private static string Checked(string name) => !string.IsNullOrEmpty(name)
        ? name
        : throw new ArgumentException("OnnxAttribute: the attribute name must not be empty.", nameof(name));
}
