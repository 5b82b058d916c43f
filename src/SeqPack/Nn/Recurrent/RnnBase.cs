using SeqPack.Nn.Recurrent;

namespace SeqPack.Nn;

/// <summary>
/// What <see cref="Rnn"/>, <see cref="Lstm"/> and <see cref="Gru"/> share (PyTorch's <c>RNNBase</c>): the
/// parameters with PyTorch's names and order, their initialisation, argument checks, and running the stack of
/// layers over packed, padded or unbatched input.
/// </summary>
/// <remarks>
/// Every input form is reduced to time-major rows with a <c>PackedLayout</c>: packed data as it is, a padded
/// (T, B, I) tensor as T steps of B rows (every step computed, as PyTorch does), an unbatched (T, I) tensor as
/// T steps of one row. Each layer and direction then runs as one fused autograd node
/// (see <c>LstmLayer</c>, <c>GruLayer</c>, <c>RnnLayer</c>); the directions' outputs are concatenated along
/// features and, in training mode, dropout is applied between layers (not after the last).
/// </remarks>
public abstract class RnnBase : Module
{
    private readonly LayerWeights[] weights;
    private readonly Rng? rng;
    private readonly Rng dropoutRng;
    private readonly CellKind kind;

    /// <summary>Features of each input row.</summary>
    public int InputSize { get; }
    /// <summary>Features of the hidden (and, for LSTM, cell) state.</summary>
    public int HiddenSize { get; }
    /// <summary>Number of stacked layers.</summary>
    public int NumLayers { get; }
    /// <summary>Whether the layers have the biases b_ih and b_hh.</summary>
    public bool Bias { get; }
    /// <summary>Whether padded input and output are (B, T, features) instead of (T, B, features).</summary>
    public bool BatchFirst { get; }
    /// <summary>Probability of zeroing each output element of every layer except the last, in training mode.</summary>
    public float Dropout { get; }
    /// <summary>Whether each layer also runs backwards in time; outputs then have 2·Hout features.</summary>
    public bool Bidirectional { get; }
    /// <summary>LSTM projection size (0: none). The hidden state and the output then have this many features.</summary>
    public int ProjSize { get; }

    private int Directions => Bidirectional ? 2 : 1;

    /// <summary>The recurrence every layer runs (for exporters).</summary>
    internal CellKind Kind => kind;

    /// <summary>The parameters of one layer and direction (0 forward, 1 reverse), for exporters.</summary>
    internal LayerWeights WeightsOf(int layer, int direction) => weights[layer * Directions + direction];
    private int HOut => ProjSize > 0 ? ProjSize : HiddenSize;

    private protected RnnBase(CellKind kind, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst,
        float dropout, bool bidirectional, int projSize, Rng? rng)
    {
        string name = kind.Name();
        if (inputSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, $"{name}: inputSize must be positive.");
        if (hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(hiddenSize), hiddenSize, $"{name}: hiddenSize must be positive.");
        if (numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(numLayers), numLayers, $"{name}: numLayers must be positive.");
        if (!(dropout >= 0f && dropout <= 1f))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout,
                $"{name}: dropout must be a probability in [0, 1] (the chance of zeroing each element between layers).");
        if (projSize < 0)
            throw new ArgumentOutOfRangeException(nameof(projSize), projSize, $"{name}: projSize must be 0 (no projection) or positive.");
        if (projSize >= hiddenSize && projSize > 0)
            throw new ArgumentOutOfRangeException(nameof(projSize), projSize,
                $"{name}: projSize ({projSize}) must be smaller than hiddenSize ({hiddenSize}); use 0 for no projection.");
        long hOut = projSize > 0 ? projSize : hiddenSize, dirs = bidirectional ? 2 : 1, gates = kind.Gates();
        ParameterSizes.CheckMatrix(name, nameof(hiddenSize), hiddenSize, gates * hiddenSize, Math.Max(hOut * dirs, hiddenSize));
        ParameterSizes.CheckMatrix(name, nameof(inputSize), inputSize, gates * hiddenSize, inputSize);
        double perDirection = gates * hiddenSize * (hOut * dirs + hOut + (bias ? 2 : 0)) + (projSize > 0 ? hOut * hiddenSize : 0);
        ParameterSizes.CheckTotal(name, nameof(numLayers), numLayers,
            dirs * ((double)gates * hiddenSize * (inputSize - hOut * dirs) + numLayers * perDirection));
        if (dropout > 0f && numLayers == 1)
            Warnings.Warn($"{name}: dropout ({dropout}) applies between layers only, so with numLayers = 1 it has no effect " +
                "(PyTorch gives the same warning); use numLayers > 1 or drop the option.");

