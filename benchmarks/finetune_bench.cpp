// The fine-tuning benchmark of issue 3: a new linear head on the frozen CIFAR ResNet-20,
// trained on 5,000 CIFAR-10 test images (the first 500 of each class) for 30 epochs, by
//   frost        `frost finetune` (decode, backbone once into a feature cache, head)
//   torch precomputed   PyTorch, decode + backbone once, 30 epochs over the feature tensor
//   torch ordinary      PyTorch, DataLoader over the JPEGs, frozen backbone in the loop
// each job its own process, run R times in turn; wall time and peak RSS of each process,
// then the tuned models' top-1 on their training images and on the other 5,000 (images
// 500..999 of each class), untimed. Prints a Markdown table and the goals (10x the
// ordinary loop, 2x the precomputed one, a quarter of its peak memory); never asserts them.
//
//   frost_finetune_bench [--runs 3] [--jobs frost,torch-precomputed,torch-ordinary]
//                        [--threads 0] [--epochs 30] [--per-class 500] [--json FILE] ...
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "measured_child.hpp"

namespace fs = std::filesystem;
using frost::bench::ChildResult;
using nlohmann::json;

namespace {

struct Options {
  std::string frost;  // the frost command
  std::string python = "/usr/bin/python3";
  std::string script = FROST_SOURCE_DIR "/benchmarks/peers/torch_finetune.py";
  std::string assets = FROST_ASSETS_DIR;
  std::string data;  // default: assets/cifar10-test
  std::string jobs = "frost,torch-precomputed,torch-ordinary";
  std::string json_path;
  std::string work;  // default: a fresh temporary folder, removed at the end
  int runs = 3;
  int threads = 0;
  int epochs = 30;
  int per_class = 500;
};

struct Job {
  std::string name;
  std::vector<std::string> train;  // the timed command
  std::string tuned;               // the file it writes
  std::vector<ChildResult> runs;
  std::string failure;   // why it failed or was skipped
  bool skipped = false;  // not run at all (frost without `finetune`), not a failure
  json reported;         // the job's own JSON line, if it printed one
  json accuracy;         // {"train": .., "heldout": ..} (untimed evaluation)
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<double> Walls(const Job& j) {
  std::vector<double> w;
  for (const ChildResult& r : j.runs) w.push_back(r.wall_s);
  return w;
}

std::vector<double> CpuTimes(const Job& j) {
  std::vector<double> c;
  for (const ChildResult& r : j.runs) c.push_back(r.cpu_s);
  return c;
}

double PeakRss(const Job& j) {
  double m = 0;
  for (const ChildResult& r : j.runs) m = std::max(m, r.max_rss_mib);
  return m;
}

std::string Join(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

// The last line of `text` that parses as a JSON object (null when none does).
json LastJsonLine(const std::string& text) {
  std::istringstream in(text);
  json found;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] != '{') continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_object()) found = j;
  }
  return found;
}

// Runs an untimed helper command; false (with a message naming the command) on failure.
bool RunHelper(const std::vector<std::string>& argv, const fs::path& work, const std::string& tag,
               ChildResult* r) {
  std::string error;
  fs::path out = work / (tag + ".out"), err = work / (tag + ".err");
  if (!frost::bench::RunMeasured(argv, out, err, r, &error)) {
    std::fprintf(stderr, "frost_finetune_bench: %s: %s\n", Join(argv).c_str(), error.c_str());
    return false;
  }
  if (r->exit_code != 0) {
    std::fprintf(stderr, "frost_finetune_bench: %s exited with %d:\n%s\n", Join(argv).c_str(),
                 r->exit_code, frost::bench::Tail(r->err + r->out, 15).c_str());
    return false;
  }
  return true;
}

