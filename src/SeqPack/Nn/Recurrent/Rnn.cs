using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>The nonlinearity of an Elman <see cref="Rnn"/>.</summary>
public enum RnnNonlinearity
{
    /// <summary><c>tanh</c>, PyTorch's default (<c>nonlinearity='tanh'</c>).</summary>
    Tanh,

    /// <summary><c>max(0, x)</c> (<c>nonlinearity='relu'</c>).</summary>
    Relu,
}

/// <summary>
/// A multi-layer Elman RNN (torch.nn.RNN): per layer and direction <c>h' = act(W_ih x + b_ih + W_hh h + b_hh)</c>
/// with act = tanh or relu.
/// </summary>
/// <remarks>
/// Parameters (PyTorch's names and shapes): <c>weight_ih_l{k}</c> (H, I or D·H), <c>weight_hh_l{k}</c> (H, H),
/// <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (H), <c>_reverse</c> for the backward direction. States are
/// (numLayers·D, B, H) in the caller's batch order.
/// </remarks>
public sealed class Rnn : RnnBase
{
    /// <summary>The activation applied at every step.</summary>
    public RnnNonlinearity Nonlinearity { get; }

    /// <summary>
    /// Creates the layer with PyTorch's initialisation (every parameter uniform in [−1/√hiddenSize, 1/√hiddenSize));
    /// the arguments mean what they mean in <c>torch.nn.RNN</c>.
    /// </summary>
    /// <param name="inputSize">Features per input row (I, at least 1).</param>
    /// <param name="hiddenSize">Features of the hidden state (H, at least 1).</param>
    /// <param name="numLayers">Stacked layers (at least 1); layer k &gt; 0 reads the previous layer's output.</param>
    /// <param name="nonlinearity">The activation: <see cref="RnnNonlinearity.Tanh"/> (default) or <see cref="RnnNonlinearity.Relu"/>.</param>
    /// <param name="bias">Whether the <c>bias_ih</c> and <c>bias_hh</c> parameters exist.</param>
    /// <param name="batchFirst">Padded input and output are (B, T, features) instead of (T, B, features); states and packed input are unaffected.</param>
    /// <param name="dropout">Probability in [0, 1] of zeroing each output element of every layer but the last (training mode only).</param>
    /// <param name="bidirectional">Add a backward direction per layer (D = 2); outputs concatenate both directions.</param>
    /// <param name="rng">Generator for the initial weights and for dropout masks; the process-wide default when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/>, <paramref name="hiddenSize"/> or
    /// <paramref name="numLayers"/> is not positive, or <paramref name="dropout"/> is outside [0, 1], or <paramref name="nonlinearity"/> is not a defined value.</exception>
    public Rnn(int inputSize, int hiddenSize, int numLayers = 1, RnnNonlinearity nonlinearity = RnnNonlinearity.Tanh,
        bool bias = true, bool batchFirst = false, float dropout = 0f, bool bidirectional = false, Rng? rng = null)
        : base(CheckedKind(nonlinearity), inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, 0, rng)
    {
        Nonlinearity = nonlinearity;
    }

    private static CellKind CheckedKind(RnnNonlinearity nonlinearity) => nonlinearity switch
    {
        RnnNonlinearity.Tanh => CellKind.RnnTanh,
        RnnNonlinearity.Relu => CellKind.RnnRelu,
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "RNN: nonlinearity must be Tanh or Relu."),
    };

    /// <summary>Runs over packed sequences; returns the packed output (D·H features per row) and the final hidden state.</summary>
    public (PackedSequence Output, Tensor H) Forward(PackedSequence input, Tensor? h0 = null)
    {
        var (y, h, _) = ForwardPacked(input, h0, null);
        return (y, h);
    }

    /// <summary>Runs over a padded (T, B, I) tensor (or (B, T, I) with batchFirst) or an unbatched (T, I) tensor; every step is computed.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0 = null)
    {
        var (y, h, _) = ForwardPadded(input, h0, null);
        return (y, h);
    }
}
