#include "runner.hpp"

#include <chrono>
#include <filesystem>
#include <memory>

#include "compare.hpp"
#include "frost/convert.hpp"
#include "frost/frost.hpp"

namespace frost::conformance {
namespace fs = std::filesystem;

namespace {

// Output buffers are pre-filled with this, so an element the runtime never wrote mismatches.
constexpr float kUnwritten = -7.77e37f;

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Converter messages name the scratch file; keep skipped.md independent of where it was.
std::string WithoutWorkDir(std::string message, const std::string& work_dir) {
  for (size_t at; (at = message.find(work_dir)) != std::string::npos;) {
    message.replace(at, work_dir.size(), "<tmp>");
  }
  return message;
}

void RunAndCompare(const std::shared_ptr<const Model>& model, bool reference,
                   const onnx::GraphProto& graph, const DataSet& data,
                   std::vector<std::string>* failures) {
  const std::string path = reference ? "reference: " : "fast path: ";
  SessionOptions options;
  options.threads = 1;
  options.reference = reference;
  std::unique_ptr<Session> session;
  if (auto s = Session::Create(model, options, &session); !s) {
    failures->push_back(path + "Session::Create failed: " + s.message());
    return;
  }
  std::vector<float> input;
  if (auto s = TensorToFloats(data.inputs[0], &input); !s) {
    failures->push_back(path + s.message());
    return;
  }
  const int64_t batch = data.inputs[0].dims_size() > 0 ? data.inputs[0].dims(0) : 1;
  const size_t num_outputs = model->outputs().size();
  std::vector<std::vector<float>> outputs(num_outputs);
  std::vector<float*> output_ptrs;
  for (size_t j = 0; j < num_outputs; ++j) {
    outputs[j].assign(session->OutputElements(j, batch), kUnwritten);
    output_ptrs.push_back(outputs[j].data());
  }
  if (auto s = session->Run({input.data()}, batch, output_ptrs); !s) {
    failures->push_back(path + "Run(batch " + std::to_string(batch) + ") failed: " + s.message());
    return;
  }
  for (int k = 0; k < graph.output_size(); ++k) {
    const std::string& name = graph.output(k).name();
    size_t j = 0;
    while (j < num_outputs && model->outputs()[j].name != name) ++j;
    if (j == num_outputs) {
      failures->push_back(path + "the converted model has no output named '" + name + "'");
      continue;
    }
    std::vector<float> expected;
    if (auto s = TensorToFloats(data.outputs[k], &expected); !s) {
      failures->push_back(path + s.message());
      continue;
    }
    const std::string where = path + "output '" + name + "': ";
    std::vector<int64_t> shape = session->OutputShape(j, batch);
    if (shape != Dims(data.outputs[k])) {
      failures->push_back(where + "shape " + ShapeText(shape) + ", expected " +
                          ShapeText(Dims(data.outputs[k])));
      continue;
    }
    if (outputs[j].size() != expected.size()) {
      failures->push_back(where + std::to_string(outputs[j].size()) + " elements, expected " +
                          std::to_string(expected.size()));
      continue;
    }
    if (Comparison c = Compare(outputs[j].data(), expected); !c.ok) {
      failures->push_back(where + c.Describe());
    }
  }
}

// True if `message` names one of the ops of `model` that are outside the converter's list.
bool NamesAnOutsideOp(const std::string& message, const std::set<std::string>& ops) {
  for (const auto& op : ops) {
    bool outside = !ListedOps().count(op) && !FoldableGlueOps().count(op);
    if (outside && message.find(op) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

CaseResult RunCase(const std::string& case_dir, const onnx::ModelProto& model,
                   const std::string& work_dir) {
  const auto start = std::chrono::steady_clock::now();
  CaseResult r;
  r.name = fs::path(case_dir).filename().string();
  r.ops = OpTypes(model);
  auto finish = [&](Outcome outcome) {
    r.outcome = outcome;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  };
  std::vector<DataSet> data_sets;
  if (auto s = LoadDataSets(case_dir, &data_sets); !s) {
    r.failures.push_back(s.message());
    return finish(Outcome::kFailed);
  }
  for (size_t d = 0; d < data_sets.size(); ++d) {
    const DataSet& data = data_sets[d];
    onnx::ModelProto static_model;
    if (auto s = MakeStaticModel(model, data, &static_model); !s) {
      r.failures.push_back(s.message());
      return finish(Outcome::kFailed);
    }
    if (static_cast<int>(data.outputs.size()) != model.graph().output_size()) {
      r.failures.push_back(data.dir + ": " + std::to_string(data.outputs.size()) +
                           " output files for " + std::to_string(model.graph().output_size()) +
                           " graph outputs");
      return finish(Outcome::kFailed);
    }
    std::vector<Finding> findings = Classify(static_model, data);
    if (d == 0) r.findings = findings;
    if (!Attemptable(findings)) {
      r.skip_code = Info(findings[0].reason).code;
      r.skip_detail = findings[0].detail;
      return finish(Outcome::kSkipped);
    }

    const fs::path dir = fs::path(work_dir) / r.name / ("set_" + std::to_string(d));
    std::error_code ec;
    fs::create_directories(dir, ec);
    ConvertOptions options;
    options.input_path = (dir / "model.onnx").string();
    options.output_path = (dir / "model.frost").string();
    if (auto s = WriteModel(static_model, options.input_path); !s) {
      r.failures.push_back(s.message());
      return finish(Outcome::kFailed);
    }
    if (Status s = Convert(options); !s) {
      const std::string message = WithoutWorkDir(s.message(), work_dir);
      if (fs::exists(options.output_path)) {
        r.failures.push_back("conversion failed but left an output file; message: " + message);
      } else if (findings.empty()) {
        r.failures.push_back("conversion failed: " + message);
      } else if (findings[0].reason == Reason::kOpOutsideList &&
                 !NamesAnOutsideOp(message, r.ops)) {
        r.failures.push_back("refused a graph with ops outside the list (" + findings[0].detail +
                             ") with a message that names none of them: " + message);
      } else {
        r.skip_code = Info(findings[0].reason).code;
        r.skip_detail = findings[0].detail;
        r.converter_message = message;
        return finish(Outcome::kSkipped);
      }
      return finish(Outcome::kFailed);
    }
    std::shared_ptr<const Model> frost_model;
    if (auto s = Model::Load(options.output_path, &frost_model); !s) {
      r.failures.push_back("the converted file does not load: " + s.message());
      return finish(Outcome::kFailed);
    }
    if (frost_model->inputs().size() != 1) {
      r.failures.push_back("the converted model has " +
                           std::to_string(frost_model->inputs().size()) + " inputs, expected 1");
      return finish(Outcome::kFailed);
    }
    for (bool reference : {false, true}) {
      RunAndCompare(frost_model, reference, static_model.graph(), data, &r.failures);
    }
    ++r.data_sets_run;
    if (!r.failures.empty()) return finish(Outcome::kFailed);
  }
  for (const auto& f : r.findings) {
    r.notes.push_back(std::string("converted and matched despite ") + Info(f.reason).code + ": " +
                      f.detail);
  }
  return finish(Outcome::kPassed);
}

}  // namespace frost::conformance
