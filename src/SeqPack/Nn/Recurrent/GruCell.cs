using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>One GRU step (torch.nn.GRUCell): <c>h' = GRU(x, h)</c> with gates r, z, n as in <see cref="Gru"/>.</summary>
public sealed class GruCell : RnnCellBase
{
    /// <param name="rng">Generator for the initial weights; <see cref="Init.Generator"/> when null.</param>
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
