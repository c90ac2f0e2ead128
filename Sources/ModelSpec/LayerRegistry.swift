/// A built-in Keras layer class: its typed config and the runtime type that computes it.
public struct LayerKind: Sendable {
    /// The typed config, e.g. `DenseConfig`.
    public let configType: any LayerConfig.Type
    /// The layer family (one file per family in ModelSpec and ModelRuntime).
    public let family: String
    /// One line for the supported-layers table.
    public let summary: String
    /// For wrappers, the config type for a spec's config (it depends on the wrapped layer).
    public let resolveConfigType: (@Sendable (JSONNode) throws(SpecError) -> any LayerConfig.Type)?

    /// A layer class whose config is `configType`.
    public init(
        configType: any LayerConfig.Type, family: String, summary: String,
        resolveConfigType: (@Sendable (JSONNode) throws(SpecError) -> any LayerConfig.Type)? = nil
    ) {
        self.configType = configType
        self.family = family
        self.summary = summary
        self.resolveConfigType = resolveConfigType
    }

    /// Keras's class name, e.g. `Dense`.
    public var className: String { configType.className }
    /// The Swift config type name, e.g. `DenseConfig`.
    package var configTypeName: String { configType.swiftTypeName }
    /// The runtime layer type name, e.g. `Dense`: Keras's class name.
    public var runtimeTypeName: String { className }

    /// The config type for the layer's config in a spec: `configType`, or the wrapper's
    /// instantiation for the layer it wraps.
    public func configType(for config: JSONNode) throws(SpecError) -> any LayerConfig.Type {
        try resolveConfigType?(config) ?? configType
    }
    /// The Keras name prefix for unnamed layers, e.g. `dense`.
    public var defaultNamePrefix: String { Naming.snakeCase(className) }
}

/// The layers this version supports, by Keras class name.
public enum LayerRegistry {
    /// The summary of the regularization layers.
    private static let noise = "Identity at inference; active in training calls (seeded draws)."

