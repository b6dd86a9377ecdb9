// FineTuner and the files that carry a trained head: tuned models keep every backbone byte,
// cached features give the same result as running the whole tuned model, head-only files
// attach to their own backbone only.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "frost/finetune.hpp"
#include "frost/io/sha256.hpp"
#include "model_builder.hpp"

namespace frost {
namespace {

namespace fs = frost::schema;
using testing::ModelBuilder;

constexpr int kIn = 48, kFeatures = 8, kOldClasses = 3;

std::vector<float> Random(size_t n, uint32_t seed, float scale = 0.3f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// A tiny image "backbone": x [N,3,4,4] -> flatten -> FC 48->8 (ReLU) = features -> FC 8->3
// (-> Softmax when `softmax`). `fp16`: the FC weights stored as FLOAT16 (frost convert --fp16).
testing::ModelBytes TinyBackbone(bool softmax, bool fp16 = false) {
  ModelBuilder b;
  auto& f = b.fbb();
  auto weight = [&](const std::string& name, ModelBuilder::Shape shape, std::vector<float> v) {
    return fp16 ? b.ConstantHalf(name, shape, v) : b.Constant(name, shape, v);
  };
  const int x = b.Input("image", {1, 3, 4, 4});
  const std::vector<int64_t> flat_shape = {0, kIn};
  const int flat = b.AddOp("flatten", fs::CreateReshapeDirect(f, &flat_shape), {x}, {1, kIn});
  const int w1 = weight("fc1.w", {kFeatures, kIn}, Random(kFeatures * kIn, 1));
  const int b1 = b.Constant("fc1.b", {kFeatures}, Random(kFeatures, 2));
  const int h = b.AddOp("fc1",
                        fs::CreateFullyConnected(f, fs::CreateFused(f, fs::FusedActivation::RELU)),
                        {flat, w1, b1}, {1, kFeatures});
  const int w2 = weight("fc2.w", {kOldClasses, kFeatures}, Random(kOldClasses * kFeatures, 3));
  const int b2 = b.Constant("fc2.b", {kOldClasses}, Random(kOldClasses, 4));
  int y = b.AddOp("fc2", fs::CreateFullyConnected(f), {h, w2, b2}, {1, kOldClasses});
  if (softmax) y = b.AddOp("softmax", fs::CreateSoftmax(f, 1), {y}, {1, kOldClasses});
  b.Output(y);
  b.SetFeatureTensor(h);
  b.SetLabels({"a", "b", "c"});
  return b.Finish();
}

struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    dir = std::filesystem::temp_directory_path() /
          ("frost-finetune-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
  }
  ~Scratch() { std::filesystem::remove_all(dir); }
  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

std::shared_ptr<const Model> WriteAndLoad(const testing::ModelBytes& bytes, const std::string& path) {
  REQUIRE(bytes.WriteFile(path));
  std::shared_ptr<const Model> model;
  Status s = Model::Load(path, &model);
  REQUIRE_MESSAGE(s.ok(), s.message());
  return model;
}

// Samples whose label (of 4 classes) is a function of the input, and the inputs.
struct Samples {
  std::vector<float> inputs;
  std::vector<int> labels;
};
Samples MakeSamples(size_t n, uint32_t seed) {
  Samples s;
  s.inputs = Random(n * kIn, seed, 1.0f);
  const std::vector<float> rule = Random(4 * kIn, 99, 1.0f);
  for (size_t i = 0; i < n; ++i) {
    int best = 0;
    float best_score = -1e30f;
    for (int c = 0; c < 4; ++c) {
      float score = 0;
      for (int k = 0; k < kIn; ++k) score += rule[c * kIn + k] * s.inputs[i * kIn + k];
      if (score > best_score) best_score = score, best = c;
    }
    s.labels.push_back(best);
  }
  return s;
}

std::unique_ptr<FineTuner> Tuned(std::shared_ptr<const Model> base, const Samples& samples,
                                 int backbone_batch, train::TrainConfig config = {}) {
  FineTuneOptions options;
  options.config = config;
  options.config.epochs = config.epochs == 30 ? 5 : config.epochs;
  options.batch = backbone_batch;
  options.threads = 1;
  std::unique_ptr<FineTuner> tuner;
  REQUIRE(FineTuner::Create(base, options, &tuner).ok());
  REQUIRE(tuner->SetClassNames({"w", "x", "y", "z"}).ok());
  for (size_t i = 0; i < samples.labels.size(); ++i) {
    REQUIRE(tuner->AddInput(samples.inputs.data() + i * kIn, samples.labels[i]).ok());
  }
  return tuner;
}

std::vector<float> RunModel(std::shared_ptr<const Model> model, const std::vector<float>& inputs,
                            size_t n) {
  std::unique_ptr<Session> session;
  REQUIRE(Session::Create(model, {}, &session).ok());
  std::vector<float> out(session->OutputElements(0, int64_t(n)));
  Status s = session->Run(inputs.data(), int64_t(n), out.data());
  REQUIRE_MESSAGE(s.ok(), s.message());
  return out;
}

// `tuned` (a whole model) on the samples' inputs = the tuner's trained head on the features
// it cached for them.
void CheckHeadOnCachedFeatures(const std::shared_ptr<const Model>& tuned, FineTuner& tuner,
                               const Samples& samples) {
  const size_t n = samples.labels.size();
  const std::vector<float> out = RunModel(tuned, samples.inputs, n);
  std::vector<float> expected(n * 4);
  const auto& features = tuner.trainer().train_set().features;
  tuner.trainer().head().Predict(features.data(), n, expected.data());
  for (size_t i = 0; i < out.size(); ++i) CHECK(out[i] == doctest::Approx(expected[i]).epsilon(1e-5));
}

// The stored type of tensor `name` in `model`.
fs::DataType TypeOf(const Model& model, const std::string& name) {
  for (const fs::Tensor* t : *model.flatbuffer()->tensors()) {
    if (t->name()->str() == name) return t->type();
  }
  FAIL("no tensor " << name);
  return fs::DataType::FLOAT32;
}

// The bytes of constant `name` in `model`.
std::vector<uint8_t> ConstantBytes(const Model& model, const std::string& name) {
  const fs::Model& m = *model.flatbuffer();
  for (const fs::Tensor* t : *m.tensors()) {
    if (t->name()->str() != name || t->buffer() < 0) continue;
    const fs::Buffer* b = m.buffers()->Get(t->buffer());
    const uint8_t* p = model.data_segment() + b->offset();
    return std::vector<uint8_t>(p, p + b->size());
  }
  return {};
}

TEST_CASE("a tuned model keeps the backbone's bytes and equals head(cached features)") {
  Scratch scratch;
  auto base = WriteAndLoad(TinyBackbone(false), scratch / "base.frost");
  const std::string base_hash = ModelSha256(*base);
  const Samples samples = MakeSamples(200, 7);
  auto tuner = Tuned(base, samples, 64);
  REQUIRE(tuner->Fit().ok());
  REQUIRE(tuner->Save(scratch / "tuned.frost").ok());

  std::shared_ptr<const Model> tuned;
  REQUIRE(Model::Load(scratch / "tuned.frost", &tuned).ok());
  CHECK(ModelSha256(*base) == base_hash);  // the input is never modified
  for (const char* name : {"fc1.w", "fc1.b"}) {
    CHECK(!ConstantBytes(*base, name).empty());
    CHECK(ConstantBytes(*tuned, name) == ConstantBytes(*base, name));
  }
  CHECK(ConstantBytes(*tuned, "fc2.w").empty());  // the old head is gone
  CHECK(tuned->labels() == std::vector<std::string>{"w", "x", "y", "z"});
  CHECK(tuned->feature_tensor() == base->feature_tensor());
  CHECK(tuned->outputs()[0].name == base->outputs()[0].name);
  CHECK(tuned->outputs()[0].shape == std::vector<int64_t>{1, 4});

  // The whole tuned model on the inputs = the trained head on the cached features.
  CheckHeadOnCachedFeatures(tuned, *tuner, samples);
}

TEST_CASE("a float16 backbone: its weights stay float16 byte for byte, the new head is float32") {
  Scratch scratch;
  auto base = WriteAndLoad(TinyBackbone(false, /*fp16=*/true), scratch / "base16.frost");
  const Samples samples = MakeSamples(200, 7);
  auto tuner = Tuned(base, samples, 64);
  REQUIRE(tuner->Fit().ok());
  REQUIRE(tuner->Save(scratch / "tuned16.frost").ok());
  REQUIRE(tuner->SaveHead(scratch / "head16.frost").ok());

  std::shared_ptr<const Model> tuned;
  REQUIRE(Model::Load(scratch / "tuned16.frost", &tuned).ok());
  CHECK(TypeOf(*tuned, "fc1.w") == fs::DataType::FLOAT16);
  CHECK(ConstantBytes(*tuned, "fc1.w").size() == size_t(kFeatures) * kIn * 2);
  CHECK(ConstantBytes(*tuned, "fc1.w") == ConstantBytes(*base, "fc1.w"));
  CHECK(TypeOf(*tuned, "fc1.b") == fs::DataType::FLOAT32);
  CHECK(ConstantBytes(*tuned, "fc1.b") == ConstantBytes(*base, "fc1.b"));
  CHECK(TypeOf(*tuned, "head.fc1.weight") == fs::DataType::FLOAT32);
  CHECK(ConstantBytes(*tuned, "head.fc1.weight").size() == 4 * size_t(kFeatures) * 4);

  // The tuned model = the head on the features the float16 backbone computed; the head-only
  // file attached to the float16 backbone gives the same.
  CheckHeadOnCachedFeatures(tuned, *tuner, samples);
  std::shared_ptr<const Model> head, attached;
  REQUIRE(Model::Load(scratch / "head16.frost", &head).ok());
  const Status s = AttachHead(*base, *head, &attached);
  REQUIRE_MESSAGE(s.ok(), s.message());
  const size_t n = samples.labels.size();
  CHECK(RunModel(attached, samples.inputs, n) == RunModel(tuned, samples.inputs, n));
}

TEST_CASE("features cached one at a time or batched give the same head") {
  Scratch scratch;
  auto base = WriteAndLoad(TinyBackbone(false), scratch / "base.frost");
  const Samples samples = MakeSamples(150, 8);
  auto one = Tuned(base, samples, 1);
  auto batched = Tuned(base, samples, 64);
  REQUIRE(one->Fit().ok());
  REQUIRE(batched->Fit().ok());
  const auto& a = one->trainer().train_set().features;
  const auto& b = batched->trainer().train_set().features;
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(b[i]).epsilon(1e-6));
  CHECK(one->trainer().history().back().train_loss ==
        doctest::Approx(batched->trainer().history().back().train_loss).epsilon(1e-5));
}

TEST_CASE("a backbone that ended in Softmax gets a head that does too") {
  Scratch scratch;
  auto base = WriteAndLoad(TinyBackbone(true), scratch / "base.frost");
  auto tuner = Tuned(base, MakeSamples(80, 9), 64);
  REQUIRE(tuner->Fit().ok());
  REQUIRE(tuner->Save(scratch / "tuned.frost").ok());
  std::shared_ptr<const Model> tuned;
  REQUIRE(Model::Load(scratch / "tuned.frost", &tuned).ok());
  const Samples probe = MakeSamples(5, 10);
  const std::vector<float> out = RunModel(tuned, probe.inputs, 5);
  for (int i = 0; i < 5; ++i) {
    double sum = 0;
    for (int c = 0; c < 4; ++c) sum += out[i * 4 + c];
    CHECK(sum == doctest::Approx(1.0).epsilon(1e-5));
  }
}

TEST_CASE("a head-only file attaches to its own backbone and is refused by any other") {
  Scratch scratch;
  auto base = WriteAndLoad(TinyBackbone(false), scratch / "base.frost");
  auto other = WriteAndLoad(TinyBackbone(true), scratch / "other.frost");
  const Samples samples = MakeSamples(120, 11);
  train::TrainConfig config;
  config.hidden = 16;  // an mlp head: two layers, ReLU fused between them
  config.epochs = 4;
  auto tuner = Tuned(base, samples, 32, config);
  REQUIRE(tuner->Fit().ok());
  REQUIRE(tuner->Save(scratch / "tuned.frost").ok());
  REQUIRE(tuner->SaveHead(scratch / "head.frost").ok());

  std::shared_ptr<const Model> head, tuned, attached;
  REQUIRE(Model::Load(scratch / "head.frost", &head).ok());
  REQUIRE(Model::Load(scratch / "tuned.frost", &tuned).ok());
  CHECK(std::filesystem::file_size(scratch / "head.frost") < 8192);
  CHECK(head->flatbuffer()->backbone_sha256()->str() == ModelSha256(*base));
  Status s = AttachHead(*base, *head, &attached);
  REQUIRE_MESSAGE(s.ok(), s.message());
  CHECK(attached->labels() == tuned->labels());
  const std::vector<float> a = RunModel(attached, samples.inputs, 20);
  const std::vector<float> t = RunModel(tuned, samples.inputs, 20);
  CHECK(a == t);

  s = AttachHead(*other, *head, &attached);
  CHECK(!s.ok());
  CHECK(s.message().find("another backbone") != std::string::npos);
  s = AttachHead(*base, *tuned, &attached);  // a whole model is no head file
  CHECK(!s.ok());
  CHECK(s.message().find("not a head-only file") != std::string::npos);
}

TEST_CASE("a diverging run reports it and still saves the best head so far") {
  Scratch scratch;
  auto base = WriteAndLoad(TinyBackbone(false), scratch / "base.frost");
  train::TrainConfig config;
  config.lr = 1e30;
  config.epochs = 5;
  auto tuner = Tuned(base, MakeSamples(100, 12), 64, config);
  Status s = tuner->Fit();
  CHECK(!s.ok());
  CHECK(tuner->trainer().stop_reason() == train::StopReason::kDiverged);
  CHECK(tuner->Save(scratch / "tuned.frost").ok());
}

TEST_CASE("bad samples and calls are refused with a reason") {
  Scratch scratch;
  auto base = WriteAndLoad(TinyBackbone(false), scratch / "base.frost");
  FineTuneOptions options;
  std::unique_ptr<FineTuner> tuner;
  REQUIRE(FineTuner::Create(base, options, &tuner).ok());
  REQUIRE(tuner->SetClassNames({"p", "q"}).ok());
  std::vector<float> input(kIn, 0.5f);
  CHECK(tuner->AddInput(input.data(), 2).message().find("not below the 2 classes") !=
        std::string::npos);
  CHECK(tuner->AddInput(input.data(), -1).message().find("negative") != std::string::npos);
  CHECK(tuner->Save(scratch / "x.frost").message().find("no head yet") != std::string::npos);
  CHECK(tuner->Start().message().find("no training samples") != std::string::npos);
  CHECK(tuner->AddImage(scratch / "missing.png", 0).ok() == false);
  CHECK(!std::filesystem::exists(scratch / "x.frost"));
}

TEST_CASE("SHA-256 matches the FIPS 180-4 examples") {
  CHECK(io::Sha256::Hex("abc", 3) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(io::Sha256::Hex("", 0) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(io::Sha256::Hex(two_blocks.data(), two_blocks.size()) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');  // split updates must equal one call
  io::Sha256 split;
  for (size_t i = 0; i < million.size(); i += 777) {
    split.Update(million.data() + i, std::min<size_t>(777, million.size() - i));
  }
  auto digest = split.Finish();
  CHECK(digest[0] == 0xcd);
  CHECK(digest[31] == 0xd0);
  CHECK(io::Sha256::Hex(million.data(), million.size()) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace frost
