using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>One Elman RNN step (torch.nn.RNNCell): <c>h' = act(W_ih x + b_ih + W_hh h + b_hh)</c>.</summary>
public sealed class RnnCell : RnnCellBase
{
    /// <summary>The activation.</summary>
    public RnnNonlinearity Nonlinearity { get; }

    /// <summary>
    /// Creates the cell with PyTorch's initialisation (every parameter uniform in [−1/√hiddenSize, 1/√hiddenSize)):
    /// <c>weight_ih</c> (H, inputSize), <c>weight_hh</c> (H, hiddenSize) and, with <paramref name="bias"/>,
    /// <c>bias_ih</c> and <c>bias_hh</c> (H), as <c>torch.nn.RNNCell</c>.
    /// </summary>
    /// <param name="inputSize">Features per input row (I, at least 1).</param>
    /// <param name="hiddenSize">Features of the hidden state (H, at least 1).</param>
    /// <param name="bias">Whether the bias parameters exist.</param>
    /// <param name="nonlinearity">The activation: <see cref="RnnNonlinearity.Tanh"/> (default) or <see cref="RnnNonlinearity.Relu"/>.</param>
    /// <param name="rng">Generator for the initial weights; <see cref="Init.Generator"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/> or <paramref name="hiddenSize"/> is not positive, or <paramref name="nonlinearity"/> is not a defined value.</exception>
    public RnnCell(int inputSize, int hiddenSize, bool bias = true, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh, Rng? rng = null)
        : base("RNNCell", 1, inputSize, hiddenSize, bias, rng)
    {
        if (nonlinearity is not (RnnNonlinearity.Tanh or RnnNonlinearity.Relu))
            throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "RNNCell: nonlinearity must be Tanh or Relu.");
        Nonlinearity = nonlinearity;
    }

    /// <summary>One step: input (B, I) or (I); h (B, H) or (H), zeros when omitted. Returns the new hidden state.</summary>
    public Tensor Forward(Tensor input, Tensor? h = null)
    {
        var (x, unbatched) = CheckInput(input);
        int batch = x.Dim(0);
        var (_, hn) = RnnLayer.Forward(x, PackedLayout.Uniform(1, batch), false, Nonlinearity == RnnNonlinearity.Relu, Weights,
            CheckState(h, batch, unbatched, "hidden state", nameof(h)));
        return Output(hn, unbatched);
    }
}
