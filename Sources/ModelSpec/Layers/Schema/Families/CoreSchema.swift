// The configs and runtime layer types of Core.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/CoreConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/CoreTypes.swift from them.

extension LayerFamily {
    static let core = LayerFamily(
        "Core",
        "Core layers: InputLayer, Dense, Activation.",
        [
            ConfigSchema(
                "InputLayerConfig", ["LayerConfig"],
                doc: "`keras.layers.InputLayer`: the model's input, fixing its shape.",
                className: .keras("InputLayer"),
                template: "InputLayerConfig(batchShape: [nil])",
                initDoc: "An input of `batchShape`, with Keras's defaults for the rest.",
                fields: [
                    .required(
                        "batch_shape", "TensorShape", "The input's shape including the batch axis, e.g. `[nil, 728]`."),
                    .optional(
                        "dtype", "String", #""float32""#,
                        """
                        The input dtype: `float32`, or an integer type whose values are passed as Float32.
                        """),
                    .optional("sparse", "Bool", "false", "Sparse inputs are not supported; always `false`."),
                    .optional("ragged", "Bool", "false", "Ragged inputs are not supported; always `false`."),
                    .name("input_layer"),
                    .optional(
                        "optional", "Bool", "false",
                        "Whether the input may be `None` (not supported; always `false`)."),
                ]),
            ConfigSchema(
                "DenseConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Dense`: `activation(input · kernel + bias)` over the last axis.
                    """,
                className: .keras("Dense"),
                template: "DenseConfig(units: 1)",
                ignoredKeys: [("quantization_config", ".null"), ("lora_rank", ".null"), ("lora_alpha", ".null")],
                initDoc: "A Dense config with Keras's defaults for everything not given.",
                fields: FieldSchema.base("dense") + [
                    .required("units", "Int", "The size of the output's last axis.")
                ] + FieldSchema.kernelAndBias,
                runtime: RuntimeLayerSchema(
                    "Dense", .unary,
                    doc: "`keras.layers.Dense`: `activation(input · kernel + bias)` over the last axis.",
                    weights: [
                        .weight("kernel", "The `[inputUnits, units]` kernel."),
                        .optionalWeight("bias", "The `[units]` bias, when `useBias`."),
                    ])),
            ConfigSchema(
                "ActivationConfig", ["UnaryLayerConfig"],
                doc: "`keras.layers.Activation`: applies an activation function.",
                className: .keras("Activation"),
                template: "ActivationConfig(activation: .linear)",
                initDoc: "An Activation config applying `activation`.",
                fields: FieldSchema.base("activation") + [
                    .required("activation", "ActivationFunction", "The activation applied to the output.")
                ],
                runtime: RuntimeLayerSchema(
                    "Activation", .weightless,
                    doc: "`keras.layers.Activation`: applies an activation function.")),
            ConfigSchema(
                "MaskingConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Masking`: zeroes the steps whose features all equal `mask_value` and masks
                    them for the layers after it.
                    """,
                className: .keras("Masking"),
                template: "MaskingConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("masking") + [
                    .optional(
                        "mask_value", "Double", "0",
                        """
                        The value that marks a padded step (in every feature of the last axis).
                        """)
                ],
                runtime: RuntimeLayerSchema(
                    "Masking", .weightless,
                    doc: "`keras.layers.Masking`: zeroes the steps whose features all equal `mask_value`.")),
        ])
}
