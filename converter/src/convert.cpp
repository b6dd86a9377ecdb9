// frost::Convert: ONNX file -> IR (onnx_loader + importers) -> passes -> .frost (writer),
// written to a temporary file that the runtime must load (and build a reference session
// for) before it is renamed over the output path.
#include "frost/convert.hpp"

#include <cstdio>
#include <exception>
#include <new>

#include "frost/io/atomic_file.hpp"
#include "ir.hpp"
#include "metadata.hpp"
#include "onnx_loader.hpp"
#include "passes/pass.hpp"
#include "quantize/quantize_int8.hpp"
#include "writer.hpp"

namespace frost {
namespace {

using convert::Graph;

Status WriteVerified(const std::string& path, Graph& g, const convert::FileMetadata& meta) {
  io::AtomicFile file;
  FROST_CONVERT_TRY(io::AtomicFile::Open(path, &file));
  FROST_CONVERT_TRY(convert::WriteFrost(
      g, meta, [&](const void* data, size_t size) { return file.Write(data, size); }));
  FROST_CONVERT_TRY(file.Sync());
  g = Graph();  // the weights are on disk now: free them before the runtime maps the file
  {
    std::shared_ptr<const Model> model;
    if (Status s = Model::Load(file.temp_path(), &model); !s) {
      return Status::Error("the runtime rejects the converted model (" + s.message() +
                           "); nothing was written to " + path);
    }
    std::unique_ptr<Session> session;
    SessionOptions session_options;
    session_options.reference = true;
    if (Status s = Session::Create(model, session_options, &session); !s) {
      return Status::Error("the runtime cannot run the converted model (" + s.message() +
                           "); nothing was written to " + path);
    }
  }
  return file.Commit();
}

Status ConvertModel(const ConvertOptions& options, ConvertReport* report) {
  if (options.input_path.empty()) return Status::Error("no input ONNX file given");
  if (options.output_path.empty()) return Status::Error("no output .frost file given");
  if (!options.quantize.empty() && options.quantize != "int8") {
    return Status::Error("--quantize '" + options.quantize + "': only int8 is supported");
  }
  if (options.quantize.empty() && !options.calibration.empty()) {
    return Status::Error("--calibration is for --quantize int8, which was not given");
  }
  Graph g;
  FROST_CONVERT_TRY(convert::LoadOnnx(options.input_path, options.batch, &g));
  if (!options.feature_tensor.empty()) {
    if (!g.Find(options.feature_tensor)) {
      return Status::Error("--feature-tensor '" + options.feature_tensor +
                           "': no tensor of that name in " + options.input_path);
    }
    g.feature_tensor = options.feature_tensor;
  }
  std::vector<std::string> log;
  FROST_CONVERT_TRY(convert::RunPasses(g, options, &log));
  convert::FileMetadata meta;
  FROST_CONVERT_TRY(convert::BuildMetadata(options, g, &meta, &log));
  ConvertReport result;  // QuantizeInt8 fills the int8 fields
  if (options.quantize == "int8") {
    FROST_CONVERT_TRY(convert::QuantizeInt8(options, meta, g, &result, &log));
  }
  FROST_CONVERT_TRY(convert::RunFinalPasses(g, options, &log));
  if (options.verbose) {
    for (const std::string& line : log) std::fprintf(stderr, "frost convert: %s\n", line.c_str());
  }
  if (report) {
    result.log = log;
    result.num_ops = g.nodes.size();
    for (const auto& [name, t] : g.tensors) {
      if (t.constant) result.num_params += t.floats.size() + t.int8s.size();
    }
    *report = std::move(result);
  }
  return WriteVerified(options.output_path, g, meta);
}

}  // namespace

Status Convert(const ConvertOptions& options, ConvertReport* report) {
  try {
    return ConvertModel(options, report);
  } catch (const std::bad_alloc&) {
    return Status::Error("out of memory converting " + options.input_path);
  } catch (const std::exception& e) {
    return Status::Error("internal error converting " + options.input_path + ": " + e.what());
  }
}

}  // namespace frost
