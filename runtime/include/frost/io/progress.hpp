// A one-line progress report for long jobs, redrawn in place on stderr:
//   "classifying  120/1000  12%  35.2 images/s  ETA 0:25  loss 0.41"
// Drawn only when the stream is a terminal (isatty), so logs and pipes stay clean, and at
// most ten times a second. Used by `frost run` and the trainer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace frost::io {

class Progress {
 public:
  // `unit` names what is counted ("images", "samples", "steps").
  Progress(std::string label, size_t total, std::string unit, std::FILE* stream = stderr);
  ~Progress();  // Finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` of `total` finished; `note` is appended (e.g. the current loss).
  void Update(size_t done, const std::string& note = "");
  // Draws the final state and ends the line (only if anything was drawn).
  void Finish();

  bool enabled() const { return enabled_; }
  void set_enabled(bool enabled) { enabled_ = enabled; }  // tests, --progress overrides

  // The text of the line for `done` items after `elapsed_seconds` (no carriage return).
  std::string Line(size_t done, double elapsed_seconds, const std::string& note) const;

  static bool IsTerminal(std::FILE* stream);

 private:
  using Clock = std::chrono::steady_clock;
  void Draw(size_t done, const std::string& note);

  std::string label_;
  size_t total_;
  std::string unit_;
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  size_t last_done_ = 0;
  bool pending_ = false;  // an update not drawn yet (rate limit)
  std::string last_note_;
  size_t last_width_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

// "1:02:03", "2:05", "0:07".
std::string FormatDuration(double seconds);

}  // namespace frost::io
