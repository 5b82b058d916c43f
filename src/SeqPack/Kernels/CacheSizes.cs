using System.Globalization;

namespace SeqPack.Kernels;

/// <summary>
/// The per-core data cache sizes the GEMM blocking is derived from (<see cref="GemmPlan"/>): L1d and L2 in
/// bytes, as the operating system reports them for CPU 0. <see cref="Known"/> is false where they could not be
/// read (not Linux, no sysfs, a container that hides it, unparsable values); the plans then keep their
/// measured defaults.
/// </summary>
internal readonly record struct CacheSizes(int L1Data, int L2, bool Known)
{
    /// <summary>Where Linux describes CPU 0's caches: one <c>index*</c> folder per cache with level, type and size files.</summary>
    public const string SysfsDirectory = "/sys/devices/system/cpu/cpu0/cache";

    /// <summary>This machine's caches, read once.</summary>
    public static CacheSizes Machine { get; } = Read(SysfsDirectory);

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
            bool plausible = l1 is >= 4 << 10 and <= 1 << 20 && l2 is >= 64 << 10 and <= 256 << 20;
            return plausible ? new CacheSizes(l1, l2, true) : Unknown;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            return Unknown;
        }
    }

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
