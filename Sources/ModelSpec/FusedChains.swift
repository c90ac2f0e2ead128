/// The place a layer can take in a fused chain: a convolution whose output rows, block by
/// block while in cache, go through an inference BatchNormalization and an element-wise
/// activation, instead of two more passes over the whole output (ModelRuntime's `Fusion.swift`).
///
/// Which layer types can take which place is decided here only: the generator plans chains
/// from it (`ModelPlan.fusableChains`), and the runtime fuses a chain only when its layers'
/// configs have these roles, in this order. Whether a given layer can is then up to its values
/// (an activation over the last axis, a normalization over another axis), which the runtime
/// checks and falls back to separate calls, with the same bits, when they do not fit.
package enum ChainRole: Sendable, Equatable {
    /// First: a convolution that runs its output through passes (Conv1D/2D/3D, DepthwiseConv1D/2D).
    case convolution
    /// Second: an inference BatchNormalization, run as a scale and shift of each row.
    case normalization
    /// Third, or second without a normalization: an element-wise `Activation` or `ReLU`.
    case activation

    /// The roles of a chain's layers, in order: a convolution, then a normalization and
    /// optionally an activation.
    package static func isChain(_ roles: [ChainRole?]) -> Bool {
        roles == [.convolution, .normalization] || roles == [.convolution, .normalization, .activation]
    }
}

/// A config whose layer can take a place in a fused chain.
package protocol ChainableLayerConfig: LayerConfig {
    /// The place.
    static var chainRole: ChainRole { get }
}

extension LayerConfig {
    /// The place this config's layer can take in a fused chain, or nil when none.
    package static var fusedChainRole: ChainRole? { (Self.self as? any ChainableLayerConfig.Type)?.chainRole }
}

extension ConvConfig: ChainableLayerConfig {
    package static var chainRole: ChainRole { .convolution }
}

extension DepthwiseConvConfig: ChainableLayerConfig {
    package static var chainRole: ChainRole { .convolution }
}

extension BatchNormalizationConfig: ChainableLayerConfig {
    package static var chainRole: ChainRole { .normalization }
}

extension ActivationConfig: ChainableLayerConfig {
    package static var chainRole: ChainRole { .activation }
}

extension ReLUConfig: ChainableLayerConfig {
    package static var chainRole: ChainRole { .activation }
}
