// The configs and runtime layer types of Regularization.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/RegularizationConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/RegularizationTypes.swift from them.

extension LayerFamily {
    static let regularization = LayerFamily(
        "Regularization",
        "Regularization layers: identity at inference.",
        [
            ConfigSchema(
                "DropoutConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Dropout`: zeroes a fraction of its input while training; the identity at
                    inference, which is what the runtime computes.
                    """,
                className: .keras("Dropout"),
                template: "DropoutConfig(rate: 0)",
                initDoc: "A Dropout config with `rate`.",
                fields: FieldSchema.base("dropout") + [
                    .required("rate", "Double", "The fraction of inputs dropped while training, in [0, 1]."),
                    .optional("seed", "Int?", "nil", "The seed of the dropout mask."),
                    .optional(
                        "noise_shape", "TensorShape?", "nil", "The shape of the dropout mask, broadcast over the input."
                    ),
                ],
                runtime: RuntimeLayerSchema(
                    "Dropout", .weightless,
                    doc: "`keras.layers.Dropout`: the identity at inference; drops in training calls.")),
            ConfigSchema(
                "SpatialDropoutConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.SpatialDropout1D/2D/3D`: drops whole channels while training; the identity at
                    inference.
                    """,
                className: .computed(#""SpatialDropout\(Rank.suffix)""#),
                template: "Self(rate: 0)",
                ignoredKeys: [("trainable", ".bool(true)")],
                initDoc: "A config with `rate`.",
                fields: [
                    .required("rate", "Double", "The fraction of channels dropped while training."),
                    .optional("seed", "Int?", "nil", "The seed of the dropout mask."),
                    .name(expression: #""spatial_dropout\(Rank.rank)d""#),
                    .dtype,
                    .channelsLast.only(when: "Rank.rank > 1"),
                ],
                runtime: RuntimeLayerSchema(
                    "SpatialDropout<Rank: SpatialRank>", .weightless,
                    doc: "`keras.layers.SpatialDropout1D/2D/3D`: identity at inference; drops channels in training.",
                    aliases: .ranks("SpatialDropout"))),
            ConfigSchema(
                "GaussianDropoutConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.GaussianDropout`: multiplies by Gaussian noise while training; the identity at
                    inference.
                    """,
                className: .keras("GaussianDropout"),
                template: "GaussianDropoutConfig(rate: 0)",
                initDoc: "A config with `rate`.",
                fields: FieldSchema.base("gaussian_dropout") + [
                    .required("rate", "Double", "The drop probability the noise corresponds to."),
                    .optional("seed", "Int?", "nil", "The seed of the noise."),
                ],
                runtime: RuntimeLayerSchema(
                    "GaussianDropout", .weightless,
                    doc: "`keras.layers.GaussianDropout`: identity at inference; noise factors in training.")),
            ConfigSchema(
                "GaussianNoiseConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.GaussianNoise`: adds Gaussian noise while training; the identity at inference.
                    """,
                className: .keras("GaussianNoise"),
                template: "GaussianNoiseConfig(stddev: 0)",
                initDoc: "A config with `stddev`.",
                fields: FieldSchema.base("gaussian_noise") + [
                    .required("stddev", "Double", "The noise's standard deviation."),
                    .optional("seed", "Int?", "nil", "The seed of the noise."),
                ],
                runtime: RuntimeLayerSchema(
                    "GaussianNoise", .weightless,
                    doc: "`keras.layers.GaussianNoise`: the identity at inference; adds noise in training calls.")),
            ConfigSchema(
                "AlphaDropoutConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.AlphaDropout`: dropout that keeps SELU's mean and variance while training; the
                    identity at inference.
                    """,
                className: .keras("AlphaDropout"),
                template: "AlphaDropoutConfig(rate: 0)",
                initDoc: "A config with `rate`.",
                fields: FieldSchema.base("alpha_dropout") + [
                    .required("rate", "Double", "The fraction dropped while training."),
                    .optional("seed", "Int?", "nil", "The seed of the mask."),
                    .optional("noise_shape", "TensorShape?", "nil", "The shape of the mask, broadcast over the input."),
                ],
                runtime: RuntimeLayerSchema(
                    "AlphaDropout", .weightless,
                    doc: "`keras.layers.AlphaDropout`: the identity at inference; drops in training calls.")),
        ])
}
