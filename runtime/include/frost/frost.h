/* frost runtime: the C API, for apps in C and for other languages through their FFI.
 *
 * A thin, stable layer over the C++ API (frost.hpp, finetune.hpp, train.hpp): C99, opaque
 * handles, plain structs, no exception ever leaves it.
 *
 * Errors
 *   Every call that can fail returns an int status: FROST_OK (0) or one of the FROST_ERR_*
 *   codes below. The message (naming what is wrong and where) is then available from
 *   frost_last_error(), which is thread-local: it describes the most recent fallible call
 *   made on the calling thread ("" when that call succeeded). The string stays valid until the
 *   next fallible call on the same thread; copy it to keep it.
 *   Calls that return a pointer (names, labels) return NULL on failure and set the message
 *   too; calls that return a count return 0 for a NULL handle.
 *   A NULL handle, out pointer or required string is an error (FROST_ERR_INVALID_ARGUMENT),
 *   never a crash. Buffers passed with a count are checked against that count.
 *
 * Ownership
 *   Each *_create / *_load / frost_attach_head hands out a handle the caller frees with the
 *   matching *_free (NULL is accepted and ignored). A session or fine-tuner keeps its model
 *   alive itself, so a model handle may be freed while they are still in use.
 *   Strings returned by frost (names, labels) belong to the handle they came from and live as
 *   long as it does.
 *
 * Threads
 *   A model may be shared between threads. A session or a fine-tuner is used by one thread at
 *   a time (create one session per thread).
 *
 *   frost_model* model;
 *   if (frost_model_load("base.frost", &model) != FROST_OK) {
 *     fprintf(stderr, "%s\n", frost_last_error());
 *   }
 *   frost_train_config config;
 *   frost_train_config_default(&config);
 *   config.optimizer = "adam";
 *   frost_finetuner* tuner;
 *   frost_finetuner_create(model, &config, &tuner);
 *   frost_finetuner_add_dataset(tuner, "photos/", 0, NULL, NULL);   // photos/<class>/<img>
 *   frost_finetuner_fit(tuner, print_epoch, NULL);
 *   frost_finetuner_save(tuner, "tuned.frost");
 *   frost_finetuner_free(tuner);
 *   frost_model_free(model);
 */
#ifndef FROST_FROST_H_
#define FROST_FROST_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status ------------------------------------------------------------------------------ */

enum {
  FROST_OK = 0,
  FROST_ERR_INVALID_ARGUMENT = 1, /* NULL handle or pointer, index out of range, bad value */
  FROST_ERR_FAILED = 2,           /* the runtime refused: file, model, data, configuration */
  FROST_ERR_STATE = 3,            /* a call out of order (e.g. step before start) */
  FROST_ERR_DIVERGED = 4,         /* training diverged; the best head so far can be saved */
  FROST_ERR_OUT_OF_MEMORY = 5
};

/* The message of the most recent fallible call on this thread; "" after a success. */
const char* frost_last_error(void);
/* A short name of a status code ("ok", "invalid argument", ...). */
const char* frost_status_name(int status);
/* The runtime's version, e.g. "0.1.0". */
const char* frost_version(void);

/* ---- Models ------------------------------------------------------------------------------ */

typedef struct frost_model frost_model;

#define FROST_MAX_RANK 8

typedef struct frost_tensor_info {
  const char* name;              /* owned by the model */
  int rank;
  int64_t shape[FROST_MAX_RANK]; /* as stored; dim 0 is the batch the model was exported with */
} frost_tensor_info;

/* Maps and verifies a .frost file. */
int frost_model_load(const char* path, frost_model** out);
void frost_model_free(frost_model* model);

size_t frost_model_num_inputs(const frost_model* model);
size_t frost_model_num_outputs(const frost_model* model);
int frost_model_input(const frost_model* model, size_t index, frost_tensor_info* out);
int frost_model_output(const frost_model* model, size_t index, frost_tensor_info* out);
/* Floats one sample of input 0 has (its shape without the batch dimension); 0 on error. */
size_t frost_model_input_elements(const frost_model* model);
/* Class labels recorded in the model (0 when none). */
size_t frost_model_num_labels(const frost_model* model);
const char* frost_model_label(const frost_model* model, size_t index);
/* The tensor where the backbone ends and the head begins; "" when none is recorded. */
const char* frost_model_feature_tensor(const frost_model* model);
/* 1 when the model runs at any batch size, 0 when only at its stored batch (or on error). */
int frost_model_batch_polymorphic(const frost_model* model);

