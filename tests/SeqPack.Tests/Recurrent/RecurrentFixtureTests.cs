using SeqPack.Nn;
using SeqPack.Tests.Support;

namespace SeqPack.Tests.Recurrent;

/// <summary>
/// Every configuration in Fixtures/rnn_fixtures.json (a pairwise covering of cell kind × layers 1–3 ×
/// bidirectional × bias × batchFirst × packed/padded × sorted/unsorted × initial states × projSize) against
/// PyTorch: outputs, h_n, c_n, and the gradients of the input, the initial states and every weight for the
/// loss <c>Σ output·w_out + Σ h_n·w_h + Σ c_n·w_c</c>.
/// Tolerances: float32 arithmetic against PyTorch's float64, values of order 1 — outputs and states within
/// 2e-5 + 1e-4·|expected|, gradients within 1e-4 + 1e-4·|expected|.
/// </summary>
public class RecurrentFixtureTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in RnnFixtureCase.Names()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_And_Backward_Match_PyTorch(string name)
    {
        var fx = RnnFixtureCase.ByName(name);
        var module = fx.CreateModule();
        var x = fx.Tensor("input", "input_shape");
        x.RequiresGrad = true;
        var h0 = fx.Has("h0") ? fx.Tensor("h0", "h_n_shape") : null;
        Tensor? c0 = null;
        if (h0 is not null) h0.RequiresGrad = true;
        if (fx.Has("c0"))
        {
            var cShape = fx.Ints("h_n_shape");
            cShape[^1] = fx.HiddenSize;
            c0 = Tensor.FromArray(fx.Floats("c0"), cShape);
            c0.RequiresGrad = true;
        }

        Tensor output, hn;
        Tensor? cn = null;
        if (module is Lstm lstm)
        {
            LstmState? init = h0 is null ? null : new LstmState(h0, c0!);
            if (fx.Packed)
            {
                var packed = Packing.PackPaddedSequence(x, fx.Lengths, fx.BatchFirst, fx.EnforceSorted);
                var (o, s) = lstm.Forward(packed, init);
                Assert.Equal(fx.Ints("batch_sizes"), o.BatchSizes);
                (output, hn, cn) = (o.Data, s.H, s.C);
            }
            else
            {
                var (o, s) = lstm.Forward(x, init);
                (output, hn, cn) = (o, s.H, s.C);
            }
        }
        else
        {
            // Rnn and Gru share the same Forward shapes; call through the concrete type.
            Func<PackedSequence, Tensor?, (PackedSequence, Tensor)> packedForward = module switch
            {
                Gru g => g.Forward,
                Rnn r => r.Forward,
                _ => throw new NotSupportedException(fx.Kind),
            };
            Func<Tensor, Tensor?, (Tensor, Tensor)> paddedForward = module switch
            {
                Gru g => g.Forward,
                Rnn r => r.Forward,
                _ => throw new NotSupportedException(fx.Kind),
            };
            if (fx.Packed)
            {
                var (o, h) = packedForward(Packing.PackPaddedSequence(x, fx.Lengths, fx.BatchFirst, fx.EnforceSorted), h0);
                Assert.Equal(fx.Ints("batch_sizes"), o.BatchSizes);
                (output, hn) = (o.Data, h);
            }
            else (output, hn) = paddedForward(x, h0);
        }

        Assert.Equal(fx.Ints("output_shape"), output.Shape);
        Assert.Equal(fx.Ints("h_n_shape"), hn.Shape);
        TensorAssert.Close(fx.Floats("output"), output, 2e-5, 1e-4);
        TensorAssert.Close(fx.Floats("h_n"), hn, 2e-5, 1e-4);
        var roots = new List<Tensor> { output, hn };
        var seeds = new List<Tensor> { Tensor.FromArray(fx.Floats("w_out"), output.Shape), Tensor.FromArray(fx.Floats("w_h"), hn.Shape) };
        if (cn is not null)
        {
            TensorAssert.Close(fx.Floats("c_n"), cn, 2e-5, 1e-4);
            roots.Add(cn);
            seeds.Add(Tensor.FromArray(fx.Floats("w_c"), cn.Shape));
        }
        Autograd.Backward(roots, seeds);

        TensorAssert.Close(fx.Floats("grad_input"), x.Grad!, 1e-4, 1e-4);
        if (h0 is not null) TensorAssert.Close(fx.Floats("grad_h0"), h0.Grad!, 1e-4, 1e-4);
        if (c0 is not null) TensorAssert.Close(fx.Floats("grad_c0"), c0.Grad!, 1e-4, 1e-4);
        var parameters = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (pname, _, _) in fx.Params())
        {
            var grad = parameters[pname].Grad;
            Assert.True(grad is not null, $"{pname} received no gradient");
            TensorAssert.Close(fx.ParamGrad(pname), grad, 1e-4, 1e-4);
        }
        Assert.Equal(fx.Params().Select(p => p.Name), module.NamedParameters().Select(p => p.Name));
    }
}
