using System.Text.Json;
using SeqPack;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Sequences;

/// <summary>
/// Every packing function against PyTorch 1.13 on the random cases of Fixtures/packing_cases.json
/// (made by Fixtures/make_packing_fixtures.py): outputs, lengths, batch sizes, indices and gradients, all
/// compared exactly (packing only copies values, so nothing may differ by even one bit).
/// </summary>
/// <remarks>
/// Where a case has more than 16 sequences with equal lengths, PyTorch's <c>torch.sort</c> orders the ties
/// by accident of its unstable sort, while SeqPack keeps them in batch order. Those cases check that
/// SeqPack's order is the stable one, then compare the packed rows after mapping PyTorch's tie order onto
/// SeqPack's; everything padded or unpacked is compared directly, because it does not depend on tie order.
/// </remarks>
public class PackingFixtureTests
{
    private static readonly JsonElement[] Cases =
        FixtureFile.Load("packing_cases.json").GetProperty("cases").EnumerateArray().ToArray();

    public static TheoryData<int, string> CaseIds()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Cases.Length; i++) data.Add(i, Cases[i].GetProperty("name").GetString()!);
        return data;
    }

    private static void Same(JsonElement expected, Tensor actual) => Same(expected.Tensor(), actual);

    private static void Same(Tensor expected, Tensor actual) => TensorAssert.Equal(expected.ToArray(), expected.Shape, actual);

    private static Tensor Leaf(JsonElement e)
    {
        var t = e.Tensor();
        t.RequiresGrad = true;
        return t;
    }

    private static Tensor[] Sequences(JsonElement c) => c.GetProperty("sequences").EnumerateArray().Select(Leaf).ToArray();

    private static int[]? IntsOrNull(JsonElement e, string property) =>
        e.GetProperty(property).ValueKind == JsonValueKind.Null ? null : e.Ints(property);

    [Fact]
    public void Fixture_CoversTheRequiredVariety()
    {
        Assert.True(Cases.Length >= 60);
        Assert.Contains(Cases, c => c.GetProperty("features").GetArrayLength() == 0);
        Assert.Contains(Cases, c => c.GetProperty("features").GetArrayLength() == 2);
        Assert.Contains(Cases, c => c.GetProperty("lengths").GetArrayLength() == 1);
        Assert.Contains(Cases, c => c.GetProperty("lengths").GetArrayLength() > 16);
        Assert.Contains(Cases, c => c.GetProperty("pad_packed").GetProperty("total_length").ValueKind == JsonValueKind.Number);
        foreach (bool flag in new[] { true, false })
        {
            Assert.Contains(Cases, c => c.GetProperty("batch_first").GetBoolean() == flag);
            Assert.Contains(Cases, c => c.GetProperty("enforce_sorted").GetBoolean() == flag);
        }
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void PadSequence_MatchesPyTorch(int index, string name)
    {
        _ = name;
        var c = Cases[index];
        var pad = c.GetProperty("pad");
        var seqs = Sequences(c);
        var output = Packing.PadSequence(seqs, c.GetProperty("batch_first").GetBoolean(), c.GetProperty("padding_value").GetSingle());
        Same(pad.GetProperty("out"), output);
        output.Backward(pad.Tensor("grad_out"));
        var expected = pad.GetProperty("grad_sequences").EnumerateArray().ToArray();
        for (int i = 0; i < seqs.Length; i++) Same(expected[i], seqs[i].Grad!);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void PackPaddedSequence_MatchesPyTorch(int index, string name)
    {
        _ = name;
        var c = Cases[index];
        var p = c.GetProperty("pack_padded");
        var input = Leaf(p.GetProperty("input"));
        bool enforceSorted = c.GetProperty("enforce_sorted").GetBoolean();
        var packed = Packing.PackPaddedSequence(input, c.Ints("lengths"), c.GetProperty("batch_first").GetBoolean(), enforceSorted);
        var gradData = CheckPacked(c, p, packed);
        packed.Data.Backward(gradData);
        Same(p.GetProperty("grad_input"), input.Grad!);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void PackSequence_MatchesPyTorch(int index, string name)
    {
        _ = name;
        var c = Cases[index];
        var p = c.GetProperty("pack_sequence");
        var seqs = Sequences(c);
        var packed = Packing.PackSequence(seqs, c.GetProperty("enforce_sorted").GetBoolean());
        packed.Data.Backward(CheckPacked(c, p, packed));
        var expected = p.GetProperty("grad_sequences").EnumerateArray().ToArray();
        for (int i = 0; i < seqs.Length; i++) Same(expected[i], seqs[i].Grad!);
    }

    /// <summary>
    /// Compares a packed result with PyTorch's and returns PyTorch's data gradient in SeqPack's row order
    /// (the same tensor unless PyTorch ordered ties differently).
    /// </summary>
    private static Tensor CheckPacked(JsonElement c, JsonElement p, PackedSequence packed)
    {
        Assert.Equal(p.Ints("batch_sizes"), packed.BatchSizes);
        var torchSorted = IntsOrNull(p, "sorted_indices");
        if (torchSorted is null)
        {
            Assert.Null(packed.SortedIndices);
            Assert.Null(packed.UnsortedIndices);
            Same(p.GetProperty("data"), packed.Data);
            return p.Tensor("grad_data");
        }
        var ours = packed.SortedIndices!.ToArray();
        Assert.Equal(Packing.InvertPermutation(ours), packed.UnsortedIndices!);
        var lengths = c.Ints("lengths");
        var stable = Enumerable.Range(0, lengths.Length).OrderByDescending(i => lengths[i]).ToArray();
        Assert.Equal(stable, ours);
        if (!torchSorted.SequenceEqual(ours))
            Assert.True(lengths.Length > 16, $"PyTorch's order [{string.Join(",", torchSorted)}] differs from the stable order for only {lengths.Length} sequences");
        Assert.Equal(IntsOrNull(p, "unsorted_indices"), Packing.InvertPermutation(torchSorted));
        Same(p.GetProperty("data").Reorder(packed, torchSorted, ours), packed.Data);
        return p.Tensor("grad_data").Reorder(packed, torchSorted, ours);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void PadPackedSequence_MatchesPyTorch(int index, string name)
    {
        _ = name;
        var c = Cases[index];
        var p = c.GetProperty("pack_padded");
        var pp = c.GetProperty("pad_packed");
        var data = Leaf(p.GetProperty("data"));
        var packed = new PackedSequence(data, p.Ints("batch_sizes"), IntsOrNull(p, "sorted_indices"), IntsOrNull(p, "unsorted_indices"));
        int? totalLength = pp.GetProperty("total_length").ValueKind == JsonValueKind.Null ? null : pp.GetProperty("total_length").GetInt32();
        var (padded, lengths) = Packing.PadPackedSequence(packed, c.GetProperty("batch_first").GetBoolean(), c.GetProperty("padding_value").GetSingle(), totalLength);
        Same(pp.GetProperty("out"), padded);
        Assert.Equal(pp.Ints("lengths"), lengths);
        padded.Backward(pp.Tensor("grad_out"));
        Same(pp.GetProperty("grad_data"), data.Grad!);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void UnpackSequence_MatchesPyTorch(int index, string name)
    {
        _ = name;
        var c = Cases[index];
        var p = c.GetProperty("pack_padded");
        var u = c.GetProperty("unpack");
        var data = Leaf(p.GetProperty("data"));
        var packed = new PackedSequence(data, p.Ints("batch_sizes"), IntsOrNull(p, "sorted_indices"));
        var outs = Packing.UnpackSequence(packed);
        CheckOutputsAndBackward(u, outs);
        Same(u.GetProperty("grad_data"), data.Grad!);
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void UnpadSequence_MatchesPyTorch(int index, string name)
    {
        _ = name;
        var c = Cases[index];
        var u = c.GetProperty("unpad");
        var padded = Leaf(c.GetProperty("pack_padded").GetProperty("input"));
        var before = padded.ToArray();
        var shape = padded.Shape;
        var outs = Packing.UnpadSequence(padded, c.Ints("lengths"), c.GetProperty("batch_first").GetBoolean());
        TensorAssert.Equal(before, shape, padded);   // never modified (PyTorch transposes in place)
        CheckOutputsAndBackward(u, outs);
        Same(u.GetProperty("grad_padded"), padded.Grad!);
    }

    private static void CheckOutputsAndBackward(JsonElement expected, IReadOnlyList<Tensor> outs)
    {
        var e = expected.GetProperty("outs").EnumerateArray().ToArray();
        Assert.Equal(e.Length, outs.Count);
        for (int i = 0; i < e.Length; i++) Same(e[i], outs[i]);
        var grads = expected.GetProperty("grad_outs").EnumerateArray().Select(g => g.Tensor()).ToArray();
        SeqPack.Autograd.Backward(outs, grads);
    }
}

internal static class PackedReorder
{
    /// <summary>
    /// Packed rows built with the sort order <paramref name="from"/> rearranged as if built with
    /// <paramref name="to"/>; both orders must sort the same lengths (they differ only among ties).
    /// </summary>
    public static Tensor Reorder(this JsonElement packedData, PackedSequence layoutOf, int[] from, int[] to) =>
        packedData.Tensor().Reorder(layoutOf, from, to);

    public static Tensor Reorder(this Tensor data, PackedSequence layoutOf, int[] from, int[] to)
    {
        var position = Packing.InvertPermutation(from);
        var values = data.ToArray();
        var result = new float[values.Length];
        int rowSize = values.Length / Math.Max(1, data.Shape[0]);
        var sizes = layoutOf.BatchSizes;
        int offset = 0;
        for (int t = 0; t < sizes.Count; t++)
        {
            for (int b = 0; b < sizes[t]; b++)
            {
                int p = position[to[b]];
                Assert.True(p < sizes[t], "the two sort orders disagree on more than ties");
                Array.Copy(values, (offset + p) * rowSize, result, (offset + b) * rowSize, rowSize);
            }
            offset += sizes[t];
        }
        return Tensor.FromArray(result, data.Shape);
    }
}
