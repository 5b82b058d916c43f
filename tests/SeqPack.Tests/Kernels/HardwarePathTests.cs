using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using SeqPack.Benchmarking;
using SeqPack.Kernels;

namespace SeqPack.Tests.Kernels;

/// <summary>
/// The kernels dispatch on what the runtime accelerates, and .ci/run re-runs the kernel tests with the .NET 10
/// knobs DOTNET_EnableAVX512=0 (DOTNET_EnableAVX512F=0 is its older alias, kept by dotnet/runtime#115983),
/// DOTNET_EnableAVX=0 (.ci/steps/20-vector128.sh: the 128-bit path ARM64 takes) and DOTNET_EnableHWIntrinsic=0.
/// These checks prove the knobs took effect in that run, so the Vector256, Vector128 and scalar paths really were
/// the ones exercised.
/// </summary>
public class HardwarePathTests
{
    [Fact]
    public void DefaultGemmPlan_IsTheWidestAcceleratedWidth()
    {
        var expected = Vector512.IsHardwareAccelerated ? GemmIsa.Vector512
            : Vector256.IsHardwareAccelerated ? GemmIsa.Vector256
            : Vector128.IsHardwareAccelerated ? GemmIsa.Vector128 : GemmIsa.Scalar;
        Assert.Equal(expected, GemmPlan.Default.Isa);
        if (expected == GemmIsa.Vector128)   // the block follows the register file: 32 on ARM64, 16 on x86
            Assert.Equal(AdvSimd.Arm64.IsSupported ? GemmPlan.V128Arm64 : GemmPlan.V128, GemmPlan.Default);
    }

    [Fact]
    public void Avx512Knob_DisablesVector512()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") != "0" &&
            Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") != "0")
            return;   // only meaningful in the CI run that sets the knob
        Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableAVX512=0 is set but Vector512 is still accelerated");
        Assert.NotEqual(GemmIsa.Vector512, GemmPlan.Default.Isa);
    }

    [Fact]
    public void AvxKnob_SelectsTheVector128Path()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX") != "0")
            return;   // only meaningful in the CI run that sets the knob
        Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableAVX=0 is set but Vector256 is still accelerated");
        Assert.True(Vector128.IsHardwareAccelerated, "DOTNET_EnableAVX=0 should leave SSE (Vector128) accelerated");
        Assert.Equal(128, FmaPeak.VectorBits);   // what `seqpack bench` reports as the widest accelerated vector
        Assert.Equal(GemmPlan.V128, GemmPlan.Default);
        Assert.Equal(GemmIsa.Vector128, GemmPlan.Packed.Isa);
    }

    [Fact]
    public void HWIntrinsicKnob_SelectsTheScalarPath()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") != "0")
            return;   // only meaningful in the CI run that sets the knob
        Assert.False(Vector128.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 is set but Vector128 is still accelerated");
        Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableHWIntrinsic=0 is set but Vector256 is still accelerated");
        Assert.Equal(GemmIsa.Scalar, GemmPlan.Default.Isa);
    }
}
