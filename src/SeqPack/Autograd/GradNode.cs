namespace SeqPack;

/// <summary>
/// One recorded operation of the autograd graph: its inputs and the rule that turns the gradients of its
/// outputs into gradients of its inputs.
/// </summary>
/// <remarks>
/// <see cref="Backward"/> receives one entry per output (null where that output received no gradient) and
/// returns one entry per input (null where the input needs none). It runs with recording switched off, so
/// it may use any tensor operation freely. A rule must not write into the gradients it receives (they may
/// be shared with other nodes), and may return tensors that share buffers. Fused multi-output operations (a whole LSTM layer) are a single
/// node with several outputs.
/// </remarks>
internal sealed class GradNode(string op, Tensor[] inputs, int outputCount, Func<Tensor?[], Tensor?[]> backward)
{
    public string Op { get; } = op;
    public Tensor[] Inputs { get; } = ShareAll(inputs);
    public int OutputCount { get; } = outputCount;
    public Func<Tensor?[], Tensor?[]> Backward { get; } = backward;

    // A rule may read its inputs' buffers during backward, so disposing an input must not hand its buffer on.
    private static Tensor[] ShareAll(Tensor[] inputs)
    {
        foreach (var t in inputs) t.ShareStorage();
        return inputs;
    }
}
