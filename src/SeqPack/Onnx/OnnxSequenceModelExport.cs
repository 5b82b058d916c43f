using SeqPack.Nn;

namespace SeqPack.Onnx;

/// <summary>
/// The whole classifier or tagger network (embedding with summed ids per step → recurrent stack → Linear →
/// softmax) as one ONNX graph with the interface that <c>seqpack export</c> documents:
/// <list type="bullet">
/// <item>input <c>ids</c>: int64 (batch, time, idsPerStep), 0 after each sequence's end;</item>
/// <item>input <c>lengths</c>: int64 (batch), any order, each in [1, time];</item>
/// <item>output <c>probabilities</c>: float32 (batch, labels) for a classifier, (batch, time, labels) for a
/// tagger, 0 past each sequence's end.</item>
/// </list>
/// <c>batch</c> and <c>time</c> are dynamic. The graph is the evaluation-mode network (no dropout).
/// </summary>
internal static class OnnxSequenceModelExport
{
    public static OnnxGraphBuilder Build(Embedding embedding, RnnBase rnn, Linear output, int idsPerStep, bool isTagger)
    {
        OnnxRecurrentExport.CheckSupported(rnn);
        var graph = new OnnxGraphBuilder(isTagger ? "seqpack_tagger" : "seqpack_classifier");
        var ids = graph.AddInput("ids", OnnxElementType.Int64, ["batch", "time", idsPerStep]);
        var lengths = graph.AddInput("lengths", OnnxElementType.Int64, ["batch"]);
        var lens32 = graph.AddNode("Cast", [lengths], OnnxAttribute.Int("to", (long)OnnxElementType.Int32));

        var vectors = graph.AddEmbedding(embedding, ids);                                                  // (B, T, K, E)
        var x = graph.AddNode("ReduceSum", [vectors, graph.AddInitializer("ids_axis", [2L], 1)],
            OnnxAttribute.Int("keepdims", 0));                                                             // (B, T, E)
        if (!rnn.BatchFirst) x = graph.AddNode("Transpose", [x], OnnxAttribute.Ints("perm", 1, 0, 2));     // (T, B, E)
        var r = graph.AddRecurrent(rnn, x, lens32);
        int d = rnn.Bidirectional ? 2 : 1, rows = rnn.NumLayers * d;
        int labels = output.OutFeatures;

        if (!isTagger)
        {
            // The last layer's final states, forward then reverse: (D, B, H) → (B, D, H) → (B, D·H).
            var last = graph.AddNode("Slice", [r.H, graph.AddInitializer("last_layer_start", [(long)(rows - d)], 1),
                graph.AddInitializer("last_layer_end", [(long)rows], 1), graph.AddInitializer("state_axis", [0L], 1)]);
            var perBatch = graph.AddNode("Transpose", [last], OnnxAttribute.Ints("perm", 1, 0, 2));
            var features = graph.AddNode("Reshape", [perBatch, graph.AddInitializer("merge_directions", [0L, -1L], 2)]);
            var probabilities = graph.AddNode("Softmax", [graph.AddLinear(output, features, "output")], OnnxAttribute.Int("axis", -1));
            graph.AddOutput(probabilities, "probabilities", OnnxElementType.Float, ["batch", labels]);
            return graph;
        }

        var y = rnn.BatchFirst ? graph.AddNode("Transpose", [r.Output], OnnxAttribute.Ints("perm", 1, 0, 2)) : r.Output;   // (T, B, D·H)
        var tagProbabilities = graph.AddNode("Softmax", [graph.AddLinear(output, y, "output")], OnnxAttribute.Int("axis", -1)); // (T, B, L)
        var masked = graph.AddNode("Mul", [tagProbabilities, OnnxRecurrentExport.StepMask(graph, y, lens32, "tags")]);
        var batchMajor = graph.AddNode("Transpose", [masked], OnnxAttribute.Ints("perm", 1, 0, 2));                        // (B, T, L)
        graph.AddOutput(batchMajor, "probabilities", OnnxElementType.Float, ["batch", "time", labels]);
        return graph;
    }
}
