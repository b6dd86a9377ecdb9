// The passes, in the order they run. Each is defined in passes/<name>.cpp.
#include "passes/pass.hpp"

namespace frost::convert {

Status InferShapesPass(Graph&, const ConvertOptions&, std::string*);
Status FoldConstantsPass(Graph&, const ConvertOptions&, std::string*);
Status RemoveNoopsPass(Graph&, const ConvertOptions&, std::string*);
Status LowerGemmPass(Graph&, const ConvertOptions&, std::string*);
Status FoldBatchNormPass(Graph&, const ConvertOptions&, std::string*);
Status SelectHeadPass(Graph&, const ConvertOptions&, std::string*);
Status FoldPadsPass(Graph&, const ConvertOptions&, std::string*);
Status ExplicitPoolPaddingPass(Graph&, const ConvertOptions&, std::string*);
Status LowerReshapesPass(Graph&, const ConvertOptions&, std::string*);
Status SplitVariadicPass(Graph&, const ConvertOptions&, std::string*);
Status FuseActivationsPass(Graph&, const ConvertOptions&, std::string*);
Status AssignLayoutPass(Graph&, const ConvertOptions&, std::string*);
Status FoldFlattenTransposePass(Graph&, const ConvertOptions&, std::string*);
Status ConvWeightsOhwiPass(Graph&, const ConvertOptions&, std::string*);
Status CheckBatchPass(Graph&, const ConvertOptions&, std::string*);
Status CheckRunnablePass(Graph&, const ConvertOptions&, std::string*);
Status StoreFp16Pass(Graph&, const ConvertOptions&, std::string*);
Status PackPanelsPass(Graph&, const ConvertOptions&, std::string*);
Status FuseResidualAddPass(Graph&, const ConvertOptions&, std::string*);

const std::vector<Pass>& PassList() {
  static const std::vector<Pass> passes = {
      // Shapes with a static batch, and values wherever the inputs are constant.
      {"infer_shapes", InferShapesPass},
      // Drops the nodes whose outputs are now constants (the exporters' shape glue).
      {"fold_constants", FoldConstantsPass},
      // Identity, inference Dropout, zero Pads, float-to-float Casts, ...
      {"remove_noops", RemoveNoopsPass},
      // Gemm / MatMul with constant weights -> FullyConnected.
      {"lower_gemm", LowerGemmPass},
      // BatchNormalization into the preceding Conv/FullyConnected, or Mul + Add.
      {"fold_batchnorm", FoldBatchNormPass},
      // The head boundary (Graph::feature_tensor); later passes keep that tensor.
      {"select_head", SelectHeadPass},
      // Zero Pad (spatial) into the following Conv / pool padding.
      {"fold_pads", FoldPadsPass},
      // AveragePool whose counted padding differs from its ceil_mode padding.
      {"explicit_pool_padding", ExplicitPoolPaddingPass},
      // Flatten / Squeeze / Unsqueeze -> Reshape.
      {"lower_reshapes", LowerReshapesPass},
      // Sum / Max / Min of 3+ inputs -> chains of two-input ops.
      {"split_variadic", SplitVariadicPass},
      // Relu / Clip into the producing op's output clamp.
      {"fuse_activations", FuseActivationsPass},
      // NCHW -> NHWC for spatial ops, with Transposes where the logical layout is needed.
      {"assign_layout", AssignLayoutPass},
      // NHWC->NCHW Transpose + flatten before a FullyConnected -> permuted weight columns.
      {"fold_flatten_transpose", FoldFlattenTransposePass},
      // Conv weights OIHW -> OHWI.
      {"conv_weights_ohwi", ConvWeightsOhwiPass},
      // Reshape targets copy the batch dim; flags ops that mix samples of a batch.
      {"check_batch", CheckBatchPass},
      // Everything left must be an op the runtime runs, on float tensors.
      {"check_runnable", CheckRunnablePass},
      // --fp16: Conv / FullyConnected / MatMul weights written as float16.
      {"store_fp16", StoreFp16Pass},
      // Weights of the layers frost's x86 kernels run, in the layout they read in place.
      {"pack_panels", PackPanelsPass},
  };
  return passes;
}

const std::vector<Pass>& FinalPassList() {
  static const std::vector<Pass> passes = {
      // A shortcut Add (+ its Relu) into the float Conv producing one operand (after
      // --quantize int8: an int8 Conv takes no residual).
      {"fuse_residual_add", FuseResidualAddPass},
  };
  return passes;
}

namespace {

Status RunAll(const std::vector<Pass>& passes, Graph& graph, const ConvertOptions& options,
              std::vector<std::string>* log) {
  for (const Pass& pass : passes) {
    std::string summary;
    FROST_CONVERT_TRY(pass.run(graph, options, &summary));
    if (!summary.empty() && log) log->push_back(std::string(pass.name) + ": " + summary);
  }
  return Status::Ok();
}

}  // namespace

Status RunPasses(Graph& graph, const ConvertOptions& options, std::vector<std::string>* log) {
  return RunAll(PassList(), graph, options, log);
}

Status RunFinalPasses(Graph& graph, const ConvertOptions& options, std::vector<std::string>* log) {
  return RunAll(FinalPassList(), graph, options, log);
}

}  // namespace frost::convert
