using SeqPack.Nn;
using SeqPack.Tests.Recurrent;

namespace SeqPack.KernelChecks;

/// <summary>
/// Every case of the PyTorch fixtures (Fixtures/rnn_fixtures*.json: RNN, LSTM and GRU, packed, padded and
/// unbatched, 1-3 layers, bidirectional, projections; hidden sizes 4 and 70) forward and backward, with the
/// tolerances of the xunit suite's RecurrentFixtureTests: outputs and states within 2e-5 + 1e-4·|expected|,
/// gradients of the input, the initial states and every weight within 1e-4 + 1e-4·|expected|.
/// </summary>
internal static class RecurrentChecks
{
    public static void Run(CheckLog log)
    {
        foreach (var name in RnnFixtureCase.Names())
        {
            var fx = RnnFixtureCase.ByName(name);
            try { Case(log, fx); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                log.Check($"{fx.Kind} fixtures", false, () => $"{name}: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private static void Case(CheckLog log, RnnFixtureCase fx)
    {
        string group = $"{fx.Kind} fixtures";
        var module = fx.CreateModule();
        var x = fx.Tensor("input", "input_shape");
        x.RequiresGrad = true;
        var h0 = fx.Has("h0") ? fx.Tensor("h0", "h_n_shape") : null;
        if (h0 is not null) h0.RequiresGrad = true;
        Tensor? c0 = null;
        if (fx.Has("c0"))
        {
            var cShape = fx.Ints("h_n_shape");
            cShape[^1] = fx.HiddenSize;
            c0 = Tensor.FromArray(fx.Floats("c0"), cShape);
            c0.RequiresGrad = true;
        }
        PackedSequence Pack() => Packing.PackPaddedSequence(x, fx.Lengths, fx.BatchFirst, fx.EnforceSorted);
        Tensor output, hn;
        Tensor? cn = null;
        switch (module)
        {
            case Lstm lstm:
                LstmState? init = h0 is null ? null : new LstmState(h0, c0!);
                if (fx.Packed) { var (o, s) = lstm.Forward(Pack(), init); (output, hn, cn) = (o.Data, s.H, s.C); }
                else { var (o, s) = lstm.Forward(x, init); (output, hn, cn) = (o, s.H, s.C); }
                break;
            case Gru gru:
                if (fx.Packed) { var (o, h) = gru.Forward(Pack(), h0); (output, hn) = (o.Data, h); }
                else (output, hn) = gru.Forward(x, h0);
                break;
            case Rnn rnn:
                if (fx.Packed) { var (o, h) = rnn.Forward(Pack(), h0); (output, hn) = (o.Data, h); }
                else (output, hn) = rnn.Forward(x, h0);
                break;
            default: throw new InvalidOperationException($"unexpected module {module.GetType().Name}");
        }
        Close(log, group, fx.Name, "output", fx.Floats("output"), output, 2e-5);
        Close(log, group, fx.Name, "h_n", fx.Floats("h_n"), hn, 2e-5);
        var roots = new List<Tensor> { output, hn };
        var seeds = new List<Tensor> { Tensor.FromArray(fx.Floats("w_out"), output.Shape), Tensor.FromArray(fx.Floats("w_h"), hn.Shape) };
        if (cn is not null)
        {
            Close(log, group, fx.Name, "c_n", fx.Floats("c_n"), cn, 2e-5);
            roots.Add(cn);
            seeds.Add(Tensor.FromArray(fx.Floats("w_c"), cn.Shape));
        }
        Autograd.Backward(roots, seeds);
        Close(log, group, fx.Name, "grad input", fx.Floats("grad_input"), x.Grad, 1e-4);
        if (h0 is not null) Close(log, group, fx.Name, "grad h0", fx.Floats("grad_h0"), h0.Grad, 1e-4);
        if (c0 is not null) Close(log, group, fx.Name, "grad c0", fx.Floats("grad_c0"), c0.Grad, 1e-4);
        var parameters = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (pname, _, _) in fx.Params())
            Close(log, group, fx.Name, $"grad {pname}", fx.ParamGrad(pname), parameters[pname].Grad, 1e-4);
    }

    private static void Close(CheckLog log, string group, string name, string what, float[] expected, Tensor? actual, double atol)
    {
        if (actual is null) { log.Check(group, false, () => $"{name}: {what} is missing"); return; }
        bool ok = CheckLog.Close(expected, actual.ToArray(), atol, 1e-4, out string worst);
        log.Check(group, ok, () => $"{name}: {what} {worst}");
    }
}
