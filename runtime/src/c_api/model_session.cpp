// The C API's models and sessions (frost::Model, frost::Session).
#include "c_api/c_api_internal.hpp"
#include "frost/data.hpp"
#include "frost/io/image.hpp"

using namespace frost::c_api;

namespace {

int CopyTensorInfo(const char* function, const std::vector<frost::TensorInfo>& list,
                   size_t index, const char* which, frost_tensor_info* out) {
  if (index >= list.size()) {
    return Fail(FROST_ERR_INVALID_ARGUMENT, std::string(function) + ": " + which + " " +
                                                std::to_string(index) + " does not exist; the "
                                                "model has " + std::to_string(list.size()));
  }
  const frost::TensorInfo& info = list[index];
  if (info.shape.size() > FROST_MAX_RANK) {
    return Fail(FROST_ERR_FAILED, std::string(function) + ": " + which + " '" + info.name +
                                      "' has rank " + std::to_string(info.shape.size()) +
                                      ", above FROST_MAX_RANK");
  }
  *out = frost_tensor_info{};
  out->name = info.name.c_str();
  out->rank = int(info.shape.size());
  for (size_t d = 0; d < info.shape.size(); ++d) out->shape[d] = info.shape[d];
  return Ok();
}

size_t ElementsOf(const std::vector<int64_t>& shape) {
  if (shape.empty()) return 0;
  size_t n = 1;
  for (int64_t d : shape) n *= d > 0 ? size_t(d) : 0;
  return n;
}

}  // namespace

