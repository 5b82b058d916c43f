using SeqPack.Nn;
using SeqPack.Nn.Recurrent;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// Properties of the fused time loops that outputs alone cannot show: packed input costs exactly the sum of
/// the lengths in rows, padded input exactly T × B, and the loops allocate nothing per step.
/// </summary>
/// <remarks>
/// In the collection of tests that change <see cref="SeqPack.Compute.Threads"/>: the allocation checks run
/// a loop once to warm up and then count the bytes of a second run, and a thread count changed by another test
/// in between could make the second run grow the worker pool (an allocation the loops themselves never make).
/// </remarks>
[Collection(nameof(SeqPack.Tests.Kernels.GemmDriverCollection))]
public class RecurrentKernelTests
{
    [Fact]
    public void PackedInput_ProcessesExactlySumOfLengthsRows_PerLayerDirectionAndPass()
    {
        int[] lengths = [3, 9, 1, 4];
        int tokens = lengths.Sum();
        var x = Tensor.Randn([9, 4, 5], 1);
        x.RequiresGrad = true;
        var packed = Packing.PackPaddedSequence(x, lengths, enforceSorted: false);

        long before = LayerMath.RowsProcessed;
        var (o, s) = new Lstm(5, 6, numLayers: 2, bidirectional: true).Forward(packed);
        Assert.Equal(4L * tokens, LayerMath.RowsProcessed - before);   // 2 layers × 2 directions
        before = LayerMath.RowsProcessed;
        o.Data.Sum().Backward();
        Assert.Equal(4L * tokens, LayerMath.RowsProcessed - before);

        before = LayerMath.RowsProcessed;
        new Gru(5, 6).Forward(packed);
        new Rnn(5, 6).Forward(packed);
        Assert.Equal(2L * tokens, LayerMath.RowsProcessed - before);

        before = LayerMath.RowsProcessed;
        new Lstm(5, 6).Forward(x);   // padded: every step of every sequence, as PyTorch computes it
        Assert.Equal(9L * 4, LayerMath.RowsProcessed - before);
    }

    private static PackedLayout Layout(int longest) =>
        PackedLayout.FromBatchSizes(Enumerable.Range(0, longest).Select(t => t < 2 ? 5 : t < longest / 2 ? 3 : 1).ToArray());

    /// <summary>Bytes allocated on this thread by <paramref name="action"/>, after one warm-up run.</summary>
    private static long Allocated(Action action)
    {
        action();
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void LstmTimeLoops_AllocateNothing_WhateverTheSequenceLength(int projSize)
    {
        const int input = 5, hidden = 70;   // two gate slices
        int hOut = projSize == 0 ? hidden : projSize;
        var w = new LayerWeights(Tensor.Randn([4 * hidden, input], 1), Tensor.Randn([4 * hidden, hOut], 2), null, null,
            projSize == 0 ? null : Tensor.Randn([projSize, hidden], 3));
        long BytesFor(int longest)
        {
            var layout = Layout(longest);
            var b = new LstmLayer.Buffers(layout.Rows, layout.Batch, w, recorded: false);
            var packed = LstmLoops.PackForward(b);
            var proj = projSize == 0 ? null : new SeqPack.Kernels.PackedMatrix(w.WHr!.Data, hidden, true, hidden, hOut);
            var projBack = projSize == 0 ? null : new SeqPack.Kernels.PackedMatrix(w.WHr!.Data, hidden, false, hOut, hidden);
            var (whh, group) = LstmLoops.PackBackward(b, projection: projSize > 0);
            var d = new LstmLoops.GradBuffers(b.Gates, layout.Rows, layout.Batch, hidden, hOut, projSize > 0);
            var dy = new float[layout.Rows * hOut];
            var bias = new float[4 * hidden];   // the cell kernel adds the biases: that path allocates nothing either
            return Allocated(() =>
            {
                LstmLoops.Forward(layout, reverse: false, b, bias, packed, proj);
                LstmLoops.Backward(layout, reverse: true, dy, b, d, whh, group, projBack);
            });
        }
        Assert.Equal(0, BytesFor(8));
        Assert.Equal(0, BytesFor(40));
    }

    [Fact]
    public void GruAndRnnTimeLoops_AllocateNothing_WhateverTheSequenceLength()
    {
        const int input = 5, hidden = 9;
        var gw = new LayerWeights(Tensor.Randn([3 * hidden, input], 1), Tensor.Randn([3 * hidden, hidden], 2), Tensor.Randn([3 * hidden], 3), Tensor.Randn([3 * hidden], 4));
        var rw = new LayerWeights(Tensor.Randn([hidden, input], 5), Tensor.Randn([hidden, hidden], 6), null, null);
        foreach (int longest in new[] { 8, 40 })
        {
            var layout = Layout(longest);
            var gb = new GruLayer.Buffers(layout.Rows, layout.Batch, input, hidden, recorded: false);
            var gd = new GruLayer.GradBuffers(gb.Gates, layout.Rows, layout.Batch, hidden);
            var rb = new RnnLayer.Buffers(layout.Rows, layout.Batch, input, hidden, relu: false, recorded: false);
            var dPre = new float[layout.Rows * hidden];
            var dState = new float[layout.Batch * hidden];
            var scratch = new float[layout.Batch * hidden];
            var gT = new SeqPack.Kernels.PackedMatrix(gw.WHh.Data, hidden, true, hidden, 3 * hidden);
            var g = new SeqPack.Kernels.PackedMatrix(gw.WHh.Data, hidden, false, 3 * hidden, hidden);
            var rT = new SeqPack.Kernels.PackedMatrix(rw.WHh.Data, hidden, true, hidden, hidden);
            var r = new SeqPack.Kernels.PackedMatrix(rw.WHh.Data, hidden, false, hidden, hidden);
            Assert.Equal(0, Allocated(() =>
            {
                GruLayer.ForwardLoop(layout, false, gT, gw.BHh!.Data.AsMemory(2 * hidden), gb);
                GruLayer.BackwardLoop(layout, false, g, default, gb, gd);
                RnnLayer.ForwardLoop(layout, true, rT, rb);
                RnnLayer.BackwardLoop(layout, true, r, default, rb, dPre, dState, scratch);
            }));
        }
    }
}
