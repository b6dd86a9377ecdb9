#include "tensor_math.hpp"

#include <algorithm>

namespace frost::convert {

std::vector<int64_t> Strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

bool BroadcastShapes(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                     std::vector<int64_t>* out) {
  const size_t rank = std::max(a.size(), b.size());
  out->assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    (*out)[i] = da == 1 ? db : da;
  }
  return true;
}

StridedWalk BroadcastWalk(const std::vector<int64_t>& in_shape,
                          const std::vector<int64_t>& out_shape) {
  const size_t rank = out_shape.size();
  const size_t lead = rank - in_shape.size();
  const std::vector<int64_t> in_strides = Strides(in_shape);
  std::vector<int64_t> stride(rank, 0);
  for (size_t i = lead; i < rank; ++i) {
    if (in_shape[i - lead] != 1) stride[i] = in_strides[i - lead];
  }
  return StridedWalk(out_shape, std::move(stride));
}

StridedWalk PermuteWalk(const std::vector<int64_t>& shape, const std::vector<int64_t>& perm) {
  const std::vector<int64_t> in_strides = Strides(shape);
  std::vector<int64_t> stride(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) stride[i] = in_strides[perm[i]];
  return StridedWalk(PermuteShape(shape, perm), std::move(stride));
}

std::vector<int64_t> BroadcastOffsets(const std::vector<int64_t>& in_shape,
                                      const std::vector<int64_t>& out_shape) {
  std::vector<int64_t> offsets(static_cast<size_t>(Product(out_shape)));
  StridedWalk walk = BroadcastWalk(in_shape, out_shape);
  for (size_t i = 0; i < offsets.size(); ++i, walk.Next()) offsets[i] = walk.offset();
  return offsets;
}

std::vector<int64_t> PermuteShape(const std::vector<int64_t>& shape,
                                  const std::vector<int64_t>& perm) {
  std::vector<int64_t> out(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) out[i] = shape[perm[i]];
  return out;
}

}  // namespace frost::convert
