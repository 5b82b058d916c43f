namespace SeqPack.Tests.Support;

/// <summary>
/// The <see cref="Compute.Threads"/> values the determinism tests compare: one, two, an odd count that divides
/// nothing evenly, and more threads than this machine (or most slices and row groups) has, where some get no
/// task at all. Results must have the same bits for all of them.
/// </summary>
internal static class ThreadCounts
{
    public static readonly int[] All = [1, 2, 3, 7, 16];
}
