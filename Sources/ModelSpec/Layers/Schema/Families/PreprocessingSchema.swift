// The configs and runtime layer types of Preprocessing.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/PreprocessingConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/PreprocessingTypes.swift from them.

extension LayerFamily {
    static let preprocessing = LayerFamily(
        "Preprocessing",
        """
        Preprocessing layers that are part of a model's computation: Resizing, Rescaling, Normalization.
        """,
        [
            ConfigSchema(
                "RescalingConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Rescaling`: `x · scale + offset` (scalars or one per channel).
                    """,
                className: .keras("Rescaling"),
                template: "RescalingConfig(scale: 1.0)",
                initDoc: "A config scaling by `scale`, then adding `offset`.",
                fields: FieldSchema.base("rescaling") + [
                    .required("scale", "Numbers", "The factor: one number, or one per channel."),
                    .optional("offset", "Numbers", "0.0", "Added after scaling: one number, or one per channel."),
                ],
                runtime: RuntimeLayerSchema(
                    "Rescaling", .weightless,
                    doc: "`keras.layers.Rescaling`: `x · scale + offset`.")),
            ConfigSchema(
                "ResizingConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Resizing`: images resized to `height × width` (`nearest`, `bilinear`,
                    `bicubic`, `lanczos3`, `lanczos5`), optionally cropped or padded to the target's aspect
                    ratio first.
                    """,
                className: .keras("Resizing"),
                template: "ResizingConfig(height: 1, width: 1)",
                ignoredKeys: [("seed", ".null")],
                initDoc: "A config resizing to `height × width`.",
                fields: FieldSchema.base("resizing") + [
                    .channelsLast,
                    .required("height", "Int", "The output height."),
                    .required("width", "Int", "The output width."),
                    .optional("interpolation", "Interpolation", ".bilinear", "How new pixels are computed."),
                    .optional(
                        "crop_to_aspect_ratio", "Bool", "false",
                        """
                        Crop the largest centered box of the target's aspect ratio before resizing.
                        """),
                    .optional(
                        "pad_to_aspect_ratio", "Bool", "false",
                        "Pad to the target's aspect ratio (with `fill_value`) before resizing."),
                    .optional("fill_mode", "String", #""constant""#, "How padding is filled; only `constant`."),
                    .optional("fill_value", "Double", "0", "The padding value."),
                    .optional("antialias", "Bool", "false", "Widen the kernel when downsampling (antialiasing)."),
                ],
                runtime: RuntimeLayerSchema(
                    "Resizing", .weightless,
                    doc: "`keras.layers.Resizing`.")),
            ConfigSchema(
                "NormalizationConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.Normalization`: `(x − mean) / max(sqrt(variance), 1e-7)` (or the inverse),
                    with the mean and variance in the config or, when adapted, in the layer's weights.
                    """,
                className: .keras("Normalization"),
                template: "NormalizationConfig()",
                initDoc: "A config with Keras's defaults.",
                fields: FieldSchema.base("normalization") + [
                    .optional("axis", "Axes", "[-1]", "The axes with their own mean and variance (`[]`: one for all)."),
                    .optional(
                        "invert", "Bool", "false", "Undo the normalization instead: `mean + x · sqrt(variance)`."),
                    .optional("mean", "Numbers?", "nil", "The mean, or nil when adapted (then a weight)."),
                    .optional("variance", "Numbers?", "nil", "The variance, or nil when adapted (then a weight)."),
                ],
                runtime: RuntimeLayerSchema(
                    "Normalization", .unary,
                    doc: """
                        `keras.layers.Normalization`: `(x − mean) / max(sqrt(variance), 1e-7)`, or with `invert`
                        `mean + x · max(sqrt(variance), 1e-7)`.
                        """,
                    weights: [
                        .all("adapted", "The adapted mean, variance and sample count, when the config gives none.")
                    ])),
            ConfigSchema(
                "CategoryEncodingConfig", ["UnaryLayerConfig"],
                doc: """
                    `keras.layers.CategoryEncoding`: integer tokens to `one_hot`, `multi_hot` or `count` vectors
                    of `num_tokens`.
                    """,
                className: .keras("CategoryEncoding"),
                template: "CategoryEncodingConfig(numTokens: 1)",
                initDoc: "A config.",
                fields: FieldSchema.base("category_encoding") + [
                    .required("num_tokens", "Int", "The number of tokens; tokens are `0 ..< num_tokens`."),
                    .optional("output_mode", "String", #""multi_hot""#, "`one_hot`, `multi_hot` or `count`."),
                    .optional("sparse", "Bool", "false", "Sparse output; only false."),
                ],
                runtime: RuntimeLayerSchema(
                    "CategoryEncoding", .weightless,
                    doc: """
                        `keras.layers.CategoryEncoding`: one-hot, multi-hot or count vectors of integer tokens
                        (held as integral floats); tokens outside `0 ..< num_tokens` count for nothing.
                        """)),
        ])
}
