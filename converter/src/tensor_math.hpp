// Small dense-tensor helpers for constant folding and weight rewriting (row-major data).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace frost::convert {

std::vector<int64_t> Strides(const std::vector<int64_t>& shape);
int64_t Product(const std::vector<int64_t>& shape);

// numpy broadcasting; false if the shapes are incompatible.
bool BroadcastShapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                     std::vector<int64_t>* out);

// Walks the elements of a tensor of shape `out_shape` in order while tracking the offset
// of a source element that moves by `strides` (one per output axis; 0 broadcasts). Used
// for broadcasting and permutations without materialising an index table.
class StridedWalk {
 public:
  StridedWalk(std::vector<int64_t> out_shape, std::vector<int64_t> strides)
      : shape_(std::move(out_shape)), strides_(std::move(strides)), index_(shape_.size(), 0) {}
  int64_t offset() const { return offset_; }
  void Next() {
    for (int axis = static_cast<int>(shape_.size()) - 1; axis >= 0; --axis) {
      if (++index_[axis] < shape_[axis]) {
        offset_ += strides_[axis];
        return;
      }
      offset_ -= strides_[axis] * (shape_[axis] - 1);
      index_[axis] = 0;
    }
  }

 private:
  std::vector<int64_t> shape_, strides_, index_;
  int64_t offset_ = 0;
};

// The walk over `out_shape` reading a tensor of `in_shape` broadcast to it.
StridedWalk BroadcastWalk(const std::vector<int64_t>& in_shape,
                          const std::vector<int64_t>& out_shape);
// The walk over the transposed shape reading the tensor of `shape` (numpy transpose).
StridedWalk PermuteWalk(const std::vector<int64_t>& shape, const std::vector<int64_t>& perm);

// For each element of `out_shape`, the offset of the element of a tensor of `in_shape`
// that broadcasting maps to it.
std::vector<int64_t> BroadcastOffsets(const std::vector<int64_t>& in_shape,
                                      const std::vector<int64_t>& out_shape);

template <typename T>
std::vector<T> BroadcastTo(const std::vector<T>& data, const std::vector<int64_t>& shape,
                           const std::vector<int64_t>& out_shape) {
  std::vector<T> out(static_cast<size_t>(Product(out_shape)));
  StridedWalk walk = BroadcastWalk(shape, out_shape);
  for (size_t i = 0; i < out.size(); ++i, walk.Next()) out[i] = data[walk.offset()];
  return out;
}

template <typename T, typename F>
std::vector<T> BroadcastBinary(const std::vector<T>& a, const std::vector<int64_t>& a_shape,
                               const std::vector<T>& b, const std::vector<int64_t>& b_shape,
                               const std::vector<int64_t>& out_shape, F f) {
  std::vector<T> out(static_cast<size_t>(Product(out_shape)));
  StridedWalk wa = BroadcastWalk(a_shape, out_shape), wb = BroadcastWalk(b_shape, out_shape);
  for (size_t i = 0; i < out.size(); ++i, wa.Next(), wb.Next()) {
    out[i] = f(a[wa.offset()], b[wb.offset()]);
  }
  return out;
}

// out has shape[perm[i]] as its dim i (numpy transpose).
std::vector<int64_t> PermuteShape(const std::vector<int64_t>& shape,
                                  const std::vector<int64_t>& perm);

template <typename T>
std::vector<T> Permute(const std::vector<T>& data, const std::vector<int64_t>& shape,
                       const std::vector<int64_t>& perm) {
  std::vector<T> out(data.size());
  StridedWalk walk = PermuteWalk(shape, perm);
  for (size_t i = 0; i < out.size(); ++i, walk.Next()) out[i] = data[walk.offset()];
  return out;
}

// NCHW <-> NHWC permutations.
inline const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};
inline const std::vector<int64_t> kToNchw = {0, 3, 1, 2};

}  // namespace frost::convert
