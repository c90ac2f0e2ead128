// The configs and runtime layer types of Applications.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/ApplicationsConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/ApplicationsTypes.swift from them.

extension LayerFamily {
    static let applications = LayerFamily(
        "Applications",
        """
        Layers that keras.applications defines for its own models: ConvNeXt's LayerScale and
        StochasticDepth, InceptionResNetV2's CustomScaleLayer. They ship with Keras, so specs use them
        without declaring them; Keras writes them with their defining module.
        """,
        [
            ConfigSchema(
                "LayerScaleConfig", ["UnaryLayerConfig"],
                doc: """
                    `LayerScale` of `keras.applications` ConvNeXt: `x · gamma`, one scale per channel.
                    """,
                className: .keras("LayerScale"),
                template: "LayerScaleConfig(projectionDim: 1)",
                initDoc: "A config; ConvNeXt uses `init_values` 1e-6.",
                fields: FieldSchema.base("layer_scale") + [
                    FieldSchema(
                        "init_values", "Double", default: "1e-6", required: "true", "The value every scale starts at."),
                    .required("projection_dim", "Int", "The number of channels (the input's last axis)."),
                ],
                runtime: RuntimeLayerSchema(
                    "LayerScale", .unary,
                    doc: "`LayerScale` of ConvNeXt: `x · gamma` over the last axis.",
                    weights: [
                        .weight("gamma", "One scale per channel.")
                    ])),
            ConfigSchema(
                "StochasticDepthConfig", ["UnaryLayerConfig"],
                doc: """
                    `StochasticDepth` of `keras.applications` ConvNeXt: drops a residual branch per sample in
                    training; the identity at inference.
                    """,
                className: .keras("StochasticDepth"),
                template: "StochasticDepthConfig()",
                initDoc: "A config.",
                fields: FieldSchema.base("stochastic_depth") + [
                    FieldSchema(
                        "drop_path_rate", "Double", default: "0", required: "true",
                        "The probability of dropping the branch in training.")
                ],
                runtime: RuntimeLayerSchema(
                    "StochasticDepth", .weightless,
                    doc: "`StochasticDepth` of ConvNeXt: the identity at inference.")),
            ConfigSchema(
                "CustomScaleLayerConfig", ["LayerConfig"],
                doc: """
                    `CustomScaleLayer` of `keras.applications` InceptionResNetV2: `[shortcut, residual]` →
                    `shortcut + residual · scale`.
                    """,
                className: .keras("CustomScaleLayer"),
                template: "CustomScaleLayerConfig()",
                initDoc: "A config.",
                fields: FieldSchema.base("custom_scale_layer") + [
                    FieldSchema("scale", "Double", default: "1", required: "true", "The residual's factor.")
                ],
                runtime: RuntimeLayerSchema(
                    "CustomScaleLayer", .weightlessMerge,
                    doc: "`CustomScaleLayer` of InceptionResNetV2: `shortcut + residual · scale`.")),
        ])
}
