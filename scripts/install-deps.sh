#!/usr/bin/env bash
# Installs the Debian 12 packages frost needs, only those that are missing.
# Usage: scripts/install-deps.sh [build|test|demo]   (test adds Python/PyTorch and the ONNX test data)
set -euo pipefail
want=(cmake g++ make pkg-config
      libxnnpack-dev libpthreadpool-dev libflatbuffers-dev flatbuffers-compiler
      libonnx-dev libprotobuf-dev doctest-dev libstb-dev libjpeg-dev zlib1g-dev libcli11-dev
      nlohmann-json3-dev dataset-fashion-mnist)
case "${1:-build}" in
  test) want+=(libonnx-testdata python3 python3-numpy python3-torch python3-torchvision python3-onnx) ;;
  bench) want+=(libbenchmark-dev python3 python3-numpy python3-pil python3-torch python3-torchvision python3-onnx nodejs npm) ;;
esac
# A nodejs from NodeSource bundles npm and conflicts with Debian's npm package: ask for the
# package only where there is no npm command yet.
if command -v npm >/dev/null 2>&1; then
  kept=()
  for p in "${want[@]}"; do [ "$p" = npm ] || kept+=("$p"); done
  want=("${kept[@]}")
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# bench: onnxruntime for frost_compare_bench comes from npm (version pinned in
# benchmarks/peers/package.json); --ignore-scripts: the CPU library ships in the package.
if [ "${1:-build}" = bench ]; then
  peers="$(cd "$(dirname "$0")/.." && pwd)/benchmarks/peers"
  [ -d "$peers/node_modules/onnxruntime-node" ] ||
    (cd "$peers" && npm install --ignore-scripts --no-audit --no-fund)
fi
