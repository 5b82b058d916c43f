using SeqPack.Models;
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
/// <c>batch</c> and <c>time</c> are dynamic. The graph is the evaluation-mode network (no dropout). A classifier
/// reads the last layer as its <see cref="ClassifierPooling"/> says; the maximum and mean over time run over each
/// sequence's first <c>lengths</c> steps only.
/// </summary>
internal static class OnnxSequenceModelExport
{
    public static OnnxGraphBuilder Build(Embedding embedding, RnnBase rnn, Linear output, int idsPerStep, bool isTagger,
        ClassifierPooling pooling = ClassifierPooling.FinalState)
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
            var steps = pooling == ClassifierPooling.FinalState ? "" : TimeMajor(graph, rnn, r.Output);         // (T, B, D·H)
            var features = pooling switch
            {
                ClassifierPooling.FinalState => FinalStates(graph, r.H, rows, d),
                ClassifierPooling.Max => MaxOverTime(graph, steps, lens32),
                ClassifierPooling.FinalStateAndMax => graph.AddNode("Concat", [FinalStates(graph, r.H, rows, d), MaxOverTime(graph, steps, lens32)],
                    OnnxAttribute.Int("axis", 1)),
                _ => graph.AddNode("Concat", [MeanOverTime(graph, steps, lengths), MaxOverTime(graph, steps, lens32)], OnnxAttribute.Int("axis", 1)),
            };                                                                                             // (B, D·H) or (B, 2·D·H)
            var probabilities = graph.AddNode("Softmax", [graph.AddLinear(output, features, "output")], OnnxAttribute.Int("axis", -1));
            graph.AddOutput(probabilities, "probabilities", OnnxElementType.Float, ["batch", labels]);
            return graph;
        }

        var y = TimeMajor(graph, rnn, r.Output);                                                            // (T, B, D·H)
        var tagProbabilities = graph.AddNode("Softmax", [graph.AddLinear(output, y, "output")], OnnxAttribute.Int("axis", -1)); // (T, B, L)
        var masked = graph.AddNode("Mul", [tagProbabilities, OnnxRecurrentExport.StepMask(graph, y, lens32, "tags")]);
        var batchMajor = graph.AddNode("Transpose", [masked], OnnxAttribute.Ints("perm", 1, 0, 2));                        // (B, T, L)
        graph.AddOutput(batchMajor, "probabilities", OnnxElementType.Float, ["batch", "time", labels]);
        return graph;
    }

    /// <summary>The last layer's final states, forward then reverse: (D, B, H) → (B, D, H) → (B, D·H).</summary>
    private static string FinalStates(OnnxGraphBuilder graph, string h, int rows, int d)
    {
        var last = graph.AddNode("Slice", [h, graph.AddInitializer("last_layer_start", [(long)(rows - d)], 1),
            graph.AddInitializer("last_layer_end", [(long)rows], 1), graph.AddInitializer("state_axis", [0L], 1)]);
        var perBatch = graph.AddNode("Transpose", [last], OnnxAttribute.Ints("perm", 1, 0, 2));
        return graph.AddNode("Reshape", [perBatch, graph.AddInitializer("merge_directions", [0L, -1L], 2)]);
    }

    /// <summary>The recurrent output as (T, B, D·H), zero past each end.</summary>
    private static string TimeMajor(OnnxGraphBuilder graph, RnnBase rnn, string output) =>
        rnn.BatchFirst ? graph.AddNode("Transpose", [output], OnnxAttribute.Ints("perm", 1, 0, 2)) : output;

    /// <summary>
    /// (B, D·H): the maximum over each sequence's live steps of <paramref name="y"/> (T, B, D·H). Dead steps read as
    /// the lowest finite float (the builder exports finite constants only); every sequence has a live step, whose
    /// value is larger, so no dead step is ever the maximum.
    /// </summary>
    private static string MaxOverTime(OnnxGraphBuilder graph, string y, string lens32)
    {
        var live = graph.AddNode("Cast", [OnnxRecurrentExport.StepMask(graph, y, lens32, "max_pool")],
            OnnxAttribute.Int("to", (long)OnnxElementType.Bool));                                          // (T, B, 1)
        var masked = graph.AddNode("Where", [live, y, graph.AddInitializer("max_pool.lowest", [float.MinValue], [])]);
        return graph.AddNode("ReduceMax", [masked], OnnxAttribute.Ints("axes", 0), OnnxAttribute.Int("keepdims", 0));
    }

    /// <summary>(B, D·H): the sum of <paramref name="y"/> (T, B, D·H, zero past each end) over time, divided by each length.</summary>
    private static string MeanOverTime(OnnxGraphBuilder graph, string y, string lengths)
    {
        var sum = graph.AddNode("ReduceSum", [y, graph.AddInitializer("mean_pool.time_axis", [0L], 1)], OnnxAttribute.Int("keepdims", 0));
        var count = graph.AddNode("Unsqueeze", [graph.AddNode("Cast", [lengths], OnnxAttribute.Int("to", (long)OnnxElementType.Float)),
            graph.AddInitializer("mean_pool.axis1", [1L], 1)]);                                             // (B, 1)
        return graph.AddNode("Div", [sum, count]);
    }
}
