// The configs and runtime layer types of Pooling.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/PoolingConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/PoolingTypes.swift from them.

extension LayerFamily {
    static let pooling = LayerFamily(
        "Pooling",
        """
        Pooling layers: max and average pooling over windows, and global pooling over every spatial
        position.
        """,
        [
            ConfigSchema(
                "PoolingConfig<Rank: SpatialRank, Mode: PoolingMode>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: "`keras.layers.MaxPooling1D/2D/3D` and `AveragePooling1D/2D/3D`.",
                className: .computed(#""\(Mode.name)Pooling\(Rank.suffix)""#),
                template: "Self()",
                initDoc: """
                    A config with Keras's defaults (a window of 2 on every axis, strides equal to it).
                    """,
                fields: FieldSchema.base(expression: #""\(Mode.name.lowercased())_pooling\(Rank.rank)d""#) + [
                    .optional("pool_size", "IntTuple", "2", "The window size per spatial axis.").expanded(),
                    .padding,
                    .optional(
                        "strides", "IntTuple?", "nil",
                        "The step per spatial axis; nil (Keras's default) means the pool size."
                    ).expanded(),
                    .channelsLast,
                ],
                runtime: RuntimeLayerSchema(
                    "Pooling<Rank: SpatialRank, Mode: PoolingMode>", .weightless,
                    doc: "Max or average pooling over windows of the spatial axes.",
                    aliases: .ranks("MaxPooling", arguments: ", MaxPoolingMode")
                        + .ranks("AveragePooling", arguments: ", AveragePoolingMode"))),
            ConfigSchema(
                "GlobalPoolingConfig<Rank: SpatialRank, Mode: PoolingMode>",
                ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.GlobalMaxPooling1D/2D/3D` and `GlobalAveragePooling1D/2D/3D`.
                    """,
                className: .computed(#""Global\(Mode.name)Pooling\(Rank.suffix)""#),
                template: "Self()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base(expression: #""global_\(Mode.name.lowercased())_pooling\(Rank.rank)d""#) + [
                    .channelsLast,
                    .optional("keepdims", "Bool", "false", "Whether the spatial axes stay, with size 1."),
                ],
                runtime: RuntimeLayerSchema(
                    "GlobalPooling<Rank: SpatialRank, Mode: PoolingMode>", .weightless,
                    doc: "Max or average over every spatial position.",
                    aliases: .ranks("GlobalMaxPooling", arguments: ", MaxPoolingMode")
                        + .ranks("GlobalAveragePooling", arguments: ", AveragePoolingMode"))),
        ])
}
