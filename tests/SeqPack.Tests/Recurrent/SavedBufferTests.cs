using SeqPack.Kernels;
using SeqPack.Nn;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// The arrays the LSTM, GRU and RNN layers save for backward are rented from <see cref="ScratchPool"/> and
/// given back after backward (or at once when nothing is recorded); the LSTM's and GRU's gate gradients
/// overwrite the saved activations.
/// </summary>
public class SavedBufferTests
{
    [Fact]
    public void ScratchPool_ReturnedArrayIsRentedAgain_ForTheSameOrASlightlySmallerLength()
    {
        int length = ScratchPool.MinPooledLength * 37 + 17;   // a length (and half of it) far from any other test's
        var first = ScratchPool.Rent(length);
        Assert.True(first.Length >= length);
        ScratchPool.Return(first);
        var again = ScratchPool.Rent(length - 3);
        Assert.Same(first, again);
        ScratchPool.Return(again);
        var tooSmall = ScratchPool.Rent(length / 2);           // would waste more than a quarter: a fresh array
        Assert.NotSame(first, tooSmall);
        Assert.Equal(length / 2, tooSmall.Length);
        Assert.Same(first, ScratchPool.Rent(length));
    }

    [Fact]
    public void ScratchPool_SmallArraysAreNotKept()
    {
        var small = ScratchPool.Rent(100);
        Assert.Equal(100, small.Length);
        ScratchPool.Return(small);
        Assert.NotSame(small, ScratchPool.Rent(100));
        Assert.Empty(ScratchPool.Rent(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScratchPool.Rent(-1));
    }

    [Fact]
    public void ScratchPool_PinnedAndUnpinnedArraysAreKeptApart()
    {
        // Pinned arrays back packed weights that the kernels address by raw pointer: Rent must never hand one
        // out as an ordinary array, nor RentPinned an array that the GC may move.
        int length = ScratchPool.MinPooledLength * 41 + 5;
        var pinned = ScratchPool.RentPinned(length);
        var plain = ScratchPool.Rent(length);
        ScratchPool.ReturnPinned(pinned);
        ScratchPool.Return(plain);
        Assert.Same(plain, ScratchPool.Rent(length));
        Assert.Same(pinned, ScratchPool.RentPinned(length));
        Assert.NotSame(pinned, ScratchPool.Rent(length));
    }

    [Fact]
    public void Lstm_SecondBackwardThroughTheSameGraph_ThrowsAndSaysWhatToDo()
    {
        var lstm = new Lstm(3, 4, rng: new Rng(1));
        AssertSecondBackwardThrows(x => lstm.Forward(x).Output, "LSTM");
    }

    [Fact]
    public void Gru_SecondBackwardThroughTheSameGraph_ThrowsAndSaysWhatToDo()
    {
        var gru = new Gru(3, 4, rng: new Rng(1));
        AssertSecondBackwardThrows(x => gru.Forward(x).Output, "GRU");
    }

    [Fact]
    public void Rnn_SecondBackwardThroughTheSameGraph_ThrowsAndSaysWhatToDo()
    {
        var rnn = new Rnn(3, 4, rng: new Rng(1));
        AssertSecondBackwardThrows(x => rnn.Forward(x).Output, "RNN");
    }

    private static void AssertSecondBackwardThrows(Func<Tensor, Tensor> forward, string layer)
    {
        var x = Tensor.Randn(new Rng(2), 5, 2, 3);
        x.RequiresGrad = true;
        var loss = forward(x).Sum();
        loss.Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains($"{layer} layer a second time", ex.Message);
        Assert.Contains("forward pass again", ex.Message);
    }

    // The repeated-step tests: two identical training steps; between them the arrays the first gave back are
    // filled with NaN, so equal results show that the second step wrote every element it read. Hidden 70 gives
    // the LSTM two gate slices, one partial; 280 rows make every saved (N, H) array large enough to be pooled.
    private const int Hidden = 70;
    private static readonly int[] Lengths = [120, 60, 100];

    [Fact]
    public void Lstm_RepeatedSteps_ReuseTheSavedArraysAndGiveTheSameGradients()
    {
        var lstm = new Lstm(6, Hidden, rng: new Rng(3));
        // Gates (overwritten by dGates), CPrev, TanhC, and [x | h_{t-1}] of every row (6 + H columns); W_hh in
        // kernel gate order; its first gate slice (64 units) packed for forward and its first column group packed
        // for backward (pinned).
        AssertRepeatedStepsIgnorePoisonedPool(lstm, p => lstm.Forward(p).Output.Data, [4 * Hidden, Hidden, Hidden, 6 + Hidden],
            [4 * Hidden * Hidden], [PackedLength(Hidden, 4 * 64), PackedLength(4 * Hidden, 64)]);
    }

    [Fact]
    public void Lstm_JointWeightGradient_GivesTheSameBitsAsSeparateProducts()
    {
        // With W_ih and W_hh both trainable the layer keeps [x | h_{t-1}] per row and gets dW_ih and dW_hh from one
        // GEMM; with W_ih frozen it keeps h_{t-1} alone and runs dW_hh on its own. Each element is the same k sum.
        var lstm = new Lstm(6, Hidden, rng: new Rng(5));
        var wIh = lstm.NamedParameters().Single(p => p.Name == "weight_ih_l0").Parameter;
        var data = Tensor.Randn(new Rng(6), Lengths.Max(), Lengths.Length, 6);
        Dictionary<string, float[]> Grads()
        {
            foreach (var p in lstm.Parameters()) p.Grad = null;
            var x = data.Detach();
            x.RequiresGrad = true;
            lstm.Forward(Packing.PackPaddedSequence(x, Lengths, enforceSorted: false)).Output.Data.Sum().Backward();
            var grads = lstm.NamedParameters().Where(p => p.Parameter.Grad is not null)
                .ToDictionary(p => p.Name, p => p.Parameter.Grad!.ToArray());
            grads["input"] = x.Grad!.ToArray();
            return grads;
        }
        var joint = Grads();
        wIh.RequiresGrad = false;
        var separate = Grads();
        wIh.RequiresGrad = true;
        Assert.Contains("weight_ih_l0", joint.Keys);
        Assert.DoesNotContain("weight_ih_l0", separate.Keys);
        foreach (var (name, g) in separate) Assert.Equal(joint[name], g);
        Assert.Contains(joint["weight_hh_l0"], v => v != 0f);
    }

    [Fact]
    public void Gru_RepeatedSteps_ReuseTheSavedArraysAndGiveTheSameGradients()
    {
        var gru = new Gru(6, Hidden, rng: new Rng(3));
        // Gates (overwritten by dGh), Ghn, HPrev, and backward's dAn; W_hh packed for backward (pinned).
        AssertRepeatedStepsIgnorePoisonedPool(gru, p => gru.Forward(p).Output.Data, [3 * Hidden, Hidden, Hidden, Hidden],
            pinnedLengths: [PackedLength(3 * Hidden, Hidden)]);
    }

    [Theory]
    [InlineData(RnnNonlinearity.Tanh)]
    [InlineData(RnnNonlinearity.Relu)]
    public void Rnn_RepeatedSteps_ReuseTheSavedArraysAndGiveTheSameGradients(RnnNonlinearity nonlinearity)
    {
        var rnn = new Rnn(6, Hidden, nonlinearity: nonlinearity, rng: new Rng(3));
        // HPrev, and backward's dPre.
        AssertRepeatedStepsIgnorePoisonedPool(rnn, p => rnn.Forward(p).Output.Data, [Hidden, Hidden]);
    }

    /// <summary>Floats a <see cref="PackedMatrix"/> of op(B) rows × columns rents (panels padded to NR, plus alignment).</summary>
    private static int PackedLength(int rows, int columns)
        => rows * ((columns + GemmPlan.Packed.NR - 1) / GemmPlan.Packed.NR * GemmPlan.Packed.NR) + 16;

    private static void AssertRepeatedStepsIgnorePoisonedPool(Module model, Func<PackedSequence, Tensor> forward, int[] pooledColumns,
        int[]? pooledLengths = null, int[]? pinnedLengths = null)
    {
        int rows = Lengths.Sum();
        Assert.True(rows * Hidden >= ScratchPool.MinPooledLength);
        var data = Tensor.Randn(new Rng(4), Lengths.Max(), Lengths.Length, 6);
        float[] Step()
        {
            foreach (var p in model.Parameters()) p.Grad = null;
            var x = data.Detach();
            x.RequiresGrad = true;
            var packed = Packing.PackPaddedSequence(x, Lengths, enforceSorted: false);
            forward(packed).Sum().Backward();
            return [.. model.Parameters().SelectMany(p => p.Grad!.ToArray()), .. x.Grad!.ToArray()];
        }
        var first = Step();
        var poisoned = pooledColumns.Select(cols => ScratchPool.Rent(rows * cols)).Concat((pooledLengths ?? []).Select(ScratchPool.Rent)).ToList();
        var poisonedPinned = (pinnedLengths ?? []).Select(ScratchPool.RentPinned).ToList();
        Assert.All(poisoned.Concat(poisonedPinned), a => Assert.True(a.Length >= ScratchPool.MinPooledLength));
        foreach (var a in poisoned.Concat(poisonedPinned)) Array.Fill(a, float.NaN);
        foreach (var a in poisoned) ScratchPool.Return(a);
        foreach (var a in poisonedPinned) ScratchPool.ReturnPinned(a);
        var second = Step();
        Assert.All(second, v => Assert.False(float.IsNaN(v)));
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(1, 37)]    // a vector loop and a scalar tail
    [InlineData(4, 64)]
    public void GruCellBackward_WithGradientsOverwritingTheActivations_MatchesSeparateArrays(int rows, int hidden)
    {
        // The layer passes the saved r, z, n array as dGh as well; the kernel documents that this is safe.
        var rng = new Rng(7);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => rng.NextUniform(0.05f, 0.95f)).ToArray();
        var act = Rand(rows * 3 * hidden);
        var ghn = Rand(rows * hidden);
        var hPrev = Rand(rows * hidden);
        var dh = Rand(rows * hidden);
        float[] dGh = new float[act.Length], dAn = new float[rows * hidden], dhPrev = new float[rows * hidden];
        GruCellKernels.Backward(rows, hidden, act, ghn, hPrev, dh, dGh, dAn, dhPrev);

        var inPlace = (float[])act.Clone();
        float[] dAn2 = new float[rows * hidden], dhPrev2 = new float[rows * hidden];
        GruCellKernels.Backward(rows, hidden, inPlace, ghn, hPrev, dh, inPlace, dAn2, dhPrev2);
        Assert.Equal(dGh, inPlace);
        Assert.Equal(dAn, dAn2);
        Assert.Equal(dhPrev, dhPrev2);
        Assert.NotEqual(act, dGh);
    }
}
