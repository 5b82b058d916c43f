#!/usr/bin/env bash
# The packages as a user gets them: `dotnet pack` at the root, the tool installed into a tool path and run from a
# folder outside the repository, and a console app that takes the library by PackageReference from the packed
# folder, loads the run the tool trained through TrainedModel and checks that it gives the probabilities
# `seqpack predict --json` printed (to 1e-4). Everything runs in a temporary folder with its own NuGet cache, so
# a package cached by an earlier run under the same version can never stand in for the one just packed.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

dotnet pack -c Release -o "$work/packages" -v quiet -nologo
ls "$work/packages"
for package in SeqPack SeqPack.Cli; do
  [ -f "$work/packages/$package.0.1.0.nupkg" ] || { echo "dotnet pack made no $package package"; exit 1; }
done
[ -f "$work/packages/SeqPack.0.1.0.snupkg" ] || { echo "dotnet pack made no SeqPack symbols package"; exit 1; }
if ls "$work/packages" | grep -qiE 'tests|bench|sample|readme|walkthrough|train'; then
  echo "a project that is not meant to be a package was packed"; exit 1
fi
du -h "$work/packages"/*.nupkg
# The package page shows the packed README: its links into docs/ must point at the repository, not be relative.
readme=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("README.md").decode())' "$work/packages/SeqPack.0.1.0.nupkg")
if grep -qE '\]\((docs|samples)/' <<<"$readme" || ! grep -q '/blob/main/docs/' <<<"$readme"; then
  echo "the packed README still has links relative to the repository"; exit 1
fi

export NUGET_PACKAGES="$work/nuget-cache"
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="seqpack-packed" value="$work/packages" />
  </packageSources>
</configuration>
XML

# The tool: installed into a tool path, run from a folder that holds no data, so the default data must come from
# the tool's own files.
dotnet tool install SeqPack.Cli --tool-path "$work/tools" --configfile "$work/nuget.config" --version 0.1.0
mkdir "$work/elsewhere"
cd "$work/elsewhere"
"$work/tools/seqpack" --help | tee "$work/help.txt"
grep -q "train" "$work/help.txt"
"$work/tools/seqpack" train --epochs 1 --out run
for file in run/config.json run/model.safetensors; do
  [ -f "$file" ] || { echo "seqpack train wrote no $file"; ls run; exit 1; }
done
"$work/tools/seqpack" predict --model run --json "WINNER!! Claim your free prize now, call 09061701461" \
  "Ok, see you at 6 then" "Are you coming to the party tonight?" | tee "$work/predict.jsonl"

# The library: a console app with only a PackageReference, built against the packed folder.
mkdir "$work/consumer"
cp "$repo/tests/PackageConsumer/Program.cs" "$work/consumer/"
cat > "$work/consumer/PackageConsumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SeqPack" Version="0.1.0" />
  </ItemGroup>
</Project>
XML
cp "$work/nuget.config" "$work/consumer/"
dotnet run --project "$work/consumer" -c Release -- "$work/elsewhere/run" "$work/predict.jsonl"
echo "packages step: $((SECONDS - start)) s"
