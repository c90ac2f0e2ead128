/// Whether a layer type has a backward pass in ModelRuntime, so that a generated model made of
/// such layers can be trained in Swift (its type conforms to `TrainableModel`).
///
/// Which layer types have one is decided here only: the generator writes a model's training
/// step when every layer's config conforms, and names the first that does not otherwise. A
/// config listed here has a runtime layer conforming to `TrainableLayer` (one input) or
/// `TrainableMerge` (several); the training fixtures check each against Keras's gradients.
package protocol BackwardPassConfig: LayerConfig {
    /// Whether a training call moves state the layer keeps (BatchNormalization's moving
    /// statistics), which the generated step then stores with `update(from:)`.
    static var updatesStateInTraining: Bool { get }
    /// Why this config's values stop training when they do (a grouped convolution), else nil.
    var trainingBlocker: String? { get }
    /// Whether the layer's training call takes the Keras mask its call reads
    /// (`trainingCall(_:mask:context:)`): recurrent layers and masked average pooling.
    var trainsWithMask: Bool { get }
    /// Whether the layer trains from initial states and with several outputs (a recurrent
    /// layer's `initial_state` and `return_state`: `trainingOutputs(_:initialState:mask:context:)`
    /// and a backward pass taking a gradient per output).
    var trainsWithStates: Bool { get }
}

extension BackwardPassConfig {
    package static var updatesStateInTraining: Bool { false }
    package var trainingBlocker: String? { nil }
    package var trainsWithMask: Bool { false }
    package var trainsWithStates: Bool { false }
}

extension LayerConfig {
    /// Whether a training call moves the layer's state (see `BackwardPassConfig`).
    package static var trainingUpdatesState: Bool {
        (Self.self as? any BackwardPassConfig.Type)?.updatesStateInTraining ?? false
    }
}

extension DenseConfig: BackwardPassConfig {}
extension ConvConfig: BackwardPassConfig {}
extension DepthwiseConvConfig: BackwardPassConfig {}
extension SeparableConvConfig: BackwardPassConfig {}
extension ConvTransposeConfig: BackwardPassConfig {}
extension PoolingConfig: BackwardPassConfig {}
extension GlobalPoolingConfig: BackwardPassConfig {
    package var trainsWithMask: Bool { maskBehavior != .drops }
}
extension ZeroPaddingConfig: BackwardPassConfig {}
extension CroppingConfig: BackwardPassConfig {}
extension UpSamplingConfig: BackwardPassConfig {}
extension ResizingConfig: BackwardPassConfig {}
extension PermuteConfig: BackwardPassConfig {}
extension RecurrentConfig: BackwardPassConfig {
    package var trainingBlocker: String? {
        let unsupported = [
            (stateful, "stateful"),
            (dropout >= 1, "a dropout of 1"), (recurrentDropout >= 1, "a recurrent_dropout of 1"),
            (activation.isAxisWise || recurrentActivation.isAxisWise, "an activation over the last axis"),
        ].filter(\.0).map(\.1)
        return unsupported.isEmpty ? nil : "training with \(unsupported.joined(separator: ", ")) is not supported yet"
    }
    package var trainsWithMask: Bool { true }
    package var trainsWithStates: Bool { true }
}
extension BidirectionalConfig: BackwardPassConfig {
    package var trainingBlocker: String? { forward.config.trainingBlocker ?? backwardLayer.trainingBlocker }
    package var trainsWithMask: Bool { true }
}
extension TimeDistributedConfig: BackwardPassConfig {
    /// Keras calls the wrapped layer once per step: a wrapped BatchNormalization moves its
    /// averages once per step, which the generated step keeps.
    package static var updatesStateInTraining: Bool { Inner.trainingUpdatesState }
    package var trainingBlocker: String? {
        guard let inner = layer as? any BackwardPassConfig else {
            return "the wrapped \(Inner.className) has no backward pass yet"
        }
        return inner.trainingBlocker
    }
}
extension RepeatVectorConfig: BackwardPassConfig {}
extension ReLUConfig: BackwardPassConfig {}
extension LeakyReLUConfig: BackwardPassConfig {}
extension ELUConfig: BackwardPassConfig {}
extension SoftmaxConfig: BackwardPassConfig {}
extension PReLUConfig: BackwardPassConfig {}
extension EmbeddingConfig: BackwardPassConfig {}
extension LayerNormalizationConfig: BackwardPassConfig {
    package var trainingBlocker: String? {
        rmsScaling ? "LayerNormalization with rms_scaling has no backward pass yet" : nil
    }
}
extension ActivationConfig: BackwardPassConfig {}
extension FlattenConfig: BackwardPassConfig {}
extension MaskingConfig: BackwardPassConfig {}
extension ReshapeConfig: BackwardPassConfig {}
extension DropoutConfig: BackwardPassConfig {}
extension IdentityConfig: BackwardPassConfig {}
extension CategoryEncodingConfig: BackwardPassConfig {}
extension RescalingConfig: BackwardPassConfig {}
extension NormalizationConfig: BackwardPassConfig {}
extension LayerScaleConfig: BackwardPassConfig {}
extension UnitNormalizationConfig: BackwardPassConfig {}
extension RMSNormalizationConfig: BackwardPassConfig {}
extension GroupNormalizationConfig: BackwardPassConfig {}
extension SpatialDropoutConfig: BackwardPassConfig {}
extension GaussianNoiseConfig: BackwardPassConfig {}
extension GaussianDropoutConfig: BackwardPassConfig {
    package var trainingBlocker: String? {
        rate < 1 ? nil : "GaussianDropout with rate 1 multiplies by noise of infinite variance while training"
    }
}
extension AlphaDropoutConfig: BackwardPassConfig {
    package var trainingBlocker: String? {
        rate < 1 ? nil : "AlphaDropout with rate 1 has an infinite correction while training"
    }
}
extension StochasticDepthConfig: BackwardPassConfig {
    package var trainingBlocker: String? {
        dropPathRate < 1 ? nil : "StochasticDepth with drop_path_rate 1 divides by 0 while training"
    }
}
extension CustomScaleLayerConfig: BackwardPassConfig {}
extension EinsumDenseConfig: BackwardPassConfig {}
extension AddConfig: BackwardPassConfig {}
extension SubtractConfig: BackwardPassConfig {}
extension MultiplyConfig: BackwardPassConfig {}
extension AverageConfig: BackwardPassConfig {}
extension MaximumConfig: BackwardPassConfig {}
extension MinimumConfig: BackwardPassConfig {}
extension ConcatenateConfig: BackwardPassConfig {}
extension DotConfig: BackwardPassConfig {}
extension MultiHeadAttentionConfig: BackwardPassConfig {}
extension AttentionConfig: BackwardPassConfig {}
extension AdditiveAttentionConfig: BackwardPassConfig {}
/// Every operation kind has a backward pass (`DifferentiableOperation` in ModelRuntime, which a
/// test checks for each kind of `Ops.all`).
extension OperationConfig: BackwardPassConfig {}

extension BatchNormalizationConfig: BackwardPassConfig {
    package static var updatesStateInTraining: Bool { true }
}
