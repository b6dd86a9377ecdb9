#include "summary.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace frost::conformance {

namespace {

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPassed:
      return "PASS";
    case Outcome::kFailed:
      return "FAIL";
    case Outcome::kSkipped:
      return "SKIP";
  }
  return "?";
}

struct Counts {
  int cases = 0, passed = 0, failed = 0, skipped = 0;
  void Add(Outcome outcome) {
    ++cases;
    if (outcome == Outcome::kPassed) ++passed;
    if (outcome == Outcome::kFailed) ++failed;
    if (outcome == Outcome::kSkipped) ++skipped;
  }
};

}  // namespace

void PrintCaseLine(const CaseResult& r) {
  std::string why;
  if (r.outcome == Outcome::kSkipped) why = r.skip_code + ": " + r.skip_detail;
  if (r.outcome == Outcome::kFailed && !r.failures.empty()) why = r.failures[0];
  std::printf("%s %-58s %6.3f s  %s\n", OutcomeName(r.outcome), r.name.c_str(), r.seconds,
              why.c_str());
}

std::vector<SkipEntry> ObservedSkips(const std::vector<CaseResult>& results) {
  std::vector<SkipEntry> entries;
  for (const auto& r : results) {
    if (r.outcome != Outcome::kSkipped) continue;
    entries.push_back({r.name, r.skip_code, r.skip_detail, r.converter_message});
  }
  std::sort(entries.begin(), entries.end(),
            [](const SkipEntry& a, const SkipEntry& b) { return a.case_name < b.case_name; });
  return entries;
}

void PrintSummary(const std::vector<CaseResult>& results, const std::string& root,
                  size_t cases_on_disk, double seconds) {
  Counts total;
  std::map<std::string, int> by_reason;
  std::map<std::string, Counts> by_op;
  for (const auto& r : results) {
    total.Add(r.outcome);
    if (r.outcome == Outcome::kSkipped) ++by_reason[r.skip_code];
    for (const auto& op : r.ops) {
      if (ListedOps().count(op)) by_op[op].Add(r.outcome);
    }
  }
  std::printf("\nONNX node conformance: %s\n", root.c_str());
  std::printf("  %zu cases on disk, %d use a listed op, %.2f s\n", cases_on_disk, total.cases,
              seconds);
  std::printf("  ran      %4d  (passed %d, failed %d)\n", total.passed + total.failed, total.passed,
              total.failed);
  std::printf("  skipped  %4d\n", total.skipped);
  for (const auto& info : AllReasons()) {
    if (int n = by_reason[info.code])
      std::printf("    %-18s %4d  %s\n", info.code, n, info.meaning);
  }
  std::printf("\n  %-20s %5s %6s %6s %7s\n", "op", "cases", "passed", "failed", "skipped");
  for (const auto& op : ListedOps()) {
    const Counts& c = by_op[op];
    std::printf("  %-20s %5d %6d %6d %7d%s\n", op.c_str(), c.cases, c.passed, c.failed, c.skipped,
                c.cases > 0 && c.passed == 0 ? "   <- no passing case" : "");
  }
  bool header = false;
  for (const auto& r : results) {
    if (r.outcome != Outcome::kFailed) continue;
    if (!header) std::printf("\n  failed:\n");
    header = true;
    std::printf("    %s\n", r.name.c_str());
    for (const auto& failure : r.failures) std::printf("      %s\n", failure.c_str());
  }
  header = false;
  for (const auto& r : results) {
    for (const auto& note : r.notes) {
      if (!header) std::printf("\n  notes:\n");
      header = true;
      std::printf("    %s: %s\n", r.name.c_str(), note.c_str());
    }
  }
  std::printf("\n");
  std::fflush(stdout);
}

}  // namespace frost::conformance
