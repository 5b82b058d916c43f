using SeqPack;
using SeqPack.Nn;

namespace SeqPack.Tests.Kernels;

/// <summary>The vectorised float32 CTC kernel (under Kernels so that CI reruns it on the narrower vector paths) against its double-precision one-cell-at-a-time reference on awkward sizes.</summary>
public class CtcKernelTests
{
    [Theory]
    [InlineData(1, 1, 3, new[] { 1 })]                      // one step, one label
    [InlineData(7, 4, 5, new int[0])]                       // empty target: blanks only
    [InlineData(9, 3, 4, new[] { 2, 2, 2, 1, 1 })]          // repeats needing blanks, 9 steps for 8 needed
    [InlineData(6, 2, 4, new[] { 3, 3, 3, 3 })]             // infeasible: needs 7 steps
    [InlineData(37, 5, 11, new[] { 4, 9, 9, 1, 10, 3, 3, 7, 2, 5, 8, 1, 6 })]
    [InlineData(13, 1, 3, new[] { 1, 2, 1, 2, 1, 2 })]      // as long as the input allows
    public void Kernel_MatchesReference(int tb, int n, int c, int[] target)
    {
        const int b = 0;
        int steps = tb + 2;                                 // steps past the input length must stay untouched
        var lp = Tensor.Randn([steps, n, c], (ulong)(tb * 31 + c)).LogSoftmax(2).ToArray();
        var ext = new int[2 * target.Length + 1];
        for (int i = 0; i < target.Length; i++) ext[2 * i + 1] = target[i];
        var alphaRef = new double[tb * ext.Length];
        var alphaFast = new float[tb * ext.Length];
        double nllRef = CtcReference.Forward(lp, n, c, b, tb, ext, alphaRef);
        var scratch = new CtcKernel.Scratch(ext.Length, c);
        double nllFast = CtcKernel.Forward(lp, n, c, b, tb, ext, alphaFast, scratch);
        Assert.True(nllRef.Equals(nllFast) || Math.Abs(nllRef - nllFast) <= 1e-5 * (1 + Math.Abs(nllRef)), $"nll: reference {nllRef}, kernel {nllFast}");
        for (int i = 0; i < alphaRef.Length; i++)
            Assert.True(alphaRef[i] == alphaFast[i] || Math.Abs(alphaRef[i] - alphaFast[i]) <= 1e-5 * (1 + Math.Abs(alphaRef[i])),
                $"alpha[{i}]: reference {alphaRef[i]}, kernel {alphaFast[i]}");

        var gradRef = new float[lp.Length];
        var gradFast = new float[lp.Length];
        CtcReference.Backward(lp, n, c, b, tb, ext, alphaRef, nllRef, 0.7, gradRef, new double[2 * ext.Length + c]);
        CtcKernel.Backward(lp, n, c, b, tb, ext, alphaFast, nllFast, 0.7, gradFast, scratch);
        for (int i = 0; i < gradRef.Length; i++)
            Assert.True(gradRef[i].Equals(gradFast[i]) || Math.Abs(gradRef[i] - gradFast[i]) <= 1e-5 * (1 + Math.Abs(gradRef[i])),
                $"grad[{i}]: reference {gradRef[i]}, kernel {gradFast[i]}");
    }
}
