using SeqPack.Nn;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// PyTorch's <c>test_variable_sequence</c> (test/test_nn.py) ported: a 2-layer bidirectional LSTM (input 3,
/// hidden 4, with and without projections to 2) run once over a packed batch must equal the same LSTM run on
/// each sequence alone — outputs (padded with zeros), final states, and the gradients of the input, of the
/// initial states and of every weight. As in PyTorch, float32 results must agree within 1e-5.
/// </summary>
public class VariableSequenceTests
{
    public static TheoryData<bool, int[], bool, int> Cases()
    {
        var data = new TheoryData<bool, int[], bool, int>();
        (bool Sorted, int[] Lengths)[] tests =
        [
            (true, [5]), (false, [5]),
            (true, [10, 10, 6, 2, 2, 1, 1]), (false, [10, 10, 6, 2, 2, 1, 1]),
            (false, [2, 1, 3, 2, 10, 5, 3]),
        ];
        foreach (var (sorted, lengths) in tests)
            foreach (bool defaultHiddens in new[] { true, false })
                foreach (int proj in new[] { 0, 2 })
                    data.Add(sorted, lengths, defaultHiddens, proj);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PackedBatch_EqualsEachSequenceAlone(bool enforceSorted, int[] lengths, bool useDefaultHiddens, int projSize)
    {
        const int inputSize = 3, hiddenSize = 4, numLayers = 2, directions = 2;
        const double atol = 1e-5;
        int batch = lengths.Length, maxLength = lengths.Max(), hOut = projSize == 0 ? hiddenSize : projSize;
        var rng = new Rng(42);
        var xLeaf = Tensor.Randn(rng, maxLength, batch, inputSize);
        xLeaf.RequiresGrad = true;
        var lstm = new Lstm(inputSize, hiddenSize, numLayers, bidirectional: true, projSize: projSize, rng: rng);
        var lstm2 = new Lstm(inputSize, hiddenSize, numLayers, bidirectional: true, projSize: projSize, rng: new Rng(7));
        lstm2.LoadStateDict(lstm.StateDict());

        Tensor? h0 = null, c0 = null;
        if (!useDefaultHiddens)
        {
            h0 = Tensor.Randn(rng, directions * numLayers, batch, hOut);
            c0 = Tensor.Randn(rng, directions * numLayers, batch, hiddenSize);
            h0.RequiresGrad = true;
            c0.RequiresGrad = true;
        }
        // Weights for the final states in the loss, so that their gradients (and those of h0, c0) are checked too.
        var wh = Tensor.Randn(rng, directions * numLayers, batch, hOut);
        var wc = Tensor.Randn(rng, directions * numLayers, batch, hiddenSize);

        // Each sequence on its own.
        var seqOuts = new List<Tensor>();
        var seqH = new List<Tensor>();
        var seqC = new List<Tensor>();
        for (int i = 0; i < batch; i++)
        {
            int l = lengths[i];
            LstmState? hidden = h0 is null ? null : new LstmState(h0.Narrow(1, i, 1), c0!.Narrow(1, i, 1));
            var (o, s) = lstm2.Forward(xLeaf.Narrow(0, 0, l).Narrow(1, i, 1), hidden);
            seqOuts.Add(l == maxLength ? o : Tensor.Cat([o, Tensor.Zeros(maxLength - l, 1, directions * hOut)], 0));
            seqH.Add(s.H);
            seqC.Add(s.C);
        }
        var seqOut = Tensor.Cat(seqOuts, 1);
        var seqHidden = Tensor.Cat(seqH, 1);
        var seqCell = Tensor.Cat(seqC, 1);

        // The packed batch.
        var packed = Packing.PackPaddedSequence(xLeaf, lengths, enforceSorted: enforceSorted);
        var (packedOut, packedState) = lstm.Forward(packed, h0 is null ? null : new LstmState(h0, c0!));
        var (unpacked, unpackedLengths) = Packing.PadPackedSequence(packedOut);

        Assert.Equal(lengths, unpackedLengths);
        AssertClose(seqHidden, packedState.H, atol, "h_n");
        AssertClose(seqCell, packedState.C, atol, "c_n");
        AssertClose(seqOut, unpacked, atol, "output");

        Autograd.Backward([seqOut, seqHidden, seqCell], [Tensor.Ones(seqOut.Shape), wh, wc]);
        var gradX = xLeaf.Grad!.Clone();
        var gradH0 = h0?.Grad?.Clone();
        var gradC0 = c0?.Grad?.Clone();
        xLeaf.ZeroGrad();
        h0?.ZeroGrad();
        c0?.ZeroGrad();
        Autograd.Backward([unpacked, packedState.H, packedState.C], [Tensor.Ones(unpacked.Shape), wh, wc]);

        AssertClose(gradX, xLeaf.Grad!, atol, "input gradient");
        if (h0 is not null)
        {
            AssertClose(gradH0!, h0.Grad!, atol, "h0 gradient");
            AssertClose(gradC0!, c0!.Grad!, atol, "c0 gradient");
        }
        foreach (var ((name, p1), (_, p2)) in lstm.NamedParameters().Zip(lstm2.NamedParameters()))
            AssertClose(p2.Grad!, p1.Grad!, atol, $"gradient of {name}");
    }

    private static void AssertClose(Tensor expected, Tensor actual, double atol, string what)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= atol, $"{what}, element {i}: one at a time {e[i]:G9}, packed {a[i]:G9}");
    }
}
