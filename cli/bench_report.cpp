// The Markdown report of `frost bench`, rendered from its --json object.
#include <cstdio>
#include <string>

#include "bench.hpp"
#include "format.hpp"

namespace frost::cli {
namespace {

std::string Printf(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, value);
  return buffer;
}

std::string Ms(const Json& seconds) { return Printf("%.3f", seconds.get<double>() * 1e3) + " ms"; }

// A number that may be null (nothing to divide by): "-" then.
std::string OrDash(const Json& value, const char* format) {
  return value.is_null() ? "-" : Printf(format, value.get<double>());
}

std::string MegaFlops(const Json& flops) {
  return flops.get<double>() > 0 ? Printf("%.3f", flops.get<double>() / 1e6) : "-";
}

std::string ShapeText(const Json& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + shape[i].dump();
  return s + "]";
}

// Op names come from the ONNX file: keep them from breaking the table.
std::string Cell(const std::string& text) {
  if (text.empty()) return "-";
  std::string cell;
  for (char c : text) {
    if (c == '|') cell += '\\';
    cell += c;
  }
  return cell;
}

void Row(const std::string& measure, const std::string& value) {
  std::printf("| %s | %s |\n", measure.c_str(), value.c_str());
}

std::string PeakText(const Json& r) {
  const Json& m = r["machine"];
  if (m["peak_gflops"].is_null()) return "unknown (no AVX2/AVX-512 FMA or clock in /proc/cpuinfo)";
  const int cores = m["cores_used"].get<int>();
  std::string text = Printf("%.0f GFLOP/s", m["peak_gflops"].get<double>()) + " = " +
                     std::to_string(cores) + (cores == 1 ? " core" : " cores") + " x " +
                     std::to_string(m["fma_units_per_core"].get<int>()) + " FMA units x " +
                     std::to_string(m["float_lanes"].get<int>()) + " lanes (" +
                     m["isa"].get<std::string>() + ") x 2 FLOP x " +
                     Printf("%.2f GHz", m["clock_ghz"].get<double>());
  if (!r["share_of_peak"].is_null()) {
    text += Printf("; this run: %.0f %%", r["share_of_peak"].get<double>() * 100);
  }
  return text;
}

void PrintProfile(const Json& r) {
  const Json& p = r["profile"];
  std::printf("\n## Time per op (median of %d runs)\n\n", r["timed_runs"].get<int>());
  std::printf(
      "%s in ops of a %s run (the rest: copying inputs in and outputs out, bookkeeping).\n\n",
      Ms(p["ops_seconds"]).c_str(), Ms(p["run_seconds"]).c_str());
  std::printf("| # | op | type | backend | ms | share | MFLOP | GFLOP/s |\n");
  std::printf("| ---: | --- | --- | --- | ---: | ---: | ---: | ---: |\n");
  for (const Json& op : p["ops"]) {
    std::printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", op["index"].dump().c_str(),
                Cell(op["name"].get<std::string>()).c_str(), op["type"].get<std::string>().c_str(),
                op["backend"].get<std::string>().c_str(),
                Printf("%.3f", op["seconds"].get<double>() * 1e3).c_str(),
                Printf("%.1f %%", op["share"].get<double>() * 100).c_str(),
                MegaFlops(op["flops"]).c_str(), OrDash(op["gflops_per_second"], "%.1f").c_str());
  }
  std::printf("\n## Time per op type\n\n");
  std::printf("| type | ops | backend | ms | share | MFLOP | GFLOP/s |\n");
  std::printf("| --- | ---: | --- | ---: | ---: | ---: | ---: |\n");
  for (const Json& t : p["by_type"]) {
    std::string backends;
    for (const Json& b : t["backends"])
      backends += (backends.empty() ? "" : ", ") + b.get<std::string>();
    std::printf("| %s | %s | %s | %s | %s | %s | %s |\n", t["type"].get<std::string>().c_str(),
                t["ops"].dump().c_str(), backends.c_str(),
                Printf("%.3f", t["seconds"].get<double>() * 1e3).c_str(),
                Printf("%.1f %%", t["share"].get<double>() * 100).c_str(),
                MegaFlops(t["flops"]).c_str(), OrDash(t["gflops_per_second"], "%.1f").c_str());
  }
}

}  // namespace

void PrintBenchReport(const Json& r) {
  std::string inputs;
  for (const Json& shape : r["input_shapes"])
    inputs += (inputs.empty() ? "" : ", ") + ShapeText(shape);
  const int threads = r["threads"].get<int>();
  std::printf("# frost bench %s\n\n", r["model"].get<std::string>().c_str());
  std::printf(
      "batch %s, %s, random input %s, %d warm-up + %d timed runs\n\n", r["batch"].dump().c_str(),
      threads == 0 ? "all cores"
                   : (std::to_string(threads) + (threads == 1 ? " thread" : " threads")).c_str(),
      inputs.c_str(), r["warmup_runs"].get<int>(), r["timed_runs"].get<int>());
  const Json& load = r["load_seconds"];
  std::printf("| measure | value |\n| --- | --- |\n");
  Row("load time (open to first result)", Ms(load["total"]) + " (load " + Ms(load["model_load"]) +
                                              ", session " + Ms(load["session_create"]) +
                                              ", first run " + Ms(load["first_run"]) + ")");
  Row("latency, median", Ms(r["latency_seconds"]["median"]));
  Row("latency, min", Ms(r["latency_seconds"]["min"]));
  Row("throughput", OrDash(r["throughput_samples_per_second"], "%.1f") + " samples/s");
  Row("compute", Scaled(r["flops_per_sample"].get<double>(), "FLOP") + " per sample, " +
                     OrDash(r["gflops_per_second"], "%.1f") + " GFLOP/s");
  Row("machine peak (estimate)", PeakText(r));
  const Json& m = r["memory"];
  Row("peak resident memory", Bytes(m["peak_resident_bytes"].get<uint64_t>()));
  Row("activation arena", Bytes(m["arena_bytes"].get<uint64_t>()));
  Row("kernel scratch", Bytes(m["scratch_bytes"].get<uint64_t>()));
  Row("weights", Bytes(m["weight_bytes"].get<uint64_t>()));
  if (r.contains("profile")) PrintProfile(r);
}

}  // namespace frost::cli
