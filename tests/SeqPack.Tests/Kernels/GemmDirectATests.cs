using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>
/// Tests that change process-wide kernel settings (the static <see cref="GemmDriver.NoDirect"/> hook,
/// <see cref="Compute.Threads"/>) or assert on them run one after another.
/// </summary>
[CollectionDefinition(nameof(GemmDriverCollection))]
public sealed class GemmDriverCollection;

/// <summary>
/// Reading a short untransposed A in place (<c>DirectA</c>, every vector family, M ≤ MC), and B in
/// place for products of one or two register blocks of rows (<c>DirectB</c>), gives the same bits as packing: the recurrent products and the plain GEMM are run with <see cref="GemmDriver.NoDirect"/> off and
/// on and compared element for element, padding of C included.
/// </summary>
[Collection(nameof(GemmDriverCollection))]
public class GemmDirectATests
{
    private const int N = 70, K = 300;   // N: four full 16-column panels and a partial one; K crosses a KC = 256 block
    private const int PadA = 5, PadC = 3;

    // 1..13 covers one to two 6-row micro-panels with every remainder (one 12-row panel and one row past it);
    // 25 two 12-row panels and one row; 64 a full batch (five 12-row panels and four rows); 120 is MC of the
    // Vector256 and Vector512 plans, the largest M read in place; 121 is packed either way.
    public static TheoryData<string, int> Ms
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var plan in new[] { "Vector256", "Vector512" })
                foreach (int m in Enumerable.Range(1, 13).Concat([24, 25, 61, 64, 119, 120, 121]))
                    data.Add(plan, m);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Ms))]
    public void PrepackedRecurrentProduct_ReadingAInPlace_IsBitIdenticalToPackingA(string planName, int m)
    {
        var plan = GemmPlan.All.Single(p => p.Name == planName);
        var wT = GemmTestData.Matrix(N, K, K, 11);   // forward: W_hh (N, K), used transposed
        var w = GemmTestData.Matrix(K, N, N, 12);    // backward: W_hh (K, N)
        foreach (var packed in new[] { new PackedMatrix(plan, wT, K, true, K, N), new PackedMatrix(plan, w, N, false, K, N) })
            foreach (var (alpha, beta) in new[] { (-1.5f, 0.75f), (0.5f, 0f) })
                AssertSameWithAndWithoutDirectA(m, seed => Product(m, seed, (a, c) => Gemm.Sgemm(false, m, alpha, a, K + PadA, packed, beta, c, N + PadC)));
    }

    [Theory]
    [MemberData(nameof(Ms))]
    public void PlainGemm_ReadingAInPlace_IsBitIdenticalToPackingA(string planName, int m)
    {
        var plan = GemmPlan.All.Single(p => p.Name == planName);
        var b = GemmTestData.Matrix(K, N, N + 2, 13);
        var bT = GemmTestData.Matrix(N, K, K + 4, 14);
        foreach (var (alpha, beta) in new[] { (-1.5f, 0.75f), (2f, 0f) })
        {
            AssertSameWithAndWithoutDirectA(m, seed => Product(m, seed,
                (a, c) => Gemm.Sgemm(plan, false, false, m, N, K, alpha, a, K + PadA, b, N + 2, beta, c, N + PadC)));
            AssertSameWithAndWithoutDirectA(m, seed => Product(m, seed,
                (a, c) => Gemm.Sgemm(plan, false, true, m, N, K, alpha, a, K + PadA, bT, K + 4, beta, c, N + PadC)));
        }
    }

    public static TheoryData<string> VectorPlans => new() { "Vector128", "Vector128Arm64", "Vector256", "Vector512" };

    /// <summary>
    /// A product with at most two register blocks of rows and an untransposed B reads B in place (only the
    /// partial right-edge panel is packed): the same bits as packing B, for every vector family, with A packed
    /// (transposed) or read in place, one row past the limit included.
    /// </summary>
    [Theory]
    [MemberData(nameof(VectorPlans))]
    public void SmallMGemm_ReadingBInPlace_IsBitIdenticalToPackingB(string planName)
    {
        var plan = GemmPlan.All.Single(p => p.Name == planName);
        var b = GemmTestData.Matrix(K, N, N + 2, 15);
        for (int m = 1; m <= 2 * plan.MR + 1; m++)
        {
            int rows = m;
            var aT = GemmTestData.Matrix(K, m, m + PadA, 16);
            AssertSameWithAndWithoutDirectA(m, seed => Product(rows, seed,
                (a, c) => Gemm.Sgemm(plan, false, false, rows, N, K, 0.5f, a, K + PadA, b, N + 2, 0.25f, c, N + PadC)));
            AssertSameWithAndWithoutDirectA(m, seed => Product(rows, seed,
                (_, c) => Gemm.Sgemm(plan, true, false, rows, N, K, -1f, aT, rows + PadA, b, N + 2, 0f, c, N + PadC)));
        }
    }

    /// <summary>C after <paramref name="gemm"/> on a seeded (m, K) A with row padding and a seeded (m, N) C with padding.</summary>
    private static float[] Product(int m, int seed, Action<float[], float[]> gemm)
    {
        var a = GemmTestData.Matrix(m, K, K + PadA, seed);
        var c = GemmTestData.Matrix(m, N, N + PadC, seed + 1, gap: -7.5f);
        gemm(a, c);
        return c;
    }

    private static void AssertSameWithAndWithoutDirectA(int m, Func<int, float[]> run)
    {
        bool saved = GemmDriver.NoDirect;
        try
        {
            GemmDriver.NoDirect = false;
            var direct = run(100 + m);
            GemmDriver.NoDirect = true;
            var packedA = run(100 + m);
            Assert.True(direct.AsSpan().SequenceEqual(packedA), $"M = {m}: reading A in place and packing it give different bits");
            Assert.DoesNotContain(direct, v => float.IsNaN(v) || Math.Abs(v) > 1e6f);   // no padding of A (1e30) leaked in
        }
        finally
        {
            GemmDriver.NoDirect = saved;
        }
    }
}
