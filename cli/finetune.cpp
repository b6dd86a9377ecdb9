// frost finetune base.frost --data SPEC -o tuned.frost [training flags]
// The backbone runs once per image (batched, all threads), its features are cached, and a
// new head is trained on them; the result is written atomically (a tuned model, or with
// --head-only a small head file tied to this backbone).
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "finetune_args.hpp"
#include "frost/io/atomic_file.hpp"
#include "frost/io/progress.hpp"

namespace frost::cli {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

// --data / --val with --classes and --per-class applied (--per-class only for training).
Status OpenData(const std::string& spec, const FinetuneArgs& args, const Model& model,
                bool training, std::shared_ptr<const data::Dataset>* out) {
  data::InputSpec input;
  if (auto s = data::InputSpecOf(model, &input); !s) return s;
  std::unique_ptr<data::Dataset> opened;
  if (auto s = data::Open(spec, input, &opened); !s) return s;
  std::shared_ptr<const data::Dataset> set(std::move(opened));
  if (!args.classes.empty()) {
    std::unique_ptr<data::Dataset> filtered;
    if (auto s = data::FilterClasses(set, args.classes, &filtered); !s) {
      return Status::Error(spec + ": " + s.message());
    }
    set = std::move(filtered);
  }
  if (training && args.per_class > 0) set = data::PerClassRange(set, 0, size_t(args.per_class));
  if (set->size() == 0) return Status::Error(spec + ": no samples");
  *out = std::move(set);
  return Status::Ok();
}

Status CacheFeatures(FineTuner& tuner, const data::Dataset& set, bool validation) {
  io::Progress progress(validation ? "features (val)" : "features", set.size(), "images");
  const auto start = Clock::now();
  Status s = tuner.AddDataset(set, validation, [&](size_t done, size_t) { progress.Update(done); });
  progress.Finish();
  if (s) {
    const double secs = Seconds(start);
    std::printf("%s features: %zu images in %.1f s (%.0f images/s)\n",
                validation ? "validation" : "training  ", set.size(), secs,
                set.size() / std::max(secs, 1e-9));
  }
  return s;
}

nlohmann::json EpochJson(const train::EpochMetrics& m) {
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  return {{"epoch", m.epoch},           {"train_loss", number(m.train_loss)},
          {"train_accuracy", number(m.train_accuracy)}, {"val_loss", number(m.val_loss)},
          {"val_accuracy", number(m.val_accuracy)},     {"lr", m.lr},
          {"seconds", m.seconds},       {"steps", m.steps},
          {"best", m.best}};
}

const char* StopReasonName(train::StopReason r) {
  switch (r) {
    case train::StopReason::kCompleted: return "completed";
    case train::StopReason::kEarlyStopped: return "early-stopped";
    case train::StopReason::kDiverged: return "diverged";
    case train::StopReason::kRunning: return "running";
  }
  return "?";
}

int RunFinetune(const FinetuneArgs& args, const CLI::App& command) {
  if (SameFile(args.model, args.output)) {
    return ReportUsage("-o " + args.output + " is the input model; frost never modifies it, "
                       "choose another output file", command);
  }
  FineTuneOptions options;
  if (auto s = ToOptions(args, &options); !s) return ReportUsage(s.message(), command);
  std::shared_ptr<const Model> model;
  if (auto s = Model::Load(args.model, &model); !s) return ReportError(s);
  std::unique_ptr<FineTuner> tuner;
  if (auto s = FineTuner::Create(model, options, &tuner); !s) return ReportError(s);

  std::shared_ptr<const data::Dataset> train_set, val_set;
  if (auto s = OpenData(args.data, args, *model, true, &train_set); !s) return ReportError(s);
  if (!args.val.empty()) {
    if (auto s = OpenData(args.val, args, *model, false, &val_set); !s) return ReportError(s);
  }
  if (auto s = CacheFeatures(*tuner, *train_set, false); !s) return ReportError(s);
  if (val_set) {
    if (auto s = CacheFeatures(*tuner, *val_set, true); !s) return ReportError(s);
  }
  if (auto s = tuner->Start(); !s) return ReportError(s);
  train::Trainer& trainer = tuner->trainer();
  const train::TrainConfig& config = options.config;
  const bool has_val = !trainer.val_set().empty();
  std::printf("training  %zu samples, validation %zu, %zu features -> %s head, %zu classes\n",
              trainer.train_set().size(), trainer.val_set().size(), trainer.train_set().dim,
              args.head.c_str(), tuner->class_names().size());
  if (!args.quiet) {
    std::printf("%5s %10s %9s %10s %9s %10s   (* = best so far)\n", "epoch", "train loss",
                "train acc", "val loss", "val acc", "lr");
  }

  std::string log_lines;
  io::Progress progress("training", size_t(config.epochs), "epochs");
  trainer.SetEpochCallback([&](const train::EpochMetrics& m) {
    log_lines += EpochJson(m).dump() + "\n";
    char note[128];
    std::snprintf(note, sizeof note, "loss %.4f  val acc %s", m.train_loss,
                  has_val ? (std::to_string(m.val_accuracy * 100).substr(0, 5) + "%").c_str()
                          : "-");
    progress.Update(size_t(m.epoch), note);
    if (!args.quiet) {
      progress.Finish();  // keep the table clean on a terminal
      char val[32] = "         -          -";
      if (has_val) std::snprintf(val, sizeof val, "%10.4f %8.2f%%", m.val_loss, m.val_accuracy * 100);
      std::printf("%5d %10.4f %8.2f%% %s %10.3g%s\n", m.epoch, m.train_loss,
                  m.train_accuracy * 100, val, m.lr, m.best ? "  *" : "");
      std::fflush(stdout);
    }
  });
  const auto start = Clock::now();
  const Status fit = trainer.Fit();
  const double train_seconds = Seconds(start);
  progress.Finish();

  // The result: written even when training diverged (then it is the best head so far).
  Metrics train_metrics, val_metrics;
  const int classes = int(tuner->class_names().size());
  if (auto s = train::Evaluate(trainer.head(), trainer.train_set(), classes, &train_metrics); !s) {
    return ReportError(s);
  }
  if (has_val) {
    if (auto s = train::Evaluate(trainer.head(), trainer.val_set(), classes, &val_metrics); !s) {
      return ReportError(s);
    }
  }
  Status saved = args.head_only ? tuner->SaveHead(args.output) : tuner->Save(args.output);
  if (!args.log.empty()) {
    nlohmann::json done = {{"event", "done"},
                           {"stop_reason", StopReasonName(trainer.stop_reason())},
                           {"epochs", trainer.epochs_completed()},
                           {"best_epoch", trainer.best_epoch()},
                           {"train_accuracy", train_metrics.accuracy},
                           {"seconds", train_seconds}};
    if (has_val) done["val_accuracy"] = val_metrics.accuracy;
    if (saved) done["output"] = args.output;
    log_lines += done.dump() + "\n";
    if (auto s = io::WriteFileAtomically(args.log, log_lines.data(), log_lines.size()); !s) {
      ReportError(s);
    }
  }
  std::printf("stopped   %s after %d epochs in %.2f s; result: epoch %d's head\n",
              StopReasonName(trainer.stop_reason()), trainer.epochs_completed(), train_seconds,
              trainer.best_epoch() > 0 && (config.early_stop > 0 || !fit)
                  ? trainer.best_epoch()
                  : trainer.epochs_completed());
  std::printf("accuracy  train %.2f %%", train_metrics.accuracy * 100);
  if (has_val) std::printf(", validation %.2f %%", val_metrics.accuracy * 100);
  std::printf("\n");
  if (!saved) return ReportError(saved);
  std::printf("wrote     %s (%s)\n", args.output.c_str(),
              args.head_only ? "head only; run it with frost run BASE --head FILE"
                             : "backbone + new head");
  if (!fit) {
    return ReportError(Status::Error(fit.message() + "; the best head so far was written to " +
                                     args.output));
  }
  return kExitOk;
}

}  // namespace

Command AddFinetuneCommand(CLI::App& app) {
  auto args = std::make_shared<FinetuneArgs>();
  CLI::App* cmd = app.add_subcommand(
      "finetune", "Train a new classifier head on a frozen backbone with your own labelled data");
  AddFinetuneFlags(cmd, args.get());
  return {cmd, [args, cmd] { return RunFinetune(*args, *cmd); }};
}

}  // namespace frost::cli
