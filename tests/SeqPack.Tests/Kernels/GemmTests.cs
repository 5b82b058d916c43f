using SeqPack.Tests.Support;
using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>The packed GEMM against the naive reference, for every kernel family (all run on any machine).</summary>
[Collection(nameof(GemmDriverCollection))]
public class GemmTests
{
    public static TheoryData<string> Plans => new() { "Scalar", "Vector128", "Vector128Arm64", "Vector256", "Vector512" };

    private static GemmPlan Plan(string name) => GemmPlan.All.Single(p => p.Name == name);

    private static readonly (bool A, bool B)[] Transposes = [(false, false), (false, true), (true, false), (true, true)];

    private static void Fast(GemmPlan plan, bool ta, bool tb, int m, int n, int k, float alpha, float beta,
        int padA = 0, int padB = 0, int padC = 0, int seed = 1)
        => GemmTestData.Check(plan.ToString(), ta, tb, m, n, k, alpha, beta, padA, padB, padC,
            (a, lda, b, ldb, c, ldc) => Gemm.Sgemm(plan, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc), seed);

    [Theory]
    [MemberData(nameof(Plans))]
    public void Sgemm_EveryM_1To67_MatchesReference(string plan)
    {
        foreach (var (ta, tb) in Transposes)
            for (int m = 1; m <= 67; m++) Fast(Plan(plan), ta, tb, m, 71, 19, 1f, 0f, seed: m);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Sgemm_EveryN_1To67_MatchesReference(string plan)
    {
        foreach (var (ta, tb) in Transposes)
            for (int n = 1; n <= 67; n++) Fast(Plan(plan), ta, tb, 13, n, 23, 1f, 0f, seed: n);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Sgemm_EveryK_1To67_MatchesReference(string plan)
    {
        foreach (var (ta, tb) in Transposes)
            for (int k = 1; k <= 67; k++) Fast(Plan(plan), ta, tb, 14, 33, k, 1f, 0f, seed: k);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Sgemm_AlphaBeta_AllTransposes_MatchReference(string plan)
    {
        foreach (var (ta, tb) in Transposes)
            foreach (var (alpha, beta) in new[] { (-0.5f, 0f), (1f, 1f), (2.5f, 0.75f), (1f, -1f) })
                Fast(Plan(plan), ta, tb, 29, 35, 41, alpha, beta);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Sgemm_StridedOperands_MatchReferenceAndLeavePaddingAlone(string plan)
    {
        foreach (var (ta, tb) in Transposes)
            Fast(Plan(plan), ta, tb, 17, 45, 31, 1.5f, 0.5f, padA: 3, padB: 5, padC: 7);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Sgemm_CrossesEveryCacheBlock_MatchesReference(string plan)
    {
        // m > MC, k > KC, n > NC: every loop of the Goto nest runs more than once, with edges.
        var p = Plan(plan);
        Fast(p, false, false, p.MC + 5, 9, p.KC + 7, 1f, 0.25f);
        Fast(p, true, true, 7, p.NC + 19, p.KC + 3, -1f, 0f);
    }

    [Fact]
    public void Sgemm_BetaZero_IgnoresNaNsInC()
    {
        foreach (var plan in GemmPlan.All)
            foreach (var (ta, tb) in Transposes)
            {
                int m = 9, n = 21, k = 5;
                var a = GemmTestData.Matrix(m, k, k, 3);
                var b = GemmTestData.Matrix(k, n, n, 4);
                var c = new float[m * n];
                Array.Fill(c, float.NaN);
                Gemm.Sgemm(plan, ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
                Assert.All(c, x => Assert.False(float.IsNaN(x), $"{plan} transA={ta} transB={tb}: NaN from C leaked through beta = 0"));
            }
    }

    [Fact]
    public void Sgemm_KZeroOrAlphaZero_ScalesCByBeta()
    {
        var c = new float[] { 1, 2, float.NaN, 4 };
        Gemm.Sgemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 2);
        Assert.Equal([0.5f, 1f, float.NaN, 2f], c);
        Gemm.Sgemm(false, false, 2, 2, 3, 0f, new float[6], 3, new float[6], 2, 0f, c, 2);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Fact]
    public void Sgemm_ResultsDoNotDependOnThreadCount()
    {
        int m = 61, n = 523, k = 97;
        var a = GemmTestData.Matrix(m, k, k, 5);
        var b = GemmTestData.Matrix(n, k, k, 6);
        int saved = Compute.Threads;
        try
        {
            float[]? first = null;
            foreach (int threads in ThreadCounts.All)
            {
                Compute.Threads = threads;
                var c = new float[m * n];
                Gemm.Sgemm(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);
                if (first == null) first = c;
                else Assert.True(first.AsSpan().SequenceEqual(c), $"Threads = {threads} changed the bits of the result");
            }
        }
        finally
        {
            Compute.Threads = saved;
        }
    }

    [Theory]
    // Large enough to take one block per thread; tall (rows split, like dX = dGates·W_ih), wide (columns split)
    // and transposed-A (like dW = dGatesᵀ·X, rows split).
    [InlineData(false, false, 1031, 67, 301)]
    [InlineData(false, true, 61, 1543, 211)]
    [InlineData(true, false, 523, 37, 1029)]
    [InlineData(false, true, 300, 200, 400)]
    [InlineData(true, true, 250, 333, 257)]
    public void Sgemm_LargeProducts_MatchReferenceAndDoNotDependOnThreadCount(bool transA, bool transB, int m, int n, int k)
    {
        Assert.True((long)m * n * k >= 1L << 24, "the case must be a large product");
        var a = GemmTestData.Matrix(transA ? k : m, transA ? m : k, transA ? m : k, 7);
        var b = GemmTestData.Matrix(transB ? n : k, transB ? k : n, transB ? k : n, 8);
        int lda = transA ? m : k, ldb = transB ? k : n;
        var expected = new float[m * n];
        GemmReference.Sgemm(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, expected, n);
        AssertNearReferenceWithTheSameBitsOnEveryThreadCount(expected, () =>
        {
            var c = new float[m * n];
            Gemm.Sgemm(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            return c;
        });
    }

    [Theory]
    // Large row-split products take the shared-B path (B packed once by all threads, rows taken block by block):
    // alpha and beta must apply as on one thread (beta on the first KC block only), with B packed on the fly
    // or pre-packed.
    [InlineData(false, 1031, 67, 301)]
    [InlineData(true, 1031, 67, 301)]
    [InlineData(false, 700, 100, 600)]
    [InlineData(true, 700, 100, 600)]
    [InlineData(false, 100, 50, 5000)]   // M ≤ MC: row blocks read A in place
    public void Sgemm_LargeRowSplitProducts_ApplyAlphaAndBetaAsOnOneThread(bool prepacked, int m, int n, int k)
    {
        Assert.True((long)m * n * k >= 1L << 24, "the case must be a large product");
        var a = GemmTestData.Matrix(m, k, k, 9);
        var b = GemmTestData.Matrix(k, n, n, 10);
        var c0 = GemmTestData.Matrix(m, n, n, 11);
        var expected = (float[])c0.Clone();
        GemmReference.Sgemm(false, false, m, n, k, 0.5f, a, k, b, n, 2f, expected, n);
        var packed = prepacked ? new PackedMatrix(b, n, false, k, n) : null;
        AssertNearReferenceWithTheSameBitsOnEveryThreadCount(expected, () =>
        {
            var c = (float[])c0.Clone();
            if (packed is null) Gemm.Sgemm(false, false, m, n, k, 0.5f, a, k, b, n, 2f, c, n);
            else Gemm.Sgemm(false, m, 0.5f, a, k, packed, 2f, c, n);
            return c;
        });
    }

    /// <summary>Runs <paramref name="product"/> on every count of <see cref="ThreadCounts.All"/>: each result near the reference, all with the same bits.</summary>
    private static void AssertNearReferenceWithTheSameBitsOnEveryThreadCount(float[] expected, Func<float[]> product)
    {
        int saved = Compute.Threads;
        try
        {
            float[]? first = null;
            foreach (int threads in ThreadCounts.All)
            {
                Compute.Threads = threads;
                var c = product();
                for (int i = 0; i < c.Length; i++)
                    Assert.True(Math.Abs(c[i] - expected[i]) <= 1e-3f * (1 + Math.Abs(expected[i])), $"element {i}: {c[i]} vs {expected[i]}");
                if (first == null) first = c;
                else Assert.True(first.AsSpan().SequenceEqual(c), $"Threads = {threads} changed the bits of the result");
            }
        }
        finally
        {
            Compute.Threads = saved;
        }
    }

    [Theory]
    [InlineData(8649, 256, false, false)]   // dX = dGates·W_ih: tall and narrow, split rows (each thread packs B, 0.5M floats)
    [InlineData(2048, 256, false, false)]   // dW_ih = dGatesᵀ·X
    [InlineData(256, 2048, false, true)]    // wide: split columns
    [InlineData(64, 2048, true, true)]      // a recurrent step against a pre-packed weight: split columns
    [InlineData(4, 2048, false, true)]      // fewer row groups than threads: columns
    [InlineData(8649, 2048, true, false)]   // pre-packed B and many rows: rows (nothing is packed twice)
    public void SplitColumns_SplitsTheDimensionWhoseSplitPacksLess(int m, int n, bool prepacked, bool columns)
        => Assert.Equal(columns, GemmDriver.SplitColumns(m, n, prepacked, GemmPlan.V256, 2));

    [Fact]
    public void Sgemm_OperandTooShort_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Gemm.Sgemm(false, false, 3, 4, 5, 1f, new float[14], 5, new float[20], 4, 0f, new float[12], 4));
        Assert.Equal("a", ex.ParamName);
        Assert.Contains("15", ex.Message);
        var ld = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Sgemm(false, true, 3, 4, 5, 1f, new float[15], 5, new float[20], 4, 0f, new float[12], 4));
        Assert.Equal("ldb", ld.ParamName);
    }
}
