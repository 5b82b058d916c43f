#!/usr/bin/env bash
# SeqPack's GEMM against libtorch 2.10 (the PyTorch that ../shared/peer times), OpenBLAS and BLIS on this
# machine, in one process, alternating (bench/blas-compare/Program.cs says how). Prints a markdown table per
# thread count; options go to the program:
#
#   bench/blas-compare.sh [--threads 1,2] [--rounds 15] [--shapes 1024x1024x1024,8649x2048x256:NT,...]
#
# Installs Debian's libopenblas0-pthread and libblis4-pthread if they are missing, and uses the dotnet that
# ../shared/peer/run.sh prepares for TorchSharp (Debian 13's C library under /tmp/seqpack-peer), running that
# script once on its smallest case if it has not been run yet. Nothing here is part of the library or its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
peer="${PEER:-../shared/peer/run.sh}"
P=/tmp/seqpack-peer; L=$P/root/usr/lib/x86_64-linux-gnu
for pkg in libopenblas0-pthread libblis4-pthread; do
    dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg" >/dev/null
done
if [[ ! -x "$P/dotnet/dotnet" || ! -f "$L/libstdc++.so.6" ]]; then
    [[ -x "$peer" ]] || { echo "bench/blas-compare.sh: no peer script at '$peer'; set PEER=PATH to shared/peer/run.sh." >&2; exit 2; }
    "$peer" --workloads=lstm-s --modes=infer --layouts=packed --iters=1 --warmup=0 >/dev/null
fi
dotnet build -c Release bench/blas-compare -v q -nologo >/dev/null
LD_LIBRARY_PATH=$L exec "$P/dotnet/dotnet" bench/blas-compare/bin/Release/net10.0/SeqPack.BlasCompare.dll "$@"
