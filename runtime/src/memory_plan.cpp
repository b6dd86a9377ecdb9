#include "memory_plan.hpp"

#include <algorithm>
#include <numeric>

namespace frost {

std::vector<size_t> PlaceGreedy(const std::vector<Allocation>& blocks, size_t* arena_bytes) {
  std::vector<size_t> order(blocks.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (blocks[a].size != blocks[b].size) return blocks[a].size > blocks[b].size;
    return blocks[a].first < blocks[b].first;
  });
  std::vector<size_t> offsets(blocks.size(), 0);
  std::vector<size_t> placed;  // indices, in placement order
  size_t total = 0;
  for (size_t i : order) {
    const Allocation& block = blocks[i];
    const size_t size = RoundUp(block.size, kArenaAlignment);
    // Blocks alive at the same time as this one, by offset.
    std::vector<size_t> live;
    for (size_t j : placed) {
      if (blocks[j].first <= block.last && block.first <= blocks[j].last) live.push_back(j);
    }
    std::sort(live.begin(), live.end(),
              [&](size_t a, size_t b) { return offsets[a] < offsets[b]; });
    size_t offset = 0;
    for (size_t j : live) {
      if (size == 0 || offset + size <= offsets[j]) break;
      offset = std::max(offset, offsets[j] + RoundUp(blocks[j].size, kArenaAlignment));
    }
    offsets[i] = offset;
    placed.push_back(i);
    total = std::max(total, offset + size);
  }
  *arena_bytes = total;
  return offsets;
}

MemoryPlan PlanMemory(const Model::Impl& model, const std::vector<Shape>& shapes) {
  const int num_tensors = model.num_tensors();
  const int end = int(model.ops.size()) + 1;
  MemoryPlan plan;
  plan.storage.assign(num_tensors, -1);
  for (int t : model.graph_inputs) plan.storage[t] = t;
  for (int t = 0; t < num_tensors; ++t) {
    if (model.constant_data[t] != nullptr) plan.storage[t] = t;
  }
  std::vector<int> first(num_tensors, -1), last(num_tensors, -1);
  for (int t : model.graph_inputs) first[t] = last[t] = 0;
  for (int i = 0; i < int(model.ops.size()); ++i) {
    const schema::Operator& op = *model.ops[i];
    for (int32_t t : *op.inputs()) {
      if (t >= 0 && plan.storage[t] >= 0) {
        last[plan.storage[t]] = std::max(last[plan.storage[t]], i + 1);
      }
    }
    const int out = op.outputs()->Get(0);
    if (op.options_type() == schema::OpOptions::Reshape) {
      plan.storage[out] = plan.storage[op.inputs()->Get(0)];
    } else {
      plan.storage[out] = out;
      first[out] = last[out] = i + 1;
    }
  }
  for (int t : model.graph_outputs) {
    if (plan.storage[t] >= 0) last[plan.storage[t]] = end;
  }
  // One block per tensor that owns arena storage.
  std::vector<Allocation> blocks;
  std::vector<int> owners;
  for (int t = 0; t < num_tensors; ++t) {
    if (plan.storage[t] != t || model.constant_data[t] != nullptr) continue;
    const size_t bytes = size_t(ElementCount(shapes[t])) * DataTypeSize(model.tensor(t).type());
    blocks.push_back({bytes, first[t], last[t]});
    owners.push_back(t);
  }
  const std::vector<size_t> offsets = PlaceGreedy(blocks, &plan.arena_bytes);
  plan.offsets.assign(num_tensors, -1);
  for (size_t i = 0; i < owners.size(); ++i) plan.offsets[owners[i]] = int64_t(offsets[i]);
  for (int t = 0; t < num_tensors; ++t) {
    if (plan.storage[t] >= 0 && plan.storage[t] != t)
      plan.offsets[t] = plan.offsets[plan.storage[t]];
  }
  return plan;
}

}  // namespace frost
