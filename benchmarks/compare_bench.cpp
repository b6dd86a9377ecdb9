// Inference side by side (issue 4): frost, onnxruntime (onnxruntime-node, CPU execution
// provider, all graph optimisations) and PyTorch 1.13 (eager, Debian's) on the same models
// and the same input tensor, one process per runtime, model, batch and thread count:
//   latency median and min after warm-up, load time (open the model to first result ready),
//   peak RSS of that process alone, frost's GFLOP/s against the FMA peak of this machine
//   (measured here), and how far the runtimes' outputs are apart.
//
// Peak RSS is the worker's own VmHWM, read by the worker as it ends, not wait4's ru_maxrss:
// Linux starts a forked child's high-water mark at the parent's resident size and carries it
// across exec, so ru_maxrss would add this driver's ~100 MiB (after parsing VGG-16's ONNX)
// to every worker. ru_maxrss is kept in the JSON (wait4_maxrss_mib) all the same.
// Prints Markdown tables; --json FILE keeps every figure. Times are never asserted.
//
//   frost_compare_bench [--models resnet18,cifar_resnet20] [--batches 1,8] [--threads 1,0]
//                       [--runtimes frost,onnxruntime,torch] [--runs 20] [--json FILE] ...
//
// Workers (each prints one JSON line; see their headers): frost_worker (next to this
// program), benchmarks/peers/ort_worker.js, benchmarks/peers/torch_worker.py.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sched.h>

#include "fma_peak.hpp"
#include "frost/frost.hpp"
#include "frost/io/atomic_file.hpp"
#include "frost/io/npy.hpp"
#include "measured_child.hpp"
#include "onnx_batch.hpp"

namespace fs = std::filesystem;
using frost::bench::ChildResult;
using nlohmann::json;

