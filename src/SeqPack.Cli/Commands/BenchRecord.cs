using System.Globalization;
using System.Text.Json;

namespace SeqPack.Cli.Commands;

/// <summary>
/// One timed (workload, mode, layout, threads) case, as the JSON line that shared/peer/run.sh prints:
/// <c>{"impl":…,"workload":…,"mode":…,"layout":…,"threads":2,"tokens":…,"padded_tokens":…,"median_ms":…,
/// "min_ms":…,"tokens_per_s":…}</c>. <see cref="TokensPerSecond"/> counts real tokens only, for every layout.
/// </summary>
internal sealed record BenchRecord(string Impl, string Workload, string Mode, string Layout, int Threads,
    long Tokens, long PaddedTokens, double MedianMs, double MinMs, double TokensPerSecond)
{
    /// <summary>
    /// The record of a run from its iteration times: the median is the peer's, <c>sorted[n / 2]</c>
    /// (the upper middle one for an even count), so that both sides use the same statistic.
    /// </summary>
    public static BenchRecord FromTimes(string impl, string workload, string mode, string layout, int threads,
        long tokens, long paddedTokens, IReadOnlyList<double> timesMs)
    {
        if (timesMs.Count == 0)
            throw new ArgumentException("At least one timed iteration is needed (got none); use --iters 1 or more.", nameof(timesMs));
        var sorted = timesMs.Order().ToArray();
        double median = sorted[sorted.Length / 2];
        return new BenchRecord(impl, workload, mode, layout, threads, tokens, paddedTokens, median, sorted[0],
            tokens / median * 1000);
    }

    /// <summary>The JSON line, formatted exactly as the peer formats it (F3 times, F0 tokens/s, invariant culture).</summary>
    public string ToJsonLine() => string.Format(CultureInfo.InvariantCulture,
        "{{\"impl\":{0},\"workload\":{1},\"mode\":{2},\"layout\":{3},\"threads\":{4},\"tokens\":{5},\"padded_tokens\":{6},\"median_ms\":{7:F3},\"min_ms\":{8:F3},\"tokens_per_s\":{9:F0}}}",
        JsonSerializer.Serialize(Impl), JsonSerializer.Serialize(Workload), JsonSerializer.Serialize(Mode),
        JsonSerializer.Serialize(Layout), Threads, Tokens, PaddedTokens, MedianMs, MinMs, TokensPerSecond);

    /// <summary>
    /// Reads one line printed by run.sh or by <c>seqpack bench</c>. Returns null for blank lines and
    /// <c>#</c> comments; throws <see cref="FormatException"/> naming the line for anything else that is not
    /// such a record.
    /// </summary>
    public static BenchRecord? Parse(string line, int lineNumber = 0)
    {
        string text = line.Trim();
        if (text.Length == 0 || text[0] == '#') return null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("expected a JSON object");
            return new BenchRecord(
                Str(root, "impl"), Str(root, "workload"), Str(root, "mode"), Str(root, "layout"),
                (int)Num(root, "threads"), (long)Num(root, "tokens"), (long)Num(root, "padded_tokens"),
                Num(root, "median_ms"), Num(root, "min_ms"), Num(root, "tokens_per_s"));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new FormatException(
                $"Line {lineNumber} is not a benchmark record like those run.sh prints ({e.Message}): {Shorten(text)}", e);
        }
    }

    /// <summary>Reads every record of a file of JSON lines (see <see cref="Parse"/>).</summary>
    public static List<BenchRecord> ReadFile(string path)
    {
        var records = new List<BenchRecord>();
        int n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (Parse(line, n) is { } r) records.Add(r);
        }
        return records;
    }

    private static string Str(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new FormatException($"missing string field \"{name}\"");

    private static double Num(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetDouble()
            : throw new FormatException($"missing number field \"{name}\"");

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..120] + "…";
}
