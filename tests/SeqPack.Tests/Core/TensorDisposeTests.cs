using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SeqPack.Models;
using SeqPack.Nn;

namespace SeqPack.Tests.Core;

/// <summary>
/// <see cref="Tensor.Dispose"/>: a disposed result's buffer goes to the next result of its size, and only when
/// nothing else can still read it (views, recorded graphs, gradient seeds); a disposed tensor refuses to be used.
/// Each test uses its own result sizes, above the pool's minimum for tensors (85,000 bytes), so that tests running in parallel never
/// exchange buffers.
/// </summary>
public class TensorDisposeTests
{
    private static Tensor Product(int m, int n, ulong seed, int k = 37) =>
        Tensor.MatMul(Tensor.Randn(new Rng(seed), m, k), Tensor.Randn(new Rng(seed + 1), k, n));

    [Fact]
    public void DisposedResult_BufferGoesToTheNextResultOfItsSize_WithTheRightValues()
    {
        var first = Product(191, 149, 1);
        var buffer = first.Data;
        first.Dispose();
        var a = Tensor.Randn(new Rng(5), 191, 37);
        var b = Tensor.Randn(new Rng(6), 37, 149);
        var second = Tensor.MatMul(a, b);
        Assert.Same(buffer, second.Data);
        // Written over the first product's values: the same bits as the product into a fresh destination.
        var expected = Tensor.MatMul(a, b, Tensor.Zeros(191, 149));
        Assert.True(expected.AsSpan().SequenceEqual(second.AsSpan()));
    }

    [Fact]
    public void DisposedTensor_RefusesUse_NamingItsShape_ButStillDescribesItself()
    {
        var t = Product(3, 5, 2);
        t.Dispose();
        t.Dispose();   // twice is harmless
        Assert.True(t.IsDisposed);
        Assert.Equal([3, 5], t.Shape);
        Assert.Equal(2, t.Rank);
        Assert.Equal("tensor(disposed, shape (3, 5))", t.ToString());
        var ex = Assert.Throws<ObjectDisposedException>(() => t.Size);
        Assert.Contains("(3, 5)", ex.Message);
        Assert.Throws<ObjectDisposedException>(() => t.AsSpan().Length);
        Assert.Throws<ObjectDisposedException>(() => t.ToArray());
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
        Assert.Throws<ObjectDisposedException>(() => Tensor.MatMul(t, Tensor.Zeros(5, 2)));
    }

    [Fact]
    public void ViewsOfADisposedResult_KeepTheirValues_AndItsBufferIsNotReused()
    {
        var r = Product(149, 151, 3);
        var reshaped = r.Reshape(151, 149);
        var detached = r.Detach();
        var values = r.ToArray();
        var buffer = r.Data;
        r.Dispose();
        var next = Product(149, 151, 4);
        Assert.NotSame(buffer, next.Data);
        Assert.Equal(values, reshaped.ToArray());
        Assert.Equal(values, detached.ToArray());
        // Disposing a view hands nothing on either: the other view still reads the buffer.
        reshaped.Dispose();
        Assert.NotSame(buffer, Product(149, 151, 5).Data);
        Assert.Equal(values, detached.ToArray());
    }

    [Fact]
    public void InputOfARecordedOperation_DisposedBeforeBackward_KeepsItsBufferForTheGradient()
    {
        var x = Product(557, 41, 6);                               // a result, no gradient
        var w = Tensor.Randn(new Rng(8), 41, 113);
        w.RequiresGrad = true;
        var expectedGrad = Tensor.MatMul(x.Transpose(0, 1), Tensor.Ones(557, 113));   // d(sum(x·w))/dw = xᵀ·1
        var loss = Tensor.MatMul(x, w).Sum();
        var buffer = x.Data;
        x.Dispose();
        var next = Product(557, 41, 9);                            // same size: must not receive x's buffer
        Assert.NotSame(buffer, next.Data);
        loss.Backward();
        Assert.True(expectedGrad.AsSpan().SequenceEqual(w.Grad!.AsSpan()));
    }

    [Fact]
    public void RecordedResult_Disposed_DoesNotHandItsBufferOn()
    {
        var a = Tensor.Randn(new Rng(10), 263, 29);
        a.RequiresGrad = true;
        var y = Tensor.MatMul(a, Tensor.Randn(new Rng(11), 29, 107));
        var buffer = y.Data;
        y.Dispose();
        Assert.NotSame(buffer, Product(263, 107, 12, k: 29).Data);
    }

    [Fact]
    public void GradientSeedThroughAReshape_Disposed_DoesNotHandOnTheBufferTheLeafGradientShares()
    {
        var leaf = Tensor.Randn(new Rng(13), 167, 131);
        leaf.RequiresGrad = true;
        var y = leaf.Reshape(131, 167);
        var seed = Product(131, 167, 14);
        var seedValues = seed.ToArray();
        Autograd.Backward([y], [seed]);
        var buffer = seed.Data;
        seed.Dispose();
        Assert.NotSame(buffer, Product(131, 167, 15).Data);
        Assert.Equal(seedValues, leaf.Grad!.ToArray());
    }

    [Fact]
    public void DisposingAPackedSequence_DisposesItsData()
    {
        var padded = Tensor.Randn(new Rng(16), 3, 5, 2);
        var packed = Packing.PackPaddedSequence(padded, [5, 3, 2], batchFirst: true);
        packed.Dispose();
        Assert.True(packed.Data.IsDisposed);
    }

