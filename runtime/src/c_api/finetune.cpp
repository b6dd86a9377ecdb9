// The C API's fine-tuning: frost_train_config -> FineTuneOptions, FineTuner, AttachHead.
#include <cmath>

#include "c_api/c_api_internal.hpp"

using namespace frost::c_api;
using frost::Status;
namespace train = frost::train;

namespace {

// The C config's strings and numbers as FineTuneOptions; errors name the field.
Status ToOptions(const frost_train_config& c, frost::FineTuneOptions* out) {
  if (c.struct_size != sizeof(frost_train_config)) {
    return Status::Error("the frost_train_config was not initialised with "
                         "frost_train_config_default (struct_size is " +
                         std::to_string(c.struct_size) + ", expected " +
                         std::to_string(sizeof(frost_train_config)) + ")");
  }
  train::TrainConfig& t = out->config;
  t.epochs = c.epochs;
  t.batch = c.batch;
  if (c.optimizer) {
    if (auto s = train::ParseOptimizer(c.optimizer, &t.optimizer); !s) return s;
  }
  t.lr = c.lr;
  if (c.momentum < 0) {
    t.momentum.reset();
  } else {
    t.momentum = c.momentum;  // NaN lands here and is refused by ValidateConfig
  }
  t.nesterov = c.nesterov != 0;
  t.beta1 = c.beta1;
  t.beta2 = c.beta2;
  t.eps = c.eps;
  t.rmsprop_alpha = c.rmsprop_alpha;
  t.weight_decay = c.weight_decay;
  t.l1 = c.l1;
  if (c.schedule) {
    if (auto s = train::ParseSchedule(c.schedule, &t.schedule); !s) return s;
  }
  t.warmup_epochs = c.warmup_epochs;
  t.step_size = c.step_size;
  t.step_gamma = c.step_gamma;
  t.exp_gamma = c.exp_gamma;
  if (c.loss) {
    if (auto s = train::ParseLoss(c.loss, &t.loss); !s) return s;
  }
  t.focal_gamma = c.focal_gamma;
  t.label_smoothing = c.label_smoothing;
  if (c.num_class_weight_values > 0) {
    if (c.class_weights && std::string(c.class_weights) != "none") {
      return Status::Error("give class_weights or class_weight_values, not both");
    }
    if (c.class_weight_values == nullptr) {
      return Status::Error("class_weight_values is NULL but num_class_weight_values is " +
                           std::to_string(c.num_class_weight_values));
    }
    t.class_weight_mode = train::ClassWeightMode::kGiven;
    t.class_weights.assign(c.class_weight_values,
                           c.class_weight_values + c.num_class_weight_values);
  } else if (c.class_weights) {
    if (auto s = train::ParseClassWeights(c.class_weights, &t); !s) return s;
  }
  if (c.balance) {
    if (auto s = train::ParseBalance(c.balance, &t.balance); !s) return s;
  }
  t.dropout = c.dropout;
  if (c.head) {
    if (auto s = train::ParseHead(c.head, &t.hidden); !s) return s;
  }
  t.early_stop = c.early_stop;
  t.val_split = c.val_split;
  t.seed = c.seed;
  out->threads = c.backbone_threads;
  out->batch = c.backbone_batch;
  if (out->threads < 0) return Status::Error("backbone_threads must be 0 (all cores) or more");
  return Status::Ok();
}

frost_epoch_metrics ToC(const train::EpochMetrics& m) {
  frost_epoch_metrics c{};
  c.epoch = m.epoch;
  c.train_loss = m.train_loss;
  c.train_accuracy = m.train_accuracy;
  c.val_loss = m.val_loss;
  c.val_accuracy = m.val_accuracy;
  c.lr = m.lr;
  c.seconds = m.seconds;
  c.steps = m.steps;
  c.best = m.best ? 1 : 0;
  return c;
}

int NotStarted(const char* function) {
  return Fail(FROST_ERR_STATE, std::string(function) +
                                   ": training has not started; call frost_finetuner_start or "
                                   "frost_finetuner_fit first");
}

int Started(const char* function) {
  return Fail(FROST_ERR_STATE, std::string(function) +
                                   ": training has started; samples and classes can only be "
                                   "set before frost_finetuner_start");
}

// A training call's status: divergence and calls after the end get their own codes.
int TrainingStatus(const frost_finetuner& t, bool was_done, const Status& s) {
  if (s.ok()) return Ok();
  if (was_done) return Fail(FROST_ERR_STATE, s.message());
  if (t.tuner->trainer().stop_reason() == train::StopReason::kDiverged) {
    return Fail(FROST_ERR_DIVERGED, s.message());
  }
  return Fail(FROST_ERR_FAILED, s.message());
}

Status OpenData(const frost::Model& model, const std::string& spec,
                std::unique_ptr<frost::data::Dataset>* out) {
  frost::data::InputSpec input;
  if (auto s = frost::data::InputSpecOf(model, &input); !s) return s;
  return frost::data::Open(spec, input, out);
}

std::string Joined(const std::vector<std::string>& names) {
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  return all;
}

}  // namespace

