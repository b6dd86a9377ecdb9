// frost convert in.onnx out.frost [options]
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "frost/convert.hpp"

namespace frost::cli {
namespace {

struct ConvertArgs {
  std::string input, output;
  std::vector<float> mean, std_dev;
  float scale = 0;
  bool bgr = false;
  float crop = 1.0f;
  std::string labels, feature_tensor;
  int64_t batch = 1;
  bool verbose = false;
  bool fp16 = false;
  bool plain_weights = false;
  bool no_fuse_residual = false;
  std::string quantize, calibration;
  size_t calibration_images = 500;
  double calibration_percentile = 99.999;
  std::string calibration_range = "mse", weight_rounding = "gptq";
  double int8_min_agreement = ConvertOptions{}.int8_min_agreement;
};

int RunConvert(const ConvertArgs& args, const CLI::App& command) {
  ConvertOptions options;
  options.input_path = args.input;
  options.output_path = args.output;
  if (command.count("--scale")) options.scale = args.scale;
  if (command.count("--mean")) options.mean = args.mean;
  if (command.count("--std")) options.std = args.std_dev;
  options.bgr = args.bgr;
  options.crop_fraction = args.crop;
  options.labels_path = args.labels;
  options.feature_tensor = args.feature_tensor;
  options.batch = args.batch;
  options.verbose = args.verbose;  // the converter prints its pass log on stderr itself
  options.fp16 = args.fp16;
  options.plain_weights = args.plain_weights;
  options.fuse_residual_add = !args.no_fuse_residual;
  options.quantize = args.quantize;
  options.calibration = args.calibration;
  options.calibration_images = args.calibration_images;
  options.calibration_percentile = args.calibration_percentile;
  options.calibration_range = args.calibration_range;
  // A percentile given alone asks for percentile ranges.
  if (command.count("--calibration-percentile") && !command.count("--calibration-range")) {
    options.calibration_range = "percentile";
  }
  options.weight_rounding = args.weight_rounding;
  options.int8_min_agreement = args.int8_min_agreement;

  ConvertReport report;
  const Status status = Convert(options, &report);
  if (!status) return ReportError(status);
  std::printf("wrote %s: %zu ops, %zu parameters", args.output.c_str(), report.num_ops,
              report.num_params);
  if (report.quantized_ops > 0) {
    std::printf(", %zu ops int8 (activation ranges from %zu calibration images)",
                report.quantized_ops, report.calibration_images);
  }
  std::printf("\n");
  if (report.agreement_measured) {
    std::string kept;
    for (const std::string& name : report.float_ops) kept += (kept.empty() ? "" : ", ") + name;
    std::printf("int8 top-1 agreement with float on the calibration images: %.2f %%", report.calibration_agreement);
    if (kept.empty()) {
      std::printf(" (target %.2f %%; no op kept float)\n", args.int8_min_agreement);
    } else {
      std::printf(" (all-int8 %.2f %%, below the target %.2f %%: %zu ops kept float: %s)\n",
                  report.all_int8_agreement, args.int8_min_agreement, report.float_ops.size(),
                  kept.c_str());
    }
  }
  return kExitOk;
}

}  // namespace

Command AddConvertCommand(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* command = app.add_subcommand(
      "convert", "Convert an ONNX model to .frost, recording how images are preprocessed");
  command->footer(
      "An image becomes the model input as (pixel * scale - mean[c]) / std[c], pixel in 0..255,\n"
      "c counted in the model's channel order. On any error no output file is left.\n"
      "Exit status: 0 success, 1 error (message on stderr), 2 bad command line.");
  command->add_option("input", args->input, "ONNX model (.onnx)")->required();
  command->add_option("output,-o,--output", args->output, "the .frost file to write (atomically)")
      ->required();
  command
      ->add_option("--mean", args->mean,
                   "per-channel means, comma separated (default: ImageNet 0.485,0.456,0.406)")
      ->delimiter(',')
      ->expected(1, 4);
  command
      ->add_option("--std", args->std_dev,
                   "per-channel standard deviations (default: ImageNet 0.229,0.224,0.225)")
      ->delimiter(',')
      ->expected(1, 4);
  command->add_option("--scale", args->scale, "pixel scale (default: 1/255 = 0.00392157)");
  command->add_flag("--bgr", args->bgr, "the model takes BGR channel order (default: RGB)");
  command
      ->add_option("--crop", args->crop,
                   "centre-crop fraction in (0, 1]: < 1 resizes the shorter side to size/crop,\n"
                   "then crops the centre; 1 resizes the whole image (default: 1)")
      ->check(CLI::Range(0.0f, 1.0f));
  command->add_option("--labels", args->labels, "class labels, one per line")
      ->check(CLI::ExistingFile);
  command->add_option("--feature-tensor", args->feature_tensor,
                      "ONNX tensor where the frozen backbone ends and the head begins\n"
                      "(default: the input of the final fully connected layer(s))");
  command
      ->add_option("--batch", args->batch,
                   "value for a symbolic batch axis while folding shapes (default: 1)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  command->add_flag("--fp16", args->fp16,
                    "store conv / fully connected / MatMul weights as float16: half the file;\n"
                    "biases and other tensors stay float32, and so does all arithmetic");
  command->add_flag("--plain-weights", args->plain_weights,
                    "write every weight in plain layout (default: the weights frost's x86\n"
                    "kernels read are stored packed as they read them, so loading packs nothing)");
  command->add_flag("--no-fuse-residual", args->no_fuse_residual,
                    "keep a ResNet block's shortcut Add (and its Relu) a separate op (default:\n"
                    "fused into the float convolution producing one of its operands)");
  command->add_flag("-v,--verbose", args->verbose, "report what each conversion pass changed");
  command
      ->add_option("--quantize", args->quantize,
                   "int8: INT8 weights (per output channel) for Conv and FullyConnected, their\n"
                   "activations on int8 grids measured with --calibration (default: float32)")
      ->check(CLI::IsMember({"int8"}));
  command->add_option("--calibration", args->calibration,
                      "data the activation ranges are measured on, as frost eval --data takes it\n"
                      "(DIR with one subfolder per class, idx:..., npy:...)");
  command
      ->add_option("--calibration-images", args->calibration_images,
                   "use at most N calibration samples, taken evenly from every class")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--calibration-range", args->calibration_range,
                   "how each activation grid's range is chosen from the calibrated values: mse =\n"
                   "least squared error (rounding inside, clipping outside), percentile = see below")
      ->capture_default_str()
      ->check(CLI::IsMember({"mse", "percentile"}));
  command
      ->add_option("--calibration-percentile", args->calibration_percentile,
                   "percentile ranges: each grid spans the calibrated values from this percentile's\n"
                   "mirror to it; 100 = min to max (given alone, implies --calibration-range percentile)")
      ->capture_default_str()
      ->check(CLI::Range(50.0, 100.0));
  command
      ->add_option("--weight-rounding", args->weight_rounding,
                   "gptq: round weights column by column, pushing each error onto the rest through\n"
                   "the calibrated input statistics (least output error; slower conversion); nearest")
      ->capture_default_str()
      ->check(CLI::IsMember({"gptq", "nearest"}));
  command
      ->add_option("--int8-min-agreement", args->int8_min_agreement,
                   "automatic mixed precision: keep the ops whose int8 version changes the output\n"
                   "most float until int8 and float agree on the top-1 of this percent of the\n"
                   "calibration images; 0 = every op int8, 100 = every calibration image agrees")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  return {command, [args, command] {
            if (args->crop <= 0.0f) {
              return ReportUsage("--crop must be greater than 0", *command);
            }
            if (!args->quantize.empty() && args->calibration.empty()) {
              return ReportUsage("--quantize int8 needs --calibration DIR", *command);
            }
            if (args->quantize.empty() && !args->calibration.empty()) {
              return ReportUsage("--calibration needs --quantize int8", *command);
            }
            return RunConvert(*args, *command);
          }};
}

}  // namespace frost::cli
