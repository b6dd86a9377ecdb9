// Helpers for the N-D reference kernels: row-major strides, numpy broadcasting and a
// multi-index counter.
#pragma once

#include <cstdint>
#include <vector>

#include "shape.hpp"

namespace frost::ops {

// Row-major strides in elements.
inline std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

// numpy broadcasting: shapes aligned on the right, a dim of 1 stretches. False if a pair of
// dims is neither equal nor 1.
inline bool BroadcastShape(const Shape& a, const Shape& b, Shape* out) {
  size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    result[i] = da == 1 ? db : da;
  }
  *out = std::move(result);
  return true;
}

// Strides of `in` seen from an index into the broadcast shape `out` (same rank or lower):
// 0 along dims that `in` broadcasts.
inline std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out) {
  std::vector<int64_t> in_strides = Strides(in);
  std::vector<int64_t> strides(out.size(), 0);
  size_t offset = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    strides[offset + i] = in[i] == 1 ? 0 : in_strides[i];
  }
  return strides;
}

// Walks every index of `shape` in row-major order.
class IndexCounter {
 public:
  explicit IndexCounter(const Shape& shape) : shape_(shape), index_(shape.size(), 0) {}
  const std::vector<int64_t>& index() const { return index_; }
  int64_t operator[](size_t axis) const { return index_[axis]; }
  // Advances to the next index; false after the last one.
  bool Next() {
    for (size_t i = shape_.size(); i-- > 0;) {
      if (++index_[i] < shape_[i]) return true;
      index_[i] = 0;
    }
    return false;
  }

 private:
  Shape shape_;
  std::vector<int64_t> index_;
};

// Offset of `index` under `strides`.
inline int64_t Offset(const std::vector<int64_t>& index, const std::vector<int64_t>& strides) {
  int64_t offset = 0;
  for (size_t i = 0; i < index.size(); ++i) offset += index[i] * strides[i];
  return offset;
}

// Copies the elements of a strided view of `in` to the dense row-major `out`: output element
// (i_0, .., i_{r-1}) of `shape` is in[sum_k i_k * in_strides[k]]. Used by Transpose and Slice.
inline void StridedCopy(const Shape& shape, const std::vector<int64_t>& in_strides, const float* in,
                        float* out) {
  if (shape.empty()) {
    *out = *in;
    return;
  }
  // Recursion over the dims, innermost dim as a plain loop; returns the advanced output.
  struct Walker {
    const Shape& shape;
    const std::vector<int64_t>& strides;
    float* Walk(size_t dim, const float* in, float* out) const {
      const int64_t n = shape[dim], stride = strides[dim];
      if (dim + 1 == shape.size()) {
        for (int64_t i = 0; i < n; ++i) *out++ = in[i * stride];
        return out;
      }
      for (int64_t i = 0; i < n; ++i) out = Walk(dim + 1, in + i * stride, out);
      return out;
    }
  };
  Walker{shape, in_strides}.Walk(0, in, out);
}

}  // namespace frost::ops
