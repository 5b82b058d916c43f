using System.Globalization;

namespace SeqPack.Samples;

/// <summary>
/// The generated task: a date written the way people write it ("3 March 2021", "Mar 3, 2021",
/// "3/3/2021") to normalise into ISO 8601 ("2021-03-03"). Sources are characters of
/// <see cref="SourceAlphabet"/>; targets are the ten ISO characters and an end token.
/// </summary>
public static class DateTask
{
    private static readonly string[] Months = CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[..12];

    /// <summary>Characters a source may contain; id 0 is kept for padding.</summary>
    public const string SourceAlphabet = "0123456789 ,/-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>Target token ids: 0..9 digits, 10 '-', <see cref="Bos"/> and <see cref="Eos"/>.</summary>
    public const int Bos = 11, Eos = 12, TargetVocabulary = 13;

    /// <summary>The ISO form has ten characters; with the end token, every target is this long.</summary>
    public const int TargetLength = 11;

    /// <summary>One random date in one of eight written forms, and its ISO form.</summary>
    public static (string Source, string Target) Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var date = new DateTime(1950, 1, 1).AddDays(rng.NextInt(365 * 100));
        string month = Months[date.Month - 1], mon = month[..3];
        int d = date.Day, m = date.Month, y = date.Year;
        string source = rng.NextInt(8) switch
        {
            0 => $"{d} {month} {y}",
            1 => $"{month} {d}, {y}",
            2 => $"{d} {mon} {y}",
            3 => $"{mon} {d}, {y}",
            4 => $"{d}/{m}/{y}",
            5 => $"{d:00}/{m:00}/{y}",
            6 => $"{d} {month.ToLowerInvariant()} {y}",
            _ => $"{d}-{mon}-{y}",
        };
        return (source, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>Source character ids (1-based; 0 is padding).</summary>
    public static int[] EncodeSource(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Select(c =>
        {
            int i = SourceAlphabet.IndexOf(c, StringComparison.Ordinal);
            return i >= 0 ? i + 1 : throw new ArgumentException($"'{c}' is not in the source alphabet.", nameof(source));
        }).ToArray();
    }

    /// <summary>Target ids of an ISO date, with the end token.</summary>
    public static int[] EncodeTarget(string iso) =>
        [.. iso.Select(c => c == '-' ? 10 : c - '0'), Eos];

    /// <summary>The text of target ids, up to the end token.</summary>
    public static string DecodeTarget(IEnumerable<int> ids) =>
        string.Concat(ids.TakeWhile(i => i != Eos).Select(i => i == 10 ? "-" : i < 10 ? i.ToString(CultureInfo.InvariantCulture) : "?"));
}
