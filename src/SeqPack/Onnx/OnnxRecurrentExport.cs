using SeqPack.Nn;
using SeqPack.Nn.Recurrent;

namespace SeqPack.Onnx;

/// <summary>The values a recurrent layer's ONNX nodes produce, in PyTorch's layouts.</summary>
/// <param name="Output">The padded output (T, B, D·H), or (B, T, D·H) with batchFirst; zero past each sequence's end.</param>
/// <param name="H">The final hidden state (numLayers·D, B, H), each sequence's own last step.</param>
/// <param name="C">The final LSTM cell state (numLayers·D, B, H), or null for RNN and GRU.</param>
public readonly record struct OnnxRecurrentOutputs(string Output, string H, string? C);

/// <summary>
/// Appends <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> stacks to an ONNX graph as ONNX's RNN,
/// LSTM and GRU operators, one node per layer with both directions in it, lengths in <c>sequence_lens</c>.
/// </summary>
/// <remarks>
/// <para>Weights are rearranged from PyTorch's layout to ONNX's: W = W_ih and R = W_hh per direction stacked
/// into (D, G·H, ·), B = [b_ih, b_hh] per direction (omitted without bias, which ONNX reads as zeros). Gate
/// blocks are reordered: LSTM i,f,g,o → ONNX i,o,f,c; GRU r,z,n → ONNX z,r,h with
/// <c>linear_before_reset = 1</c>, which is PyTorch's GRU (the reset gate multiplies W_hn·h + b_hn).</para>
/// <para>With <c>sequence_lens</c>, ONNX Runtime runs each sequence over its own steps only: the forward
/// direction stops at its last step, the reverse direction starts there, and Y_h / Y_c hold each sequence's own
/// final states (for the reverse direction, the state after step 0), as a packed batch does in SeqPack; the
/// last layer's output is multiplied by a step mask so that it is zero past each end in any runtime. The tests
/// in <c>OnnxRecurrentExportTests</c> check all of this against SeqPack's packed results. The graph is that of evaluation mode: dropout between layers is a training-time
/// regularizer and is not part of inference, so it is left out whatever <see cref="RnnBase.Dropout"/> is.
/// Initial states are zero.</para>
/// </remarks>
public static class OnnxRecurrentExport
{
    // ONNX gate block k takes PyTorch's block Order[k].
    private static readonly int[] LstmOrder = [0, 3, 1, 2];   // ONNX i, o, f, c  ←  PyTorch i, f, g, o
    private static readonly int[] GruOrder = [1, 0, 2];       // ONNX z, r, h     ←  PyTorch r, z, n
    private static readonly int[] RnnOrder = [0];

    /// <summary>
    /// Appends the recurrent stack <paramref name="rnn"/> reading <paramref name="input"/>, a float tensor
    /// (T, B, inputSize) or (B, T, inputSize) when <see cref="RnnBase.BatchFirst"/>, and
    /// <paramref name="sequenceLengths"/>, an int32 tensor (B) with every length in [1, T].
    /// </summary>
    /// <param name="graph">The graph to append to; <paramref name="input"/> and <paramref name="sequenceLengths"/> must already be values of it.</param>
    /// <param name="rnn">The layer whose current weights become the graph's constants.</param>
    /// <param name="input">Name of the graph value holding the padded input.</param>
    /// <param name="sequenceLengths">Name of the graph value holding each sequence's length.</param>
    /// <param name="prefix">Prefix of the constants' and values' names.</param>
    /// <returns>The names of the output, (T, B, D·H) or (B, T, D·H), zero past each length, and of the final hidden state and (LSTM only) cell state, (numLayers·D, B, H) each.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="graph"/> or <paramref name="rnn"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="input"/> or <paramref name="sequenceLengths"/> is not a value of the graph.</exception>
    /// <exception cref="NotSupportedException">An LSTM with <c>projSize</c> &gt; 0: ONNX's LSTM has no output projection.</exception>
    public static OnnxRecurrentOutputs AddRecurrent(this OnnxGraphBuilder graph, RnnBase rnn, string input, string sequenceLengths, string prefix = "rnn")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(rnn);
        CheckSupported(rnn);
        if (!graph.HasValue(input)) throw new ArgumentException($"AddRecurrent: the input '{input}' is not a value of the graph.", nameof(input));
        if (!graph.HasValue(sequenceLengths)) throw new ArgumentException($"AddRecurrent: the lengths '{sequenceLengths}' are not a value of the graph.", nameof(sequenceLengths));

