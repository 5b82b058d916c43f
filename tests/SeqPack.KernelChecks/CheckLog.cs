namespace SeqPack.KernelChecks;

/// <summary>Counts checks and prints each failure (the first few of each group) with what was expected.</summary>
internal sealed class CheckLog
{
    private const int MaxPrintedPerGroup = 5;
    private readonly Dictionary<string, int> printed = [];

    public int Passed { get; private set; }
    public int Failed { get; private set; }

    /// <summary>Records one check of <paramref name="group"/>; <paramref name="detail"/> is only built on failure.</summary>
    public void Check(string group, bool ok, Func<string> detail)
    {
        if (ok) { Passed++; return; }
        Failed++;
        int n = printed.GetValueOrDefault(group);
        printed[group] = n + 1;
        if (n < MaxPrintedPerGroup) Console.WriteLine($"FAIL {group}: {detail()}");
    }

    /// <summary>Whether every element of actual is within atol + rtol·|expected| of expected (NaN fails).</summary>
    public static bool Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, out string worst)
    {
        worst = "";
        if (expected.Length != actual.Length) { worst = $"{actual.Length} values, expected {expected.Length}"; return false; }
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs((double)actual[i] - expected[i]) <= atol + rtol * Math.Abs(expected[i])))
            {
                worst = $"element {i}: {actual[i]:G9}, expected {expected[i]:G9}";
                return false;
            }
        return true;
    }
}
