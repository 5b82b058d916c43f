using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace SeqPack.Kernels;

/// <summary>
/// The per-core data cache sizes the GEMM blocking is derived from (<see cref="GemmPlan"/>): L1d and L2 in
/// bytes, as the operating system reports them for CPU 0, else as an x86 processor describes itself (CPUID).
/// <see cref="Known"/> is false where neither answers (not Linux and not x86, a container or virtual machine
/// that hides both, unparsable values); the plans then keep their measured defaults.
/// </summary>
internal readonly record struct CacheSizes(int L1Data, int L2, bool Known)
{
    /// <summary>Where Linux describes CPU 0's caches: one <c>index*</c> folder per cache with level, type and size files.</summary>
    public const string SysfsDirectory = "/sys/devices/system/cpu/cpu0/cache";

    /// <summary>This machine's caches, read once: from sysfs, else from CPUID (virtual machines often expose no sysfs cache folders but pass CPUID through).</summary>
    public static CacheSizes Machine { get; } = Read(SysfsDirectory) is { Known: true } sysfs ? sysfs : FromCpuid();

    /// <summary>Nothing known: the plans use their defaults.</summary>
    public static CacheSizes Unknown => new(0, 0, false);

    /// <summary>
    /// Reads the level-1 data and level-2 (unified) cache sizes from a sysfs-style directory. Any failure —
    /// a missing folder or file, no permission, a size that does not parse or lies outside 4 KB..1 MB (L1d) or
    /// 64 KB..256 MB (L2) — gives <see cref="Unknown"/>: the blocking must never depend on a half-read answer.
    /// </summary>
    public static CacheSizes Read(string directory)
    {
        try
        {
            if (!Directory.Exists(directory)) return Unknown;
            int l1 = 0, l2 = 0;
            foreach (var index in Directory.EnumerateDirectories(directory, "index*"))
            {
                string level = ReadText(index, "level"), type = ReadText(index, "type");
                int size = ParseSize(ReadText(index, "size"));
                if (level == "1" && type == "Data") l1 = size;
                else if (level == "2" && (type == "Unified" || type == "Data")) l2 = size;
            }
            return Plausible(l1, l2) ? new CacheSizes(l1, l2, true) : Unknown;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return Unknown;
        }
    }

    /// <summary>The caches this x86 processor reports through CPUID; <see cref="Unknown"/> elsewhere.</summary>
    public static CacheSizes FromCpuid()
        => X86Base.IsSupported ? FromCpuid(static (leaf, sub) => X86Base.CpuId(leaf, sub)) : Unknown;

    /// <summary>
    /// Reads L1d and L2 from CPUID results (<paramref name="cpuid"/>(leaf, subleaf) gives EAX, EBX, ECX, EDX):
    /// the deterministic cache parameters of leaf 4 (Intel) or 0x8000001D (AMD with topology extensions), each
    /// subleaf one cache with its type in EAX[4:0], level in EAX[7:5] and size (ways)·(partitions)·(line)·(sets)
    /// from EBX[31:22], EBX[21:12], EBX[11:0] and ECX, every field stored minus one; else AMD's older leaves,
    /// 0x80000005 ECX[31:24] (L1d KB) and 0x80000006 ECX[31:16] (L2 KB). Sources: Intel SDM vol. 2A, CPUID;
    /// AMD APM vol. 3, appendix E. The same plausibility check as <see cref="Read"/> applies.
    /// </summary>
    internal static CacheSizes FromCpuid(Func<int, int, (int Eax, int Ebx, int Ecx, int Edx)> cpuid)
    {
        const int AmdCacheLeaf = unchecked((int)0x8000001D), AmdL1Leaf = unchecked((int)0x80000005), AmdL2Leaf = unchecked((int)0x80000006);
        int maxLeaf = cpuid(0, 0).Eax, maxExtended = cpuid(unchecked((int)0x80000000), 0).Eax;
        foreach (int leaf in new[] { 4, AmdCacheLeaf })
        {
            bool present = leaf == 4 ? maxLeaf >= 4 : (uint)maxExtended >= 0x8000001D;
            if (!present) continue;
            int l1 = 0, l2 = 0;
            for (int sub = 0; sub < 16; sub++)
            {
                var (eax, ebx, ecx, _) = cpuid(leaf, sub);
                int type = eax & 31, level = (eax >> 5) & 7;
                if (type == 0) break;                                         // no more caches
                long size = (long)(((ebx >> 22) & 0x3FF) + 1) * (((ebx >> 12) & 0x3FF) + 1) * ((ebx & 0xFFF) + 1) * ((long)(uint)ecx + 1);
                if (level == 1 && type == 1) l1 = (int)Math.Min(size, int.MaxValue);          // data
                else if (level == 2 && type is 1 or 3) l2 = (int)Math.Min(size, int.MaxValue); // data or unified
            }
            if (Plausible(l1, l2)) return new CacheSizes(l1, l2, true);
        }
        if ((uint)maxExtended >= 0x80000006)
        {
            int l1 = (int)(((uint)cpuid(AmdL1Leaf, 0).Ecx >> 24) << 10), l2 = (int)(((uint)cpuid(AmdL2Leaf, 0).Ecx >> 16) << 10);
            if (Plausible(l1, l2)) return new CacheSizes(l1, l2, true);
        }
        return Unknown;
    }

    private static bool Plausible(int l1, int l2) => l1 is >= 4 << 10 and <= 1 << 20 && l2 is >= 64 << 10 and <= 256 << 20;

    private static string ReadText(string folder, string file)
    {
        string path = Path.Combine(folder, file);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : "";
    }

    /// <summary>A sysfs size ("48K", "1024K", "32M", or plain bytes) in bytes; 0 for an empty string.</summary>
    internal static int ParseSize(string text)
    {
        if (text.Length == 0) return 0;
        long unit = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1 };
        string digits = unit == 1 ? text : text[..^1];
        return checked((int)(long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture) * unit));
    }
}
