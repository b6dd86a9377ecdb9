// frost eval model.frost --data SPEC [--classes 0,1,..] [--json]
// Accuracy, cross-entropy, per-class precision/recall/F1 and the confusion matrix.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "run.hpp"
#include "frost/data.hpp"
#include "frost/eval.hpp"
#include "frost/io/progress.hpp"

namespace frost::cli {
namespace {

struct EvalArgs {
  std::string model;
  std::string head;
  std::string data;
  size_t skip_per_class = 0;
  size_t per_class = 0;
  std::vector<int> classes;
  int threads = 0;
  int batch = 64;
  bool json = false;
};

nlohmann::json MetricsJson(const Metrics& m, const std::vector<std::string>& names) {
  nlohmann::json j;
  j["samples"] = m.samples;
  j["accuracy"] = m.accuracy;
  j["loss"] = m.loss;
  j["macro_f1"] = m.macro_f1;
  j["classes"] = nlohmann::json::array();
  for (size_t c = 0; c < m.classes.size(); ++c) {
    j["classes"].push_back({{"name", c < names.size() ? names[c] : std::to_string(c)},
                            {"precision", m.classes[c].precision},
                            {"recall", m.classes[c].recall},
                            {"f1", m.classes[c].f1},
                            {"support", m.classes[c].support}});
  }
  j["confusion"] = m.confusion;
  return j;
}

void PrintMetrics(const Metrics& m, const std::vector<std::string>& names) {
  std::printf("samples   %zu\naccuracy  %.2f %%\nloss      %.4f\nmacro F1  %.4f\n\n", m.samples,
              m.accuracy * 100, m.loss, m.macro_f1);
  std::printf("%-16s %9s %9s %9s %8s\n", "class", "precision", "recall", "F1", "support");
  for (size_t c = 0; c < m.classes.size(); ++c) {
    std::string name = c < names.size() ? names[c] : std::to_string(c);
    std::printf("%-16s %9.4f %9.4f %9.4f %8zu\n", name.substr(0, 16).c_str(),
                m.classes[c].precision, m.classes[c].recall, m.classes[c].f1,
                m.classes[c].support);
  }
  std::printf("\nconfusion (rows: true class, columns: predicted)\n");
  for (size_t r = 0; r < m.confusion.size(); ++r) {
    std::printf("%4zu |", r);
    for (size_t v : m.confusion[r]) std::printf(" %6zu", v);
    std::printf("\n");
  }
}

int RunEval(const EvalArgs& args) {
  std::shared_ptr<const Model> model;
  if (auto s = LoadModel(args.model, args.head, &model); !s) return ReportError(s);
  data::InputSpec spec;
  if (auto s = data::InputSpecOf(*model, &spec); !s) return ReportError(s);
  std::unique_ptr<data::Dataset> opened;
  if (auto s = data::Open(args.data, spec, &opened); !s) return ReportError(s);
  std::shared_ptr<const data::Dataset> dataset(std::move(opened));
  if (!args.classes.empty()) {
    std::unique_ptr<data::Dataset> filtered;
    if (auto s = data::FilterClasses(dataset, args.classes, &filtered); !s) return ReportError(s);
    dataset = std::move(filtered);
  }
  if (args.skip_per_class > 0 || args.per_class > 0) {
    dataset = data::PerClassRange(dataset, args.skip_per_class,
                                  args.per_class > 0 ? args.per_class : SIZE_MAX);
    if (dataset->size() == 0) return ReportError(Status::Error(args.data + ": no samples left"));
  }
  std::unique_ptr<Session> session;
  if (auto s = Session::Create(model, {.threads = args.threads}, &session); !s) {
    return ReportError(s);
  }
  DatasetOutputs outputs;
  io::Progress progress("eval", dataset->size(), "images");
  Status s = RunDataset(*session, *model, *dataset, args.batch, &outputs, "",
                        [&](size_t done, size_t) { progress.Update(done); });
  progress.Finish();
  if (!s) return ReportError(s);
  std::vector<int> labels(dataset->size());
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = dataset->label(i);
  Metrics metrics;
  if (auto st = ComputeMetrics(outputs, labels, &metrics); !st) return ReportError(st);
  // The model's own labels name its outputs; the data set's only when the model has none.
  std::vector<std::string> names = model->labels().empty() ? dataset->class_names() : model->labels();
  if (args.json) {
    std::printf("%s\n", MetricsJson(metrics, names).dump(1).c_str());
  } else {
    PrintMetrics(metrics, names);
  }
  return kExitOk;
}

}  // namespace

Command AddEvalCommand(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Evaluate a classifier on a labelled data set: accuracy, per-class "
              "precision/recall/F1, confusion matrix.");
  cmd->add_option("model", args->model, "the .frost model")->required();
  cmd->add_option("--data", args->data,
                  "DIR (DIR/<class>/<image>), idx:IMAGES.gz,LABELS.gz or npy:IMAGES.npy,LABELS.npy")
      ->required();
  cmd->add_option("--classes", args->classes,
                  "keep only these data set classes, relabelled 0..k-1 in this order")
      ->delimiter(',');
  cmd->add_option("--skip-per-class", args->skip_per_class,
                  "leave out the first N samples of each class (data set order)");
  cmd->add_option("--per-class", args->per_class,
                  "use at most N samples of each class (after --skip-per-class)");
  cmd->add_option("--head", args->head,
                  "a head-only file (frost finetune --head-only) to put on this backbone");
  cmd->add_option("--threads", args->threads, "threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--batch", args->batch, "images per run")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_flag("--json", args->json, "print the metrics as one JSON object");
  return {cmd, [args] { return RunEval(*args); }};
}

}  // namespace frost::cli
