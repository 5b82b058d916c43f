using SeqPack.Training;

namespace SeqPack.Tests.Cli;

/// <summary>
/// Issue 26, bounded resources: the largest batch the data can form is checked against the memory available
/// before training, naming --max-length (a 50 MB row made `train` grow to 21 GB before failing).
/// </summary>
public class MemoryBudgetTests
{
    private static readonly ModelConfig Model = new("lstm", 32, 64, 1, true, 0.1f, 1);

    private static TrainingConfig Training(int batch, int? maxLength) =>
        new(12, batch, null, 2e-3f, 0, 5, 3, 1, 0.1, 0.1, maxLength, 0);

    [Fact]
    public void OneHugeSequence_TooBigForMemory_NamesMaxLengthWithAValueThatFits()
    {
        int[] lengths = [50_000_000, 20, 30, 40];
        long available = 8L << 30;
        var message = MemoryBudget.Check(lengths, Model, Training(32, null), available);
        Assert.NotNull(message);
        Assert.StartsWith("the largest training batch holds 50000090 steps (sequences up to 50000000 steps)", message);
        var suggested = long.Parse(System.Text.RegularExpressions.Regex.Match(message, @"--max-length (\d+)").Groups[1].Value);
        Assert.Null(MemoryBudget.Check(lengths, Model, Training(32, (int)suggested), available));   // the suggestion is enough
    }

    [Fact]
    public void MaxLength_CutsTheEstimate()
    {
        Assert.Equal(3 * 100, MemoryBudget.LargestBatchSteps([5000, 4000, 3000, 10], 3, 100));
        Assert.Equal(5000 + 4000, MemoryBudget.LargestBatchSteps([5000, 4000, 3000, 10], 2, null));
    }

    [Fact]
    public void OrdinaryData_Fits() =>
        Assert.Null(MemoryBudget.Check(Enumerable.Range(1, 5000).Select(i => i % 900 + 1).ToArray(), Model, Training(32, null), 1L << 30));
}
