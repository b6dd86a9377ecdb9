// frost info model.frost [--json]
#include <cinttypes>
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "format.hpp"
#include "model_facts.hpp"

namespace frost::cli {
namespace {

std::string Shape(const Json& shape) {
  if (shape.is_null()) return "?";
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + shape[i].dump();
  return s + "]";
}

std::string Floats(const Json& values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%g", values[i].get<double>());
    s += (i ? ", " : "") + std::string(buffer);
  }
  return s + "]";
}

std::string Preprocess(const Json& p, const Json& inputs) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "pixel * %g", p["scale"].get<double>());
  std::string s = buffer;
  if (!p["mean"].empty()) s += ", - mean " + Floats(p["mean"]);
  if (!p["std"].empty()) s += ", / std " + Floats(p["std"]);
  s += ", " + p["channel_order"].get<std::string>();
  const double crop = p["crop_fraction"].get<double>();
  std::snprintf(buffer, sizeof(buffer), "%g", crop);
  s += crop >= 1.0 ? ", whole image resized to the input size"
                   : ", centre crop " + std::string(buffer) + " of the shorter side";
  return s;
}

void PrintText(const Json& f) {
  auto row = [](const char* key, const std::string& value) {
    std::printf("%-13s %s\n", key, value.c_str());
  };
  row("model", f["file"].get<std::string>());
  row("source", f["source"].get<std::string>() + " (" + f["producer"].get<std::string>() +
                    ", format version " + f["format_version"].dump() + ")");
  for (const Json& t : f["inputs"])
    row("input", t["name"].get<std::string>() + " " + Shape(t["shape"]));
  for (const Json& t : f["outputs"])
    row("output", t["name"].get<std::string>() + " " + Shape(t["shape"]));
  row("batch", f["batch_polymorphic"].get<bool>()
                   ? "any size (batch polymorphic)"
                   : "only " + f["inputs"][0]["shape"][0].dump() + " (not batch polymorphic)");
  std::string ops = std::to_string(f["ops"]["total"].get<uint64_t>()) + ":";
  for (const auto& [type, count] : f["ops"]["by_type"].items()) {
    ops += " " + type + " " + count.dump() + ",";
  }
  if (ops.back() == ',') ops.pop_back();
  row("ops", ops);
  const uint64_t params = f["params"].get<uint64_t>();
  row("params", params < 1000
                    ? Grouped(params)
                    : Grouped(params) + " (" + Scaled(static_cast<double>(params), "") + ")");
  std::string weights;
  for (const auto& [type, w] : f["weights"].items()) {
    weights += (weights.empty() ? "" : ", ") + type + " " +
               Grouped(w["params"].get<uint64_t>()) + " params (" +
               Bytes(w["bytes"].get<uint64_t>()) + ")";
  }
  row("weights", weights.empty() ? "none" : weights);
  if (!f["int8_ops"].empty()) {
    std::string int8_ops;
    for (const auto& [type, count] : f["int8_ops"].items()) {
      int8_ops += (int8_ops.empty() ? "" : ", ") + type + " " + count.dump();
    }
    row("int8 ops", int8_ops + " (INT8 weights per output channel, activations on int8 grids)");
  }
  row("FLOPs", Scaled(f["flops"].get<double>(), "FLOP") + " per sample (multiply-add = 2)");
  row("preprocessing", Preprocess(f["preprocessing"], f["inputs"]));
  const Json& labels = f["labels"];
  std::string label_text = labels["count"].dump();
  for (size_t i = 0; i < labels["names"].size() && i < 5; ++i) {
    label_text += (i ? ", " : ": ") + labels["names"][i].get<std::string>();
  }
  if (labels["names"].size() > 5) label_text += ", ...";
  row("labels", label_text);
  const Json& head = f["head"];
  if (head["feature_tensor"].is_null()) {
    row("head", "none recorded");
  } else {
    row("head", "features '" + head["feature_tensor"].get<std::string>() + "' " +
                    Shape(head["shape"]) + " -> " + head["ops"].dump() + " op(s), " +
                    Grouped(head["params"].get<uint64_t>()) + " params");
  }
  if (head.contains("backbone_sha256")) {
    row("backbone", "head-only file for the backbone with SHA-256 " +
                        head["backbone_sha256"].get<std::string>() + " (frost run BASE --head FILE)");
  }
  const Json& m = f["memory"];
  row("memory", "file " + Bytes(m["file_bytes"].get<uint64_t>()) + ", weights " +
                    Bytes(m["weight_bytes"].get<uint64_t>()) + ", activations " +
                    Bytes(m["arena_bytes"].get<uint64_t>()) + " (batch " +
                        std::to_string(m["arena_batch"].get<int64_t>()) + ")");
}

}  // namespace

Command AddInfoCommand(CLI::App& app) {
  struct Args {
    std::string model;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* command = app.add_subcommand(
      "info", "Describe a .frost model: ops, params, FLOPs, I/O, preprocessing, head, memory");
  command->footer("Exit status: 0 success, 1 error (message on stderr), 2 bad command line.");
  command->add_option("model", args->model, ".frost file")->required();
  command->add_flag("--json", args->json, "print the same facts as one JSON object");
  return {command, [args] {
            std::shared_ptr<const Model> model;
            if (Status s = Model::Load(args->model, &model); !s) return ReportError(s);
            const Json facts = ModelFacts(*model);
            if (args->json) {
              // Labels from a file may not be UTF-8: replace bad bytes rather than fail.
              std::printf("%s\n",
                          facts.dump(2, ' ', false, Json::error_handler_t::replace).c_str());
            } else {
              PrintText(facts);
            }
            return static_cast<int>(kExitOk);
          }};
}

}  // namespace frost::cli
