// Numbers as the text output of the subcommands prints them.
#pragma once

#include <cstdint>
#include <string>

namespace frost::cli {

// 11689512 -> "11,689,512"
std::string Grouped(uint64_t n);
// 3.64e9, "FLOP" -> "3.64 GFLOP"; 288, "FLOP" -> "288 FLOP"; 11.7e6, "" -> "11.7 M".
std::string Scaled(double value, const std::string& unit);
// 512 -> "512 B", 2048 -> "2.0 KiB", 3 << 20 -> "3.0 MiB".
std::string Bytes(uint64_t bytes);

}  // namespace frost::cli