extern "C" {

void frost_train_config_default(frost_train_config* out) {
  if (out == nullptr) return;
  const frost::FineTuneOptions options;
  const train::TrainConfig& t = options.config;
  *out = frost_train_config{};
  out->struct_size = sizeof(frost_train_config);
  out->epochs = t.epochs;
  out->batch = t.batch;
  out->optimizer = "sgd";
  out->lr = t.lr;
  out->momentum = -1;
  out->nesterov = t.nesterov;
  out->beta1 = t.beta1;
  out->beta2 = t.beta2;
  out->eps = t.eps;
  out->rmsprop_alpha = t.rmsprop_alpha;
  out->weight_decay = t.weight_decay;
  out->l1 = t.l1;
  out->schedule = "constant";
  out->warmup_epochs = t.warmup_epochs;
  out->step_size = t.step_size;
  out->step_gamma = t.step_gamma;
  out->exp_gamma = t.exp_gamma;
  out->loss = "ce";
  out->focal_gamma = t.focal_gamma;
  out->label_smoothing = t.label_smoothing;
  out->class_weights = "none";
  out->class_weight_values = nullptr;
  out->num_class_weight_values = 0;
  out->balance = "none";
  out->dropout = t.dropout;
  out->head = "linear";
  out->early_stop = t.early_stop;
  out->val_split = t.val_split;
  out->seed = t.seed;
  out->backbone_threads = options.threads;
  out->backbone_batch = options.batch;
}

int frost_finetuner_create(const frost_model* backbone, const frost_train_config* config,
                           frost_finetuner** out) {
  return Guard([&] {
    if (out == nullptr) return NullArgument("frost_finetuner_create", "out");
    *out = nullptr;
    if (backbone == nullptr) return NullArgument("frost_finetuner_create", "backbone");
    frost_train_config defaults;
    frost_train_config_default(&defaults);
    frost::FineTuneOptions options;
    if (auto s = ToOptions(config ? *config : defaults, &options); !s) {
      return Fail(FROST_ERR_INVALID_ARGUMENT, "frost_finetuner_create: " + s.message());
    }
    auto handle = std::make_unique<frost_finetuner>();
    handle->backbone = backbone->model;
    if (auto s = frost::FineTuner::Create(backbone->model, options, &handle->tuner); !s) {
      return FromStatus(s);
    }
    *out = handle.release();
    return Ok();
  });
}

void frost_finetuner_free(frost_finetuner* tuner) { delete tuner; }

int frost_finetuner_set_class_names(frost_finetuner* tuner, const char* const* names,
                                    size_t count) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_set_class_names", "tuner");
    if (names == nullptr) return NullArgument("frost_finetuner_set_class_names", "names");
    if (tuner->tuner->started()) return Started("frost_finetuner_set_class_names");
    std::vector<std::string> list;
    for (size_t i = 0; i < count; ++i) {
      if (names[i] == nullptr) {
        return Fail(FROST_ERR_INVALID_ARGUMENT,
                    "frost_finetuner_set_class_names: name " + std::to_string(i) + " is NULL");
      }
      list.emplace_back(names[i]);
    }
    return FromStatus(tuner->tuner->SetClassNames(std::move(list)), FROST_ERR_INVALID_ARGUMENT);
  });
}

int frost_finetuner_add_image(frost_finetuner* tuner, const char* path, int label,
                              int validation) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_add_image", "tuner");
    if (path == nullptr) return NullArgument("frost_finetuner_add_image", "path");
    if (tuner->tuner->started()) return Started("frost_finetuner_add_image");
    return FromStatus(tuner->tuner->AddImage(std::string(path), label, validation != 0));
  });
}

