using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>Reading L1d/L2 from a sysfs-style folder, the clean fall-back, and the blocking derived from them.</summary>
public class CacheSizesTests
{
    private static string FakeSysfs(params (string Level, string Type, string Size)[] caches)
    {
        var root = Directory.CreateTempSubdirectory("seqpack-cache-").FullName;
        for (int i = 0; i < caches.Length; i++)
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, $"index{i}")).FullName;
            File.WriteAllText(Path.Combine(dir, "level"), caches[i].Level + "\n");
            File.WriteAllText(Path.Combine(dir, "type"), caches[i].Type + "\n");
            File.WriteAllText(Path.Combine(dir, "size"), caches[i].Size + "\n");
        }
        return root;
    }

    [Fact]
    public void Read_SapphireRapidsLayout_GivesL1dAndL2()
    {
        var dir = FakeSysfs(("1", "Data", "48K"), ("1", "Instruction", "32K"), ("2", "Unified", "2048K"), ("3", "Unified", "105M"));
        Assert.Equal(new CacheSizes(48 << 10, 2 << 20, true), CacheSizes.Read(dir));
    }

    [Theory]
    [InlineData("48K", "")]          // no L2 size
    [InlineData("48Q", "1024K")]     // unparsable
    [InlineData("1K", "1024K")]      // implausibly small L1d
    public void Read_IncompleteOrBadValues_IsUnknown(string l1, string l2)
    {
        var dir = FakeSysfs(("1", "Data", l1), ("2", "Unified", l2));
        Assert.False(CacheSizes.Read(dir).Known);
    }

    [Fact]
    public void Read_MissingFolder_IsUnknown()
        => Assert.False(CacheSizes.Read(Path.Combine(Path.GetTempPath(), "seqpack-no-such-cache-dir")).Known);

    [Fact]
    public void ForCaches_Unknown_KeepsTheDefaults()
        => Assert.Same(GemmPlan.Scalar, GemmPlan.ForCaches(GemmPlan.Scalar, CacheSizes.Unknown));

    [Theory]
    [InlineData("Vector256", 32 << 10, 512 << 10, 256, 126)]    // Zen 3: the measured defaults (MC 120) within a row group
    [InlineData("Vector512", 48 << 10, 2 << 20, 192, 504)]      // Sapphire Rapids
    [InlineData("Vector512", 32 << 10, 1 << 20, 128, 504)]      // Zen 4
    [InlineData("Vector128Arm64", 64 << 10, 1 << 20, 672, 96)]  // Graviton 3
    public void ForCaches_DerivesKCFromL1dAndMCFromL2(string plan, int l1, int l2, int kc, int mc)
    {
        var p = GemmPlan.ForCaches(GemmPlan.All.Single(x => x.Name == plan), new CacheSizes(l1, l2, true));
        Assert.Equal((kc, mc), (p.KC, p.MC));
        Assert.Equal(0, p.MC % p.MR);
    }
}
