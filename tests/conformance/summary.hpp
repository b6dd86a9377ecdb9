// What the conformance run prints, and the skip list it observed.
#pragma once

#include <string>
#include <vector>

#include "runner.hpp"
#include "skip_list.hpp"

namespace frost::conformance {

// One line: outcome, name, and the reason or first failure.
void PrintCaseLine(const CaseResult& result);

// The skipped cases as skipped.md rows, sorted by case name.
std::vector<SkipEntry> ObservedSkips(const std::vector<CaseResult>& results);

// Totals (ran / passed / failed / skipped by reason), a per-op table, failures and notes.
void PrintSummary(const std::vector<CaseResult>& results, const std::string& root,
                  size_t cases_on_disk, double seconds);

}  // namespace frost::conformance