int frost_finetuner_add_input(frost_finetuner* tuner, const float* input, size_t count,
                              int label, int validation) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_add_input", "tuner");
    if (input == nullptr) return NullArgument("frost_finetuner_add_input", "input");
    if (tuner->tuner->started()) return Started("frost_finetuner_add_input");
    const size_t need = InputSampleElements(*tuner->backbone);
    if (count != need) {
      return Fail(FROST_ERR_INVALID_ARGUMENT,
                  "frost_finetuner_add_input: the sample has " + std::to_string(count) +
                      " floats, the model's input " + std::to_string(need));
    }
    return FromStatus(tuner->tuner->AddInput(input, label, validation != 0),
                      FROST_ERR_INVALID_ARGUMENT);
  });
}

int frost_finetuner_add_dataset(frost_finetuner* tuner, const char* spec, int validation,
                                frost_progress_fn progress, void* user) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_add_dataset", "tuner");
    if (spec == nullptr) return NullArgument("frost_finetuner_add_dataset", "spec");
    if (tuner->tuner->started()) return Started("frost_finetuner_add_dataset");
    std::unique_ptr<frost::data::Dataset> data;
    if (auto s = OpenData(*tuner->backbone, spec, &data); !s) return FromStatus(s);
    if (data->size() == 0) return Fail(FROST_ERR_FAILED, std::string(spec) + ": no samples");
    frost::ProgressFn report;
    if (progress) report = [&](size_t done, size_t total) { progress(done, total, user); };
    return FromStatus(tuner->tuner->AddDataset(*data, validation != 0, report));
  });
}

size_t frost_finetuner_num_samples(const frost_finetuner* tuner, int validation) {
  return tuner ? tuner->tuner->num_samples(validation != 0) : 0;
}

size_t frost_finetuner_num_classes(const frost_finetuner* tuner) {
  return tuner ? tuner->tuner->class_names().size() : 0;
}

const char* frost_finetuner_class_name(const frost_finetuner* tuner, size_t index) {
  return GuardPtr([&]() -> const char* {
    if (tuner == nullptr) {
      return FailNull(FROST_ERR_INVALID_ARGUMENT, "frost_finetuner_class_name: tuner is NULL");
    }
    const auto& names = tuner->tuner->class_names();
    if (index >= names.size()) {
      return FailNull(FROST_ERR_INVALID_ARGUMENT,
                      "frost_finetuner_class_name: class " + std::to_string(index) +
                          " does not exist; there are " + std::to_string(names.size()));
    }
    ClearError();
    return names[index].c_str();
  });
}

int frost_finetuner_start(frost_finetuner* tuner) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_start", "tuner");
    return FromStatus(tuner->tuner->Start());
  });
}

int frost_finetuner_step(frost_finetuner* tuner) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_step", "tuner");
    if (!tuner->tuner->started()) return NotStarted("frost_finetuner_step");
    const bool was_done = tuner->tuner->trainer().done();
    return TrainingStatus(*tuner, was_done, tuner->tuner->trainer().Step());
  });
}

int frost_finetuner_run_epoch(frost_finetuner* tuner) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_run_epoch", "tuner");
    if (!tuner->tuner->started()) return NotStarted("frost_finetuner_run_epoch");
    const bool was_done = tuner->tuner->trainer().done();
    return TrainingStatus(*tuner, was_done, tuner->tuner->trainer().RunEpoch());
  });
}

int frost_finetuner_fit(frost_finetuner* tuner, frost_epoch_fn on_epoch, void* user) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_fit", "tuner");
    if (auto s = tuner->tuner->Start(); !s) return FromStatus(s);
    train::Trainer& trainer = tuner->tuner->trainer();
    if (trainer.done()) {  // already trained to the end: nothing left to do
      if (trainer.stop_reason() != train::StopReason::kDiverged) return Ok();
      return Fail(FROST_ERR_DIVERGED, "frost_finetuner_fit: training diverged earlier; the best "
                                      "head so far can still be saved");
    }
    // The callback (and `user`) may not outlive this call, whatever way it ends.
    struct ClearCallback {
      train::Trainer& trainer;
      ~ClearCallback() { trainer.SetEpochCallback(nullptr); }
    } clear{trainer};
    if (on_epoch) {
      trainer.SetEpochCallback([on_epoch, user](const train::EpochMetrics& m) {
        const frost_epoch_metrics c = ToC(m);
        on_epoch(&c, user);
      });
    }
    return TrainingStatus(*tuner, false, trainer.Fit());
  });
}

int frost_finetuner_done(const frost_finetuner* tuner) {
  return tuner && tuner->tuner->started() && tuner->tuner->trainer().done() ? 1 : 0;
}

