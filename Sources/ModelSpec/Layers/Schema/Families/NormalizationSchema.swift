// The configs and runtime layer types of Normalization.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/NormalizationConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/NormalizationTypes.swift from them.

extension LayerFamily {
    static let normalization = LayerFamily(
        "Normalization",
        """
        Normalization layers: BatchNormalization (inference, with moving statistics), LayerNormalization,
        GroupNormalization, UnitNormalization, RMSNormalization.
        """,
        [
            ConfigSchema(
                "BatchNormalizationConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.BatchNormalization` at inference: `(x − moving_mean) / sqrt(moving_variance +
                    epsilon) · gamma + beta` per feature along `axis`.
                    """,
                className: .keras("BatchNormalization"),
                template: "BatchNormalizationConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("batch_normalization") + [
                    .optional("axis", "Int", "-1", "The feature axis (normalized per index along it)."),
                    .optional("momentum", "Double", "0.99", "Training only: the moving statistics' momentum."),
                    .epsilon,
                    .center,
                    .scale,
                    .betaInitializer,
                    .gammaInitializer,
                    .optional("moving_mean_initializer", "Initializer", ".zeros", "How a fresh moving mean is drawn."),
                    .optional(
                        "moving_variance_initializer", "Initializer", ".ones", "How a fresh moving variance is drawn."),
                ] + FieldSchema.trainingOnly(["beta", "gamma"], activity: false) + [
                    .optional(
                        "synchronized", "Bool", "false", "Training only (synchronized statistics across devices)."),
                    .optional("renorm", "Bool", "false", "Training only: batch renormalization."),
                    .optional(
                        "renorm_clipping", "KerasObject?", "nil", "Training only: batch renormalization's clipping."),
                    .optional("renorm_momentum", "Double", "0.99", "Training only: batch renormalization's momentum."),
                ],
                runtime: RuntimeLayerSchema(
                    "BatchNormalization", .unary,
                    doc: """
                        `keras.layers.BatchNormalization` at inference: each feature along `axis` normalized with
                        the moving mean and variance, then scaled and shifted.
                        """,
                    weights: [
                        .optionalWeight("gamma", "The scale, when `scale`."),
                        .optionalWeight("beta", "The shift, when `center`."),
                        .weight("moving_mean", "The moving mean used at inference."),
                        .weight("moving_variance", "The moving variance used at inference."),
                    ])),
            ConfigSchema(
                "LayerNormalizationConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.LayerNormalization`: each sample normalized over `axis` (mean and variance),
                    then scaled by `gamma` and shifted by `beta`.
                    """,
                className: .keras("LayerNormalization"),
                template: "LayerNormalizationConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("layer_normalization") + [
                    .optional("axis", "Axes", "-1", "The axes normalized over."),
                    .epsilon,
                    .center,
                    .scale,
                    .optional(
                        "rms_scaling", "Bool", "false",
                        """
                        Keras's `rms_scaling`: `x · rsqrt(variance + epsilon) · gamma`, without centering.
                        """),
                    .betaInitializer,
                    .gammaInitializer,
                ] + FieldSchema.trainingOnly(["beta", "gamma"], activity: false),
                runtime: RuntimeLayerSchema(
                    "LayerNormalization", .unary,
                    doc: "`keras.layers.LayerNormalization`: each sample normalized over `axis`.",
                    weights: [
                        .optionalWeight("gamma", "The scale, when `scale` (or `rms_scaling`)."),
                        .optionalWeight("beta", "The shift, when `center` (and not `rms_scaling`)."),
                    ])),
            ConfigSchema(
                "GroupNormalizationConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.GroupNormalization`: the channels split into `groups`, each normalized over
                    its channels and every spatial position of a sample.
                    """,
                className: .keras("GroupNormalization"),
                template: "GroupNormalizationConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("group_normalization") + [
                    .optional("groups", "Int", "32", "The number of channel groups (-1: one per channel)."),
                    .optional("axis", "Int", "-1", "The channel axis; only the last."),
                    .epsilon,
                    .center,
                    .scale,
                    .betaInitializer,
                    .gammaInitializer,
                ] + FieldSchema.trainingOnly(["beta", "gamma"], activity: false),
                runtime: RuntimeLayerSchema(
                    "GroupNormalization", .unary,
                    doc: "`keras.layers.GroupNormalization`: channel groups normalized per sample.",
                    weights: [
                        .optionalWeight("gamma", "The per-channel scale, when `scale`."),
                        .optionalWeight("beta", "The per-channel shift, when `center`."),
                    ])),
            ConfigSchema(
                "UnitNormalizationConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.UnitNormalization`: each sample scaled to unit L2 norm over `axis`.
                    """,
                className: .keras("UnitNormalization"),
                template: "UnitNormalizationConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("unit_normalization") + [
                    .optional("axis", "Axes", "-1", "The axes the norm is taken over.")
                ],
                runtime: RuntimeLayerSchema(
                    "UnitNormalization", .weightless,
                    doc: "`keras.layers.UnitNormalization`: each sample scaled to unit L2 norm over `axis`.")),
            ConfigSchema(
                "RMSNormalizationConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.RMSNormalization`: `x · rsqrt(mean(x²) + epsilon) · scale` over `axis`.
                    """,
                className: .keras("RMSNormalization"),
                template: "RMSNormalizationConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("rms_normalization") + [
                    .optional("axis", "Axes", "-1", "The axes the mean is taken over."),
                    .optional("epsilon", "Double", "1e-6", "Added to the mean square."),
                ],
                runtime: RuntimeLayerSchema(
                    "RMSNormalization", .unary,
                    doc: "`keras.layers.RMSNormalization`: `x · rsqrt(mean(x²) + epsilon) · scale` over `axis`.",
                    weights: [
                        .weight("scale", "The scale, shaped by the normalized axes.")
                    ])),
        ])
}
