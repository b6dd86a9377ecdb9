/* The C API (frost/frost.h), exercised from C: compiled as C99 with -pedantic -Werror, so it
 * also proves the header is plain C. Loads a tiny backbone (written by tiny_backbone.cpp),
 * runs it, fine-tunes it on a folder of BMP images it writes itself, saves, reloads, attaches
 * a head-only file, and checks that bad arguments and calls out of order give errors. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frost/frost.h"

int frost_test_write_tiny_backbone(const char* path, unsigned seed);

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                                     \
  do {                                                                                  \
    ++checks;                                                                           \
    if (!(cond)) {                                                                      \
      ++failures;                                                                       \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, \
              #cond, frost_last_error());                                               \
    }                                                                                   \
  } while (0)

/* A call that must succeed; stops the test when it does not (later checks need it). */
#define REQUIRE_OK(call)                                                                 \
  do {                                                                                   \
    int status_ = (call);                                                                \
    ++checks;                                                                            \
    if (status_ != FROST_OK) {                                                           \
      fprintf(stderr, "%s:%d: %s returned %d (%s): %s\n", __FILE__, __LINE__, #call,     \
              status_, frost_status_name(status_), frost_last_error());                  \
      ++failures;                                                                        \
      goto done;                                                                         \
    }                                                                                    \
  } while (0)

/* `status` is `expected` and the message mentions `fragment`. */
static int Refused(int status, int expected, const char* fragment) {
  if (status != expected) {
    fprintf(stderr, "  status %d (%s), expected %d (%s); message: %s\n", status,
            frost_status_name(status), expected, frost_status_name(expected), frost_last_error());
    return 0;
  }
  if (strstr(frost_last_error(), fragment) == NULL) {
    fprintf(stderr, "  message '%s' does not mention '%s'\n", frost_last_error(), fragment);
    return 0;
  }
  return 1;
}

static char scratch[256];

/* snprintf for paths: a path that does not fit stops the test. */
static void Format(char* out, size_t size, const char* format, ...) {
  va_list args;
  int n;
  va_start(args, format);
  n = vsnprintf(out, size, format, args);
  va_end(args);
  if (n < 0 || (size_t)n >= size) {
    fprintf(stderr, "path too long: %s\n", format);
    exit(1);
  }
}

static void Path(char* out, size_t size, const char* name) {
  Format(out, size, "%s/%s", scratch, name);
}

/* A 4x4 24-bit BMP whose pixels are `base` + a little per-pixel variation. */
static int WriteBmp(const char* path, int base, unsigned seed) {
  unsigned char header[54] = {'B', 'M'};
  unsigned char pixels[4 * 4 * 3];
  const unsigned file_size = sizeof header + sizeof pixels;
  size_t i;
  FILE* f;
  header[2] = (unsigned char)file_size;
  header[10] = 54;  /* pixel data offset */
  header[14] = 40;  /* BITMAPINFOHEADER */
  header[18] = 4;   /* width */
  header[22] = 4;   /* height */
  header[26] = 1;   /* planes */
  header[28] = 24;  /* bits per pixel */
  header[34] = sizeof pixels;
  for (i = 0; i < sizeof pixels; ++i) {
    seed = seed * 1103515245u + 12345u;
    pixels[i] = (unsigned char)(base + (int)((seed >> 16) % 60u));
  }
  f = fopen(path, "wb");
  if (!f) return 1;
  if (fwrite(header, 1, sizeof header, f) != sizeof header ||
      fwrite(pixels, 1, sizeof pixels, f) != sizeof pixels) {
    fclose(f);
    return 1;
  }
  return fclose(f) != 0;
}

/* data/dark/NN.bmp (pixels 20..80) and data/light/NN.bmp (170..230), `per_class` each. */
static int WriteImageFolder(const char* dir, int per_class) {
  const char* classes[2] = {"dark", "light"};
  const int bases[2] = {20, 170};
  char path[512];
  int c, i;
  if (mkdir(dir, 0755) != 0) return 1;
  for (c = 0; c < 2; ++c) {
    Format(path, sizeof path, "%s/%s", dir, classes[c]);
    if (mkdir(path, 0755) != 0) return 1;
    for (i = 0; i < per_class; ++i) {
      Format(path, sizeof path, "%s/%s/%02d.bmp", dir, classes[c], i);
      if (WriteBmp(path, bases[c], (unsigned)(c * 1000 + i)) != 0) return 1;
    }
  }
  return 0;
}