const char* frost_finetuner_stop_reason(const frost_finetuner* tuner) {
  if (tuner == nullptr) {
    return FailNull(FROST_ERR_INVALID_ARGUMENT, "frost_finetuner_stop_reason: tuner is NULL");
  }
  ClearError();
  if (!tuner->tuner->started()) return "not started";
  switch (tuner->tuner->trainer().stop_reason()) {
    case train::StopReason::kRunning: return "running";
    case train::StopReason::kCompleted: return "completed";
    case train::StopReason::kEarlyStopped: return "early stopped";
    case train::StopReason::kDiverged: return "diverged";
  }
  return "running";
}

int frost_finetuner_best_epoch(const frost_finetuner* tuner) {
  return tuner && tuner->tuner->started() ? tuner->tuner->trainer().best_epoch() : 0;
}

size_t frost_finetuner_num_epochs(const frost_finetuner* tuner) {
  return tuner && tuner->tuner->started() ? tuner->tuner->trainer().history().size() : 0;
}

int frost_finetuner_epoch(const frost_finetuner* tuner, size_t index, frost_epoch_metrics* out) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_epoch", "tuner");
    if (out == nullptr) return NullArgument("frost_finetuner_epoch", "out");
    const size_t n = frost_finetuner_num_epochs(tuner);
    if (index >= n) {
      return Fail(FROST_ERR_INVALID_ARGUMENT, "frost_finetuner_epoch: epoch index " +
                                                  std::to_string(index) + " is not below the " +
                                                  std::to_string(n) + " epochs finished");
    }
    *out = ToC(tuner->tuner->trainer().history()[index]);
    return Ok();
  });
}

int frost_finetuner_evaluate(frost_finetuner* tuner, const char* spec, frost_eval_result* out) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_evaluate", "tuner");
    if (spec == nullptr) return NullArgument("frost_finetuner_evaluate", "spec");
    if (out == nullptr) return NullArgument("frost_finetuner_evaluate", "out");
    if (!tuner->tuner->started()) return NotStarted("frost_finetuner_evaluate");
    std::unique_ptr<frost::data::Dataset> data;
    if (auto s = OpenData(*tuner->backbone, spec, &data); !s) return FromStatus(s);
    if (data->size() == 0) return Fail(FROST_ERR_FAILED, std::string(spec) + ": no samples");
    const auto& classes = tuner->tuner->class_names();
    if (!data->class_names().empty() && data->class_names() != classes) {
      return Fail(FROST_ERR_FAILED, std::string(spec) + ": the data set's classes (" +
                                        Joined(data->class_names()) +
                                        ") are not the tuner's classes (" + Joined(classes) + ")");
    }
    frost::Metrics metrics;
    if (auto s = tuner->tuner->Evaluate(*data, &metrics); !s) return FromStatus(s);
    *out = frost_eval_result{};
    out->samples = metrics.samples;
    out->accuracy = metrics.accuracy;
    out->loss = metrics.loss;
    out->macro_f1 = metrics.macro_f1;
    return Ok();
  });
}

int frost_finetuner_save(const frost_finetuner* tuner, const char* path) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_save", "tuner");
    if (path == nullptr) return NullArgument("frost_finetuner_save", "path");
    if (!tuner->tuner->started()) return NotStarted("frost_finetuner_save");
    return FromStatus(tuner->tuner->Save(path));
  });
}

int frost_finetuner_save_head(const frost_finetuner* tuner, const char* path) {
  return Guard([&] {
    if (tuner == nullptr) return NullArgument("frost_finetuner_save_head", "tuner");
    if (path == nullptr) return NullArgument("frost_finetuner_save_head", "path");
    if (!tuner->tuner->started()) return NotStarted("frost_finetuner_save_head");
    return FromStatus(tuner->tuner->SaveHead(path));
  });
}

int frost_attach_head(const frost_model* base, const char* head_path, frost_model** out) {
  return Guard([&] {
    if (out == nullptr) return NullArgument("frost_attach_head", "out");
    *out = nullptr;
    if (base == nullptr) return NullArgument("frost_attach_head", "base");
    if (head_path == nullptr) return NullArgument("frost_attach_head", "head_path");
    std::shared_ptr<const frost::Model> head, attached;
    if (auto s = frost::Model::Load(head_path, &head); !s) return FromStatus(s);
    if (auto s = frost::AttachHead(*base->model, *head, &attached); !s) return FromStatus(s);
    auto handle = std::make_unique<frost_model>();
    handle->feature_tensor = attached->feature_tensor();
    handle->model = std::move(attached);
    *out = handle.release();
    return Ok();
  });
}

}  // extern "C"