        this.kind = kind;
        this.rng = rng;
        if (rng is null) { var g = Init.Generator; lock (g) dropoutRng = new Rng(g.NextUInt64()); }
        else dropoutRng = rng;
        InputSize = inputSize; HiddenSize = hiddenSize; NumLayers = numLayers; Bias = bias; BatchFirst = batchFirst;
        Dropout = dropout; Bidirectional = bidirectional; ProjSize = projSize;

        // PyTorch's registration order: for each layer, for each direction: w_ih, w_hh, b_ih, b_hh, w_hr.
        int gateRows = kind.Gates() * hiddenSize;
        weights = new LayerWeights[numLayers * Directions];
        for (int layer = 0; layer < numLayers; layer++)
            for (int dir = 0; dir < Directions; dir++)
            {
                string suffix = $"_l{layer}" + (dir == 1 ? "_reverse" : "");
                int layerInput = layer == 0 ? inputSize : HOut * Directions;
                var wIh = RegisterParameter("weight_ih" + suffix, Tensor.Zeros(gateRows, layerInput));
                var wHh = RegisterParameter("weight_hh" + suffix, Tensor.Zeros(gateRows, HOut));
                Tensor? bIh = bias ? RegisterParameter("bias_ih" + suffix, Tensor.Zeros(gateRows)) : null;
                Tensor? bHh = bias ? RegisterParameter("bias_hh" + suffix, Tensor.Zeros(gateRows)) : null;
                Tensor? wHr = projSize > 0 ? RegisterParameter("weight_hr" + suffix, Tensor.Zeros(projSize, hiddenSize)) : null;
                weights[layer * Directions + dir] = new LayerWeights(wIh, wHh, bIh, bHh, wHr);
            }
        ResetParameters();
    }

    /// <summary>
    /// PyTorch's default initialisation: every parameter uniform in [−1/√hiddenSize, 1/√hiddenSize), drawn in
    /// registration order from the generator given to the constructor (or <see cref="Init.Generator"/>).
    /// </summary>
    public void ResetParameters()
    {
        float bound = 1f / MathF.Sqrt(HiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, bound, rng);
    }

    /// <summary>Runs the stack over packed input; <paramref name="h0"/>/<paramref name="c0"/> are in the caller's batch order.</summary>
    private protected (PackedSequence Output, Tensor H, Tensor? C) ForwardPacked(PackedSequence input, Tensor? h0, Tensor? c0)
    {
        ArgumentNullException.ThrowIfNull(input);
        var data = input.Data;
        if (data.Rank != 2 || data.Dim(1) != InputSize)
            throw new ArgumentException(
                $"{kind.Name()}: packed input data has shape {Shapes.Format(data.ShapeSpan)}; expected (sum of lengths, {InputSize}) for inputSize {InputSize}.", nameof(input));
        var layout = input.Layout;
        int batch = layout.Batch;
        CheckStates(h0, c0, batch, batched: true);
        var sorted = input.SortedIndexArray;
        if (sorted is not null)
        {
            if (h0 is not null) h0 = Packing.ApplyPermutation(h0, sorted);
            if (c0 is not null) c0 = Packing.ApplyPermutation(c0, sorted);
        }
        var (y, h, c) = RunRows(data, layout, h0, c0, input.Share);
        var unsorted = input.UnsortedIndexArray;
        if (unsorted is not null)
        {
            h = Packing.ApplyPermutation(h, unsorted);
            if (c is not null) c = Packing.ApplyPermutation(c, unsorted);
        }
        return (input.WithData(y), h, c);
    }

    /// <summary>Runs the stack over a padded 3-D or an unbatched 2-D tensor.</summary>
    private protected (Tensor Output, Tensor H, Tensor? C) ForwardPadded(Tensor input, Tensor? h0, Tensor? c0)
    {
        ArgumentNullException.ThrowIfNull(input);
        string name = kind.Name();
        if (input.Rank == 2)
        {
            // Unbatched (T, I): a batch of one; states are (L·D, features) without the batch dimension.
            if (input.Dim(1) != InputSize)
                throw new ArgumentException($"{name}: unbatched input has shape {Shapes.Format(input.ShapeSpan)}; expected (T, {InputSize}) for inputSize {InputSize}.", nameof(input));
            CheckStates(h0, c0, 1, batched: false);
            int steps = input.Dim(0);
            if (steps == 0) throw new ArgumentException($"{name}: the input has no time steps.", nameof(input));
            var (y1, h1, c1) = RunRows(input, PackedLayout.Uniform(steps, 1),
                h0?.Reshape(h0.Dim(0), 1, h0.Dim(1)), c0?.Reshape(c0.Dim(0), 1, c0.Dim(1)));
            return (y1, h1.Reshape(h1.Dim(0), h1.Dim(2)), c1?.Reshape(c1.Dim(0), c1.Dim(2)));
        }
        if (input.Rank != 3)
            throw new ArgumentException($"{name}: input has shape {Shapes.Format(input.ShapeSpan)}; expected {(BatchFirst ? "(B, T, I)" : "(T, B, I)")}, an unbatched (T, I) tensor, or a PackedSequence.", nameof(input));
        if (input.Dim(2) != InputSize)
            throw new ArgumentException($"{name}: input has {input.Dim(2)} features (shape {Shapes.Format(input.ShapeSpan)}) but inputSize is {InputSize}.", nameof(input));
        var timeMajor = BatchFirst ? input.Transpose(0, 1) : input;
        int t = timeMajor.Dim(0), b = timeMajor.Dim(1);
        if (t == 0 || b == 0) throw new ArgumentException($"{name}: input of shape {Shapes.Format(input.ShapeSpan)} is empty.", nameof(input));
        CheckStates(h0, c0, b, batched: true);
        var (y, h, c) = RunRows(timeMajor.Reshape(t * b, InputSize), PackedLayout.Uniform(t, b), h0, c0);
        var output = y.Reshape(t, b, y.Dim(1));
        return (BatchFirst ? output.Transpose(0, 1) : output, h, c);
    }

    private void CheckStates(Tensor? h0, Tensor? c0, int batch, bool batched)
    {
        int layers = NumLayers * Directions;
        int[] hShape = batched ? [layers, batch, HOut] : [layers, HOut];
        int[] cShape = batched ? [layers, batch, HiddenSize] : [layers, HiddenSize];
        string name = kind.Name();
        if (h0 is not null && !Shapes.Equal(h0.ShapeSpan, hShape))
            throw new ArgumentException(
                $"{name}: the initial hidden state has shape {Shapes.Format(h0.ShapeSpan)}; expected {Shapes.Format(hShape)} " +
                $"(numLayers·directions, {(batched ? "batch, " : "")}{(ProjSize > 0 ? "projSize" : "hiddenSize")}).", kind == CellKind.Lstm ? "initial" : "h0");
        if (c0 is not null && !Shapes.Equal(c0.ShapeSpan, cShape))
            throw new ArgumentException(
                $"{name}: the initial cell state has shape {Shapes.Format(c0.ShapeSpan)}; expected {Shapes.Format(cShape)} " +
                $"(numLayers·directions, {(batched ? "batch, " : "")}hiddenSize).", "initial");
    }

    /// <summary>
    /// The stack over rows: x (N, I) in <paramref name="layout"/>, states (L·D, B, ·) in row order. Returns
    /// the last layer's output (N, D·Hout) and the final states (L·D, B, ·). With <paramref name="share"/> the rows
    /// are a rank's share of a global batch, and dropout between layers cuts the global batch's masks to them.
    /// </summary>
    private (Tensor Y, Tensor H, Tensor? C) RunRows(Tensor x, PackedLayout layout, Tensor? h0, Tensor? c0, ShareRows? share = null)
    {
        int d = Directions;
        var hs = new Tensor[NumLayers * d];
        var cs = kind == CellKind.Lstm ? new Tensor[NumLayers * d] : null;
        var input = x;
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outs = new Tensor[d];
            for (int dir = 0; dir < d; dir++)
            {
                int k = layer * d + dir;
                var w = weights[k];
                var h0k = h0?.Select(0, k);
                bool reverse = dir == 1;
                switch (kind)
                {
                    case CellKind.Lstm:
                        (outs[dir], hs[k], cs![k]) = LstmLayer.Forward(input, layout, reverse, w, h0k, c0?.Select(0, k));
                        break;
                    case CellKind.Gru:
                        (outs[dir], hs[k]) = GruLayer.Forward(input, layout, reverse, w, h0k);
                        break;
                    default:
                        (outs[dir], hs[k]) = RnnLayer.Forward(input, layout, reverse, kind == CellKind.RnnRelu, w, h0k);
                        break;
                }
            }
            // Intermediate results nothing else holds (inference) go straight to the next layer's allocations.
            if (layer > 0) input.Recycle();
            input = d == 1 ? outs[0] : Tensor.Cat(outs, 1);
            if (d > 1) foreach (var o in outs) o.Recycle();
            if (Training && Dropout > 0f && layer < NumLayers - 1)
            {
                var dropped = Nn.Dropout.Apply(input, Dropout, dropoutRng, share);
                if (!ReferenceEquals(dropped, input)) input.Recycle();
                input = dropped;
            }
        }
        return (input, Tensor.Stack(hs, 0), cs is null ? null : Tensor.Stack(cs, 0));
    }
}
