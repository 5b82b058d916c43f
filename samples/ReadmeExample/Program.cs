using SeqPack;

// Three sequences of different lengths (one feature per step), in no particular order.
Tensor a = Tensor.FromArray([4f, 5f], 2);
Tensor b = Tensor.FromArray([1f, 2f, 3f], 3);
Tensor c = Tensor.FromArray([6f], 1);

// pad: one rectangle (batch, time), zeros after the shorter sequences.
Tensor padded = Packing.PadSequence([a, b, c], batchFirst: true);
Console.WriteLine(padded);

// pack: only the real steps, time-major, longest sequence first; the sort order is recorded.
PackedSequence packed = Packing.PackPaddedSequence(padded, [2, 3, 1], batchFirst: true, enforceSorted: false);
Console.WriteLine(packed);
Console.WriteLine(packed.Data);

// unpack: back to the padded rectangle in the original order, with the lengths.
var (unpacked, lengths) = Packing.PadPackedSequence(packed, batchFirst: true);
Console.WriteLine($"lengths: [{string.Join(", ", lengths)}]");

// unpad: back to the list of sequences.
foreach (Tensor sequence in Packing.UnpadSequence(unpacked, lengths, batchFirst: true))
    Console.WriteLine(sequence);