/* Decodes the image at `path` (PNG, JPEG, BMP, ...) and preprocesses it as the model's input
 * 0 wants (size, channels, normalisation recorded at conversion) into `out`, which holds
 * `count` >= frost_model_input_elements() floats: one sample, ready for frost_session_run. */
int frost_model_load_image(const frost_model* model, const char* path, float* out, size_t count);

/* ---- Sessions ---------------------------------------------------------------------------- */

typedef struct frost_session frost_session;

/* threads: 0 = all cores. */
int frost_session_create(const frost_model* model, int threads, frost_session** out);
void frost_session_free(frost_session* session);

/* Floats input / output `index` holds for `batch` samples; 0 for a bad index or batch. */
size_t frost_session_input_elements(const frost_session* session, size_t index, int64_t batch);
size_t frost_session_output_elements(const frost_session* session, size_t index, int64_t batch);

/* Runs `batch` samples of a model with one input and one output (float32, the ONNX model's
 * layout). `input_count` / `output_count` are the buffers' sizes in floats, checked against
 * frost_session_input_elements / frost_session_output_elements. A model that is not batch
 * polymorphic takes only its stored batch. */
int frost_session_run(frost_session* session, const float* input, size_t input_count,
                      int64_t batch, float* output, size_t output_count);
/* Any number of inputs and outputs, one buffer each, sized as *_elements(index, batch) say
 * (those sizes cannot be checked here). */
int frost_session_run_multi(frost_session* session, const float* const* inputs,
                            size_t num_inputs, int64_t batch, float* const* outputs,
                            size_t num_outputs);

/* ---- Fine-tuning configuration ----------------------------------------------------------- */

/* The settings of `frost finetune`, one field per flag (see frost/train.hpp for the exact
 * semantics). Always start from frost_train_config_default(): it also sets struct_size,
 * which lets later versions add fields at the end. Strings are read during
 * frost_finetuner_create only; NULL means the default. Error messages name the matching
 * `frost finetune` flag (e.g. "--lr must be a positive number"). */
typedef struct frost_train_config {
  size_t struct_size;       /* sizeof(frost_train_config), set by frost_train_config_default */
  int epochs;               /* 30 */
  int batch;                /* 32: samples per training step */
  const char* optimizer;    /* "sgd" | "adam" | "adamw" | "rmsprop" */
  double lr;                /* 0.01 */
  double momentum;          /* < 0 (default -1): the optimizer's default (SGD 0.9, RMSprop 0) */
  int nesterov;             /* 0; SGD with momentum > 0 only */
  double beta1, beta2, eps; /* 0.9, 0.999, 1e-8 (Adam, AdamW; eps also RMSprop) */
  double rmsprop_alpha;     /* 0.99 */
  double weight_decay;      /* 1e-4: L2 on the weights, not the biases */
  double l1;                /* 0 */
  const char* schedule;     /* "constant" | "step" | "exponential" | "cosine" (per epoch) */
  int warmup_epochs;        /* 0 */
  int step_size;            /* 0 = max(1, (epochs - warmup) / 3) */
  double step_gamma;        /* 0.1 */
  double exp_gamma;         /* 0.9 */
  const char* loss;         /* "ce" | "focal" */
  double focal_gamma;       /* 2 */
  double label_smoothing;   /* 0 (ce only) */
  /* "none" | "auto" (balanced) | a file of per-class weights (.npy or text numbers) */
  const char* class_weights;
  /* Explicit per-class weights (one per class); used when num_class_weight_values > 0, and
   * then class_weights must be NULL or "none". Copied during frost_finetuner_create. */
  const float* class_weight_values;
  size_t num_class_weight_values;
  const char* balance;      /* "none" | "oversample" | "undersample" */
  double dropout;           /* 0 */
  const char* head;         /* "linear" | "mlp:H" (H hidden units) */
  int early_stop;           /* 0 = off, else patience in epochs */
  double val_split;         /* 0; used when no validation sample is added */
  uint64_t seed;            /* 0: init, split, shuffling, balancing, dropout */
  /* How features are cached (FineTuneOptions). */
  int backbone_threads;     /* 0 = all cores */
  int backbone_batch;       /* 64 samples per backbone run */
} frost_train_config;

void frost_train_config_default(frost_train_config* out);

/* ---- Fine-tuning ------------------------------------------------------------------------- */

typedef struct frost_finetuner frost_finetuner;

