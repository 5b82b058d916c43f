using FsCheck;
using FsCheck.Fluent;
using SeqPack.Distributed;

namespace SeqPack.Tests.Distributed;

public class BatchShardingTests
{
    [Fact]
    public void Split_KnownBatch_BalancesTokens()
    {
        var shares = BatchSharding.Split([9, 4, 6, 1, 8, 3, 5], 2);
        // Longest first to the lighter share: 9→0, 8→1, 6→1, 5→0, 4→0 (tie, lower share), 3→1, 1→1: 18 and 18.
        Assert.Equal(18, shares[0].Sum(i => new[] { 9, 4, 6, 1, 8, 3, 5 }[i]));
        Assert.Equal(18, shares[1].Sum(i => new[] { 9, 4, 6, 1, 8, 3, 5 }[i]));
    }

    [Fact]
    public void Split_FewerSequencesThanParts_LeavesSharesEmpty()
    {
        var shares = BatchSharding.Split([3], 2);
        Assert.Equal([[0], []], shares);
    }

    [Fact]
    public void Split_NegativeLength_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => BatchSharding.Split([3, -1], 2));
        Assert.Contains("lengths[1] is -1", e.Message);
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Split_EveryPositionOnceAndSharesWithinOneSequenceOfEachOther(NonNegativeInt[] raw, PositiveInt parts)
    {
        var lengths = raw.Select(x => x.Get % 100).ToArray();
        int n = parts.Get % 5 + 1;
        var shares = BatchSharding.Split(lengths, n);
        var all = shares.SelectMany(s => s).Order().ToArray();
        var tokens = shares.Select(s => s.Sum(i => (long)lengths[i])).ToArray();
        bool balanced = lengths.Length == 0 || tokens.Max() - tokens.Min() <= lengths.Max();
        return (all.SequenceEqual(Enumerable.Range(0, lengths.Length)) && shares.All(s => s.SequenceEqual(s.Order())) && balanced).ToProperty();
    }
}
