// frost bench on the tiny classifier of cli_models.hpp: the table, the JSON fields, the
// --profile rows and the refusals. Times are never checked, only that they are consistent.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>

#include "cli_models.hpp"
#include "test_util.hpp"

using frost::testing::Contains;
using frost::testing::Frost;
using frost::testing::Result;
using frost::testing::ScratchDir;
using frost::testing::TinyClassifier;
using frost::testing::WriteModel;

namespace {


nlohmann::json BenchJson(const ScratchDir& dir, const std::string& args) {
  const Result r = Frost(dir, "bench " + args + " --json");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return nlohmann::json::parse(r.out);  // throws (fails the test) if invalid
}

}  // namespace

TEST_CASE("cli: bench prints a Markdown table of the measures") {
  ScratchDir dir("cli_bench_table");
  const std::string model = WriteModel(dir, "tiny.frost", TinyClassifier{});
  const Result r = Frost(dir, "bench " + model + " --runs 3 --warmup 1");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(Contains(r.out, "# frost bench " + model));
  CHECK(Contains(r.out, "batch 1, 1 thread, random input [1, 3, 4, 4], 1 warm-up + 3 timed runs"));
  CHECK(Contains(r.out, "| measure | value |"));
  for (const char* row :
       {"| load time (open to first result) | ", "| latency, median | ", "| latency, min | ",
        "| throughput | ", "| compute | 288 FLOP per sample", "| machine peak (estimate) | ",
        "| peak resident memory | ", "| activation arena | ", "| weights | "}) {
    CHECK_MESSAGE(Contains(r.out, row), row);
  }
  CHECK_FALSE(Contains(r.out, "Time per op"));  // only with --profile
  CHECK(r.err.empty());                         // no progress line off a terminal
}

TEST_CASE("cli: bench --json has every measure, consistent with frost info") {
  ScratchDir dir("cli_bench_json");
  const std::string model = WriteModel(dir, "tiny.frost", TinyClassifier{});
  const nlohmann::json j = BenchJson(dir, model + " --runs 4 --warmup 2 --threads 2");
  CHECK(j["model"] == model);
  CHECK(j["batch"] == 1);
  CHECK(j["threads"] == 2);
  CHECK(j["warmup_runs"] == 2);
  CHECK(j["timed_runs"] == 4);
  CHECK(j["input_shapes"] == nlohmann::json::parse("[[1, 3, 4, 4]]"));
  const nlohmann::json& load = j["load_seconds"];
  for (const char* part : {"model_load", "session_create", "first_run"}) {
    CHECK(load[part].get<double>() >= 0);
  }
  CHECK(load["total"].get<double>() ==
        doctest::Approx(load["model_load"].get<double>() + load["session_create"].get<double>() +
                        load["first_run"].get<double>()));
  CHECK(j["latency_seconds"]["min"].get<double>() <= j["latency_seconds"]["median"].get<double>());
  // Flatten: 0; fully connected 3 x 48: 2 FLOP per multiply-add.
  CHECK(j["flops_per_sample"] == 288.0);
  CHECK(j.contains("throughput_samples_per_second"));
  CHECK(j.contains("gflops_per_second"));
  CHECK(j.contains("share_of_peak"));
  const nlohmann::json& machine = j["machine"];
  CHECK(machine["cores_used"].get<int>() >= 1);
  CHECK(machine["cores_used"].get<int>() <= 2);
  CHECK(machine["peak_is_estimate"] == true);
  for (const char* key : {"isa", "fma_units_per_core", "float_lanes", "clock_ghz",
                          "peak_gflops_per_core", "peak_gflops"}) {
    CHECK_MESSAGE(machine.contains(key), key);
  }
  CHECK_FALSE(j.contains("profile"));

  const Result info = Frost(dir, "info " + model + " --json");
  REQUIRE(info.code == 0);
  const nlohmann::json facts = nlohmann::json::parse(info.out);
  CHECK(j["memory"]["weight_bytes"] == facts["memory"]["weight_bytes"]);
  CHECK(j["memory"]["arena_bytes"] == facts["memory"]["arena_bytes"]);  // batch 1 both
  CHECK(j["memory"]["peak_resident_bytes"].get<uint64_t>() > 0);
  CHECK(j["memory"]["scratch_bytes"] == 0);  // a fully connected layer needs none
}

