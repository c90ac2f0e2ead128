// Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.
//
// Generated from Sources/ModelSpec/Layers/Schema/Families/MergingSchema.swift by
// tools/generate-layer-configs.sh; do not edit. Each layer's call is hand-written, in an extension
// under Sources/ModelRuntime/Layers.

/// `keras.layers.Concatenate`: joins its inputs along `axis`.
public struct Concatenate: MergeLayer, WeightlessMerge {
    public let config: ConcatenateConfig
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape

    public init(config: ConcatenateConfig, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
    }
}

/// `keras.layers.Dot`: per-sample dot products of two inputs along `axes` (Keras's `batch_dot`),
/// after L2-normalizing both when `normalize` is set.
public struct Dot: MergeLayer, WeightlessMerge {
    public let config: DotConfig
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape

    public init(config: DotConfig, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
    }
}

/// An element-wise merge layer; `Add`, `Subtract`, … are this with their config.
public struct ElementwiseMerge<Config: ElementwiseMergeOperation>: MergeLayer, WeightlessMerge {
    public let config: Config
    public let inputShapes: [TensorShape]
    public let outputShape: TensorShape

    public init(config: Config, inputShapes: [TensorShape], seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShapes = inputShapes
        outputShape = try config.outputShape(forInputs: inputShapes)
    }
}

/// `keras.layers.Add`.
public typealias Add = ElementwiseMerge<AddConfig>
/// `keras.layers.Subtract`.
public typealias Subtract = ElementwiseMerge<SubtractConfig>
/// `keras.layers.Multiply`.
public typealias Multiply = ElementwiseMerge<MultiplyConfig>
/// `keras.layers.Average`.
public typealias Average = ElementwiseMerge<AverageConfig>
/// `keras.layers.Maximum`.
public typealias Maximum = ElementwiseMerge<MaximumConfig>
/// `keras.layers.Minimum`.
public typealias Minimum = ElementwiseMerge<MinimumConfig>
