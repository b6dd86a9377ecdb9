#include "op_test_util.hpp"

namespace frost::testing {
namespace {

using schema::PoolKind;

struct PoolCase {
  PoolKind kind;
  int64_t n, h, w, c;
  int kh, kw;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool count_include_pad = false;
  schema::FusedActivation fused = schema::FusedActivation::NONE;
  float clip_min = 0, clip_max = 0;
};

ModelBytes PoolModel(const PoolCase& c) {
  ModelBuilder b;
  int x = b.Input("x", {c.n, c.h, c.w, c.c});
  auto fused = MakeFused(b.fbb(), c.fused, c.clip_min, c.clip_max);
  auto options = schema::CreatePool2D(b.fbb(), c.kind, c.kh, c.kw, c.stride_h, c.stride_w,
                                      c.dilation_h, c.dilation_w, c.pad_top, c.pad_left,
                                      c.pad_bottom, c.pad_right, c.count_include_pad, fused);
  const int64_t oh =
      (c.h + c.pad_top + c.pad_bottom - (int64_t(c.kh) - 1) * c.dilation_h - 1) / c.stride_h + 1;
  const int64_t ow =
      (c.w + c.pad_left + c.pad_right - (int64_t(c.kw) - 1) * c.dilation_w - 1) / c.stride_w + 1;
  b.Output(b.AddOp("pool", options, {x}, {c.n, oh, ow, c.c}));
  return b.Finish();
}

std::vector<float> Iota(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = float(i + 1);
  return v;
}

TEST_CASE("Pool2D by hand") {
  const std::vector<float> x = Iota(16);  // 4x4 image 1..16, one channel
  for (bool reference : {true, false}) {
    CAPTURE(reference);
    RunResult max = RunModel(PoolModel({.kind = PoolKind::MAXIMUM,
                                        .n = 1,
                                        .h = 4,
                                        .w = 4,
                                        .c = 1,
                                        .kh = 2,
                                        .kw = 2,
                                        .stride_h = 2,
                                        .stride_w = 2}),
                             {x}, 1, reference);
    REQUIRE_MESSAGE(max.status.ok(), max.status.message());
    CHECK(max.outputs[0] == std::vector<float>{6, 8, 14, 16});
    RunResult avg = RunModel(PoolModel({.kind = PoolKind::AVERAGE,
                                        .n = 1,
                                        .h = 4,
                                        .w = 4,
                                        .c = 1,
                                        .kh = 2,
                                        .kw = 2,
                                        .stride_h = 2,
                                        .stride_w = 2}),
                             {x}, 1, reference);
    REQUIRE_MESSAGE(avg.status.ok(), avg.status.message());
    CHECK(avg.outputs[0] == std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f});
    // 3x3 window, padding 1: the corner averages only its 4 real pixels...
    PoolCase padded{.kind = PoolKind::AVERAGE,
                    .n = 1,
                    .h = 4,
                    .w = 4,
                    .c = 1,
                    .kh = 3,
                    .kw = 3,
                    .pad_top = 1,
                    .pad_left = 1,
                    .pad_bottom = 1,
                    .pad_right = 1};
    RunResult exclude = RunModel(PoolModel(padded), {x}, 1, reference);
    REQUIRE_MESSAGE(exclude.status.ok(), exclude.status.message());
    CHECK(exclude.outputs[0][0] == doctest::Approx((1 + 2 + 5 + 6) / 4.0));
    CHECK(exclude.outputs[0][5] == doctest::Approx((1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11) / 9.0));
    // ...unless count_include_pad.
    padded.count_include_pad = true;
    RunResult include = RunModel(PoolModel(padded), {x}, 1, reference);
    REQUIRE_MESSAGE(include.status.ok(), include.status.message());
    CHECK(include.outputs[0][0] == doctest::Approx((1 + 2 + 5 + 6) / 9.0));
  }
}

TEST_CASE("Pool2D fast path matches the reference") {
  using F = schema::FusedActivation;
  struct Case {
    PoolCase pool;
    const char* backend;
  };
  const std::vector<Case> cases = {
      {{.kind = PoolKind::MAXIMUM,
        .n = 2,
        .h = 9,
        .w = 9,
        .c = 5,
        .kh = 3,
        .kw = 3,
        .stride_h = 2,
        .stride_w = 2,
        .pad_top = 1,
        .pad_left = 1,
        .pad_bottom = 1,
        .pad_right = 1},
       "xnnpack"},
      {{.kind = PoolKind::MAXIMUM,
        .n = 1,
        .h = 8,
        .w = 7,
        .c = 3,
        .kh = 2,
        .kw = 3,
        .stride_h = 1,
        .stride_w = 2,
        .dilation_h = 2,
        .dilation_w = 1},
       "xnnpack"},  // dilation
      {{.kind = PoolKind::MAXIMUM,
        .n = 1,
        .h = 8,
        .w = 8,
        .c = 4,
        .kh = 3,
        .kw = 3,
        .stride_h = 2,
        .stride_w = 2,
        .pad_bottom = 1,
        .pad_right = 1,
        .fused = F::RELU},
       "xnnpack"},  // ceil mode as extra padding
      {{.kind = PoolKind::AVERAGE,
        .n = 3,
        .h = 6,
        .w = 10,
        .c = 7,
        .kh = 2,
        .kw = 2,
        .stride_h = 2,
        .stride_w = 2},
       "xnnpack"},
      {{.kind = PoolKind::AVERAGE,
        .n = 1,
        .h = 7,
        .w = 9,
        .c = 3,
        .kh = 3,
        .kw = 3,
        .stride_h = 2,
        .stride_w = 1,
        .pad_top = 1,
        .pad_left = 1,
        .pad_bottom = 1,
        .pad_right = 1},
       "xnnpack"},  // XNNPACK excludes padding from the divisor, as count_include_pad = false
      {{.kind = PoolKind::AVERAGE,
        .n = 1,
        .h = 7,
        .w = 9,
        .c = 3,
        .kh = 3,
        .kw = 3,
        .stride_h = 2,
        .stride_w = 1,
        .pad_top = 1,
        .pad_left = 1,
        .pad_bottom = 1,
        .pad_right = 1,
        .count_include_pad = true},
       "reference"},
      {{.kind = PoolKind::AVERAGE,
        .n = 1,
        .h = 8,
        .w = 8,
        .c = 2,
        .kh = 2,
        .kw = 2,
        .stride_h = 1,
        .stride_w = 1,
        .dilation_h = 2,
        .dilation_w = 2},
       "reference"},  // dilation
      {{.kind = PoolKind::AVERAGE,
        .n = 2,
        .h = 5,
        .w = 5,
        .c = 3,
        .kh = 3,
        .kw = 3,
        .fused = F::CLIP,
        .clip_min = -0.2f,
        .clip_max = 0.3f},
       "xnnpack"},
      {{.kind = PoolKind::MAXIMUM,
        .n = 1,
        .h = 5,
        .w = 5,
        .c = 3,
        .kh = 1,
        .kw = 1,
        .stride_h = 2,
        .stride_w = 2},
       ""},  // 1x1 window: either path
  };
  uint32_t seed = 10;
  for (const Case& c : cases) {
    CAPTURE(seed);
    const PoolCase& p = c.pool;
    ExpectFastMatchesReference(PoolModel(p), {Random(p.n * p.h * p.w * p.c, seed++)}, p.n,
                               c.backend);
  }
}

TEST_CASE("Pool2D rejects a window lying wholly in the padding") {
  std::shared_ptr<const Model> model;
  PoolCase c{.kind = PoolKind::MAXIMUM,
             .n = 1,
             .h = 4,
             .w = 4,
             .c = 1,
             .kh = 2,
             .kw = 2,
             .stride_h = 1,
             .stride_w = 1,
             .pad_top = 2};
  Status s = LoadModel(PoolModel(c), &model);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("padding") != std::string::npos);
}

}  // namespace
}  // namespace frost::testing
