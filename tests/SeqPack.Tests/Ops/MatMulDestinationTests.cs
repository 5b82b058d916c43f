using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SeqPack.Kernels;

namespace SeqPack.Tests.Ops;

/// <summary>
/// <see cref="Tensor.MatMul(Tensor, Tensor, Tensor)"/>: the same bits as <see cref="Tensor.MatMul(Tensor, Tensor)"/>
/// written over whatever the destination held, for every shape rule; and the arguments it refuses.
/// </summary>
public class MatMulDestinationTests
{
    public static TheoryData<int[], int[]> Shapes => new()
    {
        { [7, 300], [300, 70] },        // 2-D·2-D
        { [300], [300, 70] },           // vector·matrix
        { [7, 300], [300] },            // matrix·vector
        { [300], [300] },               // dot product
        { [2, 3, 5, 40], [40, 9] },     // batch·matrix
        { [3, 1, 4, 6], [2, 6, 5] },    // broadcast batches
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulIntoDestination_IsBitIdenticalToMatMul_AndReturnsTheDestination(int[] shapeA, int[] shapeB)
    {
        var a = Tensor.Randn(new Rng(1), shapeA);
        var b = Tensor.Randn(new Rng(2), shapeB);
        var expected = Tensor.MatMul(a, b);
        var destination = Tensor.Full(float.NaN, expected.Shape);
        var returned = Tensor.MatMul(a, b, destination);
        Assert.Same(destination, returned);
        Assert.True(expected.AsSpan().SequenceEqual(destination.AsSpan()), "the product written into the destination differs from MatMul's");
    }

    /// <summary>Products of 1 to 16 rows (the direct-B path) and more, into one destination reused across calls.</summary>
    [Property(MaxTest = 60)]
    public void MatMulIntoReusedDestination_MatchesTheNaiveProduct(PositiveInt mSeed, PositiveInt nSeed, PositiveInt kSeed, int seed)
    {
        int m = 1 + mSeed.Get % 16, n = 1 + nSeed.Get % 130, k = 1 + kSeed.Get % 300;
        var destination = Tensor.Full(float.NaN, m, n);
        for (int call = 0; call < 2; call++)
        {
            var a = Tensor.Randn(new Rng((ulong)(uint)seed + (ulong)call), m, k);
            var b = Tensor.Randn(new Rng((ulong)(uint)seed + 100 + (ulong)call), k, n);
            Tensor.MatMul(a, b, destination);
            var expected = new float[m * n];
            GemmReference.Sgemm(false, false, m, n, k, 1f, a.ToArray(), k, b.ToArray(), n, 0f, expected, n);
            var bound = new float[m * n];
            GemmReference.Sgemm(false, false, m, n, k, 1f, Array.ConvertAll(a.ToArray(), Math.Abs), k,
                Array.ConvertAll(b.ToArray(), Math.Abs), n, 0f, bound, n);
            var actual = destination.AsSpan();
            for (int i = 0; i < expected.Length; i++)   // the forward error bound of a float dot product
                Assert.True(Math.Abs(expected[i] - actual[i]) <= (k + 2) * MathF.Pow(2, -24) * bound[i],
                    $"M={m} N={n} K={k} call {call}, element {i}: {actual[i]} vs {expected[i]}");
            Assert.True(Tensor.MatMul(a, b).AsSpan().SequenceEqual(actual), $"M={m} N={n} K={k}: differs from MatMul(a, b)");
        }
    }

    [Fact]
    public void MatMulIntoDestination_WrongShape_ThrowsNamingBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(3, 4), Tensor.Zeros(4, 5), Tensor.Zeros(5, 3)));
        Assert.Equal("destination", ex.ParamName);
        Assert.Contains("(5, 3)", ex.Message);
        Assert.Contains("(3, 5)", ex.Message);
    }

    [Fact]
    public void MatMulIntoDestination_SharingAnOperandsStorage_Throws()
    {
        var a = Tensor.Zeros(4, 4);
        var ex = Assert.Throws<ArgumentException>(() => Tensor.MatMul(a, Tensor.Zeros(4, 4), a.Reshape(4, 4)));
        Assert.Equal("destination", ex.ParamName);
        Assert.Contains("storage", ex.Message);
    }

    [Fact]
    public void MatMulIntoDestination_OperandRequiresGrad_ThrowsUnlessRecordingIsOff()
    {
        var a = Tensor.Randn(new Rng(3), 2, 3);
        a.RequiresGrad = true;
        var b = Tensor.Randn(new Rng(4), 3, 2);
        var ex = Assert.Throws<ArgumentException>(() => Tensor.MatMul(a, b, Tensor.Zeros(2, 2)));
        Assert.Contains("NoGrad", ex.Message);
        using (Autograd.NoGrad())
        {
            var destination = Tensor.MatMul(a, b, Tensor.Zeros(2, 2));
            Assert.True(destination.IsLeaf);
            Assert.True(Tensor.MatMul(a.Detach(), b).AsSpan().SequenceEqual(destination.AsSpan()));
        }
    }

    [Fact]
    public void MatMulIntoDestination_DestinationRequiresGradOrHasHistory_Throws()
    {
        var leaf = Tensor.Zeros(2, 2);
        leaf.RequiresGrad = true;
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2), leaf));
        var x = Tensor.Zeros(2, 2);
        x.RequiresGrad = true;
        var y = x.Tanh();
        Assert.False(y.IsLeaf);
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2), y));
    }
}
