using SeqPack.Nn;

namespace SeqPack.Onnx;

/// <summary>
/// ONNX export of single modules: <see cref="Linear"/> and <see cref="Embedding"/> appended to a graph, and
/// <see cref="SaveModule"/>, which writes one module as a stand-alone model. Recurrent stacks are appended
/// with <see cref="OnnxRecurrentExport.AddRecurrent"/>.
/// </summary>
public static class OnnxModuleExport
{
    /// <summary>Appends <c>y = x·Wᵀ + b</c> for <paramref name="input"/>, a float tensor (*, in); returns y (*, out).</summary>
    public static string AddLinear(this OnnxGraphBuilder graph, Linear linear, string input, string prefix = "linear")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(linear);
        // MatMul takes any number of leading dimensions (Gemm only 2-D); W is stored transposed, (in, out).
        var w = linear.Weight.AsSpan();
        int inF = linear.InFeatures, outF = linear.OutFeatures;
        var wt = new float[inF * outF];                                                    // (in, out)
        for (int o = 0; o < outF; o++)
            for (int i = 0; i < inF; i++) wt[i * outF + o] = w[o * inF + i];
        var y = graph.AddNode("MatMul", [input, graph.AddInitializer(prefix + ".weight_t", wt, inF, outF)]);
        return linear.Bias is null ? y : graph.AddNode("Add", [y, graph.AddInitializer(prefix + ".bias", linear.Bias)]);
    }

    /// <summary>Appends the lookup of <paramref name="ids"/>, an int64 (or int32) tensor of any shape; returns (*ids, dim).</summary>
    /// <remarks>ONNX Runtime rejects an id outside [0, numEmbeddings) when the model runs, as SeqPack does.</remarks>
    public static string AddEmbedding(this OnnxGraphBuilder graph, Embedding embedding, string ids, string prefix = "embedding")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(embedding);
        return graph.AddNode("Gather", [graph.AddInitializer(prefix + ".weight", embedding.Weight), ids], OnnxAttribute.Int("axis", 0));
    }

    /// <summary>
    /// Writes <paramref name="module"/> alone as an ONNX model at <paramref name="path"/> (via a temporary file).
    /// The interfaces, with <c>batch</c>, <c>time</c> and <c>rows</c> dynamic:
    /// <list type="bullet">
    /// <item><see cref="Linear"/>: input <c>input</c> float (*, in) → output <c>output</c> (*, out).</item>
    /// <item><see cref="Embedding"/>: input <c>ids</c> int64 of any shape → output <c>output</c> (*ids, dim).</item>
    /// <item><see cref="Rnn"/>, <see cref="Lstm"/>, <see cref="Gru"/>: inputs <c>input</c> float (time, batch, inputSize)
    /// — (batch, time, inputSize) with batchFirst — padded, and <c>lengths</c> int64 (batch), any order, each in [1, time];
    /// outputs <c>output</c> as PyTorch's padded output of the packed sequence (zero past each end), <c>h_n</c>
    /// (numLayers·D, batch, H) and, for LSTM, <c>c_n</c>.</item>
    /// </list>
    /// </summary>
    /// <exception cref="NotSupportedException">Another module type, or an option ONNX cannot express (named in the message).</exception>
    public static void SaveModule(Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        var graph = new OnnxGraphBuilder(module.GetType().Name);
        switch (module)
        {
            case Linear linear:
            {
                var x = graph.AddInput("input", OnnxElementType.Float, null);
                graph.AddOutput(graph.AddLinear(linear, x), "output", OnnxElementType.Float, null);
                break;
            }
            case Embedding embedding:
            {
                var ids = graph.AddInput("ids", OnnxElementType.Int64, null);
                graph.AddOutput(graph.AddEmbedding(embedding, ids), "output", OnnxElementType.Float, null);
                break;
            }
            case RnnBase rnn:
            {
                OnnxRecurrentExport.CheckSupported(rnn);
                OnnxDim[] outer = rnn.BatchFirst ? ["batch", "time"] : ["time", "batch"];
                int d = rnn.Bidirectional ? 2 : 1;
                var x = graph.AddInput("input", OnnxElementType.Float, [.. outer, rnn.InputSize]);
                var lengths = graph.AddInput("lengths", OnnxElementType.Int64, ["batch"]);
                var lens32 = graph.AddNode("Cast", [lengths], OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
                var r = graph.AddRecurrent(rnn, x, lens32);
                graph.AddOutput(r.Output, "output", OnnxElementType.Float, [.. outer, d * rnn.HiddenSize]);
                OnnxDim[] state = [rnn.NumLayers * d, "batch", rnn.HiddenSize];
                graph.AddOutput(r.H, "h_n", OnnxElementType.Float, state);
                if (r.C is not null) graph.AddOutput(r.C, "c_n", OnnxElementType.Float, state);
                break;
            }
            default:
                throw new NotSupportedException(
                    $"ONNX export: a {module.GetType().Name} module has no ONNX export; Linear, Embedding, Rnn, Lstm and Gru do.");
        }
        graph.Save(path);
    }
}
