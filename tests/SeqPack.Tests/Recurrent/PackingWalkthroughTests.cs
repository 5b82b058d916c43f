using SeqPack.Samples;

namespace SeqPack.Tests.Recurrent;

/// <summary>Runs samples/PackingWalkthrough and checks what it shows: the packing, the zeros, the final states.</summary>
public class PackingWalkthroughTests
{
    [Fact]
    public void Walkthrough_PacksUnsortedLengths_AndUnpacksIntoCallerOrder()
    {
        var text = new StringWriter();
        var result = Walkthrough.Run(text);
        var printed = text.ToString();

        Assert.Contains("batch sizes: [3, 2, 2, 1]", printed);
        Assert.Contains("sorted indices: [1, 0, 2]", printed);
        Assert.Contains("packed: 8 rows", printed);
        Assert.Equal([3, 2, 2, 1], result.Packed.BatchSizes);
        Assert.Equal([3, 4, 1], result.Lengths);
        Assert.Equal([4, 3, 3], result.Output.Shape);

        var h = result.State.H;   // (1, 3, 3)
        for (int b = 0; b < 3; b++)
        {
            int length = result.Lengths[b];
            for (int t = 0; t < 4; t++)
                for (int k = 0; k < 3; k++)
                {
                    float v = result.Output.At(t, b, k);
                    if (t >= length) Assert.Equal(0f, v);                 // padding stays exactly zero
                    else Assert.NotEqual(0f, v);
                    if (t == length - 1) Assert.Equal(h.At(0, b, k), v);  // h_n is the last real step, caller's order
                }
        }
    }
}
