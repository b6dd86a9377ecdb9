// ONNX backend node tests (Debian's libonnx-testdata) through frost: for every case whose
// graph uses an op the converter accepts, the non-first inputs become constants, then the
// model is converted, run on the fast path and on the reference kernels, and compared with
// the expected outputs. Skips must match tests/conformance/skipped.md.
//
// Environment: FROST_ONNX_NODE_TESTS (the data/node directory), FROST_CONFORMANCE_FILTER
// (run only cases whose name contains it), FROST_CONFORMANCE_VERBOSE=1 (one line per case),
// FROST_CONFORMANCE_UPDATE=1 (rewrite skipped.md from this run).
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "classify.hpp"
#include "compare.hpp"
#include "node_case.hpp"
#include "runner.hpp"
#include "skip_list.hpp"
#include "summary.hpp"

namespace fc = frost::conformance;
namespace fs = std::filesystem;

namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

std::string SkipListPath() { return FROST_SOURCE_DIR "/tests/conformance/skipped.md"; }

std::string Join(const std::vector<std::string>& lines, const char* separator) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : separator) + line;
  return text;
}

// Holds the observed outcomes against skipped.md; every disagreement is a test failure.
void CheckAgainstSkipList(const std::vector<fc::CaseResult>& results,
                          const std::vector<fc::SkipEntry>& expected, bool whole_run) {
  std::map<std::string, const fc::SkipEntry*> listed;
  for (const auto& entry : expected) listed[entry.case_name] = &entry;
  std::map<std::string, const fc::CaseResult*> seen;
  for (const auto& r : results) {
    seen[r.name] = &r;
    auto it = listed.find(r.name);
    const fc::SkipEntry* entry = it == listed.end() ? nullptr : it->second;
    // Messages are built as std::string: doctest prints a bare const char* as a pointer.
    std::string message;
    switch (r.outcome) {
      case fc::Outcome::kFailed:
        message = r.name;
        if (entry) message += " (listed as skipped: " + entry->reason_code + ")";
        FAIL_CHECK(message << ":\n  " << Join(r.failures, "\n  "));
        break;
      case fc::Outcome::kSkipped:
        message = r.name + " was skipped (" + r.skip_code + ": " + r.skip_detail + ")";
        if (!entry) {
          message += " but is not listed in skipped.md";
          if (!r.converter_message.empty()) message += "; converter: " + r.converter_message;
          FAIL_CHECK(message);
        } else if (entry->reason_code != r.skip_code) {
          FAIL_CHECK(message << " but skipped.md says " << entry->reason_code);
        }
        break;
      case fc::Outcome::kPassed:
        if (entry) {
          FAIL_CHECK(r.name << " is listed in skipped.md (" << entry->reason_code
                            << ") but converted and matched: regenerate the list");
        }
        break;
    }
  }
  if (!whole_run) return;
  for (const auto& entry : expected) {
    if (!seen.count(entry.case_name)) {
      FAIL_CHECK(entry.case_name << " is listed in skipped.md but is not a selected node test");
    }
  }
}

}  // namespace

TEST_CASE("conformance comparison: 1e-4 of the largest magnitude, non-finite values exact") {
  const std::vector<float> expected = {100.0f, -2.0f, 0.0f};
  CHECK(fc::Compare(std::vector<float>{100.009f, -2.0f, 0.0f}.data(), expected).ok);
  CHECK(fc::Compare(std::vector<float>{100.0f, -2.0f, 0.009f}.data(), expected).ok);
  fc::Comparison off = fc::Compare(std::vector<float>{100.0f, -2.0f, 0.0111f}.data(), expected);
  CHECK_FALSE(off.ok);
  CHECK(off.worst_index == 2);
  CHECK(off.mismatches == 1);
  CHECK_FALSE(fc::Compare(std::vector<float>{100.0f, NAN, 0.0f}.data(), expected).ok);
  const std::vector<float> special = {NAN, INFINITY, 1.0f};
  CHECK(fc::Compare(std::vector<float>{NAN, INFINITY, 1.0f}.data(), special).ok);
  CHECK_FALSE(fc::Compare(std::vector<float>{0.0f, INFINITY, 1.0f}.data(), special).ok);
  CHECK_FALSE(fc::Compare(std::vector<float>{NAN, -INFINITY, 1.0f}.data(), special).ok);
  // All-zero outputs fall back on the absolute floor.
  const std::vector<float> zeros = {0.0f, 0.0f};
  CHECK(fc::Compare(std::vector<float>{0.0f, 5e-7f}.data(), zeros).ok);
  CHECK_FALSE(fc::Compare(std::vector<float>{0.0f, 5e-6f}.data(), zeros).ok);
}

