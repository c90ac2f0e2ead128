// The configs and runtime layer types of Merging.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/MergingConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/MergingTypes.swift from them.

extension LayerFamily {
    static let merging = LayerFamily(
        "Merging",
        """
        Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.
        """,
        [
            ConfigSchema(
                "AddConfig", ["ElementwiseMergeConfig"],
                doc: "`keras.layers.Add`: the element-wise sum.",
                className: .keras("Add"),
                template: nil,
                initDoc: "An Add config.",
                declaresTable: false,
                fields: FieldSchema.base("add")),
            ConfigSchema(
                "SubtractConfig", ["ElementwiseMergeConfig"],
                doc: "`keras.layers.Subtract`: the first input minus the second.",
                className: .keras("Subtract"),
                template: nil,
                initDoc: "A Subtract config.",
                declaresTable: false,
                fields: FieldSchema.base("subtract")),
            ConfigSchema(
                "MultiplyConfig", ["ElementwiseMergeConfig"],
                doc: "`keras.layers.Multiply`: the element-wise product.",
                className: .keras("Multiply"),
                template: nil,
                initDoc: "A Multiply config.",
                declaresTable: false,
                fields: FieldSchema.base("multiply")),
            ConfigSchema(
                "AverageConfig", ["ElementwiseMergeConfig"],
                doc: "`keras.layers.Average`: the element-wise mean.",
                className: .keras("Average"),
                template: nil,
                initDoc: "An Average config.",
                declaresTable: false,
                fields: FieldSchema.base("average")),
            ConfigSchema(
                "MaximumConfig", ["ElementwiseMergeConfig"],
                doc: "`keras.layers.Maximum`: the element-wise maximum.",
                className: .keras("Maximum"),
                template: nil,
                initDoc: "A Maximum config.",
                declaresTable: false,
                fields: FieldSchema.base("maximum")),
            ConfigSchema(
                "MinimumConfig", ["ElementwiseMergeConfig"],
                doc: "`keras.layers.Minimum`: the element-wise minimum.",
                className: .keras("Minimum"),
                template: nil,
                initDoc: "A Minimum config.",
                declaresTable: false,
                fields: FieldSchema.base("minimum")),
            ConfigSchema(
                "ConcatenateConfig", ["LayerConfig"],
                doc: "`keras.layers.Concatenate`: joins its inputs along `axis`.",
                className: .keras("Concatenate"),
                template: "ConcatenateConfig()",
                initDoc: "A Concatenate config joining along `axis`.",
                fields: FieldSchema.base("concatenate") + [
                    .optional("axis", "Int", "-1", "The axis to join along; negative counts from the end.")
                ],
                runtime: RuntimeLayerSchema(
                    "Concatenate", .weightlessMerge,
                    doc: "`keras.layers.Concatenate`: joins its inputs along `axis`.")),
            ConfigSchema(
                "DotConfig", ["LayerConfig"],
                doc: """
                    `keras.layers.Dot`: the dot product of two inputs along `axes`, per batch sample, with
                    optional L2 normalization first (cosine similarity).
                    """,
                className: .keras("Dot"),
                template: "DotConfig(axes: .same(-1))",
                initDoc: "A Dot config over `axes`.",
                fields: FieldSchema.base("dot") + [
                    .required("axes", "DotAxes", "The axes to sum over."),
                    .optional(
                        "normalize", "Bool", "false", "Whether to L2-normalize both inputs along their axes first."),
                ],
                runtime: RuntimeLayerSchema(
                    "Dot", .weightlessMerge,
                    doc: """
                        `keras.layers.Dot`: per-sample dot products of two inputs along `axes` (Keras's
                        `batch_dot`), after L2-normalizing both when `normalize` is set.
                        """)),
        ],
        layers: [
            RuntimeLayerSchema(
                "ElementwiseMerge<Config: ElementwiseMergeOperation>", .weightlessMerge, config: "Config",
                doc: "An element-wise merge layer; `Add`, `Subtract`, … are this with their config.",
                aliases: ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"].map {
                    .init($0, $0 + "Config")
                })
        ])
}
