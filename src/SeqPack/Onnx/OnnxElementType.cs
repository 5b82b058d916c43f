namespace SeqPack.Onnx;

/// <summary>The element types SeqPack's ONNX graphs use; the values are ONNX's <c>TensorProto.DataType</c> numbers.</summary>
public enum OnnxElementType
{
    /// <summary>32-bit float.</summary>
    Float = 1,
    /// <summary>32-bit signed integer (ONNX's type for recurrent <c>sequence_lens</c>).</summary>
    Int32 = 6,
    /// <summary>64-bit signed integer (ids, lengths, shapes).</summary>
    Int64 = 7,
    /// <summary>Boolean (comparison results).</summary>
    Bool = 9,
}
