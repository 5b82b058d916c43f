using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>Reading L1d/L2 from a sysfs-style folder or from CPUID leaves, the clean fall-back, and the blocking derived from them.</summary>
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
    [InlineData("Vector512", 48 << 10, 2 << 20, 1024, 252)]     // Sapphire Rapids: both micro-panels stream from L2
    [InlineData("Vector512", 48 << 10, 1 << 20, 1024, 120)]     // Zen 5: the measured defaults
    [InlineData("Vector128Arm64", 64 << 10, 1 << 20, 672, 96)]  // Graviton 3
    public void ForCaches_DerivesKCAndMCFromTheCaches(string plan, int l1, int l2, int kc, int mc)
    {
        var p = GemmPlan.ForCaches(GemmPlan.All.Single(x => x.Name == plan), new CacheSizes(l1, l2, true));
        Assert.Equal((kc, mc), (p.KC, p.MC));
        Assert.Equal(0, p.MC % p.MR);
    }

    /// <summary>CPUID answers of a fake processor: leaf → subleaf → (EAX, EBX, ECX, EDX); absent leaves read as zeros, as reserved ones do.</summary>
    private static Func<int, int, (int, int, int, int)> FakeCpuid(Dictionary<(int Leaf, int Sub), (int, int, int, int)> leaves)
        => (leaf, sub) => leaves.TryGetValue((leaf, sub), out var r) ? r : (0, 0, 0, 0);

    /// <summary>A leaf-4-style cache descriptor: type, level, ways, line size and sets, each field stored minus one.</summary>
    private static (int, int, int, int) Descriptor(int type, int level, int ways, int line, int sets)
        => (type | level << 5, (ways - 1) << 22 | 0 << 12 | (line - 1), sets - 1, 0);

    [Fact]
    public void FromCpuid_IntelLeaf4_GivesL1dAndL2()
    {
        var cpu = FakeCpuid(new()
        {
            [(0, 0)] = (0x1F, 0, 0, 0),
            [(unchecked((int)0x80000000), 0)] = (unchecked((int)0x80000008), 0, 0, 0),
            [(4, 0)] = Descriptor(1, 1, 12, 64, 64),      // L1d 48 KB
            [(4, 1)] = Descriptor(2, 1, 8, 64, 64),       // L1i 32 KB
            [(4, 2)] = Descriptor(3, 2, 16, 64, 2048),    // L2 2 MB
            [(4, 3)] = Descriptor(3, 3, 15, 64, 57344),   // L3
        });
        Assert.Equal(new CacheSizes(48 << 10, 2 << 20, true), CacheSizes.FromCpuid(cpu));
    }

    [Fact]
    public void FromCpuid_AmdTopologyLeaf_GivesL1dAndL2()
    {
        var cpu = FakeCpuid(new()
        {
            [(0, 0)] = (0x10, 0, 0, 0),
            [(unchecked((int)0x80000000), 0)] = (unchecked((int)0x80000021), 0, 0, 0),
            [(unchecked((int)0x8000001D), 0)] = Descriptor(1, 1, 12, 64, 64),     // L1d 48 KB
            [(unchecked((int)0x8000001D), 1)] = Descriptor(3, 2, 16, 64, 1024),   // L2 1 MB
        });
        Assert.Equal(new CacheSizes(48 << 10, 1 << 20, true), CacheSizes.FromCpuid(cpu));
    }

    [Fact]
    public void FromCpuid_AmdLegacyLeavesOnly_GivesL1dAndL2()
    {
        // A virtual machine that hides the topology leaf but passes AMD's L1/L2 leaves (Zen 5: 48 KB, 1 MB).
        var cpu = FakeCpuid(new()
        {
            [(0, 0)] = (0x0D, 0, 0, 0),
            [(unchecked((int)0x80000000), 0)] = (unchecked((int)0x80000021), 0, 0, 0),
            [(unchecked((int)0x80000005), 0)] = (0, 0, 48 << 24 | 0x0C40, 0),
            [(unchecked((int)0x80000006), 0)] = (0, 0, 1024 << 16 | 0x8140, 0),
        });
        Assert.Equal(new CacheSizes(48 << 10, 1 << 20, true), CacheSizes.FromCpuid(cpu));
    }

    [Fact]
    public void FromCpuid_NoCacheLeaves_IsUnknown()
        => Assert.False(CacheSizes.FromCpuid(FakeCpuid(new() { [(0, 0)] = (1, 0, 0, 0) })).Known);
}
