using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>The final hidden state H and cell state C of an LSTM, each (numLayers·directions, B, ·).</summary>
public readonly record struct LstmState(Tensor H, Tensor C);

/// <summary>
/// A multi-layer LSTM (torch.nn.LSTM): per layer and direction
/// <c>i = σ(W_ii x + b_ii + W_hi h + b_hi)</c>, <c>f = σ(…)</c>, <c>g = tanh(…)</c>, <c>o = σ(…)</c>,
/// <c>c' = f·c + i·g</c>, <c>h' = o·tanh(c')</c>, and with <c>projSize</c> &gt; 0 <c>h' = W_hr(o·tanh(c'))</c>.
/// </summary>
/// <remarks>
/// Parameters (PyTorch's names and shapes): <c>weight_ih_l{k}</c> (4H, I or D·Hout), <c>weight_hh_l{k}</c>
/// (4H, Hout), <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (4H), <c>weight_hr_l{k}</c> (projSize, H), with
/// <c>_reverse</c> for the backward direction; gate rows in the order i, f, g, o. Initial and final states
/// are (numLayers·D, B, Hout) and (numLayers·D, B, H) in the caller's batch order, also for packed input
/// with unsorted lengths.
/// </remarks>
public sealed class Lstm : RnnBase
{
    /// <summary>
    /// Creates the layer with PyTorch's initialisation (every parameter uniform in [−1/√hiddenSize, 1/√hiddenSize));
    /// the arguments mean what they mean in <c>torch.nn.LSTM</c>.
    /// </summary>
    /// <param name="inputSize">Features per input row (I, at least 1).</param>
    /// <param name="hiddenSize">Features of the hidden state (H, at least 1).</param>
    /// <param name="numLayers">Stacked layers (at least 1); layer k &gt; 0 reads the previous layer's output.</param>
    /// <param name="bias">Whether the <c>bias_ih</c> and <c>bias_hh</c> parameters exist.</param>
    /// <param name="batchFirst">Padded input and output are (B, T, features) instead of (T, B, features); states and packed input are unaffected.</param>
    /// <param name="dropout">Probability in [0, 1] of zeroing each output element of every layer but the last (training mode only).</param>
    /// <param name="bidirectional">Add a backward direction per layer (D = 2); outputs concatenate both directions.</param>
    /// <param name="projSize">0 for none, or the size Hout (below <paramref name="hiddenSize"/>) that <c>weight_hr</c> projects each hidden state to.</param>
    /// <param name="rng">Generator for the initial weights and for dropout masks; the process-wide default when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/>, <paramref name="hiddenSize"/> or
    /// <paramref name="numLayers"/> is not positive, or <paramref name="dropout"/> is outside [0, 1], or <paramref name="projSize"/> is negative or not below <paramref name="hiddenSize"/>.</exception>
    public Lstm(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false,
        float dropout = 0f, bool bidirectional = false, int projSize = 0, Rng? rng = null)
        : base(CellKind.Lstm, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, rng)
    {
    }

    /// <summary>Runs over packed sequences; the output has the input's batch sizes and (D·Hout) features per row.</summary>
    public (PackedSequence Output, LstmState State) Forward(PackedSequence input, LstmState? initial = null)
    {
        var (y, h, c) = ForwardPacked(input, initial?.H, initial?.C);
        return (y, new LstmState(h, c!));
    }

    /// <summary>Runs over a padded (T, B, I) tensor (or (B, T, I) with batchFirst) or an unbatched (T, I) tensor; every step is computed.</summary>
    public (Tensor Output, LstmState State) Forward(Tensor input, LstmState? initial = null)
    {
        var (y, h, c) = ForwardPadded(input, initial?.H, initial?.C);
        return (y, new LstmState(h, c!));
    }
}
