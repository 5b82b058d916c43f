using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using SeqPack.Benchmarking;
using SeqPack.Kernels;
using SeqPack.KernelChecks;

// The kernel and recurrent-layer checks as one program (see SeqPack.KernelChecks.csproj): prints the hardware
// path it ran, every failure, and exits 1 if there was any.
var clock = Stopwatch.StartNew();
Console.WriteLine($"SeqPack kernel checks: {RuntimeInformation.ProcessArchitecture}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"AdvSimd supported: {AdvSimd.IsSupported} (Arm64: {AdvSimd.Arm64.IsSupported}); accelerated vectors: " +
                  $"128 {Vector128.IsHardwareAccelerated}, 256 {Vector256.IsHardwareAccelerated}, 512 {Vector512.IsHardwareAccelerated}");
Console.WriteLine($"Vector path: widest accelerated vector {FmaPeak.VectorBits} bits; GEMM plan {GemmPlan.Default}; packed weights {GemmPlan.Packed}");

var log = new CheckLog();
GemmChecks.Run(log);
ActivationChecks.Run(log);
RecurrentChecks.Run(log);
Console.WriteLine($"{log.Passed} checks passed, {log.Failed} failed, {clock.Elapsed.TotalSeconds:F1} s");
return log.Failed == 0 ? 0 : 1;
