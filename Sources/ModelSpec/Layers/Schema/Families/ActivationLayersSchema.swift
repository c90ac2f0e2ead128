// The configs and runtime layer types of ActivationLayers.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/ActivationLayersConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/ActivationLayersTypes.swift from them.

extension LayerFamily {
    static let activationLayers = LayerFamily(
        "ActivationLayers",
        "Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.",
        [
            ConfigSchema(
                "ReLUConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.ReLU`: `max_value`-capped, `threshold`-shifted ReLU with a `negative_slope`.
                    """,
                className: .keras("ReLU"),
                template: "ReLUConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("re_lu") + [
                    .optional("max_value", "Double?", "nil", "The largest output, or nil for none."),
                    .optional("negative_slope", "Double", "0", "The slope below the threshold."),
                    .optional(
                        "threshold", "Double", "0",
                        """
                        Values below it are scaled by the negative slope (after subtracting it).
                        """),
                ],
                runtime: RuntimeLayerSchema(
                    "ReLU", .weightless,
                    doc: "`keras.layers.ReLU`.")),
            ConfigSchema(
                "LeakyReLUConfig", ["UnaryLayerConfig"],
                doc: "`keras.layers.LeakyReLU`: `x` for `x ≥ 0`, `negative_slope · x` below.",
                className: .keras("LeakyReLU"),
                template: "LeakyReLUConfig()",
                initDoc: "A config with Keras's defaults (a slope of 0.3).",
                fields: FieldSchema.base("leaky_re_lu") + [
                    .optional("negative_slope", "Double", "0.3", "The slope below zero.")
                ],
                runtime: RuntimeLayerSchema(
                    "LeakyReLU", .weightless,
                    doc: "`keras.layers.LeakyReLU`.")),
            ConfigSchema(
                "PReLUConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.PReLU`: a leaky ReLU whose slopes `alpha` are weights, shared along
                    `shared_axes`.
                    """,
                className: .keras("PReLU"),
                template: "PReLUConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("p_re_lu") + [
                    .optional("alpha_initializer", "Initializer", ".zeros", "How fresh slopes are drawn."),
                    .kept("alpha_regularizer"),
                    .kept("alpha_constraint"),
                    .optional(
                        "shared_axes", "[Int]?", "nil",
                        "Axes (counting the batch axis as 0) along which one slope is shared."),
                ],
                runtime: RuntimeLayerSchema(
                    "PReLU", .unary,
                    doc: "`keras.layers.PReLU`: `x` for `x ≥ 0`, `alpha · x` below, with learned slopes.",
                    weights: [
                        .weight("alpha", "The slopes: the input's shape without the batch axis, 1 along shared axes.")
                    ])),
            ConfigSchema(
                "ELUConfig", ["UnaryLayerConfig"],
                doc: "`keras.layers.ELU`: `x` for `x > 0`, `alpha · (exp(x) − 1)` below.",
                className: .keras("ELU"),
                template: "ELUConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: [
                    .name("elu"),
                    .optional("alpha", "Double", "1", "The scale of the negative part."),
                    .trainable,
                    .dtype,
                ],
                runtime: RuntimeLayerSchema(
                    "ELU", .weightless,
                    doc: "`keras.layers.ELU`.")),
            ConfigSchema(
                "SoftmaxConfig", ["UnaryLayerConfig"],
                doc: "`keras.layers.Softmax`: softmax over `axis` (one or several axes).",
                className: .keras("Softmax"),
                template: "SoftmaxConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("softmax") + [
                    .optional("axis", "Axes", "-1", "The axes the softmax normalizes over.")
                ],
                runtime: RuntimeLayerSchema(
                    "Softmax", .weightless,
                    doc: "`keras.layers.Softmax`: softmax over `axis`.")),
        ])
}
