#!/usr/bin/env bash
# The main job: install what is missing, build frost, convert the two embedded
# Fashion-MNIST backbones (models/) to .frost and evaluate them on the Fashion-MNIST test
# images of the five classes they were trained on. No Python involved.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
echo "== building frost"
bash scripts/build.sh -DFROST_BUILD_TESTS=OFF
frost=build/cli/frost
fm=/usr/share/datasets/fashion-mnist
test_set="idx:$fm/t10k-images-idx3-ubyte.gz,$fm/t10k-labels-idx1-ubyte.gz"
mkdir -p out
# Preprocessing the backbones were trained with (models/README.md).
prep=(--scale 0.00392156862745098 --mean 0.3139,0.3139,0.3139 --std 0.3626,0.3626,0.3626
      --labels models/fashion_labels.txt)
for net in fashion_resnet fashion_vgg; do
  echo
  echo "== $net: convert"
  "$frost" convert "models/$net.onnx" "out/$net.frost" "${prep[@]}"
  "$frost" info "out/$net.frost"
  echo
  echo "== $net: Fashion-MNIST test images of the five pretraining classes"
  "$frost" eval "out/$net.frost" --data "$test_set" --classes 0,1,2,3,4
done
echo
echo "PyTorch's accuracy on the same images when the backbones were trained (models/fashion_backbones.json):"
grep -E '"(resnet|vgg)": \{|"test_accuracy_percent"' models/fashion_backbones.json |
  paste - - | sed -E 's/.*"(resnet|vgg)".*: ([0-9.]+).*/  fashion_\1: \2 %/'
