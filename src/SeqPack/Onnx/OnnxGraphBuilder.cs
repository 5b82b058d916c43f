using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using SeqPack.Onnx.Proto;

namespace SeqPack.Onnx;

/// <summary>
/// Builds one ONNX graph: typed inputs, constant tensors (initializers), operator nodes in order, typed
/// outputs and model metadata, then writes it as an ONNX model. Every value is checked as it is added (a node
/// may only read values that already exist), so a graph that reaches <see cref="Save"/> is well formed; the
/// file is written to a temporary name first and moved into place, so a failed export never leaves half a model.
/// </summary>
/// <remarks>
/// Modules append their nodes with the extension methods of <see cref="OnnxModuleExport"/>. The graph imports
/// the default operator set at <see cref="Opset"/>.
/// </remarks>
public sealed class OnnxGraphBuilder
{
    /// <summary>
    /// The default-domain operator set the graphs import: 14. It is the version at which LSTM, GRU and RNN got
    /// their current schema (opset 14 added only the <c>layout</c> attribute, which SeqPack leaves at 0), and it
    /// has Softmax over one axis and ReduceSum with axes as an input (both from 13). Any later operator set
    /// adds nothing these graphs use, and the lowest sufficient set loads in the most runtimes (ONNX Runtime
    /// 1.8 and later, including 1.32).
    /// </summary>
    public const int Opset = 14;

    /// <summary>The ONNX IR version written (8: the IR of the opset 14–15 releases; ONNX Runtime 1.32 reads up to 10).</summary>
    public const int IrVersion = 8;

    private readonly GraphProto graph;
    private readonly HashSet<string> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> metadata = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> counters = new(StringComparer.Ordinal);

