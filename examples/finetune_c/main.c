/* Fine-tunes a .frost backbone on a folder of labelled images through frost's C API.
 *
 *   frost_finetune_c BASE.frost IMAGES_DIR OUT.frost [EPOCHS]
 *
 * IMAGES_DIR/<class>/<image>.png|jpg|bmp: the class folders (sorted by name) become the new
 * labels. A fifth of each class validates; the best epoch's head (lowest validation loss,
 * early stopping after 5 epochs without improvement) is written to OUT.frost, a complete
 * model that `frost run` and frost_model_load take like any other. */
#include <stdio.h>
#include <stdlib.h>

#include "frost/frost.h"

static int Fail(const char* what) {
  fprintf(stderr, "error: %s: %s\n", what, frost_last_error());
  return 1;
}

static void OnProgress(size_t done, size_t total, void* user) {
  (void)user;
  fprintf(stderr, "\rfeatures %zu / %zu", done, total);
  if (done == total) fprintf(stderr, "\n");
}

static void OnEpoch(const frost_epoch_metrics* m, void* user) {
  (void)user;
  printf("%5d %10.4f %8.2f%% %10.4f %8.2f%% %10.3g %6.2fs%s\n", m->epoch, m->train_loss,
         m->train_accuracy * 100, m->val_loss, m->val_accuracy * 100, m->lr, m->seconds,
         m->best ? "  *" : "");
  fflush(stdout);
}

int main(int argc, char** argv) {
  frost_model* base = NULL;
  frost_finetuner* tuner = NULL;
  frost_train_config config;
  frost_tensor_info input;
  size_t c;
  int status, result = 1;

  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s BASE.frost IMAGES_DIR OUT.frost [EPOCHS]\n", argv[0]);
    return 2;
  }
  if (frost_model_load(argv[1], &base) != FROST_OK) return Fail(argv[1]);
  if (frost_model_input(base, 0, &input) != FROST_OK) goto error;
  printf("backbone  %s: input '%s' of %zu values, features from '%s'\n", argv[1], input.name,
         frost_model_input_elements(base), frost_model_feature_tensor(base));

  frost_train_config_default(&config);
  config.optimizer = "adam";
  config.lr = 1e-3;
  config.epochs = argc == 5 ? atoi(argv[4]) : 20;
  config.schedule = "cosine";
  config.val_split = 0.2;
  config.early_stop = 5;
  if (frost_finetuner_create(base, &config, &tuner) != FROST_OK) goto error;
  if (frost_finetuner_add_dataset(tuner, argv[2], 0, OnProgress, NULL) != FROST_OK) goto error;
  if (frost_finetuner_start(tuner) != FROST_OK) goto error;
  printf("classes  ");
  for (c = 0; c < frost_finetuner_num_classes(tuner); ++c) {
    printf(" %s", frost_finetuner_class_name(tuner, c));
  }
  printf("\ntraining  %zu samples, validation %zu\n", frost_finetuner_num_samples(tuner, 0),
         frost_finetuner_num_samples(tuner, 1));
  printf("%5s %10s %9s %10s %9s %10s\n", "epoch", "train loss", "train acc", "val loss",
         "val acc", "lr");

  /* Divergence still leaves the best head so far, which is worth saving. */
  status = frost_finetuner_fit(tuner, OnEpoch, NULL);
  if (status != FROST_OK && status != FROST_ERR_DIVERGED) goto error;
  if (status == FROST_ERR_DIVERGED) fprintf(stderr, "warning: %s\n", frost_last_error());
  printf("stopped   %s; result: epoch %d's head\n", frost_finetuner_stop_reason(tuner),
         frost_finetuner_best_epoch(tuner));
  if (frost_finetuner_save(tuner, argv[3]) != FROST_OK) goto error;
  printf("wrote     %s\n", argv[3]);
  result = 0;
  goto done;

error:
  Fail("fine-tuning");
done:
  frost_finetuner_free(tuner);
  frost_model_free(base);
  return result;
}
