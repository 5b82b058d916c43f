using SeqPack;
using SeqPack.IO;
using SeqPack.Nn;
using SeqPack.Optim;

namespace SeqPack.Tests.Core;

/// <summary>
/// The public names of ../shared/DESIGN.md §1, called with their documented parameter names, so that a rename
/// or a changed default breaks this file's compilation (outside checks build against exactly these names).
/// Each call also checks one observable behaviour.
/// </summary>
public class PublicSurfaceTests
{
    [Fact]
    public void TensorSurface_CompilesAndBehaves()
    {
        Tensor t = Tensor.FromArray(values: [1, 2, 3, 4, 5, 6], shape: [2, 3]);
        int[] shape = t.Shape;
        float[] values = t.ToArray();
        t.RequiresGrad = true;
        Tensor cat = Tensor.Cat(tensors: new[] { t, t }, dim: 1);
        Tensor sel = cat.Select(dim: 0, index: 1);
        Tensor mm = Tensor.MatMul(a: t.Reshape(shape: [3, -1]), b: Tensor.Zeros(shape: [2, 2]));
        sel.Sum().Backward(gradient: null);
        SeqPack.Autograd.Backward(tensors: new[] { mm.Sum() }, gradients: new[] { Tensor.FromArray([1f]).Reshape() });
        Tensor? grad = t.Grad;
        Compute.Threads = Compute.Threads;
        Assert.Equal(new[] { 2, 3 }, shape);
        Assert.Equal(6, values.Length);
        Assert.Equal(new[] { 6 }, sel.Shape);
        Assert.Equal(new[] { 0f, 0f, 0f, 2f, 2f, 2f }, grad!.ToArray());   // Select(0, 1) of Cat on dim 1 sees row 1 twice
    }

    [Fact]
    public void PackingSurface_CompilesAndBehaves()
    {
        var seqs = new[] { Tensor.FromArray([1f, 2f, 3f]), Tensor.FromArray([4f, 5f]) };
        Tensor padded = Packing.PadSequence(sequences: seqs, batchFirst: true, paddingValue: 0f, paddingSide: PaddingSide.Right);
        PackedSequence packed = Packing.PackPaddedSequence(input: padded, lengths: new[] { 3, 2 }, batchFirst: true, enforceSorted: true);
        PackedSequence packed2 = Packing.PackSequence(sequences: seqs, enforceSorted: false);
        (Tensor Padded, int[] Lengths) back = Packing.PadPackedSequence(sequence: packed, batchFirst: false, paddingValue: -1f, totalLength: 4);
        IReadOnlyList<Tensor> unpadded = Packing.UnpadSequence(padded: padded, lengths: new[] { 3, 2 }, batchFirst: true);
        IReadOnlyList<Tensor> unpacked = Packing.UnpackSequence(sequence: packed2);
        int[] inverse = Packing.InvertPermutation(permutation: new[] { 2, 0, 1 });
        Tensor data = packed.Data;
        IReadOnlyList<int> batchSizes = packed.BatchSizes;
        IReadOnlyList<int>? sorted = packed2.SortedIndices, unsorted = packed2.UnsortedIndices;
        Assert.Equal(new[] { 1f, 4f, 2f, 5f, 3f }, data.ToArray());
        Assert.Equal(new[] { 2, 2, 1 }, batchSizes);
        Assert.Equal(new[] { 4, 2 }, back.Padded.Shape);
        Assert.Equal(new[] { 3, 2 }, back.Lengths);
        Assert.Equal(new[] { 4f, 5f }, unpadded[1].ToArray());
        Assert.Equal(new[] { 4f, 5f }, unpacked[1].ToArray());
        Assert.Equal(new[] { 1, 2, 0 }, inverse);
        Assert.NotNull(sorted);
        Assert.NotNull(unsorted);
    }

    [Fact]
    public void LayerAndTrainingSurface_CompilesAndBehaves()
    {
        var lstm = new Lstm(inputSize: 3, hiddenSize: 4, numLayers: 1, bias: true, batchFirst: false, dropout: 0f, bidirectional: false, projSize: 0);
        var gru = new Gru(inputSize: 3, hiddenSize: 4, numLayers: 1, bias: true, batchFirst: false, dropout: 0f, bidirectional: false);
        var rnn = new Rnn(inputSize: 3, hiddenSize: 4, numLayers: 1, nonlinearity: RnnNonlinearity.Relu, bias: true, batchFirst: false, dropout: 0f, bidirectional: false);
        var linear = new Linear(inFeatures: 4, outFeatures: 2, bias: true);
        var packed = Packing.PackSequence([Tensor.Randn([3, 3], 1), Tensor.Randn([2, 3], 2)], enforceSorted: true);

        (PackedSequence Output, LstmState State) l = lstm.Forward(input: packed, initial: null);
        (Tensor Output, LstmState State) lp = lstm.Forward(input: Tensor.Randn([5, 2, 3], 3), initial: null);
        (PackedSequence Output, Tensor H) g = gru.Forward(input: packed, h0: null);
        (Tensor Output, Tensor H) r = rnn.Forward(input: Tensor.Randn([5, 2, 3], 4), h0: null);
        Tensor logits = linear.Forward(input: l.State.H.Select(0, 0));
        Tensor loss = Losses.CrossEntropy(logits: logits, targets: new[] { 0, 1 }, ignoreIndex: -100, reduction: Reduction.Mean);

        var parameters = lstm.NamedParameters().Select(p => p.Parameter).Concat(linear.Parameters()).ToList();
        Optimizer opt = new Adam(parameters: parameters, lr: 1e-3f, beta1: 0.9f, beta2: 0.999f, eps: 1e-8f, weightDecay: 0f);
        _ = new AdamW(parameters: parameters, lr: 1e-3f, beta1: 0.9f, beta2: 0.999f, eps: 1e-8f, weightDecay: 0.01f);
        _ = new Sgd(parameters: parameters, lr: 0.1f, momentum: 0f, weightDecay: 0f, nesterov: false);
        opt.ZeroGrad();
        loss.Backward();
        float norm = GradClip.ClipGradNorm(parameters: parameters, maxNorm: 1f);
        opt.Step();

        Dictionary<string, Tensor> state = lstm.StateDict();
        lstm.LoadStateDict(state: state, strict: true);
        lstm.Eval();
        Assert.False(lstm.Training);
        lstm.Train(on: true);
        Assert.True(lstm.Training);
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" }, state.Keys);
        Assert.Equal(new[] { 5, 4 }, l.Output.Data.Shape);
        Assert.Equal(new[] { 5, 2, 4 }, lp.Output.Shape);
        Assert.Equal(new[] { 1, 2, 4 }, g.H.Shape);
        Assert.Equal(new[] { 5, 2, 4 }, r.Output.Shape);
        Assert.True(norm > 0f);

        var path = Path.Combine(Path.GetTempPath(), $"seqpack-surface-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path: path, tensors: state);
            Dictionary<string, Tensor> loaded = SafeTensors.Load(path: path);
            Assert.Equal(state["weight_hh_l0"].ToArray(), loaded["weight_hh_l0"].ToArray());
        }
        finally { File.Delete(path); }
    }
}
