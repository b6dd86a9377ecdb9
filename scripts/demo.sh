#!/usr/bin/env bash
# The main job: install what is missing, build frost, convert the embedded Fashion-MNIST
# backbones (models/, pretrained on classes 0-4), check them on the classes they know, then
# fine-tune a new head on the five classes they never saw -- from 10, 50 and all training
# images per class -- and print how that compares with a linear classifier on raw pixels and
# with the same networks trained from scratch. No Python involved.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
echo "== building frost"
bash scripts/build.sh -DFROST_BUILD_TESTS=OFF
frost=build/cli/frost
fm=/usr/share/datasets/fashion-mnist
train_set="idx:$fm/train-images-idx3-ubyte.gz,$fm/train-labels-idx1-ubyte.gz"
test_set="idx:$fm/t10k-images-idx3-ubyte.gz,$fm/t10k-labels-idx1-ubyte.gz"
held_out=5,6,7,8,9  # Sandal, Shirt, Sneaker, Bag, Ankle boot
mkdir -p out

# Preprocessing the backbones were trained with, and the raw-pixel model's (models/README.md).
backbone_prep=(--scale 0.00392156862745098 --mean 0.3139 --std 0.3626
               --labels models/fashion_labels.txt)
pixel_prep=(--scale 0.00392156862745098 --mean 0.2860 --std 0.3530)
for net in fashion_resnet fashion_vgg; do
  echo
  echo "== $net: convert, then the Fashion-MNIST test images of its five pretraining classes"
  "$frost" convert "models/$net.onnx" "out/$net.frost" "${backbone_prep[@]}"
  "$frost" eval "out/$net.frost" --data "$test_set" --classes 0,1,2,3,4 | head -4
done
"$frost" convert models/fashion_pixels.onnx out/fashion_pixels.frost "${pixel_prep[@]}" >/dev/null

# accuracy (percent) of `frost eval --json` output on stdin
accuracy() { sed -nE 's/^ *"accuracy": ([0-9.eE+-]+),?$/\1/p' | awk '{printf "%.2f", $1 * 100}'; }

# One head, trained with frost: Adam, cosine schedule; small sets get more epochs so that
# they see a few hundred steps too.
declare -A result seconds
for n in 10 50 all; do
  per_class=(); epochs=30
  if [[ $n != all ]]; then per_class=(--per-class "$n"); epochs=100; fi
  for net in fashion_resnet fashion_vgg fashion_pixels; do
    echo
    echo "== $net: new head for the held-out classes from ${n} images per class"
    start=$(date +%s.%N)
    "$frost" finetune "out/$net.frost" --data "$train_set" --classes "$held_out" "${per_class[@]}" \
      -o "out/${net}_heldout_$n.frost" --optimizer adam --lr 0.01 --schedule cosine \
      --epochs "$epochs" --quiet
    seconds[$net,$n]=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    result[$net,$n]=$("$frost" eval "out/${net}_heldout_$n.frost" --data "$test_set" \
                        --classes "$held_out" --json | accuracy)
    echo "test accuracy ${result[$net,$n]} % (fine-tuning took ${seconds[$net,$n]} s)"
  done
done

# From scratch: PyTorch runs recorded by models/train_fashion_from_scratch.py.
# scratch MODEL N [FIELD]: FIELD (default test_accuracy_percent) of that run.
scratch() {
  awk -v want_model="$1" -v want_key="per_class_$2" -v field="\"${3:-test_accuracy_percent}\"" '
    /"resnet": \{/ { model = "resnet" } /"vgg": \{/ { model = "vgg" }
    /"per_class_[0-9a-z]+": \{/ { match($0, /per_class_[0-9a-z]+/); key = substr($0, RSTART, RLENGTH) }
    index($0, field ":") && model == want_model && key == want_key {
      gsub(/[^0-9.]/, "", $2); printf "%s", $2; found = 1 }
    END { if (!found) printf "-" }' models/fashion_from_scratch.json
}

echo
echo "== Transfer to the five Fashion-MNIST classes the backbones never saw"
echo "   (Sandal, Shirt, Sneaker, Bag, Ankle boot): top-1 % on their 5,000 test images,"
echo "   trained on the first N training images of each class"
echo
echo "| images per class | ResNet: new head (frost) | VGG: new head (frost) | raw pixels: linear (frost) | ResNet from scratch (PyTorch) | VGG from scratch (PyTorch) |"
echo "|---|---|---|---|---|---|"
for n in 10 50 all; do
  echo "| $n | ${result[fashion_resnet,$n]} | ${result[fashion_vgg,$n]} | ${result[fashion_pixels,$n]} | $(scratch resnet $n) | $(scratch vgg $n) |"
done
echo
echo "frost trains only the head, on features the frozen backbone computes once per image."
echo "Wall time per run in seconds: frost (reading the data and computing the features"
echo "included) vs. PyTorch from scratch (training only, one thread, when it was recorded):"
for n in 10 50 all; do
  echo "  $n per class: ResNet ${seconds[fashion_resnet,$n]} vs $(scratch resnet $n train_seconds)," \
       "VGG ${seconds[fashion_vgg,$n]} vs $(scratch vgg $n train_seconds), pixels ${seconds[fashion_pixels,$n]}"
done
echo "The from-scratch columns are PyTorch (frost does not backpropagate through a backbone):"
echo "whole network, random init, augmentation, at least 500 SGD steps; recorded in"
echo "models/fashion_from_scratch.json by models/train_fashion_from_scratch.py."