    /// Every supported built-in layer.
    public static let builtIn: [LayerKind] = [
        LayerKind(
            configType: InputLayerConfig.self, family: "Core", summary: "The model input: `batch_shape` or `shape`."),
        LayerKind(
            configType: DenseConfig.self, family: "Core", summary: "`activation(x · kernel + bias)` on the last axis."),
        LayerKind(configType: ActivationConfig.self, family: "Core", summary: "Any Keras 3 activation by name."),
        LayerKind(configType: DropoutConfig.self, family: "Regularization", summary: noise),
        LayerKind(
            configType: AddConfig.self, family: "Merging", summary: "Element-wise sum, with Keras's broadcasting."),
        LayerKind(
            configType: SubtractConfig.self, family: "Merging",
            summary: "First input minus the second, with broadcasting."),
        LayerKind(
            configType: MultiplyConfig.self, family: "Merging", summary: "Element-wise product, with broadcasting."),
        LayerKind(configType: AverageConfig.self, family: "Merging", summary: "Element-wise mean, with broadcasting."),
        LayerKind(
            configType: MaximumConfig.self, family: "Merging", summary: "Element-wise maximum, with broadcasting."),
        LayerKind(
            configType: MinimumConfig.self, family: "Merging", summary: "Element-wise minimum, with broadcasting."),
        LayerKind(
            configType: ConcatenateConfig.self, family: "Merging",
            summary: "Joins inputs along any `axis` but the batch axis."),
        LayerKind(
            configType: DotConfig.self, family: "Merging",
            summary: "Per-sample dot product over `axes`, optionally `normalize`d."),
        LayerKind(
            configType: Conv1DConfig.self, family: "Convolution",
            summary: "`strides`, `padding` (incl. `causal`), `dilation_rate`, `groups`."),
        LayerKind(
            configType: Conv2DConfig.self, family: "Convolution",
            summary: "`strides`, `padding`, `dilation_rate`, `groups`."),
        LayerKind(
            configType: Conv3DConfig.self, family: "Convolution",
            summary: "`strides`, `padding`, `dilation_rate`, `groups`."),
        LayerKind(
            configType: Conv1DTransposeConfig.self, family: "Convolution",
            summary: "`strides`, `padding`, `output_padding`, `dilation_rate`."),
        LayerKind(
            configType: Conv2DTransposeConfig.self, family: "Convolution",
            summary: "`strides`, `padding`, `output_padding`, `dilation_rate`."),
        LayerKind(
            configType: Conv3DTransposeConfig.self, family: "Convolution",
            summary: "`strides`, `padding`, `output_padding`, `dilation_rate`."),
        LayerKind(
            configType: DepthwiseConv1DConfig.self, family: "Convolution",
            summary: "`depth_multiplier`, `strides`, `padding`, `dilation_rate`."),
        LayerKind(
            configType: DepthwiseConv2DConfig.self, family: "Convolution",
            summary: "`depth_multiplier`, `strides`, `padding`, `dilation_rate`."),
        LayerKind(
            configType: SeparableConv1DConfig.self, family: "Convolution",
            summary: "Depthwise then pointwise; `depth_multiplier`, `strides`, `padding`, `dilation_rate`."),
        LayerKind(
            configType: SeparableConv2DConfig.self, family: "Convolution",
            summary: "Depthwise then pointwise; `depth_multiplier`, `strides`, `padding`, `dilation_rate`."),
        LayerKind(
            configType: MaxPooling1DConfig.self, family: "Pooling", summary: "`pool_size`, `strides`, `padding`."),
        LayerKind(
            configType: MaxPooling2DConfig.self, family: "Pooling", summary: "`pool_size`, `strides`, `padding`."),
        LayerKind(
            configType: MaxPooling3DConfig.self, family: "Pooling", summary: "`pool_size`, `strides`, `padding`."),
        LayerKind(
            configType: AveragePooling1DConfig.self, family: "Pooling",
            summary: "`pool_size`, `strides`, `padding` (padding not counted)."),
        LayerKind(
            configType: AveragePooling2DConfig.self, family: "Pooling",
            summary: "`pool_size`, `strides`, `padding` (padding not counted)."),
        LayerKind(
            configType: AveragePooling3DConfig.self, family: "Pooling",
            summary: "`pool_size`, `strides`, `padding` (padding not counted)."),
        LayerKind(
            configType: GlobalMaxPooling1DConfig.self, family: "Pooling",
            summary: "Over every spatial position; `keepdims`."),
        LayerKind(
            configType: GlobalMaxPooling2DConfig.self, family: "Pooling",
            summary: "Over every spatial position; `keepdims`."),
        LayerKind(
            configType: GlobalMaxPooling3DConfig.self, family: "Pooling",
            summary: "Over every spatial position; `keepdims`."),
        LayerKind(
            configType: GlobalAveragePooling1DConfig.self, family: "Pooling",
            summary: "Over every spatial position; `keepdims`."),
        LayerKind(
            configType: GlobalAveragePooling2DConfig.self, family: "Pooling",
            summary: "Over every spatial position; `keepdims`."),
        LayerKind(
            configType: GlobalAveragePooling3DConfig.self, family: "Pooling",
            summary: "Over every spatial position; `keepdims`."),
        LayerKind(
            configType: BatchNormalizationConfig.self, family: "Normalization",
            summary: "Inference with the moving statistics; `axis`, `center`, `scale`, `epsilon`."),
        LayerKind(
            configType: LayerNormalizationConfig.self, family: "Normalization",
            summary: "`axis` (one or several), `center`, `scale`, `epsilon`, `rms_scaling`."),
        LayerKind(
            configType: GroupNormalizationConfig.self, family: "Normalization",
            summary: "`groups` (-1: one per channel) over the last axis, `center`, `scale`."),
        LayerKind(
            configType: UnitNormalizationConfig.self, family: "Normalization", summary: "Unit L2 norm over `axis`."),
        LayerKind(
            configType: RMSNormalizationConfig.self, family: "Normalization",
            summary: "`x · rsqrt(mean(x²) + epsilon) · scale` over `axis`."),
        LayerKind(
            configType: FlattenConfig.self, family: "Reshaping", summary: "All axes but the batch axis into one."),
        LayerKind(configType: ReshapeConfig.self, family: "Reshaping", summary: "`target_shape`, one axis may be -1."),
        LayerKind(
            configType: PermuteConfig.self, family: "Reshaping", summary: "`dims` (from 1; the batch axis stays)."),
        LayerKind(
            configType: RepeatVectorConfig.self, family: "Reshaping",
            summary: "`(batch, features)` → `(batch, n, features)`."),
        LayerKind(
            configType: ZeroPadding1DConfig.self, family: "Reshaping",
            summary: "`padding`: one, symmetric or `(before, after)`."),
        LayerKind(
            configType: ZeroPadding2DConfig.self, family: "Reshaping",
            summary: "`padding`: one, per axis or `((top, bottom), (left, right))`."),
        LayerKind(
            configType: ZeroPadding3DConfig.self, family: "Reshaping",
            summary: "`padding`: one, per axis or pairs per axis."),
        LayerKind(configType: Cropping1DConfig.self, family: "Reshaping", summary: "`cropping`: `(before, after)`."),
        LayerKind(
            configType: Cropping2DConfig.self, family: "Reshaping",
            summary: "`cropping`: one, per axis or pairs per axis."),
        LayerKind(
            configType: Cropping3DConfig.self, family: "Reshaping",
            summary: "`cropping`: one, per axis or pairs per axis."),
        LayerKind(configType: UpSampling1DConfig.self, family: "Reshaping", summary: "Repeats each step `size` times."),
        LayerKind(
            configType: UpSampling2DConfig.self, family: "Reshaping",
            summary: "`size`; `nearest` repeats, `bilinear`, `bicubic`, `lanczos3`, `lanczos5` resize."),
        LayerKind(
            configType: UpSampling3DConfig.self, family: "Reshaping",
            summary: "Repeats positions `size` times per axis."),
        LayerKind(
            configType: ResizingConfig.self, family: "Preprocessing",
            summary:
                "`nearest`, `bilinear`, `bicubic`, `lanczos3`, `lanczos5`; `antialias`; crop or pad to the aspect "
                + "ratio."
        ),
        LayerKind(
            configType: RescalingConfig.self, family: "Preprocessing",
            summary: "`x · scale + offset`, scalars or per channel."),
        LayerKind(
            configType: NormalizationConfig.self, family: "Preprocessing",
            summary: "Mean and variance from the config or adapted (weights); `axis`, `invert`."),
        LayerKind(
            configType: CategoryEncodingConfig.self, family: "Preprocessing",
            summary: "Integer tokens to `one_hot`, `multi_hot` or `count` vectors of `num_tokens`."),
        LayerKind(
            configType: ReLUConfig.self, family: "Activation", summary: "`max_value`, `negative_slope`, `threshold`."),
        LayerKind(configType: LeakyReLUConfig.self, family: "Activation", summary: "`negative_slope`."),
        LayerKind(configType: PReLUConfig.self, family: "Activation", summary: "Learned slopes, `shared_axes`."),
        LayerKind(configType: ELUConfig.self, family: "Activation", summary: "`alpha`."),
        LayerKind(configType: SoftmaxConfig.self, family: "Activation", summary: "Over `axis` (one or several)."),
        LayerKind(configType: SpatialDropout1DConfig.self, family: "Regularization", summary: noise),
        LayerKind(configType: SpatialDropout2DConfig.self, family: "Regularization", summary: noise),
        LayerKind(configType: SpatialDropout3DConfig.self, family: "Regularization", summary: noise),
        LayerKind(configType: GaussianDropoutConfig.self, family: "Regularization", summary: noise),
        LayerKind(configType: GaussianNoiseConfig.self, family: "Regularization", summary: noise),
        LayerKind(configType: AlphaDropoutConfig.self, family: "Regularization", summary: noise),
        LayerKind(
            configType: EmbeddingConfig.self, family: "Recurrent",
            summary: "Integer indices (passed as float values) → table rows; `mask_zero` masks index 0."),
        LayerKind(
            configType: SimpleRNNConfig.self, family: "Recurrent",
            summary: "`return_sequences`, `return_state`, `go_backwards`, `activation`."),
        LayerKind(
            configType: LSTMConfig.self, family: "Recurrent",
            summary: "Gates i, f, c, o; `return_sequences`, `return_state`, `go_backwards`, activations."),
        LayerKind(
            configType: GRUConfig.self, family: "Recurrent",
            summary: "`reset_after` (both), `return_sequences`, `return_state`, `go_backwards`, activations."),
        LayerKind(
            configType: ConvLSTM1DConfig.self, family: "Recurrent",
            summary: "LSTM over convolutions; `strides`, `padding`, `dilation_rate`, `return_sequences`, "
                + "`return_state`, `go_backwards`, `initial_state`; no masks yet."),
        LayerKind(
            configType: ConvLSTM2DConfig.self, family: "Recurrent",
            summary: "LSTM over convolutions; `strides`, `padding`, `dilation_rate`, `return_sequences`, "
                + "`return_state`, `go_backwards`, `initial_state`; no masks yet."),
        LayerKind(
            configType: ConvLSTM3DConfig.self, family: "Recurrent",
            summary: "LSTM over convolutions; `strides`, `padding`, `dilation_rate`, `return_sequences`, "
                + "`return_state`, `go_backwards`, `initial_state`; no masks yet."),
        LayerKind(
            configType: BidirectionalConfig<LSTMCell>.self, family: "Recurrent",
            summary: "SimpleRNN, LSTM or GRU run both ways; every `merge_mode` (None: two outputs), `return_state`.",
            resolveConfigType: { node throws(SpecError) in try Wrappers.bidirectional(node) }),
        LayerKind(
            configType: TimeDistributedConfig<DenseConfig>.self, family: "Recurrent",
            summary: "Any single-input layer over every time step.",
            resolveConfigType: { node throws(SpecError) in try Wrappers.timeDistributed(node) }),
        LayerKind(
            configType: EinsumDenseConfig.self, family: "Attention",
            summary: "Any two-operand `equation` (with `...`), `output_shape`, `bias_axes`, `activation`."),
        LayerKind(
            configType: AttentionConfig.self, family: "Attention",
            summary: "`[query, value(, key)]`; `use_scale`, `score_mode` dot or concat; `use_causal_mask`."),
        LayerKind(
            configType: AdditiveAttentionConfig.self, family: "Attention",
            summary: "`[query, value(, key)]`; `use_scale`; `use_causal_mask`."),
        LayerKind(
            configType: MultiHeadAttentionConfig.self, family: "Attention",
            summary:
                "Self and cross attention, `key_dim`, `value_dim`, `output_shape`, `use_bias`, `use_causal_mask`; "
                + "over the steps axis."
        ),
        LayerKind(configType: IdentityConfig.self, family: "Core", summary: "Its input."),
        LayerKind(
            configType: MaskingConfig.self, family: "Core", summary: "Zeroes and masks the steps equal to `mask_value`."
        ),
        LayerKind(configType: RandomFlipConfig.self, family: "Augmentation", summary: "Identity at inference."),
        LayerKind(configType: RandomRotationConfig.self, family: "Augmentation", summary: "Identity at inference."),
        LayerKind(configType: RandomZoomConfig.self, family: "Augmentation", summary: "Identity at inference."),
        LayerKind(configType: RandomTranslationConfig.self, family: "Augmentation", summary: "Identity at inference."),
        LayerKind(configType: RandomContrastConfig.self, family: "Augmentation", summary: "Identity at inference."),
        LayerKind(configType: RandomBrightnessConfig.self, family: "Augmentation", summary: "Identity at inference."),
        LayerKind(
            configType: LayerScaleConfig.self, family: "Applications",
            summary: "ConvNeXt's `x · gamma` per channel (`keras.applications`)."),
        LayerKind(
            configType: StochasticDepthConfig.self, family: "Applications",
            summary: "ConvNeXt's branch dropping; identity at inference (`keras.applications`)."),
        LayerKind(
            configType: CustomScaleLayerConfig.self, family: "Applications",
            summary: "InceptionResNetV2's `[a, b]` → `a + b · scale` (`keras.applications`)."),
    ]