    /// <summary>Starts an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name = "seqpack")
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("OnnxGraphBuilder: the graph name must not be empty.", nameof(name));
        graph = new GraphProto { Name = name };
    }

    /// <summary>Number of nodes added so far.</summary>
    public int NodeCount => graph.Node.Count;

    /// <summary>Whether a value (input, initializer or node output) called <paramref name="name"/> exists.</summary>
    public bool HasValue(string name) => values.Contains(name);

    /// <summary>A value name starting with <paramref name="prefix"/> that is not taken yet.</summary>
    public string UniqueName(string prefix)
    {
        if (string.IsNullOrEmpty(prefix)) throw new ArgumentException("OnnxGraphBuilder.UniqueName: the prefix must not be empty.", nameof(prefix));
        if (!values.Contains(prefix) && !counters.ContainsKey(prefix)) { counters[prefix] = 0; return prefix; }
        int n = counters.GetValueOrDefault(prefix);
        string name;
        do name = $"{prefix}_{++n}"; while (values.Contains(name));
        counters[prefix] = n;
        return name;
    }

    /// <summary>
    /// Declares a graph input called exactly <paramref name="name"/>, of element type <paramref name="type"/>
    /// and the given shape (null: any rank). Returns the name.
    /// </summary>
    public string AddInput(string name, OnnxElementType type, IReadOnlyList<OnnxDim>? shape)
    {
        Claim(name, nameof(name));
        graph.Input.Add(ValueInfo(name, type, shape));
        return name;
    }

    /// <summary>
    /// Declares the graph output <paramref name="name"/> with the value of <paramref name="source"/> (an
    /// Identity node joins them when the names differ). The shape (null: any rank) documents the interface.
    /// </summary>
    public void AddOutput(string source, string name, OnnxElementType type, IReadOnlyList<OnnxDim>? shape)
    {
        CheckExists(source, nameof(source));
        if (source != name) Node("Identity", [source], [name], []);
        else if (graph.Output.Any(o => o.Name == name))
            throw new ArgumentException($"OnnxGraphBuilder.AddOutput: '{name}' is already an output.", nameof(name));
        graph.Output.Add(ValueInfo(name, type, shape));
    }

    /// <summary>Adds a float32 constant of shape <paramref name="dims"/> under a fresh name based on <paramref name="name"/>; returns that name.</summary>
    /// <exception cref="ArgumentException">The value count does not match the shape, or a value is NaN or infinite (a broken model is not exported).</exception>
    public string AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"OnnxGraphBuilder: constant '{name}' holds {values[i]} at index {i}; a model with non-finite weights is not exported (retrain or fix the weights).", nameof(values));
        var bytes = new byte[values.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(bytes);
        else for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Initializer(name, OnnxElementType.Float, bytes, dims);
    }

    /// <summary>Adds an int64 constant of shape <paramref name="dims"/> under a fresh name based on <paramref name="name"/>; returns that name.</summary>
    public string AddInitializer(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        var bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        return Initializer(name, OnnxElementType.Int64, bytes, dims);
    }

    /// <summary>Adds an int32 constant of shape <paramref name="dims"/> under a fresh name based on <paramref name="name"/>; returns that name.</summary>
    public string AddInitializer(string name, ReadOnlySpan<int> values, params long[] dims)
    {
        CheckCount(name, values.Length, dims);
        var bytes = new byte[values.Length * sizeof(int)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Initializer(name, OnnxElementType.Int32, bytes, dims);
    }

    /// <summary>Adds a tensor's values as a float32 constant with its shape; returns the constant's name.</summary>
    public string AddInitializer(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return AddInitializer(name, tensor.AsSpan(), [.. tensor.ShapeSpan.ToArray().Select(d => (long)d)]);
    }

    /// <summary>
    /// Appends a node of operator <paramref name="opType"/> (default domain) reading <paramref name="inputs"/>
    /// (an empty string skips an optional input) and returns the name of its single output.
    /// </summary>
    /// <exception cref="ArgumentException">An input names no existing value.</exception>
    public string AddNode(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) =>
        AddNode(opType, inputs, 1, attributes)[0];

    /// <summary>As <see cref="AddNode(string, IReadOnlyList{string}, OnnxAttribute[])"/> for an operator with <paramref name="outputCount"/> outputs.</summary>
    public string[] AddNode(string opType, IReadOnlyList<string> inputs, int outputCount, params OnnxAttribute[] attributes)
    {
        if (string.IsNullOrEmpty(opType)) throw new ArgumentException("OnnxGraphBuilder.AddNode: the operator type must not be empty.", nameof(opType));
        if (outputCount < 1) throw new ArgumentOutOfRangeException(nameof(outputCount), outputCount, $"OnnxGraphBuilder.AddNode({opType}): a node needs at least one output.");
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++) outputs[i] = UniqueName(opType.ToLowerInvariant());
        Node(opType, inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>Sets a model metadata entry (<c>metadata_props</c>); a later value for the same key replaces the earlier one.</summary>
    public void SetMetadata(string key, string value)
    {
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("OnnxGraphBuilder.SetMetadata: the key must not be empty.", nameof(key));
        metadata[key] = value ?? throw new ArgumentNullException(nameof(value), $"OnnxGraphBuilder.SetMetadata: the value for '{key}' is null.");
    }

    /// <summary>The serialized ONNX model (a <c>ModelProto</c>).</summary>
    /// <exception cref="InvalidOperationException">The graph has no output.</exception>
    public byte[] ToBytes() => BuildModel().ToByteArray();

    /// <summary>
    /// Writes the model to <paramref name="path"/>: to a temporary file in the same folder, then moved over the
    /// destination, so the path holds either the previous file or the complete new model.
    /// </summary>
    public void Save(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("OnnxGraphBuilder.Save: the path must not be empty.", nameof(path));
        var bytes = ToBytes();
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"OnnxGraphBuilder.Save: the folder '{folder}' of '{path}' does not exist; create it first.");
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private ModelProto BuildModel()
    {
        if (graph.Output.Count == 0)
            throw new InvalidOperationException($"OnnxGraphBuilder: graph '{graph.Name}' has no output; add one with AddOutput before writing.");
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "SeqPack",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private void Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, OnnxAttribute[] attributes)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        foreach (var input in inputs)
            if (input.Length > 0) CheckExists(input, nameof(inputs), opType);
        foreach (var output in outputs) Claim(output, nameof(outputs));
        var node = new NodeProto { OpType = opType, Name = $"{outputs[0]}_node" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var a in attributes) node.Attribute.Add((a ?? throw new ArgumentNullException(nameof(attributes), $"{opType}: an attribute is null.")).Proto);
        graph.Node.Add(node);
    }

    private string Initializer(string name, OnnxElementType type, byte[] raw, long[] dims)
    {
        string unique = UniqueName(name);
        values.Add(unique);
        var t = new TensorProto { Name = unique, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        t.Dims.AddRange(dims);
        graph.Initializer.Add(t);
        return unique;
    }

    private static void CheckCount(string name, int count, long[] dims)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("OnnxGraphBuilder.AddInitializer: the name must not be empty.", nameof(name));
        ArgumentNullException.ThrowIfNull(dims);
        long expected = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new ArgumentException($"OnnxGraphBuilder.AddInitializer: constant '{name}' has a negative dimension in ({string.Join(", ", dims)}).", nameof(dims));
            expected *= d;
        }
        if (expected != count)
            throw new ArgumentException($"OnnxGraphBuilder.AddInitializer: constant '{name}' has {count} values but shape ({string.Join(", ", dims)}) holds {expected}.", nameof(dims));
    }

    private void Claim(string name, string paramName)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("OnnxGraphBuilder: a value name must not be empty.", paramName);
        if (!values.Add(name)) throw new ArgumentException($"OnnxGraphBuilder: the value name '{name}' is already used in graph '{graph.Name}'.", paramName);
    }

    private void CheckExists(string name, string paramName, string? opType = null)
    {
        if (string.IsNullOrEmpty(name) || !values.Contains(name))
            throw new ArgumentException(
                $"OnnxGraphBuilder{(opType is null ? "" : $" ({opType})")}: '{name}' is not an input, constant or node output of graph '{graph.Name}'; add it before using it.", paramName);
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, IReadOnlyList<OnnxDim>? shape)
    {
        if (!Enum.IsDefined(type)) throw new ArgumentOutOfRangeException(nameof(type), type, $"OnnxGraphBuilder: '{name}' has an unknown element type.");
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (shape is not null)
        {
            var s = new TensorShapeProto();
            foreach (var d in shape)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.Name is not null) dim.DimParam = d.Name;
                else dim.DimValue = d.Size ?? throw new ArgumentException($"OnnxGraphBuilder: '{name}' has a default (empty) dimension; use a size or a name.", nameof(shape));
                s.Dim.Add(dim);
            }
            tensor.Shape = s;
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
