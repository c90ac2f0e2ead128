// Operations on Keras tensors in Functional models (`x + 3.0`, `ops.mean(x, axis=1)`, `x[:, -1]`).
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/OperationsSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// A Keras operation called in a Functional model, as a layer: `Operation<Ops.Add>` for `x + 3.0`.
/// Its config holds the call's constants.
public struct Operation<Kind: OperationKernel>: MergeLayer, WeightlessMerge {
    public let config: OperationConfig<Kind>
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape

    public init(config: OperationConfig<Kind>, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
    }
}
