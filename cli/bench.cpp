// frost bench model.frost [--threads N] [--batch B] [--runs R] [--warmup W] [--json] [--profile]
// Load time, latency, throughput, GFLOP/s against the machine's estimated peak, memory and,
// with --profile, where the time goes op by op. Inputs are random: speed does not depend on
// the values.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "bench.hpp"
#include "commands.hpp"
#include "frost/io/progress.hpp"
#include "machine_peak.hpp"

namespace frost::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchArgs {
  std::string model;
  int threads = 1;
  int64_t batch = 0;  // 0: 1, or the stored batch of a model that runs only that one
  int runs = 20;
  int warmup = 3;
  bool json = false;
  bool profile = false;
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// x / seconds, or null when there is nothing to divide (an op without FLOPs, or too quick to
// measure).
Json Rate(double x, double seconds) {
  return x > 0 && seconds > 0 ? Json(x / seconds) : Json(nullptr);
}

// Per op (medians over the timed runs) and per op type, sorted by time, slowest first.
Json ProfileJson(const std::vector<OpTiming>& ops, const std::vector<std::vector<double>>& seconds,
                 double run_seconds) {
  std::vector<double> median(ops.size());
  double total = 0;
  for (size_t i = 0; i < ops.size(); ++i) total += median[i] = Median(seconds[i]);
  auto share = [&](double s) { return total > 0 ? s / total : 0.0; };

  std::vector<size_t> order(ops.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return median[a] > median[b]; });
  Json rows = Json::array();
  struct TypeTotal {
    size_t ops = 0;
    std::vector<std::string> backends;
    double seconds = 0, flops = 0;
  };
  std::map<std::string, TypeTotal> types;
  for (size_t i : order) {
    const OpTiming& op = ops[i];
    rows.push_back({{"index", i},
                    {"name", op.name},
                    {"type", op.type},
                    {"backend", op.backend},
                    {"seconds", median[i]},
                    {"share", share(median[i])},
                    {"flops", op.flops},
                    {"gflops_per_second", Rate(op.flops / 1e9, median[i])}});
    TypeTotal& t = types[op.type];
    ++t.ops;
    if (std::find(t.backends.begin(), t.backends.end(), op.backend) == t.backends.end()) {
      t.backends.push_back(op.backend);
    }
    t.seconds += median[i];
    t.flops += op.flops;
  }
  std::vector<std::pair<std::string, TypeTotal>> by_time(types.begin(), types.end());
  std::stable_sort(by_time.begin(), by_time.end(), [](const auto& a, const auto& b) {
    return a.second.seconds > b.second.seconds;
  });
  Json by_type = Json::array();
  for (const auto& [type, t] : by_time) {
    by_type.push_back({{"type", type},
                       {"ops", t.ops},
                       {"backends", t.backends},
                       {"seconds", t.seconds},
                       {"share", share(t.seconds)},
                       {"flops", t.flops},
                       {"gflops_per_second", Rate(t.flops / 1e9, t.seconds)}});
  }
  return {
      {"ops_seconds", total}, {"run_seconds", run_seconds}, {"ops", rows}, {"by_type", by_type}};
}

Json MachineJson(int cores_used) {
  const MachinePeak peak = EstimateThisMachinePeak();
  Json machine = {{"cores_used", cores_used},
                  {"isa", peak.isa.empty() ? Json(nullptr) : Json(peak.isa)},
                  {"fma_units_per_core", peak.fma_units},
                  {"float_lanes", peak.lanes},
                  {"clock_ghz", peak.clock_ghz},
                  {"peak_gflops_per_core", nullptr},
                  {"peak_gflops", nullptr},
                  {"peak_is_estimate", true}};
  if (peak.per_core_gflops > 0) {
    machine["peak_gflops_per_core"] = peak.per_core_gflops;
    machine["peak_gflops"] = peak.per_core_gflops * cores_used;
  }
  return machine;
}

