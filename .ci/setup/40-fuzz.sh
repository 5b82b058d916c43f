#!/usr/bin/env bash
# Fuzzing (.ci/steps/40-fuzz.sh): AFL++ from Debian and SharpFuzz's instrumenter (a dotnet tool), each only if missing.
set -euo pipefail
if ! command -v afl-fuzz > /dev/null; then
  if [ ! -e /tmp/.seqpack-apt-updated ]; then apt-get update -qq && touch /tmp/.seqpack-apt-updated; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ > /dev/null
fi
tools="${SEQPACK_FUZZ_TOOLS:-$HOME/.cache/seqpack-fuzz/tools}"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 > /dev/null
fi
