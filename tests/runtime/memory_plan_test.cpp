#include "memory_plan.hpp"

#include <random>

#include "graph_shapes.hpp"
#include "test_models.hpp"

namespace frost::testing {
namespace {

bool Overlap(size_t a_offset, size_t a_size, size_t b_offset, size_t b_size) {
  return a_offset < b_offset + b_size && b_offset < a_offset + a_size;
}

// Live at the same step -> disjoint bytes; every offset aligned.
void ExpectValid(const std::vector<Allocation>& blocks, const std::vector<size_t>& offsets,
                 size_t arena) {
  for (size_t i = 0; i < blocks.size(); ++i) {
    CHECK(offsets[i] % kArenaAlignment == 0);
    CHECK(offsets[i] + blocks[i].size <= arena);
    for (size_t j = i + 1; j < blocks.size(); ++j) {
      const bool live_together =
          blocks[i].first <= blocks[j].last && blocks[j].first <= blocks[i].last;
      if (live_together) {
        CHECK_FALSE(Overlap(offsets[i], blocks[i].size, offsets[j], blocks[j].size));
      }
    }
  }
}

TEST_CASE("PlaceGreedy reuses memory of dead blocks") {
  // A chain: each block lives from its producer to its consumer.
  std::vector<Allocation> chain;
  size_t sum = 0;
  for (int i = 0; i < 6; ++i) {
    chain.push_back({size_t(1000 * (i % 3 + 1)), i, i + 1});
    sum += RoundUp(chain.back().size, kArenaAlignment);
  }
  size_t arena = 0;
  std::vector<size_t> offsets = PlaceGreedy(chain, &arena);
  ExpectValid(chain, offsets, arena);
  CHECK(arena < sum);
  // Equal sizes along a chain: two blocks (producer and consumer) are all it ever needs.
  std::vector<Allocation> equal;
  for (int i = 0; i < 6; ++i) equal.push_back({1000, i, i + 1});
  offsets = PlaceGreedy(equal, &arena);
  ExpectValid(equal, offsets, arena);
  CHECK(arena == 2 * RoundUp(1000, kArenaAlignment));
  // Blocks alive throughout can never share.
  std::vector<Allocation> all_live = {{100, 0, 5}, {200, 0, 5}, {300, 0, 5}};
  offsets = PlaceGreedy(all_live, &arena);
  ExpectValid(all_live, offsets, arena);
  CHECK(arena == 128 + 256 + 320);
}

TEST_CASE("PlaceGreedy on random lifetimes never overlaps live blocks") {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<Allocation> blocks(1 + rng() % 40);
    for (Allocation& b : blocks) {
      b.first = int(rng() % 20);
      b.last = b.first + int(rng() % 6);
      b.size = rng() % 5000;
    }
    size_t arena = 0;
    std::vector<size_t> offsets = PlaceGreedy(blocks, &arena);
    ExpectValid(blocks, offsets, arena);
  }
}

TEST_CASE("PlanMemory on a network: reshape aliasing, no live overlap, arena below the sum") {
  ModelBytes bytes = TinyCnn();
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(bytes, &model).ok());
  const Model::Impl& m = model->impl();
  for (int64_t batch : {1, 3}) {
    std::vector<Shape> shapes;
    REQUIRE(InferShapes(m, batch, &shapes).ok());
    MemoryPlan plan = PlanMemory(m, shapes);
    const int features = m.tensor_by_name.at("features");
    const int gap = m.tensor_by_name.at("gap");
    CHECK(plan.storage[features] == gap);
    CHECK(plan.offsets[features] == plan.offsets[gap]);
    size_t sum = 0;
    std::vector<Allocation> blocks;
    std::vector<size_t> offsets;
    // Rebuild lifetimes independently from the graph and check the plan against them.
    for (int t = 0; t < m.num_tensors(); ++t) {
      if (plan.storage[t] != t || m.constant_data[t] != nullptr) continue;
      int first = m.producer[t] + 1, last = first;
      for (int i = 0; i < int(m.ops.size()); ++i) {
        for (int32_t in : *m.ops[i]->inputs()) {
          if (in >= 0 && plan.storage[in] == t) last = std::max(last, i + 1);
        }
      }
      for (int out : m.graph_outputs) {
        if (plan.storage[out] == t) last = int(m.ops.size()) + 1;
      }
      const size_t size = ElementCount(shapes[t]) * sizeof(float);
      blocks.push_back({size, first, last});
      offsets.push_back(size_t(plan.offsets[t]));
      sum += RoundUp(size, kArenaAlignment);
    }
    ExpectValid(blocks, offsets, plan.arena_bytes);
    CHECK(plan.arena_bytes < sum);
  }
}

TEST_CASE("PlanMemory: a Conv2D's output never shares bytes with its residual") {
  // t = conv(x); y = conv(x, residual t); z = relu(y): t (like x) dies at the op that makes y. The
  // kernels read the residual after writing partial sums into the output, so the two must not
  // overlap.
  ModelBuilder b;
  int x = b.Input("x", {1, 6, 6, 8});
  int w = b.Constant("w", {8, 1, 1, 8}, std::vector<float>(64, 0.5f));
  int t = b.AddOp("t", schema::CreateConv2D(b.fbb(), 1, 1), {x, w}, {1, 6, 6, 8});
  int y = b.AddOp("y", schema::CreateConv2D(b.fbb(), 1, 1), {x, w, -1, t}, {1, 6, 6, 8});
  int z = b.AddOp("z", schema::CreateUnary(b.fbb(), schema::UnaryKind::RELU), {y}, {1, 6, 6, 8});
  b.Output(z);
  std::shared_ptr<const Model> model;
  REQUIRE(LoadModel(b.Finish(), &model).ok());
  const Model::Impl& m = model->impl();
  for (int64_t batch : {1, 3}) {
    std::vector<Shape> shapes;
    REQUIRE(InferShapes(m, batch, &shapes).ok());
    const MemoryPlan plan = PlanMemory(m, shapes);
    const size_t bytes = ElementCount(shapes[t]) * sizeof(float);
    CHECK_FALSE(Overlap(size_t(plan.offsets[t]), bytes, size_t(plan.offsets[y]), bytes));
    // ... while z, one op later, does reuse dead bytes (x's or t's): 3 blocks, not 4.
    CHECK(plan.arena_bytes == 3 * RoundUp(bytes, kArenaAlignment));
    CHECK(plan.offsets[z] != plan.offsets[y]);
  }
}

}  // namespace
}  // namespace frost::testing
