// Runs the built `frost` executable (FROST_CLI_PATH) and checks exit codes, messages and
// results on tiny models whose outputs are computed by hand (cli_models.hpp).
#include <doctest/doctest.h>
#include <stb/stb_image_write.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <random>

#include "cli_models.hpp"
#include "frost/io/npy.hpp"
#include "test_util.hpp"

using frost::testing::Contains;
using frost::testing::Frost;
using frost::testing::Result;
using frost::testing::ScratchDir;
using frost::testing::TinyClassifier;
using frost::testing::WriteModel;

namespace {



std::vector<float> RandomValues(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

// A 4x4 PNG filled with one colour.
std::string WriteSolidPng(const ScratchDir& dir, const std::string& name, uint8_t r, uint8_t g,
                          uint8_t b) {
  std::vector<uint8_t> pixels;
  for (int i = 0; i < 16; ++i) pixels.insert(pixels.end(), {r, g, b});
  const std::string path = dir.File(name);
  REQUIRE(stbi_write_png(path.c_str(), 4, 4, 3, pixels.data(), 12) != 0);
  return path;
}

// Checks an .npy output against the hand-computed logits of `model` for `inputs`.
void CheckOutputs(const std::string& path, const TinyClassifier& model,
                  const std::vector<float>& inputs, size_t samples) {
  frost::io::NpyArray y;
  REQUIRE(frost::io::ReadNpy(path, &y));
  CHECK(y.shape == std::vector<int64_t>{static_cast<int64_t>(samples), model.classes});
  REQUIRE(y.data.size() == samples * model.classes);
  for (size_t s = 0; s < samples; ++s) {
    const std::vector<float> expected = model.Logits(&inputs[s * model.features()]);
    for (int o = 0; o < model.classes; ++o) {
      CHECK(y.data[s * model.classes + o] == doctest::Approx(expected[o]).epsilon(1e-5));
    }
  }
}

}  // namespace

TEST_CASE("cli: usage errors exit 2 with a 'frost: ' message") {
  ScratchDir dir("cli_usage");
  Result r = Frost(dir, "");
  CHECK(r.code == 2);
  CHECK(r.err.rfind("frost: ", 0) == 0);
  r = Frost(dir, "bogus");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "frost: unknown command 'bogus'"));
  r = Frost(dir, "info");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "model"));
  CHECK(Contains(r.err, "frost info --help"));
  r = Frost(dir, "run m.frost --top 0 a.png");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--top"));
  r = Frost(dir, "run m.frost");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "nothing to run"));
  r = Frost(dir, "run m.frost --input x.npy");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--input and --output go together"));
  r = Frost(dir, "run m.frost a.png --input x.npy --output y.npy");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "not both"));
  r = Frost(dir, "info m.frost --no-such-flag");
  CHECK(r.code == 2);
}

TEST_CASE("cli: --help and --version exit 0") {
  ScratchDir dir("cli_help");
  Result r = Frost(dir, "--help");
  CHECK(r.code == 0);
  CHECK(Contains(r.out, "info"));
  CHECK(Contains(r.out, "run"));
  r = Frost(dir, "run --help");
  CHECK(r.code == 0);
  CHECK(Contains(r.out, "--threads"));
  CHECK(Contains(r.out, "--top"));
  r = Frost(dir, "--version");
  CHECK(r.code == 0);
  CHECK(r.out.rfind("frost ", 0) == 0);
#ifdef FROST_HAVE_CONVERTER
  r = Frost(dir, "convert --help");
  CHECK(r.code == 0);
  CHECK(Contains(r.out, "0.485,0.456,0.406"));  // the defaults are stated
  CHECK(Contains(r.out, "0.229,0.224,0.225"));
  CHECK(Contains(r.out, "1/255"));
  CHECK(Contains(r.out, "RGB"));
#endif
}

TEST_CASE("cli: info prints the model's facts, and --json the same as JSON") {
  ScratchDir dir("cli_info");
  const std::string model = WriteModel(dir, "tiny.frost", TinyClassifier{});
  Result r = Frost(dir, "info " + model);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out, "x [1, 3, 4, 4]"));
  CHECK(Contains(r.out, "params        147\n"));  // 3 x 48 weights + 3 biases
  CHECK(Contains(r.out, " FLOP per sample"));
  CHECK(Contains(r.out, "3: red thing, green thing, blue thing"));
  CHECK(Contains(r.out, "features 'flatten' [1, 48] -> 1 op(s), 147 params"));
  CHECK(Contains(r.out, "any size (batch polymorphic)"));
  CHECK(Contains(r.out, "whole image resized"));

  r = Frost(dir, "info --json " + model);
  REQUIRE(r.code == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);  // throws (fails the test) if invalid
  CHECK(j["inputs"][0]["name"] == "x");
  CHECK(j["inputs"][0]["shape"] == std::vector<int64_t>{1, 3, 4, 4});
  CHECK(j["outputs"][0]["shape"] == std::vector<int64_t>{1, 3});
  CHECK(j["params"] == 147);
  CHECK(j["ops"]["total"] == 2);
  CHECK(j["ops"]["by_type"].size() == 2);
  CHECK(j["flops"].get<double>() > 0);
  CHECK(j["labels"]["count"] == 3);
  CHECK(j["labels"]["names"][2] == "blue thing");
  CHECK(j["head"]["feature_tensor"] == "flatten");
  CHECK(j["head"]["shape"] == std::vector<int64_t>{1, 48});
  CHECK(j["head"]["params"] == 147);
  CHECK(j["batch_polymorphic"] == true);
  CHECK(j["preprocessing"]["channel_order"] == "RGB");
  CHECK(j["preprocessing"]["crop_fraction"] == 1.0);
  CHECK(j["memory"]["file_bytes"].get<size_t>() == std::filesystem::file_size(model));
  CHECK(j["memory"]["weight_bytes"].get<size_t>() >= 147 * 4);
  CHECK(j.contains("source"));
  CHECK(j.contains("producer"));
}