static int RemoveEntry(const char* path, const struct stat* st, int flag, struct FTW* ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

typedef struct {
  int calls;
  int last_epoch;
} EpochLog;

static void OnEpoch(const frost_epoch_metrics* m, void* user) {
  EpochLog* log = (EpochLog*)user;
  log->calls++;
  log->last_epoch = m->epoch;
}

static int Finite(const float* v, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) {
    if (!isfinite(v[i])) return 0;
  }
  return 1;
}

int main(void) {
  char base_path[512], other_path[512], data_dir[512], tuned_path[512], head_path[512];
  char image_path[512], missing[512];
  frost_model* base = NULL;
  frost_model* other = NULL;
  frost_model* tuned = NULL;
  frost_model* attached = NULL;
  frost_session* session = NULL;
  frost_session* tuned_session = NULL;
  frost_session* attached_session = NULL;
  frost_finetuner* tuner = NULL;
  frost_finetuner* bad = NULL;
  frost_tensor_info info;
  frost_train_config config;
  frost_epoch_metrics metrics;
  frost_eval_result eval;
  EpochLog log = {0, 0};
  float input[2 * 48];
  float output[2 * 3];
  float tuned_out[2], attached_out[2];
  size_t i;

  strcpy(scratch, "/tmp/frost-capi-test-XXXXXX");
  if (mkdtemp(scratch) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  Path(base_path, sizeof base_path, "base.frost");
  Path(other_path, sizeof other_path, "other.frost");
  Path(data_dir, sizeof data_dir, "data");
  Path(tuned_path, sizeof tuned_path, "tuned.frost");
  Path(head_path, sizeof head_path, "head.frost");
  Path(missing, sizeof missing, "missing.frost");
  Format(image_path, sizeof image_path, "%s/light/03.bmp", data_dir);
  CHECK(frost_test_write_tiny_backbone(base_path, 1) == 0);
  CHECK(frost_test_write_tiny_backbone(other_path, 50) == 0);
  CHECK(WriteImageFolder(data_dir, 12) == 0);
  printf("frost %s, scratch %s\n", frost_version(), scratch);

  /* ---- Model information ---- */
  REQUIRE_OK(frost_model_load(base_path, &base));
  CHECK(frost_last_error()[0] == '\0');
  CHECK(frost_model_num_inputs(base) == 1);
  CHECK(frost_model_num_outputs(base) == 1);
  REQUIRE_OK(frost_model_input(base, 0, &info));
  CHECK(strcmp(info.name, "image") == 0);
  CHECK(info.rank == 4 && info.shape[0] == 1 && info.shape[1] == 3 && info.shape[2] == 4 &&
        info.shape[3] == 4);
  REQUIRE_OK(frost_model_output(base, 0, &info));
  CHECK(info.rank == 2 && info.shape[1] == 3);
  CHECK(frost_model_input_elements(base) == 48);
  CHECK(frost_model_num_labels(base) == 3);
  CHECK(frost_model_label(base, 2) != NULL && strcmp(frost_model_label(base, 2), "c") == 0);
  CHECK(frost_model_label(base, 3) == NULL);
  CHECK(strstr(frost_last_error(), "label 3 does not exist") != NULL);
  CHECK(strcmp(frost_model_feature_tensor(base), "fc1") == 0);
  CHECK(frost_model_batch_polymorphic(base) == 1);

  /* ---- Running ---- */
  REQUIRE_OK(frost_session_create(base, 1, &session));
  CHECK(frost_session_input_elements(session, 0, 2) == 96);
  CHECK(frost_session_output_elements(session, 0, 2) == 6);
  CHECK(frost_session_output_elements(session, 1, 2) == 0);
  REQUIRE_OK(frost_model_load_image(base, image_path, input, 48));
  REQUIRE_OK(frost_model_load_image(base, image_path, input + 48, 48));
  CHECK(input[0] > 0.6f && input[0] < 1.0f); /* a light pixel / 255 */
  REQUIRE_OK(frost_session_run(session, input, 96, 2, output, 6));
  CHECK(Finite(output, 6));
  CHECK(output[0] == output[3] && output[2] == output[5]); /* same image twice */
  {
    const float* inputs[1];
    float* outputs[1];
    float multi[3];
    inputs[0] = input;
    outputs[0] = multi;
    REQUIRE_OK(frost_session_run_multi(session, inputs, 1, 1, outputs, 1));
    CHECK(multi[0] == output[0] && multi[1] == output[1] && multi[2] == output[2]);
  }

  /* ---- Fine-tuning: collect, start, step, epoch, fit ---- */
  frost_train_config_default(&config);
  CHECK(config.struct_size == sizeof config && config.epochs == 30 && config.batch == 32);
  CHECK(strcmp(config.optimizer, "sgd") == 0 && config.momentum < 0);
  config.optimizer = "adam";
  config.lr = 0.05;
  config.epochs = 12;
  config.batch = 8;
  config.backbone_threads = 1;
  config.seed = 7;
  REQUIRE_OK(frost_finetuner_create(base, &config, &tuner));
  REQUIRE_OK(frost_finetuner_add_dataset(tuner, data_dir, 0, NULL, NULL));
  CHECK(frost_finetuner_num_samples(tuner, 0) == 24);
  CHECK(frost_finetuner_num_classes(tuner) == 2);
  CHECK(strcmp(frost_finetuner_class_name(tuner, 1), "light") == 0);
  /* validation: one image by path, one preprocessed input */
  Format(image_path, sizeof image_path, "%s/dark/05.bmp", data_dir);
  REQUIRE_OK(frost_finetuner_add_image(tuner, image_path, 0, 1));
  REQUIRE_OK(frost_finetuner_add_input(tuner, input, 48, 1, 1)); /* the light image above */
  CHECK(frost_finetuner_num_samples(tuner, 1) == 2);
  CHECK(Refused(frost_finetuner_add_input(tuner, input, 47, 1, 0), FROST_ERR_INVALID_ARGUMENT,
                "47 floats"));
  CHECK(Refused(frost_finetuner_add_input(tuner, input, 48, 2, 0), FROST_ERR_INVALID_ARGUMENT,
                "not below the 2 classes"));
  CHECK(Refused(frost_finetuner_step(tuner), FROST_ERR_STATE, "has not started"));
  CHECK(Refused(frost_finetuner_save(tuner, tuned_path), FROST_ERR_STATE, "has not started"));
  CHECK(frost_finetuner_done(tuner) == 0);
  CHECK(strcmp(frost_finetuner_stop_reason(tuner), "not started") == 0);

  REQUIRE_OK(frost_finetuner_start(tuner));
  REQUIRE_OK(frost_finetuner_start(tuner)); /* idempotent */
  CHECK(Refused(frost_finetuner_add_image(tuner, image_path, 0, 0), FROST_ERR_STATE,
                "has started"));
  {
    const char* names[2] = {"p", "q"};
    CHECK(Refused(frost_finetuner_set_class_names(tuner, names, 2), FROST_ERR_STATE,
                  "has started"));
  }
  REQUIRE_OK(frost_finetuner_step(tuner)); /* 24 samples in batches of 8: 1 of 3 */
  CHECK(frost_finetuner_num_epochs(tuner) == 0);
  REQUIRE_OK(frost_finetuner_run_epoch(tuner));
  CHECK(frost_finetuner_num_epochs(tuner) == 1);
  CHECK(strcmp(frost_finetuner_stop_reason(tuner), "running") == 0);
  REQUIRE_OK(frost_finetuner_fit(tuner, OnEpoch, &log));
  CHECK(log.calls == 11 && log.last_epoch == 12);
  CHECK(frost_finetuner_done(tuner) == 1);
  CHECK(strcmp(frost_finetuner_stop_reason(tuner), "completed") == 0);
  CHECK(frost_finetuner_num_epochs(tuner) == 12);
  for (i = 0; i < frost_finetuner_num_epochs(tuner); ++i) {
    REQUIRE_OK(frost_finetuner_epoch(tuner, i, &metrics));
    CHECK(metrics.epoch == (int)i + 1);
    CHECK(isfinite(metrics.train_loss) && isfinite(metrics.val_loss));
    CHECK(metrics.lr == 0.05);
    CHECK(metrics.steps == 3); /* 24 samples in batches of 8 */
  }
  printf("epoch 12: train loss %.4f acc %.3f, val loss %.4f acc %.3f\n", metrics.train_loss,
         metrics.train_accuracy, metrics.val_loss, metrics.val_accuracy);
  CHECK(metrics.train_accuracy >= 0.9 && metrics.val_accuracy == 1.0);
  CHECK(Refused(frost_finetuner_epoch(tuner, 12, &metrics), FROST_ERR_INVALID_ARGUMENT,
                "epoch index 12"));
  CHECK(Refused(frost_finetuner_step(tuner), FROST_ERR_STATE, "training has finished"));
  REQUIRE_OK(frost_finetuner_fit(tuner, NULL, NULL)); /* already done: nothing to do */
  CHECK(frost_finetuner_best_epoch(tuner) >= 1);

  REQUIRE_OK(frost_finetuner_evaluate(tuner, data_dir, &eval));
  printf("evaluate: %zu samples, accuracy %.3f, loss %.4f\n", eval.samples, eval.accuracy,
         eval.loss);
  CHECK(eval.samples == 24 && eval.accuracy >= 0.9 && isfinite(eval.loss));
  CHECK(Refused(frost_finetuner_evaluate(tuner, missing, &eval), FROST_ERR_FAILED,
                "does not exist"));

  /* ---- Saving, reloading, attaching ---- */
  REQUIRE_OK(frost_finetuner_save(tuner, tuned_path));
  REQUIRE_OK(frost_finetuner_save_head(tuner, head_path));
  REQUIRE_OK(frost_model_load(tuned_path, &tuned));
  CHECK(frost_model_num_labels(tuned) == 2);
  CHECK(strcmp(frost_model_label(tuned, 0), "dark") == 0);
  REQUIRE_OK(frost_attach_head(base, head_path, &attached));
  CHECK(frost_model_num_labels(attached) == 2);
  frost_model_free(base); /* sessions and the tuner keep it alive */
  base = NULL;
  REQUIRE_OK(frost_session_create(tuned, 1, &tuned_session));
  REQUIRE_OK(frost_session_create(attached, 1, &attached_session));
  CHECK(frost_session_output_elements(tuned_session, 0, 1) == 2);
  REQUIRE_OK(frost_session_run(tuned_session, input, 48, 1, tuned_out, 2));
  REQUIRE_OK(frost_session_run(attached_session, input, 48, 1, attached_out, 2));
  CHECK(fabsf(tuned_out[0] - attached_out[0]) < 1e-5f &&
        fabsf(tuned_out[1] - attached_out[1]) < 1e-5f);
  CHECK(tuned_out[1] > tuned_out[0]); /* the light image is "light" */
  REQUIRE_OK(frost_session_run(session, input, 48, 1, output, 3)); /* still runs */

  REQUIRE_OK(frost_model_load(other_path, &other));
  frost_model_free(attached);
  attached = NULL;
  CHECK(frost_attach_head(other, head_path, &attached) == FROST_ERR_FAILED);
  CHECK(attached == NULL && frost_last_error()[0] != '\0');
  CHECK(frost_attach_head(other, tuned_path, &attached) == FROST_ERR_FAILED); /* no head file */

  /* ---- Bad arguments: errors, never crashes ---- */
  frost_model_free(tuned); /* the out pointers below are cleared on failure */
  tuned = NULL;
  frost_session_free(session);
  session = NULL;
  CHECK(Refused(frost_model_load(missing, &tuned), FROST_ERR_FAILED, "missing.frost"));
  CHECK(tuned == NULL);
  CHECK(Refused(frost_model_load(NULL, &tuned), FROST_ERR_INVALID_ARGUMENT, "path is NULL"));
  CHECK(Refused(frost_model_load(base_path, NULL), FROST_ERR_INVALID_ARGUMENT, "out is NULL"));
  CHECK(Refused(frost_model_input(NULL, 0, &info), FROST_ERR_INVALID_ARGUMENT, "model is NULL"));
  CHECK(Refused(frost_model_input(other, 1, &info), FROST_ERR_INVALID_ARGUMENT,
                "input 1 does not exist"));
  CHECK(Refused(frost_model_output(other, 0, NULL), FROST_ERR_INVALID_ARGUMENT, "out is NULL"));
  CHECK(frost_model_num_inputs(NULL) == 0 && frost_model_num_labels(NULL) == 0);
  CHECK(frost_model_label(NULL, 0) == NULL && frost_model_feature_tensor(NULL) == NULL);
  CHECK(frost_model_input_elements(NULL) == 0 && frost_model_batch_polymorphic(NULL) == 0);
  CHECK(Refused(frost_model_load_image(other, image_path, input, 10), FROST_ERR_INVALID_ARGUMENT,
                "needs 48"));
  CHECK(Refused(frost_model_load_image(other, missing, input, 48), FROST_ERR_FAILED,
                "missing.frost"));
  CHECK(Refused(frost_session_create(NULL, 1, &session), FROST_ERR_INVALID_ARGUMENT,
                "model is NULL"));
  CHECK(session == NULL);
  CHECK(Refused(frost_session_create(other, -1, &session), FROST_ERR_INVALID_ARGUMENT,
                "threads"));
  REQUIRE_OK(frost_session_create(other, 1, &session));
  CHECK(Refused(frost_session_run(NULL, input, 48, 1, output, 3), FROST_ERR_INVALID_ARGUMENT,
                "session is NULL"));
  CHECK(Refused(frost_session_run(session, NULL, 48, 1, output, 3), FROST_ERR_INVALID_ARGUMENT,
                "input is NULL"));
  CHECK(Refused(frost_session_run(session, input, 48, 1, NULL, 3), FROST_ERR_INVALID_ARGUMENT,
                "output is NULL"));
  CHECK(Refused(frost_session_run(session, input, 47, 1, output, 3), FROST_ERR_INVALID_ARGUMENT,
                "1 samples need 48"));
  CHECK(Refused(frost_session_run(session, input, 96, 2, output, 5), FROST_ERR_INVALID_ARGUMENT,
                "output holds 5"));
  CHECK(Refused(frost_session_run(session, input, 0, 0, output, 3), FROST_ERR_INVALID_ARGUMENT,
                "batch is 0"));
  CHECK(Refused(frost_session_run_multi(session, NULL, 1, 1, NULL, 1),
                FROST_ERR_INVALID_ARGUMENT, "inputs is NULL"));
  CHECK(frost_session_output_elements(NULL, 0, 1) == 0);

  frost_train_config_default(NULL); /* ignored */
  frost_train_config_default(&config);
  config.optimizer = "adagrad";
  CHECK(Refused(frost_finetuner_create(other, &config, &bad), FROST_ERR_INVALID_ARGUMENT,
                "--optimizer: 'adagrad' is not one of sgd|adam|adamw|rmsprop"));
  CHECK(bad == NULL);
  frost_train_config_default(&config);
  config.head = "mlp:";
  CHECK(Refused(frost_finetuner_create(other, &config, &bad), FROST_ERR_INVALID_ARGUMENT,
                "--head"));
  memset(&config, 0, sizeof config);
  CHECK(Refused(frost_finetuner_create(other, &config, &bad), FROST_ERR_INVALID_ARGUMENT,
                "frost_train_config_default"));
  frost_train_config_default(&config);
  config.lr = -1;
  config.backbone_threads = 1;
  REQUIRE_OK(frost_finetuner_create(other, &config, &bad)); /* checked at start */
  CHECK(Refused(frost_finetuner_start(bad), FROST_ERR_FAILED, "no training samples"));
  CHECK(Refused(frost_finetuner_add_image(bad, missing, 0, 0), FROST_ERR_FAILED,
                "missing.frost"));
  CHECK(Refused(frost_finetuner_add_image(bad, NULL, 0, 0), FROST_ERR_INVALID_ARGUMENT,
                "path is NULL"));
  CHECK(Refused(frost_finetuner_add_dataset(bad, "idx:a", 0, NULL, NULL), FROST_ERR_FAILED,
                "idx:a"));
  CHECK(Refused(frost_finetuner_set_class_names(bad, NULL, 2), FROST_ERR_INVALID_ARGUMENT,
                "names is NULL"));
  {
    const char* names[2] = {"x", NULL};
    CHECK(Refused(frost_finetuner_set_class_names(bad, names, 2), FROST_ERR_INVALID_ARGUMENT,
                  "name 1 is NULL"));
    CHECK(Refused(frost_finetuner_set_class_names(bad, names, 0), FROST_ERR_INVALID_ARGUMENT,
                  "no class names"));
  }
  REQUIRE_OK(frost_finetuner_add_dataset(bad, data_dir, 0, NULL, NULL));
  CHECK(Refused(frost_finetuner_fit(bad, NULL, NULL), FROST_ERR_FAILED, "--lr"));
  CHECK(Refused(frost_finetuner_evaluate(bad, data_dir, &eval), FROST_ERR_STATE,
                "has not started"));
  frost_finetuner_free(bad);
  bad = NULL;

  /* Divergence: its own code, and the best head so far can still be saved. */
  frost_train_config_default(&config);
  config.lr = 1e30;
  config.epochs = 3;
  config.backbone_threads = 1;
  REQUIRE_OK(frost_finetuner_create(other, &config, &bad));
  REQUIRE_OK(frost_finetuner_add_dataset(bad, data_dir, 0, NULL, NULL));
  CHECK(Refused(frost_finetuner_fit(bad, NULL, NULL), FROST_ERR_DIVERGED, "became"));
  CHECK(strcmp(frost_finetuner_stop_reason(bad), "diverged") == 0);
  CHECK(frost_finetuner_fit(bad, NULL, NULL) == FROST_ERR_DIVERGED);
  REQUIRE_OK(frost_finetuner_save_head(bad, head_path));
  frost_finetuner_free(bad);
  bad = NULL;

  CHECK(Refused(frost_finetuner_create(NULL, NULL, &bad), FROST_ERR_INVALID_ARGUMENT,
                "backbone is NULL"));
  CHECK(Refused(frost_finetuner_step(NULL), FROST_ERR_INVALID_ARGUMENT, "tuner is NULL"));
  CHECK(Refused(frost_finetuner_fit(NULL, NULL, NULL), FROST_ERR_INVALID_ARGUMENT,
                "tuner is NULL"));
  CHECK(Refused(frost_finetuner_epoch(NULL, 0, &metrics), FROST_ERR_INVALID_ARGUMENT,
                "tuner is NULL"));
  CHECK(Refused(frost_finetuner_save_head(NULL, head_path), FROST_ERR_INVALID_ARGUMENT,
                "tuner is NULL"));
  CHECK(Refused(frost_attach_head(NULL, head_path, &attached), FROST_ERR_INVALID_ARGUMENT,
                "base is NULL"));
  CHECK(frost_finetuner_num_samples(NULL, 0) == 0 && frost_finetuner_done(NULL) == 0);
  CHECK(frost_finetuner_stop_reason(NULL) == NULL && frost_finetuner_class_name(NULL, 0) == NULL);
  CHECK(strcmp(frost_status_name(FROST_ERR_STATE), "call out of order") == 0);
  frost_model_free(NULL);
  frost_session_free(NULL);
  frost_finetuner_free(NULL);

done:
  frost_finetuner_free(bad);
  frost_finetuner_free(tuner);
  frost_session_free(attached_session);
  frost_session_free(tuned_session);
  frost_session_free(session);
  frost_model_free(attached);
  frost_model_free(tuned);
  frost_model_free(other);
  frost_model_free(base);
  nftw(scratch, RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
  printf("%d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
