using SeqPack;

namespace SeqPack.Tests.Support;

public static class TensorAssert
{
    /// <summary>Exact equality of shape and every element.</summary>
    public static void Equal(float[] expected, int[] expectedShape, Tensor actual)
    {
        Assert.Equal(expectedShape, actual.Shape);
        Assert.Equal(expected, actual.ToArray());
    }

    /// <summary>
    /// Shape equality and every element within <c>atol + rtol·|expected|</c>; an expected NaN or infinity must be
    /// matched exactly. The message names the first element that differs.
    /// </summary>
    public static void Close(float[] expected, Tensor actual, double atol = 1e-5, double rtol = 1e-4)
    {
        var a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(float.IsFinite(expected[i])
                    ? Math.Abs(a[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i])
                    : a[i].Equals(expected[i]),
                $"element {i}: expected {expected[i]:G9}, got {a[i]:G9}");
    }
}
