// tests/conformance/skipped.md: the node test cases frost is expected to skip, each with the
// reason the classifier gave. The test reads it as the expected-skip list and rewrites it
// (FROST_CONFORMANCE_UPDATE=1) from what it observed.
#pragma once

#include <string>
#include <vector>

#include "frost/frost.hpp"

namespace frost::conformance {

struct SkipEntry {
  std::string case_name;
  std::string reason_code;        // a ReasonInfo::code
  std::string detail;             // what the classifier found
  std::string converter_message;  // why the converter refused, if it was tried (informational)
};

// Reads the rows of the "Skipped cases" table; other lines are ignored.
Status ReadSkipList(const std::string& path, std::vector<SkipEntry>* entries);
Status WriteSkipList(const std::string& path, const std::vector<SkipEntry>& entries);

}  // namespace frost::conformance