TEST_CASE("cli: info on missing and corrupt files exits 1 naming the file") {
  ScratchDir dir("cli_info_errors");
  Result r = Frost(dir, "info " + dir.File("missing.frost"));
  CHECK(r.code == 1);
  CHECK(r.err.rfind("frost: ", 0) == 0);
  CHECK(Contains(r.err, "missing.frost"));
  frost::testing::WriteBytes(dir.File("junk.frost"), std::string(300, '\x5a'));
  r = Frost(dir, "info --json " + dir.File("junk.frost"));
  CHECK(r.code == 1);
  CHECK(r.out.empty());
  CHECK(Contains(r.err, "junk.frost"));
}

TEST_CASE("cli: run --input/--output runs every sample of the npy") {
  ScratchDir dir("cli_run_npy");
  TinyClassifier tiny;
  tiny.weights = RandomValues(3 * 48, 1);
  tiny.bias = {0.5f, -0.25f, 0.125f};
  const std::string model = WriteModel(dir, "tiny.frost", tiny);
  const std::vector<float> x = RandomValues(5 * 48, 2);
  REQUIRE(frost::io::WriteNpy(dir.File("x.npy"), {5, 3, 4, 4}, x.data()));

  Result r = Frost(
      dir, "run " + model + " --input " + dir.File("x.npy") + " --output " + dir.File("y.npy"));
  INFO(r.err);
  REQUIRE(r.code == 0);
  CheckOutputs(dir.File("y.npy"), tiny, x, 5);

  SUBCASE("several calls of at most --batch-size samples, more threads") {
    r = Frost(dir, "run " + model + " -i " + dir.File("x.npy") + " -o " + dir.File("y2.npy") +
                       " --batch-size 2 --threads 2");
    REQUIRE(r.code == 0);
    CheckOutputs(dir.File("y2.npy"), tiny, x, 5);
  }
  SUBCASE("the reference kernels agree") {
    r = Frost(dir, "run " + model + " -i " + dir.File("x.npy") + " -o " + dir.File("y3.npy") +
                       " --reference");
    REQUIRE(r.code == 0);
    CheckOutputs(dir.File("y3.npy"), tiny, x, 5);
  }
  SUBCASE("float64 input is converted, with a note") {
    std::vector<double> x64(x.begin(), x.end());
    REQUIRE(frost::io::WriteNpy(dir.File("x64.npy"), frost::io::NpyType::kFloat64, {5, 3, 4, 4},
                                x64.data()));
    r = Frost(dir, "run " + model + " -i " + dir.File("x64.npy") + " -o " + dir.File("y4.npy"));
    REQUIRE(r.code == 0);
    CHECK(Contains(r.err, "<f8"));
    CheckOutputs(dir.File("y4.npy"), tiny, x, 5);
  }
}

TEST_CASE("cli: a model with a fixed batch runs N samples in padded calls") {
  ScratchDir dir("cli_run_fixed_batch");
  TinyClassifier tiny;
  tiny.weights = RandomValues(3 * 48, 3);
  tiny.batch = 2;
  tiny.batch_polymorphic = false;
  const std::string model = WriteModel(dir, "fixed.frost", tiny);
  const std::vector<float> x = RandomValues(5 * 48, 4);
  REQUIRE(frost::io::WriteNpy(dir.File("x.npy"), {5, 3, 4, 4}, x.data()));
  Result r = Frost(dir, "run " + model + " -i " + dir.File("x.npy") + " -o " + dir.File("y.npy"));
  INFO(r.err);
  REQUIRE(r.code == 0);
  CheckOutputs(dir.File("y.npy"), tiny, x, 5);
  r = Frost(dir, "info " + model);
  CHECK(Contains(r.out, "only 2 (not batch polymorphic)"));
}

