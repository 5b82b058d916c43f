#!/usr/bin/env bash
# Tokens/s of an lstm-m-sized classifier exported to ONNX and run in ONNX Runtime, beside SeqPack's packed
# inference of lstm-m (seqpack bench) in the same session. Both use every core unless THREADS is set.
# Usage: bench/onnx-compare.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-10}"
threads="${THREADS:-$(nproc)}"
dotnet build -c Release src/SeqPack.Cli >/dev/null
dotnet build -c Release bench/onnx-compare >/dev/null
dotnet run -c Release --no-build --project bench/onnx-compare -- "$rounds" "$threads"
dotnet run -c Release --no-build --project src/SeqPack.Cli -- bench --workloads=lstm-m --modes=infer --layouts=packed --threads="$threads"
