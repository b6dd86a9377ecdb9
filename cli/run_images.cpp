// frost run model.frost cat.jpg dog.png --top 5
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "commands.hpp"
#include "frost/io/image.hpp"
#include "run.hpp"
#include "run_samples.hpp"

namespace frost::cli {
namespace {

// A model output is taken as probabilities when it already is a distribution
// (a softmax layer at the end); otherwise it is treated as logits.
bool IsDistribution(const float* values, size_t n) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!(values[i] >= -1e-6f && values[i] <= 1.0f + 1e-6f)) return false;
    sum += values[i];
  }
  return std::fabs(sum - 1.0) < 1e-3;
}

std::vector<double> Softmax(const float* values, size_t n) {
  const double max = *std::max_element(values, values + n);
  std::vector<double> p(n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) sum += p[i] = std::exp(values[i] - max);
  for (double& v : p) v /= sum;
  return p;
}

void PrintTop(const std::string& image, const float* output, size_t classes, int top,
              const std::vector<std::string>& labels) {
  const bool distribution = IsDistribution(output, classes);
  const std::vector<double> p =
      distribution ? std::vector<double>(output, output + classes) : Softmax(output, classes);
  std::vector<size_t> order(classes);
  std::iota(order.begin(), order.end(), 0);
  const size_t k = std::min<size_t>(static_cast<size_t>(top), classes);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](size_t a, size_t b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  std::printf("%s: top %zu of %zu, %s\n", image.c_str(), k, classes,
              distribution ? "probabilities (the model's output)"
                           : "probabilities (softmax of the model's output)");
  const bool named = labels.size() == classes;
  for (size_t i = 0; i < k; ++i) {
    const size_t c = order[i];
    std::printf("  %.4f  %4zu%s%s\n", p[c], c, named ? "  " : "", named ? labels[c].c_str() : "");
  }
}

}  // namespace

int RunImages(const RunArgs& args, const Model& model, Session& session) {
  if (model.inputs().size() != 1) {
    return ReportError(Status::Error(args.model + " has " + std::to_string(model.inputs().size()) +
                                     " inputs; images can only feed a model with one input"));
  }
  io::ImageInputLayout image_layout;
  if (Status s = io::ImageInputLayoutFromShape(model.inputs()[0].shape, model.inputs()[0].name,
                                               &image_layout);
      !s) {
    return ReportError(s);
  }
  SampleLayout layout;
  if (Status s = DescribeSamples(model, session, &layout); !s) return ReportError(s);
  const size_t classes = layout.output_elements[0];
  if (classes == 0) return ReportError(Status::Error(args.model + ": the output is empty"));
  if (model.labels().size() != classes && !model.labels().empty()) {
    std::fprintf(stderr, "frost: note: %s has %zu labels for %zu classes; printing indices\n",
                 args.model.c_str(), model.labels().size(), classes);
  }

  // Results go to stdout: a progress line only when they do not also go to the terminal.
  io::Progress progress("classifying", args.images.size(), "images");
  if (io::Progress::IsTerminal(stdout)) progress.set_enabled(false);
  bool failed = false;
  for (size_t n = 0; n < args.images.size(); ++n) {
    const std::string& path = args.images[n];
    // One image per call: a file that cannot be read is reported and the others still run.
    const Status status = RunSamples(
        session, layout, 1, 1,
        [&](size_t, const std::vector<float*>& in) {
          return io::LoadImageAsInput(path, model.preprocessing(), image_layout, in[0]);
        },
        [&](size_t, const std::vector<const float*>& out) {
          PrintTop(path, out[0], classes, args.top, model.labels());
          return Status::Ok();
        },
        nullptr);
    if (!status) {
      std::fflush(stdout);
      ReportError(status);
      failed = true;
    }
    progress.Update(n + 1);
  }
  progress.Finish();
  return failed ? kExitError : kExitOk;
}

}  // namespace frost::cli