    [Fact]
    public void ResultBufferUnusedThroughTwoFullCollections_IsDropped()
    {
        var r = Product(223, 103, 17);
        var buffer = r.Data;
        r.Dispose();
        GC.Collect();
        GC.Collect();
        Assert.NotSame(buffer, Product(223, 103, 18).Data);
    }

    /// <summary>
    /// Inference that disposes each batch's results (whose buffers the next batch's layers then write over, and
    /// which a two-layer bidirectional stack also recycles internally between layers) gives the same bits as the
    /// same forward pass recording a graph, where nothing is reused.
    /// </summary>
    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void InferenceDisposingEachBatch_GivesTheBitsOfTheRecordedForward(string cell)
    {
        var rng = new Rng(19);
        Module net = cell switch
        {
            "lstm" => new Lstm(24, 96, numLayers: 2, batchFirst: true, bidirectional: true, rng: rng),
            "gru" => new Gru(24, 96, numLayers: 2, batchFirst: true, bidirectional: true, rng: rng),
            _ => new Rnn(24, 96, numLayers: 2, batchFirst: true, bidirectional: true, rng: rng),
        };
        PackedSequence Run(PackedSequence p) => net switch
        {
            Lstm l => l.Forward(p).Output,
            Gru g => g.Forward(p).Output,
            _ => ((Rnn)net).Forward(p).Output,
        };
        for (int batch = 0; batch < 3; batch++)
        {
            var x = Tensor.Randn(new Rng(20 + (ulong)batch), 6, 90, 24);
            int[] lengths = [90, 77, 64, 50, 33, 12];
            float[] expected;
            {
                var recorded = Run(Packing.PackPaddedSequence(x, lengths, batchFirst: true, enforceSorted: false));
                Assert.False(recorded.Data.IsLeaf);
                expected = recorded.Data.ToArray();
            }
            for (int repeat = 0; repeat < 2; repeat++)
            {
                using var _ = Autograd.NoGrad();
                using var packed = Packing.PackPaddedSequence(x, lengths, batchFirst: true, enforceSorted: false);
                using var output = Run(packed);
                Assert.True(expected.AsSpan().SequenceEqual(output.Data.AsSpan()), $"{cell}, batch {batch}, repeat {repeat}");
            }
        }
    }

    /// <summary>
    /// The classifier and the tagger recycle their embeddings and recurrent outputs during inference: batch after
    /// batch, over buffers a previous batch wrote, they give the bits of the same forward pass recording a graph.
    /// </summary>
    [Fact]
    public void ModelInferenceOverRecycledBuffers_GivesTheBitsOfTheRecordedForward()
    {
        var classifier = new SequenceClassifier(300, 3, embeddingDim: 160, hiddenSize: 96, numLayers: 2, seed: 21,
            pooling: ClassifierPooling.FinalStateAndMax);
        var tagger = new SequenceTagger(300, 5, embeddingDim: 160, hiddenSize: 96, numLayers: 2, seed: 22);
        classifier.Eval();
        tagger.Eval();
        var rng = new Rng(23);
        var batches = Enumerable.Range(0, 3).Select(b => Enumerable.Range(0, 24)
            .Select(i => Enumerable.Range(0, 40 + (i * 37 + b * 11) % 90).Select(_ => rng.NextInt(300)).ToArray()).ToArray()).ToArray();
        var expected = batches.Select(b => (classifier.Forward(b).ToArray(), tagger.Forward(b).Logits.ToArray())).ToArray();
        Assert.False(classifier.Forward(batches[0]).IsLeaf);   // the reference recorded a graph: nothing was recycled
        using var _ = Autograd.NoGrad();
        for (int round = 0; round < 2; round++)
            for (int b = 0; b < batches.Length; b++)
            {
                Assert.True(expected[b].Item1.AsSpan().SequenceEqual(classifier.Forward(batches[b]).AsSpan()), $"classifier, round {round}, batch {b}");
                Assert.True(expected[b].Item2.AsSpan().SequenceEqual(tagger.Forward(batches[b]).Logits.AsSpan()), $"tagger, round {round}, batch {b}");
            }
    }

    /// <summary>
    /// Any interleaving of products, views and disposals: every tensor not disposed keeps the values it was made
    /// with, however many buffers the disposals hand on.
    /// </summary>
    [Property(MaxTest = 100)]
    public void RandomProductsViewsAndDisposals_NeverChangeALiveTensor(NonEmptyArray<byte> program, int seed)
    {
        var live = new List<(Tensor Tensor, float[] Values)>();
        var rng = new Rng((ulong)(uint)seed);
        foreach (var op in program.Get.Take(40))
        {
            switch (op % 4)
            {
                case 0 or 1:   // a product of one of two sizes (both pooled), so that buffers are handed on often
                    var r = op % 8 < 4 ? Product(227, 97, rng.NextUInt64()) : Product(97, 227, rng.NextUInt64());
                    live.Add((r, r.ToArray()));
                    break;
                case 2 when live.Count > 0:   // a view of a live tensor
                    var source = live[op % live.Count].Tensor;
                    var view = op % 3 == 0 ? source.Detach() : source.Reshape(-1);
                    live.Add((view, view.ToArray()));
                    break;
                case 3 when live.Count > 0:   // dispose one
                    int i = op % live.Count;
                    live[i].Tensor.Dispose();
                    live.RemoveAt(i);
                    break;
            }
            foreach (var (t, values) in live)
                Assert.True(values.AsSpan().SequenceEqual(t.AsSpan()));
        }
    }
}
