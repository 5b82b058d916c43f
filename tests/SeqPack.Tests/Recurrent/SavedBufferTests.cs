using SeqPack.Kernels;
using SeqPack.Nn;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// The arrays an LSTM saves for backward are rented from <see cref="ScratchPool"/> and given back after
/// backward (or at once when nothing is recorded); the gate gradients overwrite the saved activations.
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
    public void Lstm_SecondBackwardThroughTheSameGraph_ThrowsAndSaysWhatToDo()
    {
        var lstm = new Lstm(3, 4, rng: new Rng(1));
        var x = Tensor.Randn(new Rng(2), 5, 2, 3);
        x.RequiresGrad = true;
        var loss = lstm.Forward(x).Output.Sum();
        loss.Backward();
        var ex = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("second time", ex.Message);
        Assert.Contains("forward pass again", ex.Message);
    }

    [Fact]
    public void Lstm_RepeatedSteps_ReuseTheSavedArraysAndGiveTheSameGradients()
    {
        // Two identical training steps; between them the arrays the first gave back are filled with NaN, so
        // equal results show that the second step wrote every element it read.
        const int hidden = 70;                          // two gate slices, one partial
        var lstm = new Lstm(6, hidden, rng: new Rng(3));
        var lengths = new[] { 120, 60, 100 };
        int rows = lengths.Sum();                       // 280 rows: every saved array is large enough to be pooled
        Assert.True(rows * hidden >= ScratchPool.MinPooledLength);
        var data = Tensor.Randn(new Rng(4), 120, 3, 6);
        float[] Step()
        {
            foreach (var p in lstm.Parameters()) p.Grad = null;
            var x = data.Detach();
            x.RequiresGrad = true;
            var packed = Packing.PackPaddedSequence(x, lengths, enforceSorted: false);
            lstm.Forward(packed).Output.Data.Sum().Backward();
            return [.. lstm.Parameters().SelectMany(p => p.Grad!.ToArray()), .. x.Grad!.ToArray()];
        }
        var first = Step();
        var poisoned = new[] { 4 * hidden, hidden, hidden, hidden }.Select(cols => ScratchPool.Rent(rows * cols)).ToList();
        foreach (var a in poisoned) Array.Fill(a, float.NaN);
        foreach (var a in poisoned) ScratchPool.Return(a);
        var second = Step();
        Assert.All(second, v => Assert.False(float.IsNaN(v)));
        Assert.Equal(first, second);
    }
}