namespace {

// The design doc's figure, measured on the 2-core AMD EPYC Zen 3 the project started on;
// printed for comparison, the % of peak uses what MeasureFmaPeak finds on this machine.
constexpr double kDesignDocPeakPerCore = 96.5;

const std::vector<std::string> kRuntimes = {"frost", "onnxruntime", "torch"};

struct Options {
  std::string models = "resnet18,resnet50,vgg16,cifar_resnet20,cifar_resnet20_dynbatch_opset17,"
                       "cifar_resnet32,cifar_resnet44,cifar_resnet56,mlperf_resnet8";
  std::vector<int> batches = {1, 8};
  std::vector<int> threads = {1, 0};
  std::string runtimes = "frost,onnxruntime,torch";
  int runs = 20;
  int min_runs = 5;
  int warmup = 2;
  double max_seconds = 20;
  int seed = 0;
  double peak_per_core = 0;  // 0: measure
  std::string json_path;
  std::string work;    // default: compare_work next to this program (under build/)
  std::string frost;   // default: ../cli/frost next to this program
  std::string worker;  // default: frost_worker next to this program
  std::string node = "node";
  std::string python = "/usr/bin/python3";
  std::string source = FROST_SOURCE_DIR;
  std::string assets = FROST_ASSETS_DIR;
};

// One network as all three runtimes see it.
struct ModelCase {
  std::string name;
  std::string onnx;                     // what onnxruntime loads and frost converts
  std::string frost;                    // the converted .frost (in the work folder)
  std::vector<std::string> torch_args;  // how torch_worker.py builds it; empty: no PyTorch
  std::string torch_note;               // why not
  std::string skip;                     // the whole model is skipped: why
  std::vector<int64_t> sample_shape;    // input without the batch axis
  bool any_batch = false;               // the ONNX input has a symbolic batch axis
  int64_t stored_batch = 1;             // its fixed batch otherwise
  bool frost_any_batch = false;         // frost's batch_polymorphic (for the JSON)
  double flops = 0;                     // per sample, frost's count (multiply-add = 2)
  double convert_s = 0;
};

struct Cell {  // one runtime on one row
  bool ran = false;
  std::string note;  // skipped or failed: why
  json reported;     // the worker's JSON line
  double median_ms = 0, min_ms = 0, load_ms = 0;
  double rss_mib = 0;        // the worker's VmHWM: its own peak resident set
  double wait4_rss_mib = 0;  // ru_maxrss: that, or this driver's size at fork if larger
  int runs = 0;
  std::string output;  // its output .npy
};

struct Row {
  std::string model;
  int batch = 1;
  int threads = 1;  // as passed to every runtime (all = the core count)
  bool all_threads = false;
  std::map<std::string, Cell> cells;
  std::map<std::string, double> diffs;  // "frost-onnxruntime" -> max |a - b|
  double max_abs_output = 0;            // the largest |value| in any runtime's output
};

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream ss(text);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int CoreCount() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

std::string CpuName() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

double LoadAverage() {
  double load = 0;
  getloadavg(&load, 1);
  return load;
}

// Runs a preparation step (export, conversion); false with `error` naming it on failure.
bool RunStep(const std::vector<std::string>& argv, const fs::path& log_stem, ChildResult* result,
             std::string* error) {
  std::string why;
  if (!frost::bench::RunMeasured(argv, log_stem.string() + ".out", log_stem.string() + ".err",
                                 result, &why)) {
    *error = why;
    return false;
  }
  if (result->exit_code != 0) {
    *error = argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + " exited with " +
             std::to_string(result->exit_code) + ": " + frost::bench::Tail(result->err, 3);
    return false;
  }
  return true;
}

// --- models: where each comes from and how each runtime gets it ---

// torchvision architectures, exported once (seeded random weights, dynamic batch) with
// their state_dict, into the work folder; later runs reuse the files.
bool PrepareTorchvision(const Options& o, const std::string& arch, const fs::path& work,
                        ModelCase* m) {
  const std::string stem = arch + "_op13_dynamic";
  m->onnx = (work / (stem + ".onnx")).string();
  const fs::path state_dict = work / (stem + ".pt");
  m->torch_args = {"--arch", arch, "--state-dict", state_dict.string()};
  // The exporter writes <stem>.json last: its presence means the export completed.
  if (fs::exists(work / (stem + ".json")) && fs::exists(state_dict)) return true;
  std::fprintf(stderr, "exporting %s with models/export_torchvision.py ...\n", arch.c_str());
  ChildResult r;
  std::string error;
  if (!RunStep({o.python, o.source + "/models/export_torchvision.py", "--arch", arch, "--opset",
                "13", "--dynamic-batch", "--state-dict", "--out", work.string()},
               work / "logs" / ("export_" + arch), &r, &error)) {
    m->skip = "export failed: " + error;
    return false;
  }
  return true;
}

// The CIFAR networks of the shared assets; PyTorch runs the akamaster originals.
void PrepareAsset(const Options& o, const std::string& name, ModelCase* m) {
  m->onnx = o.assets + "/models/" + name + ".onnx";
  if (!fs::exists(m->onnx)) {
    m->skip = m->onnx + " is absent (the shared assets are not on this machine)";
    return;
  }
  int depth = 0;
  if (std::sscanf(name.c_str(), "cifar_resnet%d", &depth) != 1) {
    m->torch_note = name + ": no PyTorch network (the original is Keras)";
    return;
  }
  const fs::path weights_dir = fs::path(o.assets) / "weights" / "akamaster";
  const std::string prefix = "resnet" + std::to_string(depth) + "-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(weights_dir, ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) {
      m->torch_args = {"--cifar-depth", std::to_string(depth), "--weights", entry.path().string()};
    }
  }
  if (m->torch_args.empty()) {
    m->torch_note = name + ": no weights " + (weights_dir / (prefix + "*.th")).string();
  }
}

// frost converts the same ONNX file (untimed in the table; the seconds go to the JSON).
bool ConvertForFrost(const Options& o, const fs::path& work, ModelCase* m) {
  m->frost = (work / (m->name + ".frost")).string();
  ChildResult r;
  std::string error;
  if (!RunStep({o.frost, "convert", m->onnx, m->frost}, work / "logs" / ("convert_" + m->name), &r,
               &error)) {
    m->skip = "frost convert failed: " + error;
    return false;
  }
  m->convert_s = r.wall_s;
  std::shared_ptr<const frost::Model> model;
  if (auto s = frost::Model::Load(m->frost, &model); !s) {
    m->skip = s.message();
    return false;
  }
  const auto& shape = model->inputs()[0].shape;
  m->sample_shape.assign(shape.begin() + 1, shape.end());
  m->frost_any_batch = model->batch_polymorphic();
  m->flops = model->Stats().flops;
  // Which batches every runtime can run is the ONNX file's word, not frost's.
  frost::bench::OnnxBatchAxis axis;
  if (auto s = frost::bench::ReadOnnxBatchAxis(m->onnx, &axis); !s) {
    m->skip = s.message();
    return false;
  }
  m->any_batch = axis.symbolic;
  m->stored_batch = axis.symbolic ? shape[0] : axis.size;
  return true;
}