int RunBench(const BenchArgs& args, const CLI::App& command) {
  // Load time: open the file to the first result ready. Input generation is left out.
  const Clock::time_point load_start = Clock::now();
  std::shared_ptr<const Model> model;
  if (Status s = Model::Load(args.model, &model); !s) return ReportError(s);
  const double load_seconds = SecondsSince(load_start);

  const std::vector<TensorInfo>& model_inputs = model->inputs();
  const int64_t stored_batch =
      model_inputs.empty() || model_inputs[0].shape.empty() ? 1 : model_inputs[0].shape[0];
  const int64_t batch =
      args.batch > 0 ? args.batch : (model->batch_polymorphic() ? 1 : stored_batch);
  if (!model->batch_polymorphic() && batch != stored_batch) {
    return ReportUsage(args.model + " is not batch polymorphic: it runs only batch " +
                           std::to_string(stored_batch) + ", not --batch " + std::to_string(batch) +
                           " (leave --batch out, or give --batch " + std::to_string(stored_batch) +
                           ")",
                       command);
  }

  const Clock::time_point create_start = Clock::now();
  SessionOptions options;
  options.threads = args.threads;
  options.profile = args.profile;
  std::unique_ptr<Session> session;
  if (Status s = Session::Create(model, options, &session); !s) return ReportError(s);
  const double create_seconds = SecondsSince(create_start);

  // Deterministic random inputs, one buffer per model input, at `batch`.
  std::vector<std::vector<float>> inputs;
  Json input_shapes = Json::array();
  std::mt19937 rng(20240601);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (const TensorInfo& info : model->inputs()) {
    std::vector<int64_t> shape = info.shape;
    if (!shape.empty()) shape[0] = batch;
    size_t elements = 1;
    for (int64_t d : shape) elements *= size_t(std::max<int64_t>(d, 0));
    std::vector<float>& values = inputs.emplace_back(elements);
    for (float& v : values) v = uniform(rng);
    input_shapes.push_back(shape);
  }
  std::vector<std::vector<float>> outputs(model->outputs().size());
  for (size_t k = 0; k < outputs.size(); ++k) outputs[k].resize(session->OutputElements(k, batch));
  std::vector<const float*> in_ptrs;
  std::vector<float*> out_ptrs;
  for (const auto& v : inputs) in_ptrs.push_back(v.data());
  for (auto& v : outputs) out_ptrs.push_back(v.data());

  auto run_once = [&](double* seconds) {
    const Clock::time_point start = Clock::now();
    Status s = session->Run(in_ptrs, batch, out_ptrs);
    *seconds = SecondsSince(start);
    return s;
  };
  double first_run_seconds = 0;
  if (Status s = run_once(&first_run_seconds); !s) return ReportError(s);

  // Shown only on a terminal, like every long job of frost: a big model at a big batch can
  // take minutes for the default number of runs.
  io::Progress progress("bench", size_t(args.warmup + args.runs), "runs");
  std::vector<double> latencies;
  std::vector<std::vector<double>> op_seconds(session->Profile().size());
  for (int r = 0; r < args.warmup + args.runs; ++r) {
    double seconds = 0;
    if (Status s = run_once(&seconds); !s) return ReportError(s);
    progress.Update(size_t(r + 1));
    if (r < args.warmup) continue;
    latencies.push_back(seconds);
    if (args.profile) {
      const std::vector<OpTiming> ops = session->Profile();
      for (size_t i = 0; i < ops.size(); ++i) op_seconds[i].push_back(ops[i].seconds);
    }
  }
  progress.Finish();

  const std::vector<OpTiming> ops = session->Profile();
  double flops_per_run = 0;
  for (const OpTiming& op : ops) flops_per_run += op.flops;
  const double median = Median(latencies);
  const int hardware = std::max(1, int(std::thread::hardware_concurrency()));
  const int cores_used = args.threads == 0 ? hardware : std::min(args.threads, hardware);
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);

  Json result;
  result["model"] = args.model;
  result["batch"] = batch;
  result["threads"] = args.threads;
  result["warmup_runs"] = args.warmup;
  result["timed_runs"] = args.runs;
  result["input_shapes"] = input_shapes;
  result["load_seconds"] = {{"total", load_seconds + create_seconds + first_run_seconds},
                            {"model_load", load_seconds},
                            {"session_create", create_seconds},
                            {"first_run", first_run_seconds}};
  result["latency_seconds"] = {{"median", median},
                               {"min", *std::min_element(latencies.begin(), latencies.end())}};
  result["throughput_samples_per_second"] = Rate(double(batch), median);
  result["flops_per_sample"] = flops_per_run / double(batch);
  result["gflops_per_second"] = Rate(flops_per_run / 1e9, median);
  result["machine"] = MachineJson(cores_used);
  const Json& peak = result["machine"]["peak_gflops"];
  result["share_of_peak"] = peak.is_null() || median <= 0
                                ? Json(nullptr)
                                : Json(flops_per_run / 1e9 / median / peak.get<double>());
  result["memory"] = {{"peak_resident_bytes", uint64_t(usage.ru_maxrss) * 1024},  // KiB on Linux
                      {"arena_bytes", session->ArenaBytes()},
                      {"scratch_bytes", session->ScratchBytes()},
                      {"weight_bytes", model->Stats().weight_bytes}};
  if (args.profile) result["profile"] = ProfileJson(ops, op_seconds, median);

  if (args.json) {
    std::printf("%s\n", result.dump(2).c_str());
  } else {
    PrintBenchReport(result);
  }
  return kExitOk;
}

}  // namespace

Command AddBenchCommand(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* command =
      app.add_subcommand("bench",
                         "Measure a .frost model: load time, latency, throughput, GFLOP/s, memory; "
                         "--profile: time per op");
  command->footer(
      "Runs the model on random inputs of its input shape: one first run (part of the load\n"
      "time), --warmup runs, then --runs timed runs; latency is their median and minimum.\n"
      "The machine peak is an estimate from /proc/cpuinfo (2 FMA units x vector lanes x 2\n"
      "FLOP x the listed clock, per core used).\n"
      "Exit status: 0 success, 1 error (message on stderr), 2 bad command line.");
  command->add_option("model", args->model, ".frost file")->required();
  command->add_option("--threads", args->threads, "threads (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  command
      ->add_option("--batch", args->batch,
                   "samples per run (default: 1, or the only batch a model that is not batch "
                   "polymorphic runs)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  command->add_option("--runs", args->runs, "timed runs")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  command->add_option("--warmup", args->warmup, "untimed runs before them")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 24));
  command->add_flag("--json", args->json, "print the results as one JSON object");
  command->add_flag("--profile", args->profile,
                    "time every op: per-op and per-op-type tables (median over the runs)");
  return {command, [args, command] { return RunBench(*args, *command); }};
}

}  // namespace frost::cli
