namespace SeqPack.Distributed;

/// <summary>
/// The ranks of a data-parallel run were given different data or options (found by comparing a hash with rank
/// 0's). Every rank throws it at the same point, so no rank is left waiting in a collective.
/// </summary>
public sealed class RanksDisagreeException(string message) : InvalidOperationException(message);
