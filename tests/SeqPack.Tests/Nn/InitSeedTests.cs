using SeqPack;
using SeqPack.Nn;

namespace SeqPack.Tests.Nn;

/// <summary>Tests that reseed the process-wide Init.Generator run alone, so no parallel test draws from it in between.</summary>
[CollectionDefinition(nameof(GlobalGeneratorCollection), DisableParallelization = true)]
public sealed class GlobalGeneratorCollection;

[Collection(nameof(GlobalGeneratorCollection))]
public class InitSeedTests
{
    [Fact]
    public void Layers_WithoutRng_AreReproducibleAfterManualSeed()
    {
        Init.ManualSeed(123);
        var a = new Linear(3, 4).Weight.ToArray();
        var e1 = new Embedding(5, 2).Weight.ToArray();
        Init.ManualSeed(123);
        Assert.Equal(a, new Linear(3, 4).Weight.ToArray());
        Assert.Equal(e1, new Embedding(5, 2).Weight.ToArray());
        Assert.NotEqual(a, new Linear(3, 4).Weight.ToArray());
    }
}
