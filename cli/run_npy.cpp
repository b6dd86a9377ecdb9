// frost run model.frost --input x.npy --output y.npy
#include <cstdio>
#include <cstring>

#include "commands.hpp"
#include "frost/io/npy.hpp"
#include "run.hpp"
#include "run_samples.hpp"

namespace frost::cli {
namespace {

// The input must be [N, <the model input's per-sample shape>].
Status CheckInputShape(const std::string& path, const io::NpyArray& array, const TensorInfo& input,
                       const std::vector<int64_t>& sample_shape) {
  std::vector<int64_t> wanted = {-1};
  wanted.insert(wanted.end(), sample_shape.begin(), sample_shape.end());
  bool ok = array.shape.size() == wanted.size();
  for (size_t d = 1; ok && d < wanted.size(); ++d) ok = array.shape[d] == wanted[d];
  if (ok) return Status::Ok();
  std::string expected = io::ShapeToString(wanted);
  expected.replace(1, 2, "N");
  return Status::Error(path + " has shape " + io::ShapeToString(array.shape) + "; model input '" +
                       input.name + "' takes " + expected + " (float32, N samples)");
}

}  // namespace

int RunNpy(const RunArgs& args, const Model& model, Session& session) {
  SampleLayout layout;
  if (Status s = DescribeSamples(model, session, &layout); !s) return ReportError(s);

  std::vector<io::NpyArray> inputs(args.inputs.size());
  size_t count = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (Status s = io::ReadNpy(args.inputs[i], &inputs[i]); !s) return ReportError(s);
    if (Status s =
            CheckInputShape(args.inputs[i], inputs[i], model.inputs()[i], layout.input_shapes[i]);
        !s) {
      return ReportError(s);
    }
    if (inputs[i].source_type != io::NpyType::kFloat32) {
      std::fprintf(stderr, "frost: note: %s holds %s values, converted to float32\n",
                   args.inputs[i].c_str(), io::NpyDescr(inputs[i].source_type));
    }
    const size_t n = static_cast<size_t>(inputs[i].shape[0]);
    if (i > 0 && n != count) {
      return ReportError(Status::Error(args.inputs[i] + " holds " + std::to_string(n) +
                                       " samples but " + args.inputs[0] + " holds " +
                                       std::to_string(count)));
    }
    count = n;
  }

  std::vector<std::vector<float>> outputs(args.outputs.size());
  for (size_t j = 0; j < outputs.size(); ++j) outputs[j].resize(count * layout.output_elements[j]);
  io::Progress progress("running", count, "samples");
  const Status status = RunSamples(
      session, layout, count, args.max_batch,
      [&](size_t index, const std::vector<float*>& in) {
        for (size_t i = 0; i < in.size(); ++i) {
          const size_t n = layout.input_elements[i];
          std::memcpy(in[i], inputs[i].data.data() + index * n, n * sizeof(float));
        }
        return Status::Ok();
      },
      [&](size_t index, const std::vector<const float*>& out) {
        for (size_t j = 0; j < out.size(); ++j) {
          const size_t n = layout.output_elements[j];
          std::memcpy(outputs[j].data() + index * n, out[j], n * sizeof(float));
        }
        return Status::Ok();
      },
      &progress);
  progress.Finish();
  if (!status) return ReportError(status);

  for (size_t j = 0; j < outputs.size(); ++j) {
    std::vector<int64_t> shape = {static_cast<int64_t>(count)};
    shape.insert(shape.end(), layout.output_shapes[j].begin(), layout.output_shapes[j].end());
    if (Status s = io::WriteNpy(args.outputs[j], shape, outputs[j].data()); !s) {
      return ReportError(s);
    }
    std::printf("wrote %s %s\n", args.outputs[j].c_str(), io::ShapeToString(shape).c_str());
  }
  return kExitOk;
}

}  // namespace frost::cli
