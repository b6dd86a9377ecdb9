// frost finetune end to end on the tiny classifier of cli_models.hpp: an image folder of
// noisy red / green / blue squares, every output file, exit code and message.
#include <doctest/doctest.h>
#include <stb/stb_image_write.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <random>
#include <sstream>

#include "cli_models.hpp"
#include "test_util.hpp"

using frost::testing::Contains;
using frost::testing::Frost;
using frost::testing::Result;
using frost::testing::ScratchDir;
using frost::testing::TinyClassifier;

namespace {

// DIR/<colour>/<n>.png: 4x4 images whose dominant channel is the class.
std::string WriteColourFolder(const ScratchDir& dir, int per_class) {
  const std::string root = dir.File("colours");
  const char* names[] = {"blue", "green", "red"};  // sorted: labels 0, 1, 2
  const int channel[] = {2, 1, 0};
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> noise(0, 90);
  for (int c = 0; c < 3; ++c) {
    std::filesystem::create_directories(root + "/" + names[c]);
    for (int i = 0; i < per_class; ++i) {
      std::vector<uint8_t> pixels;
      for (int p = 0; p < 16; ++p) {
        for (int k = 0; k < 3; ++k) pixels.push_back(uint8_t(k == channel[c] ? 160 + noise(rng) : noise(rng)));
      }
      const std::string path = root + "/" + names[c] + "/" + std::to_string(i) + ".png";
      REQUIRE(stbi_write_png(path.c_str(), 4, 4, 3, pixels.data(), 12) != 0);
    }
  }
  return root;
}

std::string WriteTiny(const ScratchDir& dir, const std::string& name, TinyClassifier tiny) {
  tiny.labels = {"x", "y", "z"};
  tiny.weights = std::vector<float>(size_t(tiny.classes) * tiny.features(), 0.01f);  // useless head
  REQUIRE(tiny.Build().WriteFile(dir.File(name)));
  return dir.File(name);
}

}  // namespace

TEST_CASE("cli: finetune trains a head on an image folder and writes a working model") {
  ScratchDir dir("cli_finetune");
  const std::string data = WriteColourFolder(dir, 12);
  const std::string base = WriteTiny(dir, "base.frost", TinyClassifier{});
  const std::string before = frost::testing::ReadText(base);
  Result r = Frost(dir, "finetune " + base + " --data " + data + " -o " + dir.File("tuned.frost") +
                            " --epochs 15 --lr 0.05 --val-split 0.25 --log " +
                            dir.File("log.jsonl"));
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out, "training  27 samples, validation 9, 48 features -> linear head, 3 classes"));
  CHECK(Contains(r.out, "stopped   completed after 15 epochs"));
  CHECK(Contains(r.out, "validation 100.00 %"));
  CHECK(frost::testing::ReadText(base) == before);  // the input is never modified

  // Every epoch, then a summary, as JSON lines.
  std::istringstream log(frost::testing::ReadText(dir.File("log.jsonl")));
  std::string line;
  int epochs = 0;
  nlohmann::json last;
  while (std::getline(log, line)) {
    last = nlohmann::json::parse(line);
    if (last.contains("epoch")) {
      CHECK(last["epoch"] == ++epochs);
      CHECK(last.contains("val_accuracy"));
      CHECK(last["lr"] == doctest::Approx(0.05));
    }
  }
  CHECK(epochs == 15);
  CHECK(last["event"] == "done");
  CHECK(last["stop_reason"] == "completed");

  // The new labels are the folder's class names, and the head works.
  r = Frost(dir, "run " + dir.File("tuned.frost") + " " + data + "/red/0.png --top 1");
  REQUIRE(r.code == 0);
  CHECK(Contains(r.out, "     2  red\n"));
  r = Frost(dir, "eval " + dir.File("tuned.frost") + " --data " + data + " --json");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["accuracy"] == 1.0);
  for (const std::string& name : dir.Entries()) CHECK(name.find(".tmp") == std::string::npos);
}

TEST_CASE("cli: finetune --head-only writes a head that runs on its backbone only") {
  ScratchDir dir("cli_finetune_head");
  const std::string data = WriteColourFolder(dir, 6);
  const std::string base = WriteTiny(dir, "base.frost", TinyClassifier{});
  TinyClassifier other_model;
  other_model.softmax = true;
  const std::string other = WriteTiny(dir, "other.frost", other_model);
  Result r = Frost(dir, "finetune " + base + " --data " + data + " -o " + dir.File("head.frost") +
                            " --head-only --head mlp:8 --optimizer adam --lr 0.01 --epochs 30 -q");
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(!Contains(r.out, "epoch train loss"));  // --quiet
  CHECK(std::filesystem::file_size(dir.File("head.frost")) < 8192);
  r = Frost(dir, "run " + base + " --head " + dir.File("head.frost") + " " + data +
                     "/green/1.png --top 1");
  INFO(r.err);
  CHECK(r.code == 0);
  CHECK(Contains(r.out, "     1  green\n"));
  r = Frost(dir, "info " + dir.File("head.frost"));
  CHECK(Contains(r.out, "backbone"));
  r = Frost(dir, "run " + other + " --head " + dir.File("head.frost") + " " + data + "/green/1.png");
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "was trained on another backbone"));
}

TEST_CASE("cli: finetune refuses bad requests with the reason") {
  ScratchDir dir("cli_finetune_errors");
  const std::string data = WriteColourFolder(dir, 4);
  const std::string base = WriteTiny(dir, "base.frost", TinyClassifier{});
  const std::string out = " -o " + dir.File("out.frost");

  Result r = Frost(dir, "finetune " + base + " --data " + data + " -o " + base);
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "is the input model; frost never modifies it"));
  r = Frost(dir, "finetune " + base + " --data " + data + out + " --optimizer lion");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--optimizer: 'lion' is not one of sgd|adam|adamw|rmsprop"));
  r = Frost(dir, "finetune " + base + " --data " + dir.File("nowhere") + out);
  CHECK(r.code == 1);
  CHECK(Contains(r.err, dir.File("nowhere")));
  r = Frost(dir, "finetune " + base + " --data " + data + out + " --warmup-epochs 40");
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "--warmup-epochs"));
  CHECK(!std::filesystem::exists(dir.File("out.frost")));

  // A diverging run says so, exits 1 and still writes the best head so far.
  r = Frost(dir, "finetune " + base + " --data " + data + out + " --lr 1e30 --epochs 5");
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "the best head so far was written to " + dir.File("out.frost")));
  CHECK(std::filesystem::exists(dir.File("out.frost")));
  r = Frost(dir, "info " + dir.File("out.frost"));
  CHECK(r.code == 0);
}
