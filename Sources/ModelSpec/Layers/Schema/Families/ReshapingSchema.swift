// The configs and runtime layer types of Reshaping.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/ReshapingConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/ReshapingTypes.swift from them.

extension LayerFamily {
    static let reshaping = LayerFamily(
        "Reshaping",
        """
        Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D/3D, Cropping1D/2D/3D,
        UpSampling1D/2D/3D.
        """,
        [
            ConfigSchema(
                "FlattenConfig", ["UnaryLayerConfig"],
                doc: "`keras.layers.Flatten`: every axis but the batch axis flattened into one.",
                className: .keras("Flatten"),
                template: "FlattenConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("flatten") + [
                    .channelsLast
                ],
                runtime: RuntimeLayerSchema(
                    "Flatten", .weightless,
                    doc: "`keras.layers.Flatten`.")),
            ConfigSchema(
                "ReshapeConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Reshape`: each sample reshaped to `target_shape` (one axis may be -1).
                    """,
                className: .keras("Reshape"),
                template: "ReshapeConfig(targetShape: [])",
                initDoc: "A config reshaping to `targetShape`.",
                fields: FieldSchema.base("reshape") + [
                    .required("target_shape", "[Int]", "The shape of each sample; one entry may be -1 (inferred).")
                ],
                runtime: RuntimeLayerSchema(
                    "Reshape", .weightless,
                    doc: "`keras.layers.Reshape`.")),
            ConfigSchema(
                "PermuteConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Permute`: the axes of each sample reordered (`dims` counts from 1).
                    """,
                className: .keras("Permute"),
                template: "PermuteConfig(dims: [])",
                initDoc: "A config with the permutation `dims`.",
                fields: FieldSchema.base("permute") + [
                    .required(
                        "dims", "[Int]",
                        """
                        Output axis i + 1 is input axis `dims[i]` (the batch axis is 0 and stays).
                        """)
                ],
                runtime: RuntimeLayerSchema(
                    "Permute", .weightless,
                    doc: "`keras.layers.Permute`.")),
            ConfigSchema(
                "RepeatVectorConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.RepeatVector`: a `(batch, features)` input repeated `n` times, `(batch, n,
                    features)`.
                    """,
                className: .keras("RepeatVector"),
                template: "RepeatVectorConfig(n: 1)",
                initDoc: "A config repeating `n` times.",
                fields: FieldSchema.base("repeat_vector") + [
                    .required("n", "Int", "The number of repetitions.")
                ],
                runtime: RuntimeLayerSchema(
                    "RepeatVector", .weightless,
                    doc: "`keras.layers.RepeatVector`.")),
            ConfigSchema(
                "ZeroPaddingConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.ZeroPadding1D/2D/3D`: zeros added before and after each spatial axis.
                    """,
                className: .computed(#""ZeroPadding\(Rank.suffix)""#),
                template: "Self()",
                initDoc: "A config with Keras's defaults (one zero on every side).",
                fields: FieldSchema.base(expression: #""zero_padding\(Rank.rank)d""#) + [
                    .optional(
                        "padding", "SidePairs", "SidePairs(Array(repeating: [1, 1], count: Rank.rank))",
                        "Zeros before and after each spatial axis."),
                    .channelsLast,
                ],
                runtime: RuntimeLayerSchema(
                    "ZeroPadding<Rank: SpatialRank>", .weightless,
                    doc: "`keras.layers.ZeroPadding1D/2D/3D`.",
                    aliases: .ranks("ZeroPadding"))),
            ConfigSchema(
                "CroppingConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.Cropping1D/2D/3D`: positions removed before and after each spatial axis.
                    """,
                className: .computed(#""Cropping\(Rank.suffix)""#),
                template: "Self()",
                initDoc: """
                    A config with Keras's defaults (one on each side for 1D and 3D, none for 2D).
                    """,
                fields: FieldSchema.base(expression: #""cropping\(Rank.rank)d""#) + [
                    .optional(
                        "cropping", "SidePairs",
                        "SidePairs(Array(repeating: Rank.rank == 2 ? [0, 0] : [1, 1], count: Rank.rank))",
                        "Positions removed before and after each spatial axis."),
                    .channelsLast.only(when: "Rank.rank > 1"),
                ],
                runtime: RuntimeLayerSchema(
                    "Cropping<Rank: SpatialRank>", .weightless,
                    doc: "`keras.layers.Cropping1D/2D/3D`.",
                    aliases: .ranks("Cropping"))),
            ConfigSchema(
                "UpSamplingConfig<Rank: SpatialRank>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.UpSampling1D/2D/3D`: each spatial axis enlarged by `size` (repeating
                    positions, or interpolating for `UpSampling2D`).
                    """,
                className: .computed(#""UpSampling\(Rank.suffix)""#),
                template: "Self()",
                initDoc: "A config with Keras's defaults (a factor of 2 on every axis, nearest).",
                fields: FieldSchema.base(expression: #""up_sampling\(Rank.rank)d""#) + [
                    .optional("size", "IntTuple", "2", "The factor per spatial axis.").expanded()
                        .spelled(as: "sizeScalar", when: "Rank.rank == 1"),
                    .channelsLast.only(when: "Rank.rank > 1"),
                    .optional(
                        "interpolation", "Interpolation", ".nearest",
                        """
                        `nearest` (repeat) or, for `UpSampling2D`, `bilinear`, `bicubic`, `lanczos3`,
                        `lanczos5`.
                        """
                    ).only(when: "Rank.rank == 2"),
                ],
                runtime: RuntimeLayerSchema(
                    "UpSampling<Rank: SpatialRank>", .weightless,
                    doc: """
                        `keras.layers.UpSampling1D/2D/3D`: nearest repeats positions; `UpSampling2D`'s other
                        interpolations resize as `Resizing` does.
                        """,
                    aliases: .ranks("UpSampling"))),
        ])
}
