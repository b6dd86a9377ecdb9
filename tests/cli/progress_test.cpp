#include "frost/io/progress.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <string>

TEST_CASE("progress: durations") {
  CHECK(frost::io::FormatDuration(7) == "0:07");
  CHECK(frost::io::FormatDuration(125) == "2:05");
  CHECK(frost::io::FormatDuration(3723) == "1:02:03");
  CHECK(frost::io::FormatDuration(-1) == "?");
}

TEST_CASE("progress: the line shows count, percentage, rate and ETA") {
  std::FILE* sink = std::tmpfile();
  REQUIRE(sink);
  frost::io::Progress progress("classifying", 1000, "images", sink);
  CHECK_FALSE(progress.enabled());  // a file is not a terminal
  CHECK(progress.Line(0, 0, "") == "classifying  0/1000    0%");
  CHECK(progress.Line(250, 10, "") == "classifying  250/1000   25%  25.0 images/s  ETA 0:30");
  CHECK(progress.Line(1000, 40, "loss 0.5") ==
        "classifying  1000/1000  100%  25.0 images/s  0:40  loss 0.5");
  progress.Update(10);
  progress.Finish();
  CHECK(std::ftell(sink) == 0);  // nothing drawn when not a terminal

  frost::io::Progress forced("x", 2, "steps", sink);
  forced.set_enabled(true);
  forced.Update(1);
  forced.Finish();
  std::rewind(sink);
  char buffer[256] = {};
  const size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, sink);
  const std::string drawn(buffer, n);
  CHECK(drawn.rfind("\rx  1/2", 0) == 0);
  CHECK(drawn.back() == '\n');
  CHECK(std::count(drawn.begin(), drawn.end(), '\r') ==
        1);  // Finish does not redraw the same state
  std::fclose(sink);
}
