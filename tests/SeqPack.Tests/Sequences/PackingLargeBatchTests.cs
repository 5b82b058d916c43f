using SeqPack;

namespace SeqPack.Tests.Sequences;

/// <summary>
/// Batches large enough that packing, padding and their gradients copy rows on the worker pool (over 2^18
/// floats): every element must land where a plain index computation says, for one thread and for several.
/// </summary>
[Collection(nameof(SeqPack.Tests.Kernels.GemmDriverCollection))]   // sets Compute.Threads
public class PackingLargeBatchTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PackPadRoundTrip_AndGradients_PutEveryRowWhereTheIndicesSay(int threads)
    {
        const int batch = 37, steps = 211, features = 80;   // about 310,000 packed floats (562,160 padded); runs end mid-task
        var rng = new Random(5);
        var lengths = Enumerable.Range(0, batch).Select(_ => rng.Next(1, steps + 1)).ToArray();
        lengths[rng.Next(batch)] = steps;
        Assert.True(lengths.Sum() * features >= 1 << 18, "the batch must be large enough for the parallel copies");
        var values = Enumerable.Range(0, batch * steps * features).Select(i => (float)(i % 9973) - 4000f).ToArray();
        var weightValues = Enumerable.Range(0, lengths.Sum() * features).Select(i => (float)(i % 101) + 0.5f).ToArray();
        int saved = Compute.Threads;
        try
        {
            Compute.Threads = threads;
            var x = Tensor.FromArray(values, batch, steps, features);
            x.RequiresGrad = true;
            var packed = Packing.PackPaddedSequence(x, lengths, batchFirst: true, enforceSorted: false);
            var weights = Tensor.FromArray(weightValues, lengths.Sum(), features);
            (packed.Data * weights).Sum().Backward();

            // Expected packed rows: time-major, longest sequence first (stable for equal lengths), as PyTorch.
            var order = Enumerable.Range(0, batch).OrderByDescending(b => lengths[b]).ToArray();
            var data = packed.Data.ToArray();
            var grad = x.Grad!.ToArray();
            var expectedGrad = new float[grad.Length];
            int row = 0;
            for (int t = 0; t < steps; t++)
                foreach (int b in order.Where(b => lengths[b] > t))
                {
                    for (int f = 0; f < features; f++)
                    {
                        Assert.Equal(values[(b * steps + t) * features + f], data[row * features + f]);
                        expectedGrad[(b * steps + t) * features + f] = weightValues[row * features + f];
                    }
                    row++;
                }
            Assert.Equal(lengths.Sum(), row);
            Assert.Equal(expectedGrad, grad);   // zero on every padded position

            var (padded, back) = Packing.PadPackedSequence(packed, batchFirst: true);
            Assert.Equal(lengths, back);
            var p = padded.ToArray();
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < steps; t++)
                    for (int f = 0; f < features; f += 13)
                        Assert.Equal(t < lengths[b] ? values[(b * steps + t) * features + f] : 0f, p[(b * steps + t) * features + f]);
        }
        finally
        {
            Compute.Threads = saved;
        }
    }
}