// --- inputs and outputs ---

// One seeded normal tensor per sample shape; batch b is its first b samples, so batch 1
// and batch 8 start with the same sample. Every runtime reads these very files.
std::string InputFile(const Options& o, const fs::path& work, const std::vector<int64_t>& sample,
                      int batch, std::string* error) {
  std::string shape_text;
  for (int64_t d : sample) shape_text += (shape_text.empty() ? "" : "x") + std::to_string(d);
  const fs::path path = work / ("input_" + shape_text + "_seed" + std::to_string(o.seed) + "_b" +
                                std::to_string(batch) + ".npy");
  if (fs::exists(path)) return path.string();
  size_t per_sample = 1;
  for (int64_t d : sample) per_sample *= size_t(d);
  const int max_batch = *std::max_element(o.batches.begin(), o.batches.end());
  std::mt19937 rng(uint32_t(o.seed));
  std::normal_distribution<float> normal;
  std::vector<float> data(per_sample * size_t(std::max(max_batch, batch)));
  for (float& v : data) v = normal(rng);
  std::vector<int64_t> shape = {batch};
  shape.insert(shape.end(), sample.begin(), sample.end());
  if (auto s = frost::io::WriteNpy(path.string(), shape, data.data()); !s) {
    *error = s.message();
    return "";
  }
  return path.string();
}

// Max |a - b| over two output files; -1 when they cannot be compared (shape, missing),
// infinity when one has a NaN where the other has not.
double MaxAbsDiff(const std::string& a_path, const std::string& b_path) {
  frost::io::NpyArray a, b;
  if (!frost::io::ReadNpy(a_path, &a) || !frost::io::ReadNpy(b_path, &b)) return -1;
  if (a.shape != b.shape) return -1;
  double diff = 0;
  for (size_t i = 0; i < a.data.size(); ++i) {
    if (std::isnan(a.data[i]) != std::isnan(b.data[i])) return INFINITY;
    diff = std::max(diff, double(std::fabs(a.data[i] - b.data[i])));
  }
  return diff;
}

// Max |value| of an output file (the scale the differences are read against); 0 if unread.
double MaxAbs(const std::string& path) {
  frost::io::NpyArray a;
  if (!frost::io::ReadNpy(path, &a)) return 0;
  double largest = 0;
  for (float v : a.data) largest = std::max(largest, double(std::fabs(v)));
  return largest;
}

// --- running one cell ---

Cell RunWorker(const Options& o, const ModelCase& m, const std::string& runtime,
               const std::string& input, int batch, int threads, const fs::path& work) {
  Cell cell;
  const std::string tag = m.name + "_b" + std::to_string(batch) + "_t" + std::to_string(threads);
  cell.output = (work / "outputs" / (tag + "_" + runtime + ".npy")).string();
  const std::vector<std::string> common = {
      "--input", input, "--output", cell.output, "--threads", std::to_string(threads),
      "--warmup", std::to_string(o.warmup), "--runs", std::to_string(o.runs),
      "--min-runs", std::to_string(o.min_runs), "--max-seconds", std::to_string(o.max_seconds)};
  std::vector<std::string> argv;
  if (runtime == "frost") {
    argv = {o.worker, "--model", m.frost};
  } else if (runtime == "onnxruntime") {
    argv = {o.node, o.source + "/benchmarks/peers/ort_worker.js", "--model", m.onnx};
  } else {
    if (m.torch_args.empty()) {
      cell.note = m.torch_note;
      return cell;
    }
    argv = {o.python, o.source + "/benchmarks/peers/torch_worker.py"};
    argv.insert(argv.end(), m.torch_args.begin(), m.torch_args.end());
  }
  argv.insert(argv.end(), common.begin(), common.end());
  fs::remove(cell.output);  // an old output must not pass for this run's
  ChildResult r;
  std::string error;
  const fs::path log = work / "logs" / (tag + "_" + runtime);
  if (!frost::bench::RunMeasured(argv, log.string() + ".out", log.string() + ".err", &r, &error)) {
    cell.note = runtime + ": " + error;
    return cell;
  }
  std::string last_line;
  std::stringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) last_line = line;
  }
  if (r.exit_code != 0 || last_line.empty()) {
    cell.note = runtime + " failed on " + tag + " (exit " + std::to_string(r.exit_code) + "): " +
                frost::bench::Tail(r.err, 4);
    return cell;
  }
  try {
    cell.reported = json::parse(last_line);
    const std::vector<double> times = cell.reported.at("times_ms").get<std::vector<double>>();
    cell.median_ms = Median(times);
    cell.min_ms = times.empty() ? 0 : *std::min_element(times.begin(), times.end());
    cell.runs = int(times.size());
    cell.load_ms = cell.reported.at("load_ms").get<double>();
    cell.rss_mib = cell.reported.at("peak_rss_mib").get<double>();
  } catch (const json::exception& e) {
    cell.note = runtime + " printed no result line on " + tag + ": " + e.what();
    return cell;
  }
  cell.wait4_rss_mib = r.max_rss_mib;
  cell.ran = true;
  return cell;
}

