using System.Text.Json;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Core;

/// <summary>Tensor.ArgMax against torch.argmax (Fixtures/make_argmax_fixtures.py) and hand-checked cases.</summary>
public class ArgMaxTests
{
    private static Tensor Decode(JsonElement e) => Tensor.FromArray(
        e.GetProperty("data").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String
            ? v.GetString() switch { "nan" => float.NaN, "inf" => float.PositiveInfinity, _ => float.NegativeInfinity }
            : v.GetSingle()).ToArray(),
        e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());

    [Fact]
    public void ArgMax_MatchesPyTorch_OnTiesNaNsInfinitiesAndEveryDim()
    {
        var cases = FixtureFile.Load("argmax_cases.json").GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(48, cases.Count);
        foreach (var c in cases)
        {
            var input = Decode(c.GetProperty("input"));
            var expected = Decode(c.GetProperty("expected"));
            var actual = input.ArgMax(c.GetProperty("dim").GetInt32(), c.GetProperty("keepdim").GetBoolean());
            string what = $"{c.GetProperty("name").GetString()} dim {c.GetProperty("dim").GetInt32()} keepdim {c.GetProperty("keepdim").GetBoolean()}";
            Assert.True(expected.Shape.SequenceEqual(actual.Shape), $"{what}: shape [{string.Join(", ", actual.Shape)}]");
            Assert.True(expected.ToArray().SequenceEqual(actual.ToArray()), $"{what}: [{string.Join(", ", actual.ToArray())}]");
        }
    }

    [Fact]
    public void ArgMax_DefaultsToTheLastDim_FirstMaximumAndFirstNaNWin()
    {
        var x = Tensor.FromArray([0f, 7f, 7f, float.NaN, 2f, float.NaN], 2, 3);
        Assert.Equal([1f, 0f], x.ArgMax().ToArray());                       // row 0: tie at 1 and 2; row 1: the NaN at 0
        Assert.Equal([2], x.ArgMax().Shape);
        Assert.Equal([2, 1], x.ArgMax(keepDim: true).Shape);
        Assert.Equal([1f, 0f, 1f], x.ArgMax(0).ToArray());                  // column 0: NaN below 0
    }

    [Fact]
    public void ArgMax_HasNoGradient_AndScalarGivesZero()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        Assert.False(x.ArgMax().RequiresGrad);
        Assert.Equal([0f], Tensor.Scalar(5f).ArgMax().ToArray());
    }

    [Fact]
    public void ArgMax_BadDimOrEmptyDim_Throws()
    {
        var x = Tensor.Zeros(2, 0);
        Assert.Contains("extent 0", Assert.Throws<ArgumentException>(() => x.ArgMax(1)).Message);
        Assert.Empty(Tensor.Zeros(0, 2).ArgMax(1).ToArray());                // no rows: nothing to reduce, as in PyTorch
        Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros(2, 3).ArgMax(2));
        Assert.ThrowsAny<ArgumentException>(() => Tensor.Zeros(2, 3).ArgMax(-3));
    }
}
