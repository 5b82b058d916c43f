using SeqPack.Tests.Support;
using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>GEMM with a pre-packed right operand (the recurrent weight) against the naive reference.</summary>
[Collection(nameof(GemmDriverCollection))]
public class PackedMatrixTests
{
    public static TheoryData<string> Plans => new() { "Scalar", "Vector128", "Vector128Arm64", "Vector256", "Vector512" };

    private static GemmPlan Plan(string name) => GemmPlan.All.Single(p => p.Name == name);

    private static void Prepacked(GemmPlan plan, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad = 0)
        => GemmTestData.Check("prepacked " + plan, ta, tb, m, n, k, alpha, beta, pad, pad, pad,
            (a, lda, b, ldb, c, ldc) => Gemm.Sgemm(ta, m, alpha, a, lda, new PackedMatrix(plan, b, ldb, tb, k, n), beta, c, ldc));

    [Theory]
    [MemberData(nameof(Plans))]
    public void Prepacked_EveryM_1To67_MatchesReference(string plan)
    {
        // The recurrent step: M = active batch, B = W_hh packed transposed (forward) or not (backward).
        foreach (bool tb in new[] { true, false })
            for (int m = 1; m <= 67; m++) Prepacked(Plan(plan), m % 2 == 0, tb, m, 77, 29, 1f, m % 3 == 0 ? 1f : 0f);
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Prepacked_EveryN_And_K_1To67_MatchesReference(string plan)
    {
        for (int x = 1; x <= 67; x++)
        {
            Prepacked(Plan(plan), false, true, 7, x, 21, 1f, 0f);
            Prepacked(Plan(plan), true, false, 5, 19, x, -2f, 0.5f, pad: 3);
        }
    }

    [Fact]
    public void Prepacked_DeepAndWide_CrossesKcBlocks()
    {
        var p = GemmPlan.Packed;
        Prepacked(p, false, true, 16, p.NR * 5 + 3, p.KC * 2 + 11, 1f, 1f);
        Prepacked(GemmPlan.V256Deep, true, false, 23, 70, 1100, 0.5f, 2f);
    }

    [Fact]
    public void Prepacked_EqualsUnpackedBitForBit()
    {
        int m = 19, n = 150, k = 300;
        var a = GemmTestData.Matrix(m, k, k, 8);
        var w = GemmTestData.Matrix(n, k, k, 9);
        var packed = new PackedMatrix(w, k, transposed: true, rows: k, columns: n);
        var viaPacked = new float[m * n];
        var direct = new float[m * n];
        Gemm.Sgemm(false, m, 1f, a, k, packed, 0f, viaPacked, n);
        Gemm.Sgemm(packed.Plan, false, true, m, n, k, 1f, a, k, w, k, 0f, direct, n);   // the same blocking: KC splits the k sums
        Assert.True(direct.AsSpan().SequenceEqual(viaPacked), "pre-packed and on-the-fly packed products differ");
    }

    [Fact]
    public void Repack_NewValues_UsedByTheNextProduct()
    {
        int m = 3, n = 20, k = 6;
        var w = GemmTestData.Matrix(k, n, n, 10);
        var packed = new PackedMatrix(w, n, transposed: false, rows: k, columns: n);
        var w2 = GemmTestData.Matrix(k, n, n, 11);
        packed.Pack(w2, n);
        var a = GemmTestData.Matrix(m, k, k, 12);
        var c = new float[m * n];
        var expected = new float[m * n];
        Gemm.Sgemm(false, m, 1f, a, k, packed, 0f, c, n);
        GemmReference.Sgemm(false, false, m, n, k, 1f, a, k, w2, n, 0f, expected, n);
        for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], 1e-5f);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PackAll_RentedColumnBlocks_EqualSeparatelyPackedOnes_OnEveryThreadCount(bool transposed)
    {
        // A layer cuts W_hh into column blocks (gate slices) and packs them together across the pool into storage
        // from the ScratchPool: each block must hold the same bits as a PackedMatrix packed on its own, and the
        // products with it the same bits, for one thread and for several.
        var plan = GemmPlan.Packed;
        int k = plan.KC * 2 + 5, n = 100, m = 9;
        int[] starts = [0, 40, 64], widths = [40, 24, 36];
        int ld = transposed ? k : n;
        var w = GemmTestData.Matrix(transposed ? n : k, transposed ? k : n, ld, 13);
        var a = GemmTestData.Matrix(m, k, k, 14);
        int[] offsets = starts.Select(j => transposed ? j * ld : j).ToArray();
        int saved = Compute.Threads;
        try
        {
            foreach (int threads in ThreadCounts.All)
            {
                Compute.Threads = threads;
                var rented = widths.Select(cols => PackedMatrix.Rent(transposed, k, cols)).ToArray();
                PackedMatrix.PackAll(rented, w, ld, offsets);
                for (int i = 0; i < rented.Length; i++)
                {
                    var alone = new PackedMatrix(w.AsSpan(offsets[i]), ld, transposed, k, widths[i]);
                    float[] viaRented = new float[m * widths[i]], viaAlone = new float[m * widths[i]];
                    Gemm.Sgemm(false, m, 1f, a, k, rented[i], 0f, viaRented, widths[i]);
                    Gemm.Sgemm(false, m, 1f, a, k, alone, 0f, viaAlone, widths[i]);
                    Assert.Equal(viaAlone, viaRented);
                    Assert.Contains(viaRented, v => v != 0f);
                }
                foreach (var r in rented) r.Return();
            }
        }
        finally
        {
            Compute.Threads = saved;
        }
    }

    [Fact]
    public unsafe void Return_TwiceGivesTheStorageBackOnce_AndLaterProductsThrow()
    {
        const int k = 1031, n = 24;   // 1031 · 32 floats: large enough to be pooled, a size no other test rents
        Assert.True(k * n >= ScratchPool.MinPooledLength);
        var w = GemmTestData.Matrix(k, n, n, 15);
        var m = PackedMatrix.RentPacked(w, n, transposed: false, rows: k, columns: n);
        m.Return();
        m.Return();
        var first = PackedMatrix.Rent(false, k, n);    // the returned storage, handed out once only
        var second = PackedMatrix.Rent(false, k, n);
        Assert.NotEqual((nint)first.Pointer, (nint)second.Pointer);
        var ex = Assert.Throws<InvalidOperationException>(() => Gemm.Sgemm(false, 1, 1f, new float[k], k, m, 0f, new float[n], n));
        Assert.Contains("given back to the pool", ex.Message);
        first.Return();
        second.Return();
    }

    [Fact]
    public void PackAll_SourceTooShortForABlock_ThrowsNamingIt()
    {
        var blocks = new[] { PackedMatrix.Rent(false, 4, 8), PackedMatrix.Rent(false, 4, 8) };
        var ex = Assert.Throws<ArgumentException>(() => PackedMatrix.PackAll(blocks, new float[4 * 12], 12, [0, 8]));
        Assert.Equal("source", ex.ParamName);
    }

    [Fact]
    public void Pack_SpanTooShort_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PackedMatrix(new float[10], 4, transposed: false, rows: 3, columns: 4));
        Assert.Equal("b", ex.ParamName);
    }
}
