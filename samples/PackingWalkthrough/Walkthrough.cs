using SeqPack.Nn;

namespace SeqPack.Samples;

/// <summary>What the walkthrough computed, for the test that runs it.</summary>
public sealed record WalkthroughResult(PackedSequence Packed, Tensor Output, int[] Lengths, LstmState State);

/// <summary>
/// The classic packing example done right: three sequences of lengths 3, 4 and 1 are padded into one
/// tensor, packed without sorting them first (enforceSorted: false), run through a one-layer LSTM that never
/// sees a padded step, and unpacked back into the caller's order.
/// </summary>
public static class Walkthrough
{
    public static WalkthroughResult Run(TextWriter output)
    {
        const int features = 2, hidden = 3;
        var rng = new Rng(2024);

        // Three sequences, each (length, features), in no particular order of length.
        int[] lengths = [3, 4, 1];
        var sequences = lengths.Select(l => Tensor.Randn(rng, l, features)).ToArray();

        // 1. Pad: one (T, B, features) tensor, time-major, zeros after each shorter sequence.
        var padded = Packing.PadSequence(sequences);
        output.WriteLine($"padded input, shape ({string.Join(", ", padded.Shape)}) = (longest, batch, features):");
        output.WriteLine(padded);

        // 2. Pack: only real steps remain, longest sequence first. The batch was reordered, so the packed
        //    sequence remembers the permutation and undoes it on the way out.
        var packed = Packing.PackPaddedSequence(padded, lengths, enforceSorted: false);
        output.WriteLine();
        output.WriteLine($"packed: {packed.Data.Dim(0)} rows (= 3 + 4 + 1) instead of {padded.Dim(0) * padded.Dim(1)} padded steps");
        output.WriteLine($"batch sizes: [{string.Join(", ", packed.BatchSizes)}]   (sequences still running at each step)");
        output.WriteLine($"sorted indices: [{string.Join(", ", packed.SortedIndices!)}]   (longest first)");

        // 3. One LSTM layer over the packed rows: at step t only the first batchSizes[t] rows are computed.
        var lstm = new Lstm(features, hidden, rng: rng);
        var (packedOut, state) = lstm.Forward(packed);

        // 4. Unpack: back to (T, B, hidden) in the original order; padded positions are exactly zero.
        var (unpacked, outLengths) = Packing.PadPackedSequence(packedOut);
        output.WriteLine();
        output.WriteLine($"LSTM output unpacked, shape ({string.Join(", ", unpacked.Shape)}), lengths [{string.Join(", ", outLengths)}]:");
        output.WriteLine(unpacked);
        output.WriteLine();
        output.WriteLine("final hidden state h_n (1, batch, hidden), in the original order; each row is the output at that sequence's last real step:");
        output.WriteLine(state.H);
        return new WalkthroughResult(packed, unpacked, outLengths, state);
    }
}
