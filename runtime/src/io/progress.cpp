#include "frost/io/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <utility>

namespace frost::io {

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long total = static_cast<long>(std::lround(seconds));
  const long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  char buffer[64];
  if (h > 0) {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld:%02ld", h, m, s);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%ld:%02ld", m, s);
  }
  return buffer;
}

bool Progress::IsTerminal(std::FILE* stream) { return stream && isatty(fileno(stream)) == 1; }

Progress::Progress(std::string label, size_t total, std::string unit, std::FILE* stream)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      stream_(stream),
      enabled_(IsTerminal(stream)),
      start_(Clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Finish(); }

std::string Progress::Line(size_t done, double elapsed, const std::string& note) const {
  char buffer[256];
  const double rate = elapsed > 0 ? done / elapsed : 0;
  std::string line = label_;
  std::snprintf(buffer, sizeof(buffer), "  %zu/%zu", done, total_);
  line += buffer;
  if (total_ > 0) {
    std::snprintf(buffer, sizeof(buffer), "  %3.0f%%", 100.0 * done / total_);
    line += buffer;
  }
  if (done > 0 && elapsed > 0) {
    std::snprintf(buffer, sizeof(buffer), "  %.1f %s/s", rate, unit_.c_str());
    line += buffer;
    if (done < total_)
      line += "  ETA " + FormatDuration((total_ - done) / rate);
    else
      line += "  " + FormatDuration(elapsed);
  }
  if (!note.empty()) line += "  " + note;
  return line;
}

void Progress::Draw(size_t done, const std::string& note) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  std::string line = Line(done, elapsed, note);
  const size_t width = line.size();
  // Blank out what a longer previous line left behind.
  if (width < last_width_) line.append(last_width_ - width, ' ');
  std::fprintf(stream_, "\r%s", line.c_str());
  std::fflush(stream_);
  last_width_ = width;
  drawn_ = true;
  pending_ = false;
}

void Progress::Update(size_t done, const std::string& note) {
  last_done_ = done;
  last_note_ = note;
  pending_ = true;
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done < total_) return;
  last_draw_ = now;
  Draw(done, note);
}

void Progress::Finish() {
  if (!enabled_ || !drawn_) return;
  if (pending_) Draw(last_done_, last_note_);
  std::fputc('\n', stream_);
  std::fflush(stream_);
  drawn_ = false;
  enabled_ = false;  // a finished line is never redrawn
}

}  // namespace frost::io
