#!/usr/bin/env bash
# A short fuzz run: the data readers, the safetensors reader and the run-folder loader (tests/SeqPack.Fuzz),
# instrumented by SharpFuzz and driven by AFL++ for FUZZ_SECONDS each (default 20), after the committed corpus
# (tests/SeqPack.Fuzz/corpus) is replayed once. Fails on any crash or hang, and prints how to reproduce it.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${FUZZ_SECONDS:-20}"
tools="${SEQPACK_FUZZ_TOOLS:-$HOME/.cache/seqpack-fuzz/tools}"
work="$(mktemp -d /tmp/seqpack-fuzz.XXXXXX)"
dotnet publish tests/SeqPack.Fuzz -c Release -o "$work/bin" -v quiet -nologo > "$work/publish.log" || { cat "$work/publish.log"; exit 1; }
"$tools/sharpfuzz" "$work/bin/SeqPack.dll" > /dev/null
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
status=0
for target in $(ls tests/SeqPack.Fuzz/corpus); do
  corpus="tests/SeqPack.Fuzz/corpus/$target"
  dotnet "$work/bin/SeqPack.Fuzz.dll" "$target" --replay "$corpus"
  afl-fuzz -V "$seconds" -i "$corpus" -o "$work/$target" -t 5000 -m none -- dotnet "$work/bin/SeqPack.Fuzz.dll" "$target" > "$work/$target.log" 2>&1 \
    || { tail -n 30 "$work/$target.log"; status=1; continue; }
  found="$work/$target/default"
  n=$(find "$found/crashes" "$found/hangs" -type f ! -name README.txt | wc -l)
  execs=$(awk -F': ' '/^execs_done/ {print $2}' "$found/fuzzer_stats")
  echo "fuzz $target: ${seconds}s, $execs executions, $n crashes or hangs"
  if [ "$n" -gt 0 ]; then
    status=1
    mkdir -p "$work/$target-found" && find "$found/crashes" "$found/hangs" -type f ! -name README.txt -exec cp {} "$work/$target-found/" \;
    dotnet "$work/bin/SeqPack.Fuzz.dll" "$target" --replay "$work/$target-found" || true
    echo "inputs kept in $work/$target-found; reproduce with: dotnet run --project tests/SeqPack.Fuzz -- $target --replay DIR"
  fi
done
[ "$status" -eq 0 ] && rm -rf "$work"
exit "$status"