// --- output ---

std::string Fixed(double v, int digits) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", digits, v);
  return text;
}

// Few significant digits whatever the scale: 0.412, 12.3, 1234.
std::string Ms(double v) { return Fixed(v, v < 1 ? 3 : v < 10 ? 2 : v < 100 ? 1 : 0); }

std::string Sci(double v) {
  if (v < 0) return "n/a";
  if (std::isinf(v)) return "NaN mismatch";
  char text[32];
  std::snprintf(text, sizeof(text), "%.1e", v);
  return text;
}

void PrintTables(const std::vector<Row>& rows, const std::vector<std::string>& runtimes,
                 double peak_per_core) {
  std::printf("| model | batch | threads | runs");
  for (const auto& rt : runtimes) {
    std::printf(" | %s median ms | %s min ms | %s load ms | %s peak RSS MiB", rt.c_str(),
                rt.c_str(), rt.c_str(), rt.c_str());
  }
  std::printf(" | frost/ort | frost GFLOP/s | %% of peak |\n|---|---|---|---");
  for (size_t i = 0; i < runtimes.size(); ++i) std::printf("|---|---|---|---");
  std::printf("|---|---|---|\n");
  for (const Row& row : rows) {
    std::string runs;
    for (const auto& rt : runtimes) {
      const Cell& c = row.cells.at(rt);
      if (!runs.empty()) runs += "/";
      runs += c.ran ? std::to_string(c.runs) : std::string("-");
    }
    std::string threads = std::to_string(row.threads);
    if (row.all_threads) threads = "all (" + threads + ")";
    std::printf("| %s | %d | %s | %s", row.model.c_str(), row.batch, threads.c_str(),
                runs.c_str());
    for (const auto& rt : runtimes) {
      const Cell& c = row.cells.at(rt);
      if (c.ran) {
        std::printf(" | %s | %s | %s | %.0f", Ms(c.median_ms).c_str(), Ms(c.min_ms).c_str(),
                    Ms(c.load_ms).c_str(), c.rss_mib);
      } else {
        std::printf(" | — | — | — | —");
      }
    }
    const auto frost_it = row.cells.find("frost");
    const auto ort_it = row.cells.find("onnxruntime");
    const bool have_frost = frost_it != row.cells.end() && frost_it->second.ran;
    const bool have_ort = ort_it != row.cells.end() && ort_it->second.ran;
    std::printf(" | %s", have_frost && have_ort
                             ? Fixed(frost_it->second.median_ms / ort_it->second.median_ms, 2).c_str()
                             : "—");
    if (have_frost) {
      const double gflops =
          frost_it->second.reported.value("flops_per_sample", 0.0) * row.batch /
          (frost_it->second.median_ms * 1e6);
      std::printf(" | %.1f | %.0f %% |\n", gflops, 100 * gflops / (peak_per_core * row.threads));
    } else {
      std::printf(" | — | — |\n");
    }
  }

  // Outputs: the largest difference over the thread counts of each model and batch.
  std::printf("\nOutputs on the same input (max |difference| over all elements and thread "
              "counts; max |output| for scale):\n\n"
              "| model | batch | max |output| | frost vs onnxruntime | frost vs torch | "
              "onnxruntime vs torch |\n|---|---|---|---|---|---|\n");
  std::map<std::pair<std::string, int>, std::map<std::string, double>> agreement;
  std::vector<std::pair<std::string, int>> order;
  for (const Row& row : rows) {
    auto key = std::make_pair(row.model, row.batch);
    if (!agreement.count(key)) order.push_back(key);
    auto& a = agreement[key];
    a["scale"] = std::max(a["scale"], row.max_abs_output);
    for (const auto& [pair, diff] : row.diffs) {
      a[pair] = (a.count(pair) && (a[pair] > diff || std::isinf(a[pair]))) ? a[pair] : diff;
    }
  }
  for (const auto& key : order) {
    auto& a = agreement[key];
    auto text = [&](const std::string& pair) { return a.count(pair) ? Sci(a[pair]) : "—"; };
    std::printf("| %s | %d | %.3g | %s | %s | %s |\n", key.first.c_str(), key.second, a["scale"],
                text("frost-onnxruntime").c_str(), text("frost-torch").c_str(),
                text("onnxruntime-torch").c_str());
  }
}