// Image folders of symbolic links: files [first, first + count) of every class of `data`
// (sorted names, as `frost finetune --per-class` and ImageFolder take them), so `frost
// eval` sees exactly the training images and the held-out ones. Reading every file once
// here also puts the images in the page cache before anything is timed.
bool LinkSlice(const fs::path& data, const fs::path& to, int first, int count, std::string* error) {
  std::vector<fs::path> classes;
  for (const auto& e : fs::directory_iterator(data)) {
    if (e.is_directory()) classes.push_back(e.path());
  }
  std::sort(classes.begin(), classes.end());
  if (classes.empty()) {
    *error = data.string() + " has no class folders";
    return false;
  }
  for (const fs::path& c : classes) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(c)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.size() < size_t(first + count)) {
      *error = c.string() + " has " + std::to_string(files.size()) +
               " images, the benchmark needs " + std::to_string(first + count);
      return false;
    }
    fs::create_directories(to / c.filename());
    for (int i = first; i < first + count; ++i) {
      fs::create_symlink(fs::absolute(files[size_t(i)]),
                         to / c.filename() / files[size_t(i)].filename());
      std::ifstream warm(files[size_t(i)], std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(warm)), std::istreambuf_iterator<char>());
    }
  }
  return true;
}

// `frost eval MODEL --data DIR --json` -> accuracy (or a negative value on failure).
double FrostAccuracy(const Options& o, const std::string& model, const fs::path& dir,
                     const fs::path& work, const std::string& tag) {
  ChildResult r;
  if (!RunHelper({o.frost, "eval", model, "--data", dir.string(), "--json", "--threads",
                  std::to_string(o.threads)},
                 work, tag, &r)) {
    return -1;
  }
  json j = json::parse(r.out, nullptr, false);
  return j.is_object() && j.contains("accuracy") ? j["accuracy"].get<double>() : -1;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Percent(const json& accuracy, const char* key) {
  return accuracy.contains(key) ? Fixed(accuracy[key].get<double>() * 100, 2) + " %" : "-";
}

// Removes the temporary work folder however the benchmark ends.
struct RemoveOnExit {
  fs::path path;
  ~RemoveOnExit() {
    std::error_code ignored;
    if (!path.empty()) fs::remove_all(path, ignored);
  }
};

int Run(int argc, char** argv) {
  Options o;
  fs::path self = fs::canonical("/proc/self/exe").parent_path();
  o.frost = (self.parent_path() / "cli" / "frost").string();  // build/benchmarks -> build/cli
  CLI::App app{"Fine-tuning benchmark: frost finetune vs PyTorch (see benchmarks/README.md)",
               "frost_finetune_bench"};
  app.add_option("--frost", o.frost, "the frost command")->capture_default_str();
  app.add_option("--python", o.python, "Python with torch and torchvision")->capture_default_str();
  app.add_option("--script", o.script, "the PyTorch peer")->capture_default_str();
  app.add_option("--assets", o.assets, "shared assets (models/, cifar10-test/)")
      ->capture_default_str();
  app.add_option("--data", o.data,
                 "image folder DIR/<class>/<image> (default: ASSETS/cifar10-test)");
  app.add_option("--jobs", o.jobs, "comma-separated jobs to run")->capture_default_str();
  app.add_option("--runs", o.runs, "runs of each job (median wall time)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", o.threads, "threads for every job (0 = all cores)")
      ->capture_default_str();
  app.add_option("--epochs", o.epochs, "epochs")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--per-class", o.per_class,
                 "training images per class (the next as many are held out)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--json", o.json_path, "also write the results as JSON to this file");
  app.add_option("--work", o.work,
                 "keep the temporary files (tuned models, logs) in this new folder");
  CLI11_PARSE(app, argc, argv);
  if (o.data.empty()) o.data = (fs::path(o.assets) / "cifar10-test").string();
  fs::path onnx = fs::path(o.assets) / "models" / "cifar_resnet20.onnx";
  if (!fs::exists(onnx) || !fs::is_directory(o.data)) {
    std::fprintf(stderr, "frost_finetune_bench: needs %s and %s (the shared assets; --assets)\n",
                 onnx.c_str(), o.data.c_str());
    return 1;
  }

  const std::vector<std::string> kJobNames = {"frost", "torch-precomputed", "torch-ordinary"};
  std::vector<std::string> job_names;
  {
    std::stringstream list(o.jobs);
    for (std::string name; std::getline(list, name, ',');) {
      if (std::find(kJobNames.begin(), kJobNames.end(), name) == kJobNames.end()) {
        std::fprintf(stderr,
                     "frost_finetune_bench: unknown job '%s' in --jobs (jobs: frost, "
                     "torch-precomputed, torch-ordinary)\n",
                     name.c_str());
        return 2;
      }
      job_names.push_back(name);
    }
  }

  // Work folder: the converted model, the slice folders, tuned models and each child's output.
  RemoveOnExit cleanup;
  fs::path work = o.work;
  if (o.work.empty()) {
    std::string templ = (fs::temp_directory_path() / "frost_finetune_bench.XXXXXX").string();
    if (!mkdtemp(templ.data())) {
      std::perror("frost_finetune_bench: mkdtemp");
      return 1;
    }
    work = cleanup.path = templ;
  } else if (std::error_code ec; !fs::create_directory(work, ec)) {
    std::fprintf(stderr, "frost_finetune_bench: --work %s must be a new folder\n", work.c_str());
    return 1;
  }
  std::string error;
  if (!LinkSlice(o.data, work / "train", 0, o.per_class, &error) ||
      !LinkSlice(o.data, work / "heldout", o.per_class, o.per_class, &error)) {
    std::fprintf(stderr, "frost_finetune_bench: %s\n", error.c_str());
    return 1;
  }

  // The jobs. Same hyperparameters everywhere: SGD lr 0.01 momentum 0.9, weight decay 1e-4
  // (weights only), cosine over the epochs, batch 32, seed 0.
  const std::string e = std::to_string(o.epochs), n = std::to_string(o.per_class),
                    t = std::to_string(o.threads);
  std::map<std::string, Job> all;
  fs::path base = work / "cifar_resnet20.frost";
  auto make = [&](std::string name, std::vector<std::string> train, fs::path tuned) {
    Job j;
    j.name = std::move(name);
    j.train = std::move(train);
    j.tuned = tuned.string();
    return j;
  };
  all["frost"] = make("frost",
                      {o.frost,
                       "finetune",
                       base.string(),
                       "--data",
                       o.data,
                       "--per-class",
                       n,
                       "-o",
                       (work / "tuned.frost").string(),
                       "--epochs",
                       e,
                       "--batch",
                       "32",
                       "--optimizer",
                       "sgd",
                       "--lr",
                       "0.01",
                       "--momentum",
                       "0.9",
                       "--weight-decay",
                       "1e-4",
                       "--schedule",
                       "cosine",
                       "--seed",
                       "0",
                       "--threads",
                       t,
                       "--quiet"},
                      work / "tuned.frost");
  for (std::string mode : {"precomputed", "ordinary"}) {
    fs::path tuned = work / ("torch_" + mode + ".pt");
    all["torch-" + mode] = make("torch " + mode,
                                {o.python,
                                 o.script,
                                 "train",
                                 "--mode",
                                 mode,
                                 "--out",
                                 tuned.string(),
                                 "--data",
                                 o.data,
                                 "--per-class",
                                 n,
                                 "--epochs",
                                 e,
                                 "--batch",
                                 "32",
                                 "--lr",
                                 "0.01",
                                 "--momentum",
                                 "0.9",
                                 "--weight-decay",
                                 "1e-4",
                                 "--seed",
                                 "0",
                                 "--threads",
                                 t},
                                tuned);
  }
  std::vector<Job*> jobs;
  for (const std::string& name : job_names) jobs.push_back(&all[name]);

  // frost: convert once (untimed); skip the job when this build has no `frost finetune`.
  ChildResult r;
  if (std::find(jobs.begin(), jobs.end(), &all["frost"]) != jobs.end()) {
    Job& f = all["frost"];
    if (!RunHelper({o.frost, "--help"}, work, "frost_help", &r)) {
      f.failure = "cannot run " + o.frost + " (--frost)";
    } else if (r.out.find("finetune") == std::string::npos) {
      f.failure = o.frost + " has no finetune command (build a newer frost)";
      f.skipped = true;
    } else if (!RunHelper({o.frost, "convert", onnx.string(), base.string()}, work, "convert",
                          &r)) {
      f.failure = "frost convert failed";
    }
    if (!f.failure.empty()) std::fprintf(stderr, "skipping frost: %s\n", f.failure.c_str());
  }

  double load_start = 0;
  getloadavg(&load_start, 1);
  // Runs interleaved (run 1 of every job, then run 2, ...), so that a slow spell of a shared
  // machine spreads over all jobs instead of landing on one.
  for (int run = 0; run < o.runs; ++run) {
    for (Job* j : jobs) {
      if (!j->failure.empty()) continue;
      std::string tag = "run" + std::to_string(run) + "_" + j->name;
      std::replace(tag.begin(), tag.end(), ' ', '_');
      if (!frost::bench::RunMeasured(j->train, (work / (tag + ".out")).string(),
                                     (work / (tag + ".err")).string(), &r, &error)) {
        j->failure = error;
      } else if (r.exit_code != 0) {
        j->failure = "exit status " + std::to_string(r.exit_code) + ": " +
                     frost::bench::Tail(r.err + r.out, 15);
      }
      if (!j->failure.empty()) {
        std::fprintf(stderr, "%s failed: %s\n  command: %s\n", j->name.c_str(), j->failure.c_str(),
                     Join(j->train).c_str());
        continue;
      }
      j->runs.push_back(r);
      j->reported = LastJsonLine(r.out);
      std::fprintf(stderr, "run %d/%d  %-18s %8.2f s wall  %8.2f s CPU  %7.1f MiB\n", run + 1,
                   o.runs, j->name.c_str(), r.wall_s, r.cpu_s, r.max_rss_mib);
    }
  }

  // Untimed: top-1 of each tuned model on its training images and on the held-out ones.
  for (Job* j : jobs) {
    if (j->runs.empty()) continue;
    if (j == &all["frost"]) {
      double tr = FrostAccuracy(o, j->tuned, work / "train", work, "eval_frost_train");
      double ho = FrostAccuracy(o, j->tuned, work / "heldout", work, "eval_frost_heldout");
      if (tr >= 0) j->accuracy["train"] = tr;
      if (ho >= 0) j->accuracy["heldout"] = ho;
    } else if (RunHelper({o.python, o.script, "eval", "--model", j->tuned, "--data", o.data,
                          "--per-class", n, "--threads", t},
                         work, "eval_" + j->name.substr(6), &r)) {
      json a = LastJsonLine(r.out);
      if (a.contains("train_accuracy")) j->accuracy["train"] = a["train_accuracy"];
      if (a.contains("heldout_accuracy")) j->accuracy["heldout"] = a["heldout_accuracy"];
    }
  }

  // The table. Ratios are job / frost: how many times frost's time and memory.
  const Job& f = all["frost"];
  bool have_frost = !f.runs.empty();
  double frost_wall = have_frost ? Median(Walls(f)) : 0, frost_rss = PeakRss(f);
  unsigned cores = std::thread::hardware_concurrency();
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf(
      "Fine-tuning ResNet-20 (CIFAR-10): %d x 10 images, %d epochs, batch 32, SGD cosine; "
      "%d run(s) each, threads %s of %u cores, load average %.2f before, %.2f after\n",
      o.per_class, o.epochs, o.runs, o.threads ? t.c_str() : "all", cores, load_start, load[0]);
  // Other work on the cores distorts multi-threaded times badly (threads wait on each other).
  if (load_start > 0.5) {
    std::printf(
        "Note: the machine was not idle (load average %.2f before the runs); the times "
        "are not those of an idle machine.\n",
        load_start);
  }
  std::printf("\n");
  std::printf(
      "| job | median wall s | min wall s | median CPU s | peak RSS MiB | train top-1 "
      "| held-out top-1 | wall / frost | RSS / frost |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  json out_jobs = json::array();
  for (const Job* j : jobs) {
    json jj = {{"job", j->name}, {"command", Join(j->train)}};
    if (!j->failure.empty()) jj[j->skipped ? "skipped" : "failure"] = j->failure;
    if (j->runs.empty()) {
      std::printf("| %s | - | - | - | - | - | - | - | - |\n", j->name.c_str());
      out_jobs.push_back(jj);
      continue;
    }
    std::vector<double> w = Walls(*j);
    double med = Median(w), mn = *std::min_element(w.begin(), w.end()), rss = PeakRss(*j);
    double cpu = Median(CpuTimes(*j));
    std::printf("| %s | %.2f | %.2f | %.2f | %.0f | %s | %s | %s | %s |\n", j->name.c_str(), med,
                mn, cpu, rss, Percent(j->accuracy, "train").c_str(),
                Percent(j->accuracy, "heldout").c_str(),
                have_frost ? (Fixed(med / frost_wall, 2) + "x").c_str() : "-",
                have_frost ? (Fixed(rss / frost_rss, 2) + "x").c_str() : "-");
    jj["runs"] = json::array();
    for (const ChildResult& c : j->runs) {
      jj["runs"].push_back(
          {{"wall_s", c.wall_s}, {"cpu_s", c.cpu_s}, {"max_rss_mib", c.max_rss_mib}});
    }
    jj["median_wall_s"] = med;
    jj["min_wall_s"] = mn;
    jj["median_cpu_s"] = cpu;
    jj["peak_rss_mib"] = rss;
    jj["accuracy"] = j->accuracy;
    if (!j->reported.is_null()) jj["reported"] = j->reported;
    out_jobs.push_back(jj);
  }

  // The goals of issue 3 (printed, never asserted).
  json goals = json::array();
  struct Goal {
    const char* text;
    const char* job;
    bool memory;
    double target;
  };
  const Goal kGoals[] = {
      {"10x faster than the ordinary PyTorch loop", "torch-ordinary", false, 10},
      {"2x faster than PyTorch with precomputed features", "torch-precomputed", false, 2},
      {"a quarter of the peak memory of PyTorch with precomputed features", "torch-precomputed",
       true, 4}};
  std::printf("\nGoals (frost vs PyTorch, median wall time and peak RSS; not asserted):\n");
  for (const Goal& g : kGoals) {
    const Job& p = all[g.job];
    json gj = {{"goal", g.text}, {"target_ratio", g.target}};
    if (!have_frost || p.runs.empty()) {
      std::printf("- %s: not measured\n", g.text);
    } else {
      double ratio = g.memory ? PeakRss(p) / frost_rss : Median(Walls(p)) / frost_wall;
      std::printf("- %s: %.2fx (goal %.0fx) %s\n", g.text, ratio, g.target,
                  ratio >= g.target ? "met" : "NOT met");
      gj["ratio"] = ratio;
      gj["met"] = ratio >= g.target;
    }
    goals.push_back(gj);
  }

  if (!o.json_path.empty()) {
    json doc = {{"benchmark", "finetune"},
                {"images_per_class", o.per_class},
                {"epochs", o.epochs},
                {"runs", o.runs},
                {"threads", o.threads},
                {"cores", cores},
                {"load_average_before", load_start},
                {"load_average_after", load[0]},
                {"jobs", out_jobs},
                {"goals", goals}};
    std::string tmp = o.json_path + ".tmp";  // written whole, then renamed into place
    {
      std::ofstream out(tmp);
      out << doc.dump(1) << "\n";
      if (!out) {
        std::fprintf(stderr, "frost_finetune_bench: cannot write %s\n", tmp.c_str());
        return 1;
      }
    }
    fs::rename(tmp, o.json_path);
  }
  bool failed = false;
  for (const Job* j : jobs) failed |= !j->failure.empty() && !j->skipped;
  return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {  // std::filesystem errors name the path
    std::fprintf(stderr, "frost_finetune_bench: %s\n", e.what());
    return 1;
  }
}
