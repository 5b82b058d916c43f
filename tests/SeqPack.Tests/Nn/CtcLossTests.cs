using System.Text.Json;
using SeqPack;
using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Nn;

/// <summary>
/// Ctc against PyTorch 1.13's CPU ctc_loss (repeats, empty and infeasible targets, short inputs, every reduction,
/// zero_infinity, a blank other than 0, a larger batch, the unbatched form), and against finite differences
/// through a log-softmax (PyTorch's gradient assumes one, see Losses.Ctc).
/// </summary>
public class CtcLossTests
{
    private static readonly JsonElement Cases = FixtureFile.Load("ops_fixtures.json").GetProperty("ctc");

    public static TheoryData<string> CaseNames() => new(Cases.EnumerateObject().Select(p => p.Name));

    private static Reduction ParseReduction(JsonElement c) => c.GetProperty("reduction").GetString() switch
    {
        "mean" => Reduction.Mean,
        "sum" => Reduction.Sum,
        _ => Reduction.None,
    };

    [Theory, MemberData(nameof(CaseNames))]
    public void Ctc_LossAndGradient_MatchTorch(string name)
    {
        var c = Cases.GetProperty(name);
        var lp = c.Tensor("log_probs");
        lp.RequiresGrad = true;
        var loss = Losses.Ctc(lp, c.Ints("targets"), c.Ints("input_lengths"), c.Ints("target_lengths"),
            c.GetProperty("blank").GetInt32(), ParseReduction(c), c.GetProperty("zero_infinity").GetBoolean());
        Assert.Equal(c.GetProperty("loss").Ints("shape"), loss.Shape);
        TensorAssert.Close(c.Floats("loss"), loss, 1e-4, 1e-5);
        loss.Backward(c.Tensor("g").Reshape(loss.Shape));
        TensorAssert.Close(c.Floats("dlog_probs"), lp.Grad!, 1e-5, 1e-4);
    }

    [Fact]
    public void Ctc_ThroughLogSoftmax_MatchesFiniteDifferences()
    {
        // Repeats (2 2), an empty target and a target that fills its input exactly; every reduction.
        int[] targets = [1, 2, 2, 3, 1];
        int[] targetLengths = [3, 0, 2];
        int[] inputLengths = [6, 4, 3];
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
            GradCheck.Check(x => Losses.Ctc(x[0].LogSoftmax(2), targets, inputLengths, targetLengths, reduction: red),
                [Tensor.Randn([6, 3, 4], 11)], eps: 1e-2, tol: 3e-3);
    }

    [Fact]
    public void Ctc_RepeatNeedsBlank_InfeasibleExactlyWhenTooShort()
    {
        var lp = Tensor.Randn([4, 1, 3], 3).LogSoftmax(2);
        // "1 1" needs 3 steps (1, blank, 1): feasible with 3, infeasible with 2; "1 2" fits in 2.
        Assert.True(float.IsFinite(Losses.Ctc(lp, [1, 1], [3], [2]).Item()));
        Assert.Equal(float.PositiveInfinity, Losses.Ctc(lp, [1, 1], [2], [2]).Item());
        Assert.True(float.IsFinite(Losses.Ctc(lp, [1, 2], [2], [2]).Item()));
    }

    [Fact]
    public void Ctc_SingleStepSingleLabel_IsMinusItsLogProb()
    {
        var lp = Tensor.FromArray([MathF.Log(0.2f), MathF.Log(0.5f), MathF.Log(0.3f)], 1, 1, 3);
        Assert.Equal(-MathF.Log(0.5f), Losses.Ctc(lp, [1], [1], [1], reduction: Reduction.Sum).Item(), 6);
    }

    [Fact]
    public void Ctc_ZeroInputLength_IsZeroForEmptyTargetAndInfiniteOtherwise()
    {
        var lp = Tensor.Randn([3, 2, 3], 4).LogSoftmax(2);
        lp.RequiresGrad = true;
        var loss = Losses.Ctc(lp, [1], [0, 0], [0, 1], reduction: Reduction.None);
        Assert.Equal(new[] { 0f, float.PositiveInfinity }, loss.ToArray());
        Losses.Ctc(lp, [1], [0, 0], [0, 1], reduction: Reduction.Sum, zeroInfinity: true).Backward();
        Assert.All(lp.Grad!.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Ctc_ResultDoesNotDependOnThreadCount()
    {
        var lp = Tensor.Randn([30, 7, 6], 5).LogSoftmax(2);
        int[] tl = [4, 1, 0, 6, 3, 2, 5];
        int[] il = [30, 12, 5, 29, 30, 8, 17];
        var targets = Enumerable.Range(0, tl.Sum()).Select(i => 1 + i * 7 % 5).ToArray();
        float[] Run(int threads)
        {
            int saved = Compute.Threads;
            try
            {
                Compute.Threads = threads;
                var x = lp.Detach();
                x.RequiresGrad = true;
                Losses.Ctc(x, targets, il, tl).Backward();
                return x.Grad!.ToArray();
            }
            finally { Compute.Threads = saved; }
        }
        Assert.Equal(Run(1), Run(2));
    }

    public static TheoryData<string, int[], int[], int[], int, string> BadArguments() => new()
    {
        { "blank", [1], [3], [1], 4, "blank = 4" },
        { "inputLengths", [1], [3, 3], [1], 0, "2 input lengths" },
        { "targetLengths", [1], [3], [1, 0], 0, "2 target lengths" },
        { "inputLengths", [1], [6], [1], 0, "inputLengths[0] = 6" },
        { "targetLengths", [], [3], [-1], 0, "targetLengths[0] = -1" },
        { "targets", [1, 2], [3], [1], 0, "add up to 1" },
        { "targets", [0], [3], [1], 0, "targets[0] = 0" },
        { "targets", [3], [3], [1], 0, "targets[0] = 3" },
    };

    [Theory, MemberData(nameof(BadArguments))]
    public void Ctc_BadArgument_NamesParameterAndValue(string param, int[] targets, int[] il, int[] tl, int blank, string text)
    {
        var lp = Tensor.Zeros(5, 1, 3);
        var e = Assert.ThrowsAny<ArgumentException>(() => Losses.Ctc(lp, targets, il, tl, blank));
        Assert.Equal(param, e.ParamName);
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Ctc_WrongRank_NamesLogProbs() =>
        Assert.Equal("logProbs", Assert.Throws<ArgumentException>(() => Losses.Ctc(Tensor.Zeros(5), [1], [1], [1])).ParamName);
}