extern "C" {

int frost_model_load(const char* path, frost_model** out) {
  return Guard([&] {
    if (out == nullptr) return NullArgument("frost_model_load", "out");
    *out = nullptr;
    if (path == nullptr) return NullArgument("frost_model_load", "path");
    std::shared_ptr<const frost::Model> model;
    if (auto s = frost::Model::Load(path, &model); !s) return FromStatus(s);
    auto handle = std::make_unique<frost_model>();
    handle->feature_tensor = model->feature_tensor();
    handle->model = std::move(model);
    *out = handle.release();
    return Ok();
  });
}

void frost_model_free(frost_model* model) { delete model; }

size_t frost_model_num_inputs(const frost_model* model) {
  return model ? model->model->inputs().size() : 0;
}

size_t frost_model_num_outputs(const frost_model* model) {
  return model ? model->model->outputs().size() : 0;
}

int frost_model_input(const frost_model* model, size_t index, frost_tensor_info* out) {
  return Guard([&] {
    if (model == nullptr) return NullArgument("frost_model_input", "model");
    if (out == nullptr) return NullArgument("frost_model_input", "out");
    return CopyTensorInfo("frost_model_input", model->model->inputs(), index, "input", out);
  });
}

int frost_model_output(const frost_model* model, size_t index, frost_tensor_info* out) {
  return Guard([&] {
    if (model == nullptr) return NullArgument("frost_model_output", "model");
    if (out == nullptr) return NullArgument("frost_model_output", "out");
    return CopyTensorInfo("frost_model_output", model->model->outputs(), index, "output", out);
  });
}

size_t frost_model_input_elements(const frost_model* model) {
  return model ? InputSampleElements(*model->model) : 0;
}

size_t frost_model_num_labels(const frost_model* model) {
  return model ? model->model->labels().size() : 0;
}

const char* frost_model_label(const frost_model* model, size_t index) {
  return GuardPtr([&]() -> const char* {
    if (model == nullptr) return FailNull(FROST_ERR_INVALID_ARGUMENT, "frost_model_label: model is NULL");
    const auto& labels = model->model->labels();
    if (index >= labels.size()) {
      return FailNull(FROST_ERR_INVALID_ARGUMENT,
                      "frost_model_label: label " + std::to_string(index) +
                          " does not exist; the model has " + std::to_string(labels.size()));
    }
    ClearError();
    return labels[index].c_str();
  });
}

const char* frost_model_feature_tensor(const frost_model* model) {
  if (model == nullptr) {
    return FailNull(FROST_ERR_INVALID_ARGUMENT, "frost_model_feature_tensor: model is NULL");
  }
  ClearError();
  return model->feature_tensor.c_str();
}

int frost_model_batch_polymorphic(const frost_model* model) {
  return model && model->model->batch_polymorphic() ? 1 : 0;
}

int frost_model_load_image(const frost_model* model, const char* path, float* out, size_t count) {
  return Guard([&] {
    if (model == nullptr) return NullArgument("frost_model_load_image", "model");
    if (path == nullptr) return NullArgument("frost_model_load_image", "path");
    if (out == nullptr) return NullArgument("frost_model_load_image", "out");
    frost::data::InputSpec spec;
    if (auto s = frost::data::InputSpecOf(*model->model, &spec); !s) return FromStatus(s);
    if (count < spec.layout.elements()) {
      return Fail(FROST_ERR_INVALID_ARGUMENT,
                  "frost_model_load_image: the buffer holds " + std::to_string(count) +
                      " floats, the model's input needs " + std::to_string(spec.layout.elements()));
    }
    return FromStatus(frost::io::LoadImageAsInput(path, spec.preprocessing, spec.layout, out));
  });
}

int frost_session_create(const frost_model* model, int threads, frost_session** out) {
  return Guard([&] {
    if (out == nullptr) return NullArgument("frost_session_create", "out");
    *out = nullptr;
    if (model == nullptr) return NullArgument("frost_session_create", "model");
    if (threads < 0) {
      return Fail(FROST_ERR_INVALID_ARGUMENT, "frost_session_create: threads is " +
                                                  std::to_string(threads) + "; use 0 for all cores");
    }
    auto handle = std::make_unique<frost_session>();
    handle->model = model->model;
    frost::SessionOptions options;
    options.threads = threads;
    if (auto s = frost::Session::Create(model->model, options, &handle->session); !s) {
      return FromStatus(s);
    }
    *out = handle.release();
    return Ok();
  });
}

void frost_session_free(frost_session* session) { delete session; }

size_t frost_session_input_elements(const frost_session* session, size_t index, int64_t batch) {
  if (session == nullptr || index >= session->model->inputs().size() || batch < 1) return 0;
  try {
    return ElementsOf(session->session->TensorShape(session->model->inputs()[index].name, batch));
  } catch (...) {
    return 0;
  }
}

size_t frost_session_output_elements(const frost_session* session, size_t index, int64_t batch) {
  if (session == nullptr || batch < 1) return 0;
  try {
    return session->session->OutputElements(index, batch);
  } catch (...) {
    return 0;
  }
}

int frost_session_run(frost_session* session, const float* input, size_t input_count,
                      int64_t batch, float* output, size_t output_count) {
  return Guard([&] {
    if (session == nullptr) return NullArgument("frost_session_run", "session");
    if (input == nullptr) return NullArgument("frost_session_run", "input");
    if (output == nullptr) return NullArgument("frost_session_run", "output");
    const frost::Model& model = *session->model;
    if (model.inputs().size() != 1 || model.outputs().size() != 1) {
      return Fail(FROST_ERR_INVALID_ARGUMENT,
                  "frost_session_run: the model has " + std::to_string(model.inputs().size()) +
                      " inputs and " + std::to_string(model.outputs().size()) +
                      " outputs; use frost_session_run_multi");
    }
    if (batch < 1) {
      return Fail(FROST_ERR_INVALID_ARGUMENT,
                  "frost_session_run: batch is " + std::to_string(batch) + "; it must be at least 1");
    }
    const size_t need_in = frost_session_input_elements(session, 0, batch);
    const size_t need_out = frost_session_output_elements(session, 0, batch);
    if (need_in == 0 || need_out == 0) {
      return Fail(FROST_ERR_INVALID_ARGUMENT,
                  "frost_session_run: the model does not run at batch " + std::to_string(batch) +
                      (model.batch_polymorphic() ? std::string()
                                                 : "; it runs only at its stored batch " +
                                                       std::to_string(model.inputs()[0].shape[0])));
    }
    if (input_count != need_in) {
      return Fail(FROST_ERR_INVALID_ARGUMENT,
                  "frost_session_run: input holds " + std::to_string(input_count) + " floats; " +
                      std::to_string(batch) + " samples need " + std::to_string(need_in));
    }
    if (output_count < need_out) {
      return Fail(FROST_ERR_INVALID_ARGUMENT,
                  "frost_session_run: output holds " + std::to_string(output_count) + " floats; " +
                      std::to_string(batch) + " samples need " + std::to_string(need_out));
    }
    return FromStatus(session->session->Run(input, batch, output));
  });
}

int frost_session_run_multi(frost_session* session, const float* const* inputs, size_t num_inputs,
                            int64_t batch, float* const* outputs, size_t num_outputs) {
  return Guard([&] {
    if (session == nullptr) return NullArgument("frost_session_run_multi", "session");
    if (inputs == nullptr && num_inputs > 0) return NullArgument("frost_session_run_multi", "inputs");
    if (outputs == nullptr && num_outputs > 0) {
      return NullArgument("frost_session_run_multi", "outputs");
    }
    std::vector<const float*> in(inputs, inputs + num_inputs);
    std::vector<float*> out(outputs, outputs + num_outputs);
    for (size_t k = 0; k < out.size(); ++k) {
      if (out[k] == nullptr && frost_session_output_elements(session, k, batch) > 0) {
        return Fail(FROST_ERR_INVALID_ARGUMENT,
                    "frost_session_run_multi: output " + std::to_string(k) + " is NULL");
      }
    }
    return FromStatus(session->session->Run(in, batch, out));
  });
}

}  // extern "C"
