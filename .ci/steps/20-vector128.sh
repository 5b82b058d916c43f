#!/usr/bin/env bash
# The kernel tests on the 128-bit path, the one ARM64 (NEON) machines take: DOTNET_EnableAVX=0 leaves SSE, so
# Vector256 is not accelerated and GemmPlan.Default is the Vector128 family. HardwarePathTests
# (AvxKnob_SelectsTheVector128Path) fails if the knob did not take effect ("widest accelerated vector: 128 bits").
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
dotnet test -c Release --no-build --filter "FullyQualifiedName~SeqPack.Tests.Kernels" -e DOTNET_EnableAVX=0
echo "20-vector128: $((SECONDS - start)) s"