json CellJson(const Cell& c) {
  if (!c.ran) return {{"ran", false}, {"note", c.note}};
  return {{"ran", true},          {"median_ms", c.median_ms}, {"min_ms", c.min_ms},
          {"load_ms", c.load_ms}, {"peak_rss_mib", c.rss_mib},
          {"wait4_maxrss_mib", c.wait4_rss_mib}, {"runs", c.runs},
          {"worker", c.reported}};
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"frost, onnxruntime and PyTorch side by side: latency, load time, peak memory"};
  app.add_option("--models", o.models, "comma-separated model names (default: all)");
  app.add_option("--batches", o.batches, "batch sizes (a model with a static batch runs only that)")
      ->delimiter(',');
  app.add_option("--threads", o.threads, "thread counts, 0 = all cores")->delimiter(',');
  app.add_option("--runtimes", o.runtimes, "comma-separated: frost,onnxruntime,torch");
  app.add_option("--runs", o.runs, "timed runs per measurement, at most");
  app.add_option("--min-runs", o.min_runs, "timed runs at least, whatever --max-seconds says");
  app.add_option("--max-seconds", o.max_seconds,
                 "stop timing a measurement after this many seconds (then at least --min-runs)");
  app.add_option("--warmup", o.warmup, "untimed runs after the first result");
  app.add_option("--seed", o.seed, "seed of the input tensor");
  app.add_option("--peak-gflops-per-core", o.peak_per_core,
                 "FMA peak for '% of peak' (default: measured on this machine)");
  app.add_option("--json", o.json_path, "write every figure to this file");
  app.add_option("--work", o.work,
                 "exported/converted models, inputs, outputs, logs (default: compare_work next "
                 "to this program; kept between runs)");
  app.add_option("--frost", o.frost, "the frost command, for convert (default: ../cli/frost)");
  app.add_option("--worker", o.worker, "frost_worker (default: next to this program)");
  app.add_option("--node", o.node, "node, for benchmarks/peers/ort_worker.js");
  app.add_option("--python", o.python, "Python with torch 1.13 (default /usr/bin/python3)");
  app.add_option("--assets", o.assets, "shared assets folder (CIFAR models, weights)");
  CLI11_PARSE(app, argc, argv);

  const fs::path self = fs::canonical("/proc/self/exe").parent_path();
  if (o.frost.empty()) o.frost = (self.parent_path() / "cli" / "frost").string();
  if (o.worker.empty()) o.worker = (self / "frost_worker").string();
  const fs::path work = o.work.empty() ? self / "compare_work" : fs::path(o.work);
  fs::create_directories(work / "logs");
  fs::create_directories(work / "outputs");
  const int cores = CoreCount();
  std::vector<std::string> notes;

  // Which runtimes can run here at all.
  std::vector<std::string> runtimes;
  for (const std::string& rt : Split(o.runtimes)) {
    if (std::find(kRuntimes.begin(), kRuntimes.end(), rt) == kRuntimes.end()) {
      std::fprintf(stderr, "frost_compare_bench: unknown runtime '%s' (frost, onnxruntime, torch)\n",
                   rt.c_str());
      return 2;
    }
    runtimes.push_back(rt);
  }
  auto drop = [&](const std::string& rt, const std::string& why) {
    notes.push_back(rt + " left out: " + why);
    runtimes.erase(std::remove(runtimes.begin(), runtimes.end(), rt), runtimes.end());
  };
  ChildResult probe;
  std::string error;
  const fs::path probe_log = work / "logs" / "probe";
  if (std::count(runtimes.begin(), runtimes.end(), "onnxruntime")) {
    const std::string package = o.source + "/benchmarks/peers/node_modules/onnxruntime-node";
    if (!fs::exists(package)) {
      drop("onnxruntime", "not installed (cd benchmarks/peers && npm install --ignore-scripts)");
    } else if (!RunStep({o.node, "--version"}, probe_log, &probe, &error)) {
      drop("onnxruntime", "no node: " + error + " (scripts/install-deps.sh bench)");
    }
  }
  if (std::count(runtimes.begin(), runtimes.end(), "torch") &&
      !RunStep({o.python, "-c", "import torch, torchvision"}, probe_log, &probe, &error)) {
    drop("torch", o.python + " cannot import torch and torchvision: " + error);
  }
  if (!fs::exists(o.frost)) {
    std::fprintf(stderr, "frost_compare_bench: no frost command at %s (--frost)\n", o.frost.c_str());
    return 1;
  }
  if (std::count(runtimes.begin(), runtimes.end(), "frost") && !fs::exists(o.worker)) {
    std::fprintf(stderr, "frost_compare_bench: no frost_worker at %s (--worker)\n",
                 o.worker.c_str());
    return 1;
  }

  // The peak: measured before anything else runs on the cores.
  frost::bench::FmaPeak peak = frost::bench::MeasureFmaPeak();
  const double peak_per_core = o.peak_per_core > 0 ? o.peak_per_core : peak.best();
  const double load_before = LoadAverage();

  // Models: export or find, then convert for frost.
  std::vector<ModelCase> models;
  for (const std::string& name : Split(o.models)) {
    ModelCase m;
    m.name = name;
    if (name == "resnet18" || name == "resnet50" || name == "vgg16") {
      PrepareTorchvision(o, name, work, &m);
    } else if (name.rfind("cifar_resnet", 0) == 0 || name == "mlperf_resnet8") {
      PrepareAsset(o, name, &m);
    } else {
      std::fprintf(stderr, "frost_compare_bench: unknown model '%s'\n", name.c_str());
      return 2;
    }
    if (m.skip.empty()) {
      std::fprintf(stderr, "converting %s for frost ...\n", name.c_str());
      ConvertForFrost(o, work, &m);
    }
    if (!m.skip.empty()) notes.push_back(name + " skipped: " + m.skip);
    if (!m.torch_note.empty() && std::count(runtimes.begin(), runtimes.end(), "torch")) {
      notes.push_back("torch left out for " + m.torch_note);
    }
    models.push_back(m);
  }

  std::vector<Row> rows;
  for (const ModelCase& m : models) {
    if (!m.skip.empty()) continue;
    for (int batch : o.batches) {
      if (!m.any_batch && batch != m.stored_batch) {
        notes.push_back(m.name + ": batch " + std::to_string(batch) + " skipped (exported with a " +
                        "static batch of " + std::to_string(m.stored_batch) + ")");
        continue;
      }
      const std::string input = InputFile(o, work, m.sample_shape, batch, &error);
      if (input.empty()) {
        std::fprintf(stderr, "frost_compare_bench: %s\n", error.c_str());
        return 1;
      }
      for (int t : o.threads) {
        Row row;
        row.model = m.name;
        row.batch = batch;
        row.all_threads = t == 0;
        row.threads = t == 0 ? cores : t;
        for (const std::string& rt : runtimes) {
          Cell cell = RunWorker(o, m, rt, input, batch, row.threads, work);
          if (cell.ran) {
            std::fprintf(stderr, "%-32s batch %d threads %d %-12s median %9.3f ms  min %9.3f ms  "
                         "load %8.1f ms  RSS %6.0f MiB\n", m.name.c_str(), batch, row.threads,
                         rt.c_str(), cell.median_ms, cell.min_ms, cell.load_ms, cell.rss_mib);
          } else if (!cell.note.empty() && rt != "torch") {
            notes.push_back(cell.note);
            std::fprintf(stderr, "%s\n", cell.note.c_str());
          }
          row.cells[rt] = cell;
        }
        // Every pair of runtimes that produced an output on this row.
        for (size_t i = 0; i < runtimes.size(); ++i) {
          const Cell& a = row.cells[runtimes[i]];
          if (!a.ran) continue;
          row.max_abs_output = std::max(row.max_abs_output, MaxAbs(a.output));
          for (size_t j = i + 1; j < runtimes.size(); ++j) {
            const Cell& b = row.cells[runtimes[j]];
            if (b.ran) row.diffs[runtimes[i] + "-" + runtimes[j]] = MaxAbsDiff(a.output, b.output);
          }
        }
        rows.push_back(row);
      }
    }
  }
  const double load_after = LoadAverage();

  // Report.
  std::printf("\nfrost vs onnxruntime vs PyTorch, inference on %s (%d cores), load average "
              "%.2f before, %.2f after\n",
              CpuName().c_str(), cores, load_before, load_after);
  std::printf("FMA peak per core measured here: %.1f GFLOP/s AVX2, %.1f GFLOP/s AVX-512 "
              "(design doc, Zen 3: %.1f); %% of peak uses %.1f x threads\n\n",
              peak.avx2_gflops, peak.avx512_gflops, kDesignDocPeakPerCore, peak_per_core);
  PrintTables(rows, runtimes, peak_per_core);
  std::string runtime_names;
  for (const std::string& rt : runtimes) runtime_names += (runtime_names.empty() ? "" : "/") + rt;
  std::printf("\nmedian and min over the timed runs after %d warm-up run(s) (runs column: "
              "%s, at most %d, fewer once a measurement passes %.0f s); load = open the model "
              "to first result ready (frost: the .frost file, converted beforehand); peak RSS "
              "= VmHWM of that runtime's own process, interpreter and libraries included; "
              "frost/ort = frost median / onnxruntime median (below 1: frost faster).\n",
              o.warmup, runtime_names.c_str(), o.runs, o.max_seconds);
  if (load_before > 0.5) {
    std::printf("Note: the machine was not idle (load average %.2f before the runs): times are "
                "those of a shared machine; compare the ratios.\n", load_before);
  }
  for (const std::string& n : notes) std::printf("Note: %s\n", n.c_str());

  if (!o.json_path.empty()) {
    json out;
    out["machine"] = {{"cpu", CpuName()},
                      {"cores", cores},
                      {"load_average_before", load_before},
                      {"load_average_after", load_after},
                      {"fma_peak_gflops_per_core",
                       {{"avx2", peak.avx2_gflops},
                        {"avx512", peak.avx512_gflops},
                        {"design_doc_zen3", kDesignDocPeakPerCore},
                        {"used", peak_per_core}}}};
    out["settings"] = {{"runs", o.runs},       {"min_runs", o.min_runs},
                       {"warmup", o.warmup},   {"max_seconds", o.max_seconds},
                       {"seed", o.seed},       {"runtimes", runtimes},
                       {"work", work.string()}};
    json jmodels = json::array();
    for (const ModelCase& m : models) {
      jmodels.push_back({{"name", m.name},           {"onnx", m.onnx},
                         {"skip", m.skip},           {"torch_note", m.torch_note},
                         {"sample_shape", m.sample_shape}, {"any_batch", m.any_batch},
                         {"frost_batch_polymorphic", m.frost_any_batch},
                         {"flops_per_sample", m.flops}, {"frost_convert_s", m.convert_s}});
    }
    out["models"] = jmodels;
    json jrows = json::array();
    for (const Row& row : rows) {
      json cells;
      for (const auto& [rt, c] : row.cells) cells[rt] = CellJson(c);
      json jrow = {{"model", row.model},
                   {"batch", row.batch},
                   {"threads", row.threads},
                   {"all_threads", row.all_threads},
                   {"runtimes", cells},
                   {"max_abs_output", row.max_abs_output},
                   {"max_abs_diff", row.diffs}};
      const auto f = row.cells.find("frost"), r = row.cells.find("onnxruntime");
      if (f != row.cells.end() && f->second.ran) {
        const double gflops = f->second.reported.value("flops_per_sample", 0.0) * row.batch /
                              (f->second.median_ms * 1e6);
        jrow["frost_gflops"] = gflops;
        jrow["frost_percent_of_peak"] = 100 * gflops / (peak_per_core * row.threads);
        if (r != row.cells.end() && r->second.ran) {
          jrow["frost_over_onnxruntime"] = f->second.median_ms / r->second.median_ms;
        }
      }
      jrows.push_back(jrow);
    }
    out["rows"] = jrows;
    out["notes"] = notes;
    const std::string text = out.dump(1) + "\n";
    if (auto s = frost::io::WriteFileAtomically(o.json_path, text.data(), text.size()); !s) {
      std::fprintf(stderr, "frost_compare_bench: %s\n", s.message().c_str());
      return 1;
    }
  }
  return 0;
}
