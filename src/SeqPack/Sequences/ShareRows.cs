using System.Diagnostics;

namespace SeqPack;

/// <summary>
/// Where the rows of one rank's share of a global batch sit among the global batch's rows: local row <c>i</c> is
/// global row <see cref="Global"/>[i] of <see cref="GlobalCount"/>. Random draws made per row (dropout masks,
/// <see cref="Nn.Dropout"/>) are drawn for every global row in order and cut to the share, so each row gets the
/// draw it gets when one process runs the whole batch, and the generator advances as it does there.
/// </summary>
internal sealed class ShareRows
{
    /// <summary>The share whose local row <c>i</c> is global row <paramref name="global"/>[i]; each global row at most once.</summary>
    public ShareRows(int globalCount, int[] global)
    {
        GlobalCount = globalCount;
        Global = global;
        LocalOf = new int[globalCount];
        Array.Fill(LocalOf, -1);
        for (int i = 0; i < global.Length; i++)
        {
            Debug.Assert(LocalOf[global[i]] < 0, "a global row belongs to one local row at most");
            LocalOf[global[i]] = i;
        }
    }

    /// <summary>The rows of the whole global batch.</summary>
    public int GlobalCount { get; }

    /// <summary>The global row of each local row. (local rows)</summary>
    public int[] Global { get; }

    /// <summary>The local row of each global row, −1 for the rows other ranks hold. (GlobalCount)</summary>
    public int[] LocalOf { get; }

    /// <summary>The rows of this share.</summary>
    public int Count => Global.Length;
}