        var kind = rnn.Kind;
        var x = rnn.BatchFirst ? graph.AddNode("Transpose", [input], OnnxAttribute.Ints("perm", 1, 0, 2)) : input;   // (T, B, I)
        var merge = graph.AddInitializer(prefix + ".merge_directions", [0L, 0L, -1L], 3);
        var hs = new string[rnn.NumLayers];
        var cs = new string[rnn.NumLayers];
        for (int layer = 0; layer < rnn.NumLayers; layer++)
        {
            var inputs = LayerConstants(graph, rnn, layer, $"{prefix}.l{layer}");
            string[] outs = graph.AddNode(kind.OnnxOperator(), [x, .. inputs, sequenceLengths], kind == CellKind.Lstm ? 3 : 2,
                LayerAttributes(rnn));
            // Y (T, D, B, H) → (T, B, D, H) → (T, B, D·H): the directions side by side, as PyTorch concatenates them.
            var y = graph.AddNode("Transpose", [outs[0]], OnnxAttribute.Ints("perm", 0, 2, 1, 3));
            x = graph.AddNode("Reshape", [y, merge]);
            hs[layer] = outs[1];                                                                             // (D, B, H)
            if (kind == CellKind.Lstm) cs[layer] = outs[2];
        }
        x = graph.AddNode("Mul", [x, StepMask(graph, x, sequenceLengths, prefix)]);
        var output = rnn.BatchFirst ? graph.AddNode("Transpose", [x], OnnxAttribute.Ints("perm", 1, 0, 2)) : x;
        var h = rnn.NumLayers == 1 ? hs[0] : graph.AddNode("Concat", hs, OnnxAttribute.Int("axis", 0));      // (L·D, B, H)
        string? c = kind != CellKind.Lstm ? null
            : rnn.NumLayers == 1 ? cs[0] : graph.AddNode("Concat", cs, OnnxAttribute.Int("axis", 0));
        return new OnnxRecurrentOutputs(output, h, c);
    }

    /// <summary>
    /// (T, B, 1) float: 1 where step t &lt; the sequence's length, else 0. ONNX Runtime already leaves zeros past
    /// each end, but the ONNX operator specification does not say what Y holds there, so the graph makes it
    /// explicit for every runtime; the cost is one multiply over the output.
    /// </summary>
    internal static string StepMask(OnnxGraphBuilder graph, string timeMajor, string lengths32, string prefix)
    {
        var steps = graph.AddNode("Gather", [graph.AddNode("Shape", [timeMajor]), graph.AddInitializer(prefix + ".time_index", [0L], [])],
            OnnxAttribute.Int("axis", 0));                                                                  // () int64: T
        var steps32 = graph.AddNode("Cast", [steps], OnnxAttribute.Int("to", (long)OnnxElementType.Int32));
        var range = graph.AddNode("Range", [graph.AddInitializer(prefix + ".zero", [0], []), steps32,
            graph.AddInitializer(prefix + ".one", [1], [])]);                                              // (T)
        var column = graph.AddNode("Unsqueeze", [range, graph.AddInitializer(prefix + ".axis1", [1L], 1)]);  // (T, 1)
        var live = graph.AddNode("Less", [column, lengths32]);                                              // (T, B) bool
        var mask = graph.AddNode("Cast", [live], OnnxAttribute.Int("to", (long)OnnxElementType.Float));
        return graph.AddNode("Unsqueeze", [mask, graph.AddInitializer(prefix + ".axis2", [2L], 1)]);         // (T, B, 1)
    }

    /// <summary>Throws <see cref="NotSupportedException"/> naming the option when <paramref name="rnn"/> has no ONNX form.</summary>
    internal static void CheckSupported(RnnBase rnn)
    {
        if (rnn.ProjSize > 0)
            throw new NotSupportedException(
                $"ONNX export: LSTM projSize = {rnn.ProjSize} cannot be expressed, because ONNX's LSTM operator has no output projection " +
                "(W_hr) inside its recurrence. Train with projSize = 0 to export.");
    }

    /// <summary>W (D, G·H, in), R (D, G·H, H) and B (D, 2·G·H) or "" without bias, gate blocks in ONNX order.</summary>
    private static string[] LayerConstants(OnnxGraphBuilder graph, RnnBase rnn, int layer, string name)
    {
        int d = rnn.Bidirectional ? 2 : 1, hidden = rnn.HiddenSize;
        int[] order = rnn.Kind switch { CellKind.Lstm => LstmOrder, CellKind.Gru => GruOrder, _ => RnnOrder };
        int gateRows = order.Length * hidden;
        int inputs = rnn.WeightsOf(layer, 0).WIh.Dim(1);
        var w = new float[d * gateRows * inputs];
        var r = new float[d * gateRows * hidden];
        var b = rnn.Bias ? new float[d * 2 * gateRows] : null;
        for (int dir = 0; dir < d; dir++)
        {
            var lw = rnn.WeightsOf(layer, dir);
            Reorder(lw.WIh.AsSpan(), order, hidden, inputs, w.AsSpan(dir * gateRows * inputs, gateRows * inputs));
            Reorder(lw.WHh.AsSpan(), order, hidden, hidden, r.AsSpan(dir * gateRows * hidden, gateRows * hidden));
            if (b is not null)
            {
                Reorder(lw.BIh!.AsSpan(), order, hidden, 1, b.AsSpan(dir * 2 * gateRows, gateRows));
                Reorder(lw.BHh!.AsSpan(), order, hidden, 1, b.AsSpan(dir * 2 * gateRows + gateRows, gateRows));
            }
        }
        return
        [
            graph.AddInitializer(name + ".W", w, d, gateRows, inputs),
            graph.AddInitializer(name + ".R", r, d, gateRows, hidden),
            b is null ? "" : graph.AddInitializer(name + ".B", b, d, 2 * gateRows),
        ];
    }

    /// <summary>Copies gate blocks of <paramref name="hidden"/> rows × <paramref name="cols"/> so that block k of the result is block order[k] of the source.</summary>
    private static void Reorder(ReadOnlySpan<float> source, int[] order, int hidden, int cols, Span<float> destination)
    {
        int block = hidden * cols;
        for (int k = 0; k < order.Length; k++)
            source.Slice(order[k] * block, block).CopyTo(destination.Slice(k * block, block));
    }

    private static OnnxAttribute[] LayerAttributes(RnnBase rnn)
    {
        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Int("hidden_size", rnn.HiddenSize),
            OnnxAttribute.String("direction", rnn.Bidirectional ? "bidirectional" : "forward"),
        };
        if (rnn.Kind == CellKind.Gru) attributes.Add(OnnxAttribute.Int("linear_before_reset", 1));
        if (rnn.Kind is CellKind.RnnTanh or CellKind.RnnRelu)
        {
            string act = rnn.Kind == CellKind.RnnRelu ? "Relu" : "Tanh";
            attributes.Add(OnnxAttribute.Strings("activations", rnn.Bidirectional ? [act, act] : [act]));
        }
        return [.. attributes];
    }

    private static string OnnxOperator(this CellKind kind) => kind switch
    {
        CellKind.Lstm => "LSTM",
        CellKind.Gru => "GRU",
        _ => "RNN",
    };
}
