using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>One GRU step (torch.nn.GRUCell): <c>h' = GRU(x, h)</c> with gates r, z, n as in <see cref="Gru"/>.</summary>
public sealed class GruCell : RnnCellBase
{
    /// <summary>
    /// Creates the cell with PyTorch's initialisation (every parameter uniform in [−1/√hiddenSize, 1/√hiddenSize)):
    /// <c>weight_ih</c> (3H, inputSize), <c>weight_hh</c> (3H, hiddenSize) and, with <paramref name="bias"/>,
    /// <c>bias_ih</c> and <c>bias_hh</c> (3H), as <c>torch.nn.GRUCell</c>.
    /// </summary>
    /// <param name="inputSize">Features per input row (I, at least 1).</param>
    /// <param name="hiddenSize">Features of the hidden state (H, at least 1).</param>
    /// <param name="bias">Whether the bias parameters exist.</param>
    /// <param name="rng">Generator for the initial weights; <see cref="Init.Generator"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/> or <paramref name="hiddenSize"/> is not positive.</exception>
    public GruCell(int inputSize, int hiddenSize, bool bias = true, Rng? rng = null)
        : base("GRUCell", 3, inputSize, hiddenSize, bias, rng) { }

    /// <summary>One step: input (B, I) or (I); h (B, H) or (H), zeros when omitted. Returns the new hidden state.</summary>
    public Tensor Forward(Tensor input, Tensor? h = null)
    {
        var (x, unbatched) = CheckInput(input);
        int batch = x.Dim(0);
        var (_, hn) = GruLayer.Forward(x, PackedLayout.Uniform(1, batch), false, Weights, CheckState(h, batch, unbatched, "hidden state", nameof(h)));
        return Output(hn, unbatched);
    }
}
