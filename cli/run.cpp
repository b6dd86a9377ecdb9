// frost run model.frost (--input x.npy --output y.npy | IMAGE...) [options]
#include "run.hpp"

#include "commands.hpp"
#include "frost/finetune.hpp"

namespace frost::cli {

Status LoadModel(const std::string& path, const std::string& head,
                 std::shared_ptr<const Model>* out) {
  std::shared_ptr<const Model> model;
  if (auto s = Model::Load(path, &model); !s) return s;
  if (head.empty()) {
    *out = std::move(model);
    return Status::Ok();
  }
  std::shared_ptr<const Model> head_model;
  if (auto s = Model::Load(head, &head_model); !s) return s;
  return AttachHead(*model, *head_model, out);
}

Command AddRunCommand(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* command =
      app.add_subcommand("run", "Run a .frost model on .npy tensors or classify images");
  command->footer(
      "  frost run model.frost --input x.npy --output y.npy\n"
      "    float32 .npy in the ONNX model's own layout (e.g. N x 3 x 224 x 224); an input\n"
      "    with N samples runs all N and writes N outputs. Other numeric dtypes are converted.\n"
      "  frost run model.frost cat.jpg dog.png --top 5\n"
      "    images (PNG, JPEG, ...) preprocessed as the model records; prints the top-k\n"
      "    labels (class indices if the model has none) with probabilities (softmax of\n"
      "    the output unless it already is a distribution).\n"
      "Exit status: 0 success, 1 error (message on stderr), 2 bad command line.");
  command->add_option("model", args->model, ".frost file")->required();
  command->add_option("images", args->images, "image files to classify");
  command->add_option("--head", args->head,
                      "a head-only file (frost finetune --head-only) to put on this backbone");
  command->add_option("-i,--input", args->inputs, ".npy input, once per model input");
  command->add_option("-o,--output", args->outputs, ".npy output to write, once per model output");
  command->add_option("--top", args->top, "how many classes to print per image (default: 5)")
      ->check(CLI::Range(1, 1 << 30));
  command->add_option("--threads", args->threads, "threads (default: 1; 0 = all cores)")
      ->check(CLI::Range(0, 4096));
  command->add_flag("--reference", args->reference,
                    "use the plain C++ reference kernels (slow; the judge of correctness)");
  command
      ->add_option("--batch-size", args->max_batch,
                   "most samples per call for batch-polymorphic models (default: 64)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));

  return {command, [args, command] {
            const bool tensors = !args->inputs.empty() || !args->outputs.empty();
            if (tensors && !args->images.empty()) {
              return ReportUsage("give either image files or --input/--output, not both", *command);
            }
            if (!tensors && args->images.empty()) {
              return ReportUsage("nothing to run: give --input x.npy --output y.npy, or images",
                                 *command);
            }
            if (tensors && (args->inputs.empty() || args->outputs.empty())) {
              return ReportUsage("--input and --output go together", *command);
            }
            std::shared_ptr<const Model> model;
            if (Status s = LoadModel(args->model, args->head, &model); !s) return ReportError(s);
            if (tensors && (args->inputs.size() != model->inputs().size() ||
                            args->outputs.size() != model->outputs().size())) {
              return ReportUsage(args->model + " has " + std::to_string(model->inputs().size()) +
                                     " input(s) and " + std::to_string(model->outputs().size()) +
                                     " output(s); give one --input per input and one --output "
                                     "per output, in order",
                                 *command);
            }
            SessionOptions options;
            options.threads = args->threads;
            options.reference = args->reference;
            std::unique_ptr<Session> session;
            if (Status s = Session::Create(model, options, &session); !s) return ReportError(s);
            return tensors ? RunNpy(*args, *model, *session) : RunImages(*args, *model, *session);
          }};
}

}  // namespace frost::cli