TEST_CASE("cli: run with a wrong input shape or bad npy exits 1 with a clear message") {
  ScratchDir dir("cli_run_errors");
  const std::string model = WriteModel(dir, "tiny.frost", TinyClassifier{});
  const std::vector<float> x(5 * 3 * 4 * 5);
  REQUIRE(frost::io::WriteNpy(dir.File("bad.npy"), {5, 3, 4, 5}, x.data()));
  Result r = Frost(dir, "run " + model + " -i " + dir.File("bad.npy") + " -o " + dir.File("y.npy"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "bad.npy has shape [5, 3, 4, 5]; model input 'x' takes [N, 3, 4, 4]"));
  CHECK_FALSE(std::filesystem::exists(dir.File("y.npy")));

  REQUIRE(frost::io::WriteNpy(dir.File("flat.npy"), {3, 4, 4}, x.data()));
  r = Frost(dir, "run " + model + " -i " + dir.File("flat.npy") + " -o " + dir.File("y.npy"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "[N, 3, 4, 4]"));

  frost::testing::WriteBytes(dir.File("junk.npy"), "not numpy");
  r = Frost(dir, "run " + model + " -i " + dir.File("junk.npy") + " -o " + dir.File("y.npy"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "junk.npy: not a .npy file"));

  r = Frost(dir, "run " + model + " -i a.npy -i b.npy -o " + dir.File("y.npy"));
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "1 input(s) and 1 output(s)"));

  r = Frost(dir, "run " + model + " -i " + dir.File("missing.npy") + " -o " + dir.File("y.npy"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "missing.npy"));
}

TEST_CASE("cli: run classifies images with labels and softmax probabilities") {
  ScratchDir dir("cli_run_images");
  const std::string model = WriteModel(dir, "tiny.frost", TinyClassifier{});
  const std::string red = WriteSolidPng(dir, "red.png", 255, 0, 0);
  const std::string blue = WriteSolidPng(dir, "blue.png", 0, 0, 255);
  Result r = Frost(dir, "run " + model + " " + red + " " + blue + " --top 2");
  INFO(r.err);
  REQUIRE(r.code == 0);
  // Red: logits [16, 0, 0] -> softmax 16 vs 0: p = 1 / (1 + 2 e^-16) = 0.99999977.
  CHECK(Contains(r.out, red + ": top 2 of 3, probabilities (softmax of the model's output)\n"
                              "  1.0000     0  red thing\n"));
  CHECK(Contains(r.out, blue + ": top 2 of 3"));
  CHECK(Contains(r.out, "  1.0000     2  blue thing\n"));
  // Ties (classes 1 and 2 for red) go to the lower index.
  CHECK(Contains(r.out, "  0.0000     1  green thing\n"));

  SUBCASE("a missing or broken image is reported, the others still run") {
    frost::testing::WriteBytes(dir.File("broken.jpg"), "not a jpeg");
    r = Frost(dir, "run " + model + " " + dir.File("broken.jpg") + " " + red);
    CHECK(r.code == 1);
    CHECK(Contains(r.err, "frost: " + dir.File("broken.jpg") + ": cannot decode image"));
    CHECK(Contains(r.out, red + ": top 3 of 3"));
  }
}

TEST_CASE("cli: a softmax output is shown as is; a model without labels shows indices") {
  ScratchDir dir("cli_run_softmax");
  TinyClassifier tiny;
  tiny.softmax = true;
  tiny.labels = {};
  tiny.weights = std::vector<float>(3 * 48, 0.0f);
  tiny.bias = {0.0f, std::log(3.0f), 0.0f};  // softmax: 0.2, 0.6, 0.2
  const std::string model = WriteModel(dir, "softmax.frost", tiny);
  const std::string grey = WriteSolidPng(dir, "grey.png", 128, 128, 128);
  Result r = Frost(dir, "run " + model + " " + grey + " --top 5");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out,
                 "top 3 of 3, probabilities (the model's output)\n"
                 "  0.6000     1\n"
                 "  0.2000     0\n"
                 "  0.2000     2\n"));
}

TEST_CASE("cli: a one-channel model takes colour images as grey") {
  ScratchDir dir("cli_run_grey");
  TinyClassifier tiny;
  tiny.channels = 1;
  tiny.classes = 2;
  tiny.labels = {"dark", "bright"};
  tiny.weights.assign(2 * 16, 0.0f);
  for (int k = 0; k < 16; ++k) tiny.weights[16 + k] = 1.0f;  // class 1 = brightness
  tiny.bias = {8.0f, 0.0f};                                  // class 0 wins below 0.5
  const std::string model = WriteModel(dir, "grey.frost", tiny);
  const std::string white = WriteSolidPng(dir, "white.png", 255, 255, 255);
  const std::string navy = WriteSolidPng(dir, "navy.png", 0, 0, 128);
  Result r = Frost(dir, "run " + model + " " + white + " " + navy + " --top 1");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out, white + ": top 1 of 2, probabilities (softmax of the model's output)\n"
                                "  0.9997     1  bright\n"));  // 16 vs 8: 1 / (1 + e^-8)
  CHECK(Contains(r.out, navy + ": top 1 of 2"));
  CHECK(Contains(r.out, "     0  dark\n"));  // luma 15: 16 * 15/255 = 0.94 vs 8
}