    /// Keras layers refused on purpose, with the reason.
    public static let refused: [String: String] = [
        "Lambda":
            "a Lambda layer holds Python code, which cannot be translated; express it with built-in layers or as a "
            + "custom layer written in Swift and declared under 'customLayers' in model-generator-config.json",
        "TFSMLayer": "a TFSMLayer wraps a TensorFlow SavedModel, which cannot be translated",
    ]

    /// Keras 3 layer classes this version does not support yet (keras 3.15's `keras.layers`,
    /// aliases aside), so that a spec using one gets an error that says so rather than
    /// "unknown class".
    public static let notYetSupported: Set<String> = [
        "ActivityRegularization", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
        "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "AugMix", "AutoContrast", "CenterCrop",
        "ContrastLimitedAdaptiveHistogramEqualization", "CutMix",
        "Discretization", "Equalization", "FlaxLayer", "GRUCell", "GroupQueryAttention", "HashedCrossing", "Hashing",
        "IntegerLookup", "JaxLayer", "LSTMCell", "MaxNumBoundingBoxes", "MelSpectrogram", "MixUp", "Pipeline",
        "RNN", "RandAugment", "RandomColorDegeneration", "RandomColorJitter", "RandomCrop", "RandomElasticTransform",
        "RandomErasing", "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert", "RandomPerspective",
        "RandomPosterization", "RandomSaturation", "RandomSharpness", "RandomShear", "ReversibleEmbedding",
        "STFTSpectrogram", "SimpleRNNCell", "Solarization", "SpectralNormalization", "StackedRNNCells", "StringLookup",
        "TextVectorization", "TorchModuleWrapper",
    ]

