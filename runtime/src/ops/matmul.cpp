// MatMul with ONNX (numpy) semantics: A [..., M, K] x B [..., K, N] -> [..., M, N], leading
// dims broadcast; a 1-D A is [1, K] and a 1-D B is [K, 1], the added dim removed again.
#include <limits>

#include "ops/nd_index.hpp"
#include "ops/op.hpp"
#include "ops/registry.hpp"
#include "xnn_util.hpp"

namespace frost::ops {
namespace {

// The operands with 1-D inputs promoted to 2-D, and the broadcast batch shape.
struct MatMulGeometry {
  Shape a, b;   // rank >= 2
  Shape batch;  // broadcast leading dims
  int64_t m, k, n;
};

Status Geometry(const Shape& a_in, const Shape& b_in, MatMulGeometry* g) {
  if (a_in.empty() || b_in.empty()) return Status::Error("MatMul inputs must be at least 1-D");
  g->a = a_in.size() == 1 ? Shape{1, a_in[0]} : a_in;
  g->b = b_in.size() == 1 ? Shape{b_in[0], 1} : b_in;
  g->m = g->a[g->a.size() - 2];
  g->k = g->a.back();
  g->n = g->b.back();
  if (g->b[g->b.size() - 2] != g->k) {
    return Status::Error("inner dims differ: " + ShapeToString(a_in) + " x " + ShapeToString(b_in));
  }
  Shape a_batch(g->a.begin(), g->a.end() - 2), b_batch(g->b.begin(), g->b.end() - 2);
  if (!BroadcastShape(a_batch, b_batch, &g->batch)) {
    return Status::Error("batch dims do not broadcast: " + ShapeToString(a_in) + " x " +
                         ShapeToString(b_in));
  }
  return Status::Ok();
}

Status InferMatMul(const schema::Operator&, const ShapeArgs& in, Shape* out) {
  MatMulGeometry g;
  if (auto s = Geometry(in[0], in[1], &g); !s) return s;
  Shape result = g.batch;
  if (in[0].size() > 1) result.push_back(g.m);
  if (in[1].size() > 1) result.push_back(g.n);
  if (result.size() > kMaxRank) return Status::Error("result rank exceeds the maximum");
  *out = std::move(result);
  return Status::Ok();
}

double MatMulFlops(const schema::Operator&, const ShapeArgs& in, const Shape& out) {
  return 2.0 * double(ElementCount(out)) * double(in[0].back());
}

void MatMulReference(const MatMulGeometry& g, const float* a, const float* b, float* y) {
  const Shape a_batch(g.a.begin(), g.a.end() - 2), b_batch(g.b.begin(), g.b.end() - 2);
  const std::vector<int64_t> a_strides = BroadcastStrides(a_batch, g.batch);
  const std::vector<int64_t> b_strides = BroadcastStrides(b_batch, g.batch);
  const int64_t batches = ElementCount(g.batch);
  IndexCounter index(g.batch);
  for (int64_t i = 0; i < batches; ++i, index.Next()) {
    const float* ap = a + Offset(index.index(), a_strides) * g.m * g.k;
    const float* bp = b + Offset(index.index(), b_strides) * g.k * g.n;
    float* yp = y + i * g.m * g.n;
    for (int64_t r = 0; r < g.m; ++r) {
      for (int64_t c = 0; c < g.n; ++c) {
        double acc = 0.0;
        for (int64_t k = 0; k < g.k; ++k) acc += double(ap[r * g.k + k]) * double(bp[k * g.n + c]);
        yp[r * g.n + c] = float(acc);
      }
    }
  }
}

// Fast path for the common A [..., K] x constant B [K, N]: one fully connected operator over
// all rows of A (XNN_FLAG_TRANSPOSE_WEIGHTS takes B as [K, N]).
class MatMulKernel : public Kernel {
 public:
  Status Init(const KernelArgs& args) {
    const float* b = args.constants[1];
    const Shape& b_shape = args.shapes[1];
    if (args.reference || b == nullptr || b_shape.size() != 2) return Status::Ok();
    k_ = b_shape[0];
    xnn_status status = xnn_create_fully_connected_nc_f32(
        b_shape[0], b_shape[1], b_shape[0], b_shape[1], b, /*bias=*/nullptr,
        -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity(),
        XNN_FLAG_TRANSPOSE_WEIGHTS, op_.put());
    if (XnnRejected(status)) return Status::Ok();
    return XnnStatus(status, "xnn_create_fully_connected_nc_f32 (MatMul)");
  }

  Status Setup(const KernelIo& io) override {
    io_ = io;
    fast_ = false;
    if (auto s = Geometry(io.input_shapes[0], io.input_shapes[1], &g_); !s) return s;
    if (!op_) return Status::Ok();
    const size_t rows = ElementCount(io.input_shapes[0]) / k_;
    xnn_status status =
        xnn_setup_fully_connected_nc_f32(op_.get(), rows, io.inputs[0], io.output, io.threadpool);
    if (XnnRejected(status)) return Status::Ok();
    fast_ = status == xnn_status_success;
    return XnnStatus(status, "xnn_setup_fully_connected_nc_f32 (MatMul)");
  }

  Status Run() override {
    if (fast_) return XnnStatus(xnn_run_operator(op_.get(), io_.threadpool), "MatMul");
    MatMulReference(g_, io_.inputs[0], io_.inputs[1], io_.output);
    return Status::Ok();
  }

 private:
  int64_t k_ = 0;
  MatMulGeometry g_;
  XnnOperator op_;
  KernelIo io_;
};

Status CreateMatMul(const KernelArgs& args, std::unique_ptr<Kernel>* out) {
  return MakeKernel<MatMulKernel>(args, out);
}

}  // namespace

const OpDef kMatMul = {
    schema::OpOptions::MatMul, "MatMul", 2, 2, InferMatMul, MatMulFlops, CreateMatMul};

}  // namespace frost::ops
