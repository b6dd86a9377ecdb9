#include "finetune_args.hpp"

namespace frost::cli {

void AddFinetuneFlags(CLI::App* cmd, FinetuneArgs* a) {
  train::TrainConfig& c = a->config;
  cmd->add_option("model", a->model, "the backbone .frost model (never modified)")->required();
  cmd->add_option("--data", a->data,
                  "training data: DIR (DIR/<class>/<image>), idx:IMAGES.gz,LABELS.gz or "
                  "npy:IMAGES.npy,LABELS.npy")
      ->required();
  cmd->add_option("-o,--output", a->output, "the tuned .frost file to write")->required();
  auto* val = cmd->add_option("--val", a->val, "validation data (same forms as --data)");
  cmd->add_option("--val-split", c.val_split,
                  "without --val: this fraction of each class of --data validates")
      ->excludes(val)
      ->capture_default_str();
  cmd->add_option("--classes", a->classes,
                  "keep only these data set classes, relabelled 0..k-1 in this order")
      ->delimiter(',');
  cmd->add_option("--per-class", a->per_class,
                  "train on the first N samples of each class (data set order)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--head-only", a->head_only,
                "write only the head and labels (a small file tied to this backbone; "
                "run it with frost run BASE --head FILE)");

  cmd->add_option("--epochs", c.epochs, "epochs")->capture_default_str();
  cmd->add_option("--batch", c.batch, "samples per training step")->capture_default_str();
  cmd->add_option("--optimizer", a->optimizer, "sgd|adam|adamw|rmsprop")->capture_default_str();
  cmd->add_option("--lr", c.lr, "learning rate (peak, after warm-up)")->capture_default_str();
  a->momentum_option =
      cmd->add_option("--momentum", a->momentum, "momentum (SGD default 0.9, RMSprop 0)");
  cmd->add_flag("--nesterov", c.nesterov, "Nesterov momentum (SGD)");
  cmd->add_option("--beta1", c.beta1, "Adam/AdamW beta1")->capture_default_str();
  cmd->add_option("--beta2", c.beta2, "Adam/AdamW beta2")->capture_default_str();
  cmd->add_option("--eps", c.eps, "Adam/AdamW/RMSprop epsilon")->capture_default_str();
  cmd->add_option("--weight-decay", c.weight_decay, "L2 on the weights (not biases)")
      ->capture_default_str();
  cmd->add_option("--l1", c.l1, "L1 on the weights (not biases)")->capture_default_str();
  cmd->add_option("--schedule", a->schedule, "constant|step|exponential|cosine (per epoch)")
      ->capture_default_str();
  cmd->add_option("--warmup-epochs", c.warmup_epochs, "linear warm-up from lr/10")
      ->capture_default_str();
  cmd->add_option("--loss", a->loss, "ce|focal")->capture_default_str();
  cmd->add_option("--focal-gamma", c.focal_gamma, "focal loss gamma")->capture_default_str();
  cmd->add_option("--label-smoothing", c.label_smoothing, "label smoothing (ce)")
      ->capture_default_str();
  cmd->add_option("--class-weights", a->class_weights,
                  "none|auto (balanced)|FILE (.npy or numbers, one per class)")
      ->capture_default_str();
  cmd->add_option("--balance", a->balance, "none|oversample|undersample")->capture_default_str();
  cmd->add_option("--dropout", c.dropout, "dropout on the head input (and hidden layer)")
      ->capture_default_str();
  cmd->add_option("--head", a->head, "linear|mlp:H (Linear-ReLU-Linear, H hidden)")
      ->capture_default_str();
  cmd->add_option("--early-stop", c.early_stop,
                  "stop after this many epochs without a better validation loss and keep the "
                  "best epoch's head (0 = off)")
      ->capture_default_str();
  cmd->add_option("--seed", c.seed, "seed of init, split, shuffling and dropout")
      ->capture_default_str();
  cmd->add_option("--threads", a->threads, "backbone threads (0 = all cores)")
      ->capture_default_str();
  cmd->add_option("--backbone-batch", a->backbone_batch, "images per backbone run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--log", a->log, "write every epoch's metrics as JSON lines to this file");
  cmd->add_flag("-q,--quiet", a->quiet, "print only the summary, not every epoch");
}

Status ToOptions(const FinetuneArgs& a, FineTuneOptions* out) {
  FineTuneOptions o;
  o.config = a.config;
  o.threads = a.threads;
  o.batch = a.backbone_batch;
  train::TrainConfig& c = o.config;
  if (a.momentum_option && a.momentum_option->count() > 0) c.momentum = a.momentum;
  if (auto s = train::ParseOptimizer(a.optimizer, &c.optimizer); !s) return s;
  if (auto s = train::ParseSchedule(a.schedule, &c.schedule); !s) return s;
  if (auto s = train::ParseLoss(a.loss, &c.loss); !s) return s;
  if (auto s = train::ParseBalance(a.balance, &c.balance); !s) return s;
  if (auto s = train::ParseHead(a.head, &c.hidden); !s) return s;
  if (auto s = train::ParseClassWeights(a.class_weights, &c); !s) return s;
  *out = std::move(o);
  return Status::Ok();
}

}  // namespace frost::cli