    /// The supported class name closest to `name` (ignoring case, at most two edits away), for
    /// "did you mean" hints.
    public static func closestClassName(to name: String) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var previous = Array(0...b.count)
            for (i, x) in a.enumerated() {
                var current = [i + 1]
                for (j, y) in b.enumerated() {
                    current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
                }
                previous = current
            }
            return previous[b.count]
        }
        let lowered = Array(name.lowercased())
        let scored = builtIn.map { ($0.className, distance(lowered, Array($0.className.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2, best.1 < lowered.count else { return nil }
        return best.0
    }

    /// The layer for a Keras class name.
    public static func kind(forClassName name: String) -> LayerKind? {
        byClassName[name]
    }

    /// `builtIn` by class name (the first entry of a name wins).
    private static let byClassName: [String: LayerKind] =
        Dictionary(builtIn.map { ($0.className, $0) }, uniquingKeysWith: { first, _ in first })
}

/// Name conversions shared by the parser and the generator.
public enum Naming {
    /// Whether `text` is an ASCII Swift identifier: a letter or `_`, then letters, digits or `_`
    /// (keywords included; callers that need more check them).
    public static func isASCIIIdentifier(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
        }
    }

    /// `isASCIIIdentifier` for a whole string.
    public static func isASCIIIdentifier(_ text: String) -> Bool { isASCIIIdentifier(Substring(text)) }

    /// Keras's `to_snake_case`: `InputLayer` → `input_layer`, `Conv2D` → `conv2d`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        let scalars = Array(name.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let isUpper = scalar.properties.isUppercase
            if isUpper, index > 0 {
                let previous = scalars[index - 1]
                let nextIsLower = index + 1 < scalars.count && scalars[index + 1].properties.isLowercase
                if previous.properties.isLowercase || (previous.properties.isUppercase && nextIsLower) {
                    out += "_"
                }
            }
            out += String(scalar).lowercased()
        }
        return out
    }
}
