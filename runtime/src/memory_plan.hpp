// The activation arena: one block per Session, offsets assigned greedily by tensor lifetime
// (as tflite-micro's GreedyMemoryPlanner does), 64-byte aligned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model_impl.hpp"

namespace frost {

inline constexpr size_t kArenaAlignment = 64;

// A block that must exist, untouched by others, from step `first` to step `last` inclusive.
struct Allocation {
  size_t size = 0;
  int first = 0;
  int last = 0;
};

// Offsets (multiples of kArenaAlignment) such that blocks whose lifetimes overlap never share
// bytes. Largest blocks are placed first, each at the lowest offset that fits.
std::vector<size_t> PlaceGreedy(const std::vector<Allocation>& blocks, size_t* arena_bytes);

struct MemoryPlan {
  // Per tensor: the tensor whose bytes it uses. Itself, or for the output of a Reshape, the
  // storage of the Reshape's input (a Reshape never moves bytes). -1: no storage.
  std::vector<int> storage;
  // Per tensor: arena offset of its storage, or -1 (constants, tensors never computed).
  std::vector<int64_t> offsets;
  size_t arena_bytes = 0;
};

// Lifetimes in steps: graph inputs are written at step 0, op i runs at step i + 1, graph
// outputs are read at step num_ops + 1.
MemoryPlan PlanMemory(const Model::Impl& model, const std::vector<Shape>& shapes);

}  // namespace frost
