#!/usr/bin/env bash
# MPICH for the distributed tests (tests/SeqPack.Tests/Distributed run `mpiexec.mpich -n 2` on loopback; they
# report themselves skipped without it). SeqPack binds to MPICH's ABI (libmpich.so.12), not Open MPI's.
set -euo pipefail
if ! command -v mpiexec.mpich >/dev/null || ! dpkg -s libmpich12 >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y mpich
fi
