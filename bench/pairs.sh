#!/usr/bin/env bash
# Alternating pairs against PyTorch on one workload, for targets that this noisy host can only judge over
# repeated runs: PyTorch padded (shared/peer/run.sh), then `seqpack bench` packed, back to back, N times.
# Prints one markdown row per pair and the medians over the pairs, also kept as --out/summary.md beside the raw
# lines and reports.
#
#   bench/pairs.sh [--pairs N] [--workload NAME] [--mode train|infer] [--out DIR] [--peer PATH]
#
# Defaults: 6 pairs of lstm-m train, 2 threads, 5 timed iterations after 3 warm-ups (as in docs/PERFORMANCE.md),
# peer at ../shared/peer/run.sh beside the repository. "% peak" is SeqPack's GEMM work on real tokens over its
# median time, divided by the 2-thread FMA peak that the same `seqpack bench` run measured; the last line also
# divides every pair by the highest peak of the set, which no pair's low peak reading can inflate.
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=6 workload=lstm-m mode=train out="" peer="../shared/peer/run.sh"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --pairs) pairs="$2"; shift 2 ;;
        --workload) workload="$2"; shift 2 ;;
        --mode) mode="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --peer) peer="$2"; shift 2 ;;
        *) echo "bench/pairs.sh: unknown option '$1'; use --pairs, --workload, --mode, --out or --peer." >&2; exit 2 ;;
    esac
done
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || { echo "bench/pairs.sh: --pairs $pairs is not a positive whole number." >&2; exit 2; }
[[ -x "$peer" ]] || { echo "bench/pairs.sh: no peer script at '$peer'; pass --peer PATH to shared/peer/run.sh." >&2; exit 2; }
out="${out:-/tmp/seqpack-pairs-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
exec > >(tee "$out/summary.md")   # the table and the medians are also kept beside the raw files
echo "$workload $mode, $pairs pairs, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), started $(date -u +%H:%M:%S) UTC"
echo

dotnet build -c Release src/SeqPack.Cli -v quiet -nologo >/dev/null
cli=src/SeqPack.Cli/bin/Release/net10.0/SeqPack.Cli.dll
common=(--workloads="$workload" --modes="$mode" --iters=5 --warmup=3 --threads=2)

field() { sed -n "s/.*\"$2\":\([0-9.]*\).*/\1/p" "$1" | head -1; }

echo "| pair (UTC) | PyTorch padded ms | SeqPack packed ms | × PyTorch padded | SeqPack GFLOP/s | 2-thread peak | % peak |"
echo "|---|---:|---:|---:|---:|---:|---:|"
rows="$out/rows.txt"; : > "$rows"
for ((i = 1; i <= pairs; i++)); do
    stamp=$(date -u +%H%M%S)
    torch="$out/pytorch-$workload-$mode-$stamp.jsonl" mine="$out/seqpack-$workload-$mode-$stamp"
    "$peer" "${common[@]}" --layouts=padded > "$torch" 2> "$out/peer-$stamp.err"
    dotnet "$cli" bench "${common[@]}" --layouts=packed --compare "$torch" > "$mine.jsonl" 2> "$mine-report.txt"
    t=$(field "$torch" median_ms); s=$(field "$mine.jsonl" median_ms)
    # the report's peak line may be folded at the console width, so read it as one line
    peak=$(tr '\n' ' ' < "$mine-report.txt" | sed -n 's/.*, \([0-9.]*\) GFLOP\/s on 2 *thread.*/\1/p' | head -1)
    gflops=$(grep -F "│ $workload " "$mine-report.txt" | grep -F "│ $mode " | awk -F'│' '{ gsub(/[ ,]/, "", $8); print $8 }' | head -1)
    if [[ -z "$t" || -z "$s" || -z "$peak" || -z "$gflops" ]]; then
        echo "bench/pairs.sh: pair $i left no complete result; see $out/*-$stamp*" >&2; exit 1
    fi
    awk -v st="$stamp" -v t="$t" -v s="$s" -v g="$gflops" -v p="$peak" 'BEGIN {
        printf "| %s:%s:%s | %.1f | %.1f | %.2f× | %.1f | %.1f | %.1f%% |\n", substr(st,1,2), substr(st,3,2), substr(st,5,2), t, s, t / s, g, p, 100 * g / p }'
    echo "$t $s $gflops $peak" >> "$rows"
done
awk '{ r[NR] = $1 / $2; q[NR] = 100 * $3 / $4 }
     function median(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
                                        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     { if ($4 > best) best = $4; g[NR] = $3 }
     END { n = NR; printf "\nmedian over %d pairs: %.2f× PyTorch padded, %.1f%% of the 2-thread peak\n", n, median(r, n), median(q, n)
           lo = 1e9; hi = 0; at60 = 0
           for (i = 1; i <= n; i++) { c[i] = 100 * g[i] / best; if (c[i] < lo) lo = c[i]; if (c[i] > hi) hi = c[i]; if (c[i] >= 60) at60++ }
           printf "against the set'"'"'s highest 2-thread peak (%.1f GFLOP/s) for every pair: %.1f-%.1f%%, median %.1f%%, %d of %d at 60%% or more\n", best, lo, hi, median(c, n), at60, n }' "$rows"
echo "raw files: $out"
