#!/usr/bin/env bash
# The kernel and recurrent-layer checks (tests/SeqPack.KernelChecks) on linux-arm64 under user-mode emulation:
# a self-contained publish (the runtime pack comes from NuGet; the SDK picks its version), run with
# qemu-aarch64-static. It prints that AdvSimd is supported and which GEMM plan ran (Vector128Arm64 8x12), and
# exits non-zero on any failed check. .ci/setup/30-arm64.sh installs qemu and the arm64 libraries.
# DOTNET_EnableWriteXorExecute=0: the runtime's double-mapped code pages do not work under qemu-user.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet publish tests/SeqPack.KernelChecks -c Release -r linux-arm64 --self-contained -o "$out" -v q -nologo
DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static -L / "$out/SeqPack.KernelChecks" | tee "$out/log.txt"
grep -q "AdvSimd supported: True" "$out/log.txt" || { echo "30-arm64: AdvSimd was not reported as supported" >&2; exit 1; }
grep -q "GEMM plan Vector128Arm64" "$out/log.txt" || { echo "30-arm64: the ARM64 Vector128 GEMM plan did not run" >&2; exit 1; }
echo "30-arm64: $((SECONDS - start)) s"