typedef struct frost_epoch_metrics {
  int epoch;                     /* from 1 */
  double train_loss, train_accuracy;
  double val_loss, val_accuracy; /* NaN without a validation set */
  double lr;
  double seconds;                /* wall time of the epoch, validation included */
  size_t steps;                  /* mini-batches in this epoch */
  int best;                      /* 1: the best epoch so far */
} frost_epoch_metrics;

typedef struct frost_eval_result {
  size_t samples;
  double accuracy; /* top-1, in [0, 1] */
  double loss;     /* mean cross-entropy */
  double macro_f1;
} frost_eval_result;

typedef void (*frost_epoch_fn)(const frost_epoch_metrics* metrics, void* user);
typedef void (*frost_progress_fn)(size_t done, size_t total, void* user);

/* A fine-tuner on `backbone` (a model that records a feature tensor). `config` NULL: the
 * defaults. The configuration is fully checked by frost_finetuner_start. */
int frost_finetuner_create(const frost_model* backbone, const frost_train_config* config,
                           frost_finetuner** out);
void frost_finetuner_free(frost_finetuner* tuner);

/* Collecting samples (before start). Labels index the class names; without names there are
 * 1 + the largest label classes, named by their index. `validation` != 0 puts the sample
 * into the validation set (early stopping and the best epoch follow it). */
int frost_finetuner_set_class_names(frost_finetuner* tuner, const char* const* names,
                                    size_t count);
int frost_finetuner_add_image(frost_finetuner* tuner, const char* path, int label,
                              int validation);
/* One preprocessed sample: `count` must equal frost_model_input_elements(backbone). */
int frost_finetuner_add_input(frost_finetuner* tuner, const float* input, size_t count,
                              int label, int validation);
/* Every sample of a data set: "DIR" (DIR/<class>/<image>, classes sorted by name),
 * "idx:IMAGES.gz,LABELS.gz" or "npy:IMAGES.npy,LABELS.npy", as `frost finetune --data`.
 * A folder's class names become the classes when none were set. `progress` may be NULL. */
int frost_finetuner_add_dataset(frost_finetuner* tuner, const char* spec, int validation,
                                frost_progress_fn progress, void* user);
size_t frost_finetuner_num_samples(const frost_finetuner* tuner, int validation);
size_t frost_finetuner_num_classes(const frost_finetuner* tuner);
const char* frost_finetuner_class_name(const frost_finetuner* tuner, size_t index);

/* Ends collecting and creates the trainer (checks the configuration). Idempotent. */
int frost_finetuner_start(frost_finetuner* tuner);
/* One mini-batch / the rest of the current epoch (both after start). After the end they
 * return FROST_ERR_STATE. */
int frost_finetuner_step(frost_finetuner* tuner);
int frost_finetuner_run_epoch(frost_finetuner* tuner);
/* Starts if needed and trains to the end (epochs, early stopping or divergence);
 * `on_epoch` (may be NULL) sees every epoch's metrics as it ends. */
int frost_finetuner_fit(frost_finetuner* tuner, frost_epoch_fn on_epoch, void* user);
/* 1 once training has ended, 0 before (and before start). */
int frost_finetuner_done(const frost_finetuner* tuner);
/* "not started" | "running" | "completed" | "early stopped" | "diverged"; NULL for NULL. */
const char* frost_finetuner_stop_reason(const frost_finetuner* tuner);
/* The epoch whose head is the result so far (from 1; 0 before any epoch ended). */
int frost_finetuner_best_epoch(const frost_finetuner* tuner);

/* Metrics of every finished epoch, in order. */
size_t frost_finetuner_num_epochs(const frost_finetuner* tuner);
int frost_finetuner_epoch(const frost_finetuner* tuner, size_t index, frost_epoch_metrics* out);

/* The current head (after the end: the result) on a data set (a spec as in add_dataset),
 * after start. The set's class names, when it has any, must be the tuner's classes. */
int frost_finetuner_evaluate(frost_finetuner* tuner, const char* spec, frost_eval_result* out);

/* The current head (after the end: the result), after start, written atomically: the
 * backbone with the new head (a complete model), or the head alone (a small file tied to
 * this backbone; see frost_attach_head). */
int frost_finetuner_save(const frost_finetuner* tuner, const char* path);
int frost_finetuner_save_head(const frost_finetuner* tuner, const char* path);

/* `base` with the head-only file `head_path` attached, as a new model in memory. An error
 * when the file is no head-only file or was trained on another backbone. */
int frost_attach_head(const frost_model* base, const char* head_path, frost_model** out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FROST_FROST_H_ */
