// The configs and runtime layer types of Augmentation.swift's layers; tools/generate-layer-configs.sh
// writes Sources/ModelSpec/Layers/Generated/AugmentationConfigs.swift and
// Sources/ModelRuntime/Layers/Generated/AugmentationTypes.swift from them.

extension LayerFamily {
    static let augmentation = LayerFamily(
        "Augmentation",
        """
        Image augmentation layers: random flips, rotations, zooms, translations, contrast and brightness
        while training; the identity at inference, which is all a generated model runs. keras.io's image
        classification examples put them in front of the model.
        """,
        [
            ConfigSchema(
                "RandomFlipConfig", ["InferenceIdentityConfig"],
                doc: "`keras.layers.RandomFlip`.",
                className: .keras("RandomFlip"),
                template: "RandomFlipConfig()",
                initDoc: "A config.",
                fields: FieldSchema.base("random_flip") + [
                    .dataFormat,
                    .seed,
                    .optional(
                        "mode", "String", #""horizontal_and_vertical""#,
                        "`horizontal`, `vertical` or `horizontal_and_vertical`."),
                ]),
            ConfigSchema(
                "RandomRotationConfig", ["InferenceIdentityConfig"],
                doc: "`keras.layers.RandomRotation`.",
                className: .keras("RandomRotation"),
                template: "RandomRotationConfig(factor: 0)",
                initDoc: "A config.",
                fields: FieldSchema.base("random_rotation") + [
                    .dataFormat,
                    .required(
                        "factor", "OperationArgument",
                        "The range of rotations, in turns: one number or `[lower, upper]`."),
                    .optional("fill_mode", "String", #""reflect""#, "How points outside the input are filled."),
                    .optional("fill_value", "Double", "0", "The value for `fill_mode` `constant`."),
                    .optional("interpolation", "String", #""bilinear""#, "`bilinear` or `nearest`."),
                    .seed,
                ]),
            ConfigSchema(
                "GeometricAugmentationConfig<Kind: GeometricAugmentation>", ["InferenceIdentityConfig"],
                doc: """
                    The config of `keras.layers.RandomZoom` and `RandomTranslation`, which share their fields.
                    """,
                className: .computed("Kind.className"),
                template: "Self(heightFactor: 0, widthFactor: Kind.widthFactorIsRequired ? 0 : nil)",
                initDoc: "A config.",
                fields: FieldSchema.base(expression: "Naming.snakeCase(Kind.className)") + [
                    .dataFormat,
                    .required(
                        "height_factor", "OperationArgument",
                        """
                        The vertical range (zoom, or shift as a fraction of the height): one number or `[lower,
                        upper]`.
                        """),
                    FieldSchema(
                        "width_factor", "OperationArgument", default: "nil", required: "Kind.widthFactorIsRequired",
                        "The horizontal range (RandomZoom: `None` means the vertical one)."),
                    .optional("fill_mode", "String", #""reflect""#, "How points outside the input are filled."),
                    .optional("interpolation", "String", #""bilinear""#, "`bilinear` or `nearest`."),
                    .seed,
                    .optional("fill_value", "Double", "0", "The value for `fill_mode` `constant`."),
                ]),
            ConfigSchema(
                "ValueRangeAugmentationConfig<Kind: ValueRangeAugmentation>", ["InferenceIdentityConfig"],
                doc: """
                    The config of `keras.layers.RandomContrast` and `RandomBrightness`, which share their
                    fields.
                    """,
                className: .computed("Kind.className"),
                template: "Self(factor: 0)",
                initDoc: "A config.",
                fields: FieldSchema.base(expression: "Naming.snakeCase(Kind.className)") + [
                    .dataFormat,
                    .required("factor", "OperationArgument", "The range of changes: one number or `[lower, upper]`."),
                    .optional("value_range", "OperationArgument", "[0, 255]", "The range of the input's values."),
                    .seed,
                ]),
            ConfigSchema(
                "IdentityConfig", ["InferenceIdentityConfig"],
                doc: "`keras.layers.Identity`.",
                className: .keras("Identity"),
                template: "IdentityConfig()",
                initDoc: "A config.",
                fields: [
                    .name("identity"),
                    .optional("trainable", "Bool", "true", "Keras's `trainable` flag."),
                    .dtype,
                ]),
        ],
        layers: [
            RuntimeLayerSchema(
                "InferenceIdentity<Config: InferenceIdentityConfig>", .weightless, config: "Config",
                doc: """
                    A layer that returns its input at inference; `RandomFlip`, `RandomRotation`, … and
                    `Identity` are this with their config.
                    """,
                aliases: [
                    "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomContrast",
                    "RandomBrightness",
                    "Identity",
                ].map { .init($0, $0 + "Config") })
        ])
}
