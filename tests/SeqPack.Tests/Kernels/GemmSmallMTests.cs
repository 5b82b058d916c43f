using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SeqPack.Kernels;
using SeqPack.Nn;

namespace SeqPack.Tests.Kernels;

/// <summary>A GEMM of a few rows: shape, transposes, alpha/beta, kernel family and a seed for the values.</summary>
public sealed record SmallMProduct(string Plan, int M, int N, int K, bool TransA, bool TransB, float Alpha, float Beta, int Seed)
{
    public override string ToString() =>
        $"{Plan} M={M} N={N} K={K} transA={TransA} transB={TransB} alpha={Alpha} beta={Beta} seed={Seed}";
}

/// <summary>FsCheck generators for <see cref="GemmSmallMTests"/>.</summary>
public static class SmallMArbitraries
{
    /// <summary>
    /// M 1..16 (one or two register blocks of every family, and the rows a classifier head meets), N across one
    /// to several panels with every remainder, K up to past the Vector512 KC of 1024 so that later KC blocks
    /// accumulate into C.
    /// </summary>
    public static Arbitrary<SmallMProduct> Products() =>
        (from plan in Gen.Elements("Scalar", "Vector128", "Vector128Arm64", "Vector256", "Vector512")
         from m in Gen.Choose(1, 16)
         from n in Gen.Choose(1, 150)
         from k in Gen.OneOf(Gen.Choose(1, 300), Gen.Choose(1020, 1100))
         from transA in Gen.Elements(false, true)
         from transB in Gen.Elements(false, true)
         from ab in Gen.Elements((1f, 0f), (-1.5f, 0.75f), (0.5f, 1f))
         from seed in Gen.Choose(0, 1_000_000)
         select new SmallMProduct(plan, m, n, k, transA, transB, ab.Item1, ab.Item2, seed)).ToArbitrary();
}

/// <summary>
/// Products of a few rows pack B one micro-panel at a time right before use (or read it in place when it is
/// not transposed): the same bits as packing each B block whole, which <see cref="GemmDriver.NoDirect"/>
/// forces, for every kernel family, both transposes of A and B, and on one and two threads.
/// </summary>
[Collection(nameof(GemmDriverCollection))]
public class GemmSmallMTests
{
    [Property(Arbitrary = [typeof(SmallMArbitraries)], MaxTest = 120)]
    public void SmallMGemm_IsBitIdenticalToPackingWholeBlocks(SmallMProduct p)
    {
        var plan = GemmPlan.All.Single(x => x.Name == p.Plan);
        int lda = (p.TransA ? p.M : p.K) + 3, ldb = (p.TransB ? p.K : p.N) + 2, ldc = p.N + 1;
        var a = GemmTestData.Matrix(p.TransA ? p.K : p.M, p.TransA ? p.M : p.K, lda, p.Seed);
        var b = GemmTestData.Matrix(p.TransB ? p.N : p.K, p.TransB ? p.K : p.N, ldb, p.Seed + 1);
        float[] Run(bool wholeBlocks, int threads)
        {
            var c = GemmTestData.Matrix(p.M, p.N, ldc, p.Seed + 2, gap: -7.5f);
            bool savedNoDirect = GemmDriver.NoDirect;
            int savedThreads = Compute.Threads;
            try
            {
                GemmDriver.NoDirect = wholeBlocks;
                Compute.Threads = threads;
                Gemm.Sgemm(plan, p.TransA, p.TransB, p.M, p.N, p.K, p.Alpha, a, lda, b, ldb, p.Beta, c, ldc);
            }
            finally
            {
                GemmDriver.NoDirect = savedNoDirect;
                Compute.Threads = savedThreads;
            }
            return c;
        }
        var whole = Run(wholeBlocks: true, threads: 1);
        Assert.True(Run(wholeBlocks: false, threads: 1).AsSpan().SequenceEqual(whole), $"{p}: panel by panel differs from whole blocks on 1 thread");
        Assert.True(Run(wholeBlocks: false, threads: 2).AsSpan().SequenceEqual(whole), $"{p}: panel by panel differs from whole blocks on 2 threads");
        for (int i = 0; i + 1 < p.M; i++)
            Assert.Equal(-7.5f, whole[i * ldc + p.N]);   // the padding between rows of C is left alone
    }

    /// <summary>
    /// <see cref="Linear"/> with a few rows (x·Wᵀ, a transposed B) gives the same bits as the GEMM that packs
    /// its weight whole, with and without bias, and matches the naive product within a float dot product's bound.
    /// </summary>
    [Theory]
    [InlineData(1, 37, 300)]
    [InlineData(5, 130, 64)]
    [InlineData(16, 70, 1030)]
    public void LinearForward_FewRows_IsBitIdenticalToPackingTheWholeWeight(int m, int outF, int inF)
    {
        foreach (bool bias in new[] { false, true })
        {
            var layer = new Linear(inF, outF, bias, new Rng(7));
            var x = Tensor.Randn(new Rng(8), m, inF);
            bool saved = GemmDriver.NoDirect;
            float[] panelByPanel, whole;
            try
            {
                GemmDriver.NoDirect = false;
                panelByPanel = layer.Forward(x).ToArray();
                GemmDriver.NoDirect = true;
                whole = layer.Forward(x).ToArray();
            }
            finally
            {
                GemmDriver.NoDirect = saved;
            }
            Assert.True(panelByPanel.AsSpan().SequenceEqual(whole), $"M={m} out={outF} in={inF} bias={bias}");
            var expected = new float[m * outF];
            if (bias)
                for (int r = 0; r < m; r++) layer.Bias!.AsSpan().CopyTo(expected.AsSpan(r * outF, outF));
            GemmReference.Sgemm(false, true, m, outF, inF, 1f, x.ToArray(), inF, layer.Weight.ToArray(), inF, bias ? 1f : 0f, expected, outF);
            // |Δ| ≤ (k + 2)·u·(|x|·|W|ᵀ + |b|), u = 2⁻²⁴: the forward error bound of a float dot product
            var bound = new float[m * outF];
            GemmReference.Sgemm(false, true, m, outF, inF, 1f, Array.ConvertAll(x.ToArray(), Math.Abs), inF,
                Array.ConvertAll(layer.Weight.ToArray(), Math.Abs), inF, 0f, bound, outF);
            for (int i = 0; i < expected.Length; i++)
            {
                float tol = (inF + 2) * MathF.Pow(2, -24) * (bound[i] + (bias ? Math.Abs(layer.Bias!.AsSpan()[i % outF]) : 0f));
                Assert.True(Math.Abs(expected[i] - panelByPanel[i]) <= tol, $"element {i}: {panelByPanel[i]} vs {expected[i]} (bound {tol})");
            }
        }
    }
}
