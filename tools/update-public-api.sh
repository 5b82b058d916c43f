#!/usr/bin/env bash
# Rewrites src/SeqPack/PublicAPI.Unshipped.txt with the library's whole public surface that is not in
# PublicAPI.Shipped.txt, sorted ordinally. Run it after merging branches that add, change or remove public
# members, then review `git diff` of the file: every line is one public symbol in the analyzer's format.
#
# How: the file is reset to its header, the library is rebuilt with RS0016 ("symbol is not part of the declared
# public API") as a plain warning, and each RS0016 message, which quotes the symbol exactly as the file spells it,
# becomes a line. Entries for removed symbols disappear because the list is rebuilt from scratch. A final normal
# build (warnings as errors, RS0016/RS0017 errors) proves the new file matches the code.
#
# Usage: tools/update-public-api.sh            (from anywhere in the repository; offline once restored)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/src/SeqPack/SeqPack.csproj"
unshipped="$root/src/SeqPack/PublicAPI.Unshipped.txt"
log="$(mktemp)"
previous="$(mktemp)"
cp "$unshipped" "$previous"
trap 'rm -f "$log" "$previous"' EXIT
export DOTNET_CLI_UI_LANGUAGE=en DOTNET_NOLOGO=1

printf '#nullable enable\n' > "$unshipped"

# --no-incremental: the analyzer only reports while the compiler runs. WarningsAsErrors is overridden so RS0016
# stays a warning and the build completes; any other warning or error still shows up below.
if ! dotnet build "$project" -c Release -tl:off --no-incremental -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= \
        -clp:NoSummary >"$log" 2>&1; then
    grep -E ': error ' "$log" | sort -u >&2 || cat "$log" >&2
    cp "$previous" "$unshipped"
    echo "update-public-api: the library does not build; fix that first (PublicAPI.Unshipped.txt is unchanged)." >&2
    exit 1
fi

{
    printf '#nullable enable\n'
    sed -nE "s/.*: warning RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/p" "$log" | LC_ALL=C sort -u
} > "$unshipped.new"
mv "$unshipped.new" "$unshipped"
echo "update-public-api: $(($(wc -l < "$unshipped") - 1)) symbols written to ${unshipped#"$root"/}"

if grep -E ': warning RS00[0-9]{2}' "$log" | grep -qv RS0016; then
    echo "update-public-api: other PublicApiAnalyzers warnings to look at:" >&2
    grep -E ': warning RS00[0-9]{2}' "$log" | grep -v RS0016 | sed -E 's/ \(https:[^)]*\)//; s/ \[[^]]*\]$//' | sort -u >&2 || true
fi

# Verify with the project's own settings (RS0016/RS0017 as errors, warnings as errors).
dotnet build "$project" -c Release -tl:off -clp:NoSummary >"$log" 2>&1 || { grep -E ': (error|warning) ' "$log" | sed -E 's/ \(https:[^)]*\)//; s/ \[[^]]*\]$//' | sort -u >&2; \
    echo "update-public-api: the build still fails with the new list." >&2; exit 1; }
echo "update-public-api: build passes with the new list."
