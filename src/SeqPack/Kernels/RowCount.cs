namespace SeqPack.Kernels;

/// <summary>
/// A compile-time row count for the micro-kernels: the JIT specialises a generic kernel for each struct that
/// implements it and removes the code for rows beyond <see cref="Count"/>, so one source kernel yields the
/// full register block and every edge kernel (1..MR rows) without a branch in the inner loop.
/// </summary>
internal interface IRowCount
{
    static abstract int Count { get; }
}

internal struct Rows1 : IRowCount { public static int Count => 1; }
internal struct Rows2 : IRowCount { public static int Count => 2; }
internal struct Rows3 : IRowCount { public static int Count => 3; }
internal struct Rows4 : IRowCount { public static int Count => 4; }
internal struct Rows5 : IRowCount { public static int Count => 5; }
internal struct Rows6 : IRowCount { public static int Count => 6; }
internal struct Rows7 : IRowCount { public static int Count => 7; }
internal struct Rows8 : IRowCount { public static int Count => 8; }
internal struct Rows9 : IRowCount { public static int Count => 9; }
internal struct Rows10 : IRowCount { public static int Count => 10; }
internal struct Rows11 : IRowCount { public static int Count => 11; }
internal struct Rows12 : IRowCount { public static int Count => 12; }

/// <summary>
/// How a micro-kernel reads its A operand, fixed at compile time like <see cref="IRowCount"/>: from a packed
/// micro-panel (<c>a[p·MR + i]</c>), or directly from a row-major matrix (<c>a[i·lda + p]</c>), which spares
/// packing A when it is small (a recurrent step: a few rows of h or dGates meet a large pre-packed weight).
/// </summary>
internal interface IAOperand
{
    static abstract bool Direct { get; }
}

internal struct PackedA : IAOperand { public static bool Direct => false; }
internal struct DirectA : IAOperand { public static bool Direct => true; }

/// <summary>
/// How a micro-kernel reads its B operand, fixed at compile time: from a packed micro-panel (k step p at
/// <c>b + p·NR</c>), or directly from a row-major op(B) (k step p at <c>b + p·ldb</c>), which spares packing B
/// when A has so few rows that every element of B is used by one or two register blocks only.
/// </summary>
internal interface IBOperand
{
    static abstract bool Direct { get; }
}

internal struct PackedB : IBOperand { public static bool Direct => false; }
internal struct DirectB : IBOperand { public static bool Direct => true; }
