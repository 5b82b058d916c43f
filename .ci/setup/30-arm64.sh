#!/usr/bin/env bash
# For .ci/steps/30-arm64.sh: user-mode emulation of linux-arm64 (qemu-aarch64-static) and the arm64 C and C++
# runtime libraries a self-contained .NET program loads. Installs only what is missing.
set -euo pipefail
need=()
added_arch=0
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    added_arch=1
fi
for pkg in libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ] || [ "$added_arch" = 1 ]; then
    apt-get update
    [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
fi