TEST_CASE("cli: bench --batch runs that many samples per run") {
  ScratchDir dir("cli_bench_batch");
  const std::string model = WriteModel(dir, "tiny.frost", TinyClassifier{});
  const nlohmann::json j = BenchJson(dir, model + " --runs 2 --batch 5");
  CHECK(j["batch"] == 5);
  CHECK(j["input_shapes"] == nlohmann::json::parse("[[5, 3, 4, 4]]"));
  CHECK(j["flops_per_sample"] == 288.0);  // per sample, whatever the batch
}

TEST_CASE("cli: bench --profile has one row per op, shares summing to 100 %") {
  ScratchDir dir("cli_bench_profile");
  TinyClassifier tiny;
  tiny.softmax = true;
  const std::string model = WriteModel(dir, "tiny.frost", tiny);
  const nlohmann::json j = BenchJson(dir, model + " --runs 5 --profile");
  REQUIRE(j.contains("profile"));
  const nlohmann::json& p = j["profile"];
  REQUIRE(p["ops"].size() == 3);
  std::set<size_t> indices;
  double share = 0, seconds = 0, flops = 0;
  double previous = 1e300;
  for (const nlohmann::json& op : p["ops"]) {
    indices.insert(op["index"].get<size_t>());
    CHECK(op["seconds"].get<double>() >= 0);
    CHECK(op["seconds"].get<double>() <= previous);  // slowest first
    previous = op["seconds"].get<double>();
    share += op["share"].get<double>();
    seconds += op["seconds"].get<double>();
    flops += op["flops"].get<double>();
    const std::string name = op["name"], type = op["type"];
    CHECK(((name == "flatten" && type == "Reshape") || (name == "fc" && type == "FullyConnected") ||
           (name == "softmax" && type == "Softmax")));
    CHECK(op.contains("backend"));
    CHECK(op.contains("gflops_per_second"));
  }
  CHECK(indices == std::set<size_t>{0, 1, 2});
  CHECK(share == doctest::Approx(1.0));
  CHECK(seconds == doctest::Approx(p["ops_seconds"].get<double>()));
  CHECK(flops == doctest::Approx(j["flops_per_sample"].get<double>()));
  CHECK(p["run_seconds"] == j["latency_seconds"]["median"]);
  size_t by_type_ops = 0;
  double by_type_share = 0;
  for (const nlohmann::json& t : p["by_type"]) {
    by_type_ops += t["ops"].get<size_t>();
    by_type_share += t["share"].get<double>();
  }
  CHECK(p["by_type"].size() == 3);
  CHECK(by_type_ops == 3);
  CHECK(by_type_share == doctest::Approx(1.0));

  // The table: the two sections, a row per op and per type.
  const Result r = Frost(dir, "bench " + model + " --runs 2 --profile");
  REQUIRE_MESSAGE(r.code == 0, r.err);
  CHECK(Contains(r.out, "## Time per op (median of 2 runs)"));
  CHECK(Contains(r.out, "## Time per op type"));
  CHECK(Contains(r.out, "| fc | FullyConnected | "));
  CHECK(Contains(r.out, "| flatten | Reshape | "));
  CHECK(Contains(r.out, "| softmax | Softmax | "));
  CHECK(Contains(r.out, "| FullyConnected | 1 | "));
  std::istringstream lines(r.out.substr(r.out.find("## Time per op")));
  std::string line;
  size_t rows = 0;
  while (std::getline(lines, line)) rows += line.rfind("| ", 0) == 0 && Contains(line, " %");
  CHECK(rows == 6);  // 3 ops + 3 types carry a share
}

TEST_CASE("cli: bench refuses a batch the model cannot run, and missing files") {
  ScratchDir dir("cli_bench_errors");
  TinyClassifier fixed;
  fixed.batch = 2;
  fixed.batch_polymorphic = false;
  const std::string model = WriteModel(dir, "fixed.frost", fixed);
  Result r = Frost(dir, "bench " + model + " --batch 3");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "frost: " + model + " is not batch polymorphic: it runs only batch 2"));
  CHECK(Contains(r.err, "frost bench --help"));
  CHECK(r.out.empty());
  // Without --batch it runs the batch it has.
  const nlohmann::json j = BenchJson(dir, model + " --runs 2");
  CHECK(j["batch"] == 2);
  CHECK(j["flops_per_sample"] == 288.0);

  r = Frost(dir, "bench " + dir.File("missing.frost"));
  CHECK(r.code == 1);
  CHECK(Contains(r.err, "frost: cannot open " + dir.File("missing.frost")));
  r = Frost(dir, "bench " + model + " --runs 0");
  CHECK(r.code == 2);
  CHECK(Contains(r.err, "--runs"));
  r = Frost(dir, "bench");
  CHECK(r.code == 2);
}
