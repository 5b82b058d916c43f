using System.Text.Json;
using SeqPack;
using SeqPack.IO;
using SeqPack.Nn;
using SeqPack.Optim;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Optim;

/// <summary>
/// Six training steps of each optimiser configuration on Linear(4, 6) → tanh → Linear(6, 3) with
/// cross-entropy, against PyTorch 1.13 (make_toolkit_fixtures.py): loss, every gradient, the clipping norm,
/// the learning rate and every parameter after every step.
/// </summary>
public class OptimizerTests
{
    private static readonly JsonElement Fixture = FixtureFile.Load("toolkit_optim.json");

    private sealed class Mlp : Module
    {
        public readonly Linear L1, L2;
        public Mlp() { L1 = RegisterModule("l1", new Linear(4, 6)); L2 = RegisterModule("l2", new Linear(6, 3)); }
        public Tensor Forward(Tensor x) => L2.Forward(L1.Forward(x).Tanh());
    }

    private static Mlp InitialModel()
    {
        var m = new Mlp();
        var init = Fixture.GetProperty("init");
        m.LoadStateDict(init.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Tensor()));
        return m;
    }

    private static (Optimizer Opt, LRScheduler? Sched) Build(string name, Mlp m)
    {
        var p = m.Parameters();
        switch (name)
        {
            case "sgd": return (new Sgd(p, 0.1f), null);
            case "sgd_momentum_dampening_wd": return (new Sgd(p, 0.05f, momentum: 0.9f, weightDecay: 0.01f, dampening: 0.1f), null);
            case "sgd_nesterov_wd": return (new Sgd(p, 0.05f, momentum: 0.9f, weightDecay: 0.001f, nesterov: true), null);
            case "adam_l2": return (new Adam(p, 0.01f, weightDecay: 0.1f), null);
            case "adamw": return (new AdamW(p, 0.01f, weightDecay: 0.1f), null);
            case "adam_betas_eps_clip": return (new Adam(p, 0.02f, 0.8f, 0.99f, 1e-6f), null);
            case "sgd_momentum_clip_steplr":
            {
                var o = new Sgd(p, 0.1f, momentum: 0.9f);
                return (o, new StepLR(o, 2, 0.5f));
            }
            case "adamw_warmup_cosine":
            {
                var o = new AdamW(p, 0.01f);
                return (o, new SequentialLR(o, [new LinearLR(o, 0.2f, totalIters: 3), new CosineAnnealingLR(o, 4, 1e-4f)], [3]));
            }
            default: throw new ArgumentException(name);
        }
    }

    public static TheoryData<string> Cases() =>
        new(Fixture.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory, MemberData(nameof(Cases))]
    public void EveryStep_MatchesTorch(string name)
    {
        var c = Fixture.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var x = Fixture.Tensor("x");
        var targets = Fixture.Ints("targets");
        var model = InitialModel();
        var (opt, sched) = Build(name, model);
        float? clip = c.GetProperty("clip").ValueKind == JsonValueKind.Null ? null : c.GetProperty("clip").GetSingle();
        int step = 0;
        foreach (var s in c.GetProperty("steps").EnumerateArray())
        {
            opt.ZeroGrad();
            var loss = Losses.CrossEntropy(model.Forward(x), targets);
            Assert.True(Math.Abs(loss.Item() - s.GetProperty("loss").GetDouble()) < 2e-5, $"step {step}: loss {loss.Item()} vs {s.GetProperty("loss").GetDouble()}");
            loss.Backward();
            foreach (var (key, p) in model.NamedParameters())
                TensorAssert.Close(s.GetProperty("grads").Floats(key), p.Grad!, 2e-5, 1e-3);
            if (clip is float maxNorm)
            {
                float norm = GradClip.ClipGradNorm(model.Parameters(), maxNorm);
                Assert.True(Math.Abs(norm - s.GetProperty("total_norm").GetDouble()) < 1e-5, $"step {step}: norm {norm}");
            }
            Assert.Equal(s.GetProperty("lr").GetDouble(), opt.ParamGroups[0].Lr, 1e-7);
            opt.Step();
            sched?.Step();
            foreach (var (key, p) in model.NamedParameters())
                TensorAssert.Close(s.GetProperty("params").Floats(key), p, 2e-5, 1e-4);
            step++;
        }
        Assert.Equal(6, step);
    }

    public static TheoryData<string> ResumeCases() => new("sgd_nesterov_wd", "adam_l2", "adamw_warmup_cosine");

    [Theory, MemberData(nameof(ResumeCases))]
    public void SaveAndRestoreState_ResumesBitForBit(string name)
    {
        var x = Fixture.Tensor("x");
        var targets = Fixture.Ints("targets");
        void TrainStep(Mlp m, Optimizer o, LRScheduler? s)
        {
            o.ZeroGrad();
            Losses.CrossEntropy(m.Forward(x), targets).Backward();
            o.Step();
            s?.Step();
        }

        var straight = InitialModel();
        var (o1, s1) = Build(name, straight);
        for (int i = 0; i < 5; i++) TrainStep(straight, o1, s1);

        var first = InitialModel();
        var (o2, s2) = Build(name, first);
        for (int i = 0; i < 2; i++) TrainStep(first, o2, s2);
        // through a checkpoint file image, as a training run would save it
        var modelState = SafeTensors.Read(new MemoryStream(SafeTensors.Serialize(first.StateDict()))).Tensors;
        var optState = SafeTensors.Read(new MemoryStream(SafeTensors.Serialize(o2.StateDict()))).Tensors;
        int epoch = s2?.LastEpoch ?? 0;

        var resumed = InitialModel();          // a fresh process: new model, optimiser and schedule
        var (o3, s3) = Build(name, resumed);
        resumed.LoadStateDict(modelState);
        o3.LoadStateDict(optState);
        s3?.SetEpoch(epoch);
        for (int i = 2; i < 5; i++) TrainStep(resumed, o3, s3);

        foreach (var ((key, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            Assert.True(a.ToArray().SequenceEqual(b.ToArray()), $"{key} differs after resuming");
    }

    [Fact]
    public void StateDict_UsesPyTorchStateNames()
    {
        var m = InitialModel();
        var adam = new Adam(m.Parameters());
        Losses.CrossEntropy(m.Forward(Fixture.Tensor("x")), Fixture.Ints("targets")).Backward();
        adam.Step();
        var state = adam.StateDict();
        Assert.Equal(1f, state["state.0.step"].Item());
        Assert.Equal(new[] { 6, 4 }, state["state.0.exp_avg"].Shape);
        Assert.Equal(new[] { 3 }, state["state.3.exp_avg_sq"].Shape);
        Assert.Equal(1e-3f, state["param_groups.0.lr"].Item());
        var sgd = new Sgd(m.Parameters(), 0.1f, momentum: 0.9f);
        sgd.Step();
        Assert.Contains("state.2.momentum_buffer", sgd.StateDict().Keys);
    }

    [Fact]
    public void LoadStateDict_WrongShapeOrUnknownKey_ThrowsAndChangesNothing()
    {
        var m = InitialModel();
        var adam = new Adam(m.Parameters());
        var ex = Assert.Throws<ArgumentException>(() => adam.LoadStateDict(new Dictionary<string, Tensor> { ["state.0.exp_avg"] = Tensor.Zeros(3) }));
        Assert.Contains("state.0.exp_avg", ex.Message);
        Assert.Throws<ArgumentException>(() => adam.LoadStateDict(new Dictionary<string, Tensor> { ["state.9.exp_avg"] = Tensor.Zeros(3) }));
        Assert.Throws<ArgumentException>(() => adam.LoadStateDict(new Dictionary<string, Tensor> { ["state.0.momentum_buffer"] = Tensor.Zeros(6, 4) }));
        Assert.Throws<ArgumentException>(() => adam.LoadStateDict(new Dictionary<string, Tensor> { ["param_groups.0.lr"] = Tensor.Scalar(1f), ["bogus"] = Tensor.Scalar(1f) }));
        Assert.Equal(1e-3f, adam.ParamGroups[0].Lr);
    }

    [Fact]
    public void Step_SkipsParametersWithoutGradient_ZeroGradClears()
    {
        var a = Tensor.FromArray([1f, 2f], 2); var b = Tensor.FromArray([3f], 1);
        a.RequiresGrad = b.RequiresGrad = true;
        var sgd = new Sgd([a, b], 0.5f);
        (a * a).Sum().Backward();
        sgd.Step();
        Assert.Equal(new[] { 0f, 0f }, a.ToArray());     // a − 0.5·2a
        Assert.Equal(new[] { 3f }, b.ToArray());
        sgd.ZeroGrad();
        Assert.Null(a.Grad);
    }

    [Fact]
    public void ParamGroups_HaveTheirOwnLearningRate()
    {
        var a = Tensor.FromArray([1f], 1); var b = Tensor.FromArray([1f], 1);
        a.RequiresGrad = b.RequiresGrad = true;
        var sgd = new Sgd([a], 0.1f);
        sgd.AddParamGroup([b], lr: 1f);
        (a + b).Sum().Backward();
        sgd.Step();
        Assert.Equal(0.9f, a.Item());
        Assert.Equal(0f, b.Item());
        Assert.Throws<ArgumentException>(() => sgd.AddParamGroup([a]));
    }

    [Fact]
    public void InvalidHyperparameters_ThrowArgumentException()
    {
        var p = new[] { Tensor.Zeros(1) };
        Assert.Throws<ArgumentException>(() => new Sgd(p, -1f));
        Assert.Throws<ArgumentException>(() => new Sgd(p, 0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Adam(p, beta1: 1f));
        Assert.Throws<ArgumentException>(() => new AdamW(p, weightDecay: -0.1f));
        Assert.Throws<ArgumentException>(() => new Sgd([], 0.1f));
    }
}