TEST_CASE("conformance skip list: written rows read back, unknown reasons are errors") {
  const fs::path path =
      fs::temp_directory_path() / ("frost_skip_list_" + std::to_string(getpid()) + ".md");
  const std::vector<fc::SkipEntry> entries = {
      {"test_a", "non_float_input", "input 'x' is INT32", ""},
      {"test_b", "op_outside_list", "ReduceMax",
       "node 'n' (ReduceMax, opset 13): unsupported | x"}};
  REQUIRE(fc::WriteSkipList(path.string(), entries));
  std::vector<fc::SkipEntry> read;
  REQUIRE(fc::ReadSkipList(path.string(), &read));
  REQUIRE(read.size() == 2);
  CHECK(read[1].case_name == "test_b");
  CHECK(read[1].reason_code == "op_outside_list");
  CHECK(read[1].detail == "ReduceMax");
  {
    std::FILE* f = std::fopen(path.string().c_str(), "a");
    REQUIRE(f);
    std::fputs("| test_c | no_such_reason | | |\n", f);
    std::fclose(f);
  }
  frost::Status bad = fc::ReadSkipList(path.string(), &read);
  CHECK_FALSE(bad.ok());
  CHECK(bad.message().find("no_such_reason") != std::string::npos);
  fs::remove(path);
}

TEST_CASE("ONNX backend node tests convert, run and match (libonnx-testdata)") {
  const auto start = std::chrono::steady_clock::now();
  const std::string root = EnvOr("FROST_ONNX_NODE_TESTS", "/usr/share/libonnx-testdata/data/node");
  const std::string filter = EnvOr("FROST_CONFORMANCE_FILTER", "");
  const bool verbose = EnvOr("FROST_CONFORMANCE_VERBOSE", "0") != "0";
  const bool update = EnvOr("FROST_CONFORMANCE_UPDATE", "0") != "0";
  REQUIRE_MESSAGE(fs::is_directory(root), "ONNX node tests not found at "
                                              << root
                                              << ": install Debian's libonnx-testdata or set "
                                                 "FROST_ONNX_NODE_TESTS");
  const fs::path work_dir =
      fs::temp_directory_path() / ("frost_conformance_" + std::to_string(getpid()));

  std::vector<fc::CaseResult> results;
  size_t cases_on_disk = 0;
  for (const std::string& dir : fc::ListCaseDirs(root)) {
    ++cases_on_disk;
    const std::string name = fs::path(dir).filename().string();
    if (!filter.empty() && name.find(filter) == std::string::npos) continue;
    onnx::ModelProto model;
    if (auto s = fc::LoadModel(dir, &model); !s) {
      FAIL_CHECK(s.message());
      continue;
    }
    if (!fc::UsesListedOp(model)) continue;
    results.push_back(fc::RunCase(dir, model, work_dir.string()));
    if (verbose) fc::PrintCaseLine(results.back());
  }
  std::error_code ec;
  fs::remove_all(work_dir, ec);
  REQUIRE_MESSAGE(!results.empty(), "no node test under " << root << " uses a listed op"
                                                          << " and matches the filter '" << filter
                                                          << "'");

  std::vector<fc::SkipEntry> expected;
  if (auto s = fc::ReadSkipList(SkipListPath(), &expected); !s && !update) {
    FAIL_CHECK(s.message());
  }
  const bool whole_run = filter.empty();
  if (update) {
    REQUIRE_MESSAGE(whole_run, "FROST_CONFORMANCE_UPDATE needs a run without a filter");
    REQUIRE(fc::WriteSkipList(SkipListPath(), fc::ObservedSkips(results)));
    std::printf("wrote %s\n", SkipListPath().c_str());
    REQUIRE(fc::ReadSkipList(SkipListPath(), &expected));
  }
  CheckAgainstSkipList(results, expected, whole_run);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fc::PrintSummary(results, root, cases_on_disk, seconds);
}
