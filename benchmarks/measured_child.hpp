// Runs a command as a child process and measures it: wall time, and the peak resident set
// size the kernel reports for that child alone (wait4's ru_maxrss: the largest RSS of the
// child or of any descendant it waited for). Caveat: Linux starts a forked child's
// ru_maxrss at the parent's resident size and keeps it across exec, so the figure is at
// least the driver's own RSS; the drivers stay a few MiB, which bounds the error. Workers
// that can report their own VmHWM (frost_compare_bench's) are exact.
#pragma once

#include <string>
#include <vector>

namespace frost::bench {

struct ChildResult {
  int exit_code = -1;      // the exit status, or 128 + signal when killed by one
  double wall_s = 0;       // fork to reaped
  double cpu_s = 0;        // user + system CPU time of the child (and its waited-for children)
  double max_rss_mib = 0;  // ru_maxrss
  std::string out;         // the child's stdout
  std::string err;         // the child's stderr
};

// Runs argv[0] (searched on PATH when it has no '/') with stdout and stderr captured into
// `out_file` / `err_file` (then read back into the result). False with `error` set when the
// child could not be started; a child that ran and failed is a true return with its
// exit_code.
bool RunMeasured(const std::vector<std::string>& argv, const std::string& out_file,
                 const std::string& err_file, ChildResult* result, std::string* error);

// The last `lines` lines of `text` (for error messages).
std::string Tail(const std::string& text, int lines);

}  // namespace frost::bench
