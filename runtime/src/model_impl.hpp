// Model::Impl: the mapped bytes plus what the loader derived from them once, so that sessions
// never re-validate. Immutable after Load, hence safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "frost/frost.hpp"
#include "frost_generated.h"
#include "shape.hpp"

namespace frost {

struct Model::Impl {
  ~Impl();

  // The bytes: either an mmap of `path` (owned) or caller memory (FromBytes).
  void* mapping = nullptr;
  size_t mapping_size = 0;
  const uint8_t* bytes = nullptr;
  size_t size = 0;
  std::string path;
  std::shared_ptr<const uint8_t> owned;  // FromBytes with ownership

  const schema::Model* fb = nullptr;
  const uint8_t* data = nullptr;  // data segment
  size_t data_size = 0;

  std::vector<const schema::Operator*> ops;  // in execution order (empty if the file has none)

  // Per tensor.
  std::vector<Shape> shapes;                  // as stored
  std::vector<const uint8_t*> constant_data;  // nullptr for activations
  std::vector<int> producer;                  // op index that writes it, -1 if none
  std::unordered_map<std::string, int> tensor_by_name;

  std::vector<int> graph_inputs, graph_outputs;
  int64_t stored_batch = 1;  // dim 0 of the first graph input

  // Public views.
  std::vector<TensorInfo> inputs, outputs;
  Preprocessing preprocessing;
  std::vector<std::string> labels;

  // Tells the kernel it may drop the mapped pages wholly inside [begin, begin + size) (e.g.
  // weights XNNPACK has packed into its own buffers): they are re-read from the file if
  // touched again. Only for a model mapped from a file; a no-op otherwise.
  void ReleasePages(const uint8_t* begin, size_t size) const;

  int num_tensors() const { return int(shapes.size()); }
  const schema::Tensor& tensor(int i) const { return *fb->tensors()->Get(i); }
  std::string TensorName(int i) const;  // "tensor 3 'conv1.weight'"
  std::string OpName(int i) const;      // "op 2 'Conv_0' (Conv2D)"
};

// The checks that Load runs after the FlatBuffers Verifier (model_check.cpp): fills `impl`'s
// derived fields or names the first problem found.
Status CheckModel(Model::Impl* impl);

}  // namespace frost
