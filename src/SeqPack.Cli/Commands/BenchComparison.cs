namespace SeqPack.Cli.Commands;

/// <summary>
/// SeqPack's record beside the peer's for the same (workload, mode, layout, threads), and the peer's fastest
/// layout for the same (workload, mode, threads). Speed-ups are ratios of medians: peer time / SeqPack time,
/// so above 1 means SeqPack is faster.
/// </summary>
internal sealed record BenchComparison(BenchRecord Ours, BenchRecord? SameLayout, BenchRecord? PeerBest)
{
    /// <summary>Peer median / SeqPack median for the same layout, or null without a peer line.</summary>
    public double? SpeedupSameLayout => SameLayout is null ? null : SameLayout.MedianMs / Ours.MedianMs;

    /// <summary>Fastest peer layout's median / SeqPack median, or null without peer lines.</summary>
    public double? SpeedupVsPeerBest => PeerBest is null ? null : PeerBest.MedianMs / Ours.MedianMs;

    /// <summary>
    /// Pairs every one of <paramref name="ours"/> with <paramref name="peer"/>'s lines. When the peer file holds
    /// several lines for one key (several runs appended), the last one wins, as it is the newest.
    /// </summary>
    public static List<BenchComparison> Join(IEnumerable<BenchRecord> ours, IEnumerable<BenchRecord> peer)
    {
        var byKey = new Dictionary<(string, string, string, int), BenchRecord>();
        foreach (var p in peer) byKey[(p.Workload, p.Mode, p.Layout, p.Threads)] = p;
        var result = new List<BenchComparison>();
        foreach (var o in ours)
        {
            byKey.TryGetValue((o.Workload, o.Mode, o.Layout, o.Threads), out var same);
            var best = byKey.Values
                .Where(p => p.Workload == o.Workload && p.Mode == o.Mode && p.Threads == o.Threads)
                .MinBy(p => p.MedianMs);
            result.Add(new BenchComparison(o, same, best));
        }
        return result;
    }
}
