using System.Text.Json;
using SeqPack;
using SeqPack.Nn;
using SeqPack.Optim;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Optim;

/// <summary>
/// RmsProp (eight steps on Linear(4, 6) → tanh → Linear(6, 3)), OneCycleLR (rates and momenta) and
/// ReduceLROnPlateau (rates after each metric) against PyTorch 1.13 (make_blocks_fixtures.py).
/// </summary>
public class RmsPropAndScheduleTests
{
    private static readonly JsonElement Fixture = FixtureFile.Load("blocks_optim.json");
    private static JsonElement RmsFixture => Fixture.GetProperty("rmsprop");

    private static Sequential InitialModel()
    {
        var m = new Sequential(new Linear(4, 6), Activation.Tanh(), new Linear(6, 3));
        var init = RmsFixture.GetProperty("init");
        // PyTorch's Mlp names its layers l1/l2; our Sequential names them 0/2
        m.LoadStateDict(init.EnumerateObject().ToDictionary(p => p.Name.Replace("l1.", "0.").Replace("l2.", "2."), p => p.Value.Tensor()));
        return m;
    }

    private static RmsProp Build(string name, IEnumerable<Tensor> p) => name switch
    {
        "rmsprop_default" => new RmsProp(p, 0.01f),
        "rmsprop_alpha_eps_wd" => new RmsProp(p, 0.02f, alpha: 0.9f, eps: 1e-6f, weightDecay: 0.05f),
        "rmsprop_momentum" => new RmsProp(p, 0.01f, momentum: 0.9f),
        "rmsprop_centered" => new RmsProp(p, 0.01f, centered: true),
        "rmsprop_centered_momentum_wd" => new RmsProp(p, 0.005f, alpha: 0.95f, momentum: 0.5f, centered: true, weightDecay: 0.01f),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> RmsCases() =>
        new(RmsFixture.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory, MemberData(nameof(RmsCases))]
    public void RmsProp_EveryStep_MatchesTorch(string name)
    {
        var c = RmsFixture.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var x = RmsFixture.Tensor("x");
        var targets = RmsFixture.Ints("targets");
        var model = InitialModel();
        var opt = Build(name, model.Parameters());
        int step = 0;
        foreach (var s in c.GetProperty("steps").EnumerateArray())
        {
            opt.ZeroGrad();
            var loss = Losses.CrossEntropy(model.Forward(x), targets);
            Assert.True(Math.Abs(loss.Item() - s.GetProperty("loss").GetDouble()) < 2e-5, $"step {step}: loss {loss.Item()} vs {s.GetProperty("loss").GetDouble()}");
            loss.Backward();
            opt.Step();
            foreach (var (key, p) in model.NamedParameters())
                TensorAssert.Close(s.GetProperty("params").Floats(key.Replace("0.", "l1.").Replace("2.", "l2.")), p, 2e-5, 1e-4);
            step++;
        }
        Assert.Equal(8, step);
    }

    [Fact]
    public void RmsProp_StateDict_HoldsPyTorchNamesAndResumes()
    {
        var model = InitialModel();
        var opt = new RmsProp(model.Parameters(), momentum: 0.9f, centered: true);
        Losses.CrossEntropy(model.Forward(RmsFixture.Tensor("x")), RmsFixture.Ints("targets")).Backward();
        opt.Step();
        var state = opt.StateDict();
        Assert.Equal(new[] { 6, 4 }, state["state.0.square_avg"].Shape);
        Assert.Equal(new[] { 6, 4 }, state["state.0.grad_avg"].Shape);
        Assert.Equal(new[] { 3 }, state["state.3.momentum_buffer"].Shape);
        var plain = new RmsProp(InitialModel().Parameters());
        Assert.Throws<ArgumentException>(() => plain.LoadStateDict(state));     // grad_avg is not state of an uncentred RmsProp
        var again = new RmsProp(InitialModel().Parameters(), momentum: 0.9f, centered: true);
        again.LoadStateDict(state);
        Assert.Equal(state["state.0.grad_avg"].ToArray(), again.StateDict()["state.0.grad_avg"].ToArray());
    }

    [Fact]
    public void RmsProp_InvalidHyperparameters_NameTheParameter()
    {
        var p = new[] { Tensor.Zeros(1) };
        Assert.Equal("lr", Assert.Throws<ArgumentException>(() => new RmsProp(p, -0.1f)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentException>(() => new RmsProp(p, alpha: 1.5f)).ParamName);
        Assert.Equal("eps", Assert.Throws<ArgumentException>(() => new RmsProp(p, eps: float.NaN)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentException>(() => new RmsProp(p, momentum: -0.5f)).ParamName);
        Assert.Equal("weightDecay", Assert.Throws<ArgumentException>(() => new RmsProp(p, weightDecay: -1f)).ParamName);
    }

    private static Optimizer OneParam(string kind) =>
        kind == "sgd" ? new Sgd([Tensor.Zeros(1)], 0.1f, momentum: 0.9f) : new Adam([Tensor.Zeros(1)], 0.1f);

    private static float Momentum(Optimizer o) => o switch { Sgd s => s.Momentum, Adam a => a.Beta1, _ => float.NaN };

    public static TheoryData<string> OneCycleCases() =>
        new(Fixture.GetProperty("schedules").GetProperty("one_cycle").EnumerateObject().Select(p => p.Name));

    [Theory, MemberData(nameof(OneCycleCases))]
    public void OneCycle_RatesAndMomenta_MatchTorch(string name)
    {
        var c = Fixture.GetProperty("schedules").GetProperty("one_cycle").GetProperty(name);
        var opt = OneParam(c.GetProperty("optimizer").GetString()!);
        int total = c.GetProperty("lrs").GetArrayLength();
        var sched = name switch
        {
            "sgd_cos_default" => new OneCycleLR(opt, 0.5f, total),
            "sgd_linear_pct04" => new OneCycleLR(opt, 1f, total, pctStart: 0.4f, annealStrategy: AnnealStrategy.Linear, divFactor: 10f, finalDivFactor: 100f),
            "adam_three_phase" => new OneCycleLR(opt, 0.01f, total, threePhase: true, baseMomentum: 0.8f, maxMomentum: 0.9f),
            "sgd_no_momentum_cycle" => new OneCycleLR(opt, 0.3f, total, cycleMomentum: false),
            _ => throw new ArgumentException(name),
        };
        var lrs = c.GetProperty("lrs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var moms = c.GetProperty("momenta").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int i = 0; i < total; i++)
        {
            AssertClose(lrs[i], opt.ParamGroups[0].Lr, $"{name} lr at step {i}");
            AssertClose(moms[i], Momentum(opt), $"{name} momentum at step {i}");
            sched.Step();
        }
        Assert.Throws<InvalidOperationException>(() => sched.Step());     // past totalSteps, as PyTorch
    }

    [Fact]
    public void OneCycle_InvalidArguments_NameTheParameter()
    {
        var sgd = new Sgd([Tensor.Zeros(1)], 0.1f);
        Assert.Equal("maxLr", Assert.Throws<ArgumentException>(() => new OneCycleLR(sgd, 0f, 10)).ParamName);
        Assert.Equal("totalSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new OneCycleLR(sgd, 0.1f, 0)).ParamName);
        Assert.Equal("pctStart", Assert.Throws<ArgumentException>(() => new OneCycleLR(sgd, 0.1f, 10, pctStart: 1.5f)).ParamName);
        Assert.Equal("divFactor", Assert.Throws<ArgumentException>(() => new OneCycleLR(sgd, 0.1f, 10, divFactor: 0f)).ParamName);
        Assert.Equal("baseMomentum", Assert.Throws<ArgumentException>(() => new OneCycleLR(sgd, 0.1f, 10, baseMomentum: 0.99f)).ParamName);
    }

    public static TheoryData<string> PlateauCases() =>
        new(Fixture.GetProperty("schedules").GetProperty("plateau").EnumerateObject().Select(p => p.Name));

    [Theory, MemberData(nameof(PlateauCases))]
    public void ReduceOnPlateau_RatesAfterEachMetric_MatchTorch(string name)
    {
        var c = Fixture.GetProperty("schedules").GetProperty("plateau").GetProperty(name);
        var opt = new Sgd([Tensor.Zeros(1)], 1f);
        var sched = name switch
        {
            "min_rel_default_patience2" => new ReduceLROnPlateau(opt, patience: 2),
            "min_abs_cooldown" => new ReduceLROnPlateau(opt, patience: 1, threshold: 0.05f, thresholdMode: ThresholdMode.Abs, cooldown: 2, factor: 0.5f),
            "min_rel_min_lr" => new ReduceLROnPlateau(opt, patience: 0, factor: 0.3f, minLr: 0.05f),
            "max_rel" => new ReduceLROnPlateau(opt, PlateauMode.Max, patience: 1, factor: 0.5f, threshold: 0.02f),
            "max_abs_eps" => new ReduceLROnPlateau(opt, PlateauMode.Max, patience: 0, factor: 0.5f, thresholdMode: ThresholdMode.Abs, threshold: 0.001f, minLr: 0.1f, eps: 0.06f),
            _ => throw new ArgumentException(name),
        };
        var metrics = c.GetProperty("metrics").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var lrs = c.GetProperty("lrs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int i = 0; i < metrics.Length; i++)
        {
            sched.Step(metrics[i]);
            AssertClose(lrs[i], sched.GetLastLr()[0], $"{name} lr after metric {i}");
        }
        Assert.Equal(metrics.Length, sched.LastEpoch);
    }

    [Fact]
    public void ReduceOnPlateau_PerGroupMinimumAndValidation()
    {
        var a = Tensor.Zeros(1); var b = Tensor.Zeros(1);
        var opt = new Sgd([a], 1f);
        opt.AddParamGroup([b], lr: 0.5f);
        var sched = new ReduceLROnPlateau(opt, [0.2f, 0.01f], patience: 0, factor: 0.1f);
        sched.Step(1.0);
        sched.Step(1.0);                       // no improvement, patience 0: reduce
        Assert.Equal(new[] { 0.2f, 0.05f }, sched.GetLastLr());
        Assert.Equal("minLrs", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, [0.1f])).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, factor: 1f)).ParamName);
        Assert.Equal("patience", Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(opt, patience: -1)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentException>(() => new ReduceLROnPlateau(opt, (PlateauMode)7)).ParamName);
    }

    [Fact]
    public void ClipGradValue_ClampsEveryElement_SkipsMissingGradients_KeepsNaN()
    {
        var p = Tensor.FromArray([1f, -2f, 3f, 0.5f], 4); p.RequiresGrad = true;
        var q = Tensor.FromArray([1f], 1); q.RequiresGrad = true;
        (p * Tensor.FromArray([4f, -4f, 0.25f, float.NaN], 4)).Sum().Backward();
        GradClip.ClipGradValue([p, q], 1f);
        var g = p.Grad!.ToArray();
        Assert.Equal(new[] { 1f, -1f, 0.25f }, g[..3]);
        Assert.True(float.IsNaN(g[3]));
        Assert.Null(q.Grad);
        Assert.Equal("clipValue", Assert.Throws<ArgumentException>(() => GradClip.ClipGradValue([p], -1f)).ParamName);
    }

    private static void AssertClose(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)) + 1e-9, $"{what}: {actual} vs PyTorch {expected}");
}
