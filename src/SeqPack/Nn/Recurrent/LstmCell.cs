using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>
/// One LSTM step (torch.nn.LSTMCell): <c>(h', c') = LSTM(x, (h, c))</c> with gates i, f, g, o as in <see cref="Lstm"/>.
/// </summary>
public sealed class LstmCell : RnnCellBase
{
    /// <summary>
    /// Creates the cell with PyTorch's initialisation (every parameter uniform in [−1/√hiddenSize, 1/√hiddenSize)):
    /// <c>weight_ih</c> (4H, inputSize), <c>weight_hh</c> (4H, hiddenSize) and, with <paramref name="bias"/>,
    /// <c>bias_ih</c> and <c>bias_hh</c> (4H), as <c>torch.nn.LSTMCell</c>.
    /// </summary>
    /// <param name="inputSize">Features per input row (I, at least 1).</param>
    /// <param name="hiddenSize">Features of the hidden state (H, at least 1).</param>
    /// <param name="bias">Whether the bias parameters exist.</param>
    /// <param name="rng">Generator for the initial weights; <see cref="Init.Generator"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/> or <paramref name="hiddenSize"/> is not positive.</exception>
    public LstmCell(int inputSize, int hiddenSize, bool bias = true, Rng? rng = null)
        : base("LSTMCell", 4, inputSize, hiddenSize, bias, rng) { }

    /// <summary>
    /// One step: input (B, I) or (I); state (B, H) each or (H) for unbatched input, zeros when omitted.
    /// Returns the new hidden and cell states.
    /// </summary>
    public LstmState Forward(Tensor input, LstmState? state = null)
    {
        var (x, unbatched) = CheckInput(input);
        int batch = x.Dim(0);
        var h = CheckState(state?.H, batch, unbatched, "hidden state", nameof(state));
        var c = CheckState(state?.C, batch, unbatched, "cell state", nameof(state));
        var (_, hn, cn) = LstmLayer.Forward(x, PackedLayout.Uniform(1, batch), false, Weights, h, c);
        return new LstmState(Output(hn, unbatched), Output(cn, unbatched));
    }
}
