// The configs of Wrappers.swift's layers; tools/generate-layer-configs.sh writes
// Sources/ModelSpec/Layers/Generated/WrappersConfigs.swift from them.

extension LayerFamily {
    static let wrappers = LayerFamily(
        "Wrappers",
        """
        Wrapper layers: TimeDistributed (any single-input layer over every time step) and Bidirectional (a
        recurrent layer run both ways). Both are generic over what they wrap; the registry picks the
        instantiation from the wrapped layer's `class_name`.
        """,
        [
            ConfigSchema(
                "TimeDistributedConfig<Inner: UnaryLayerConfig>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.TimeDistributed`: the wrapped layer applied to every time step of a `(batch,
                    steps, ...)` input.
                    """,
                className: .keras("TimeDistributed"),
                template: "Self(layer: Inner.template)",
                initDoc: "A config wrapping `layer`.",
                fields: FieldSchema.base("time_distributed") + [
                    FieldSchema(
                        "layer", "KerasLayerObject<Inner>", required: "true", property: "wrapped",
                        "The wrapped layer as Keras writes it."
                    ).stored(as: "KerasLayerObject(layer)").parameter("Inner")
                ]),
            ConfigSchema(
                "BidirectionalConfig<Cell: RecurrentCellKind>", ["UnaryLayerConfig", "SwiftSpelledConfig"],
                doc: """
                    `keras.layers.Bidirectional`: a recurrent layer run forward and a copy run backward, their
                    outputs merged.
                    """,
                className: .keras("Bidirectional"),
                template: "Self(layer: RecurrentConfig<Cell>(units: 1))",
                initDoc: """
                    A config running `layer` forward and `backwardLayer` (by default a copy of `layer` with
                    `go_backwards` flipped, as Keras makes it) backward.
                    """,
                fields: FieldSchema.base("bidirectional") + [
                    .optional(
                        "merge_mode", "MergeMode?", ".concat",
                        "How the two outputs are joined; nil gives both as separate outputs."),
                    FieldSchema(
                        "layer", "KerasLayerObject<RecurrentConfig<Cell>>", required: "true", property: "forward",
                        "The forward layer."
                    ).stored(as: "KerasLayerObject(layer)").parameter("RecurrentConfig<Cell>"),
                    FieldSchema(
                        "backward_layer", "KerasLayerObject<RecurrentConfig<Cell>>?", default: "nil",
                        property: "backward",
                        """
                        The backward layer (`go_backwards` set); Keras derives it from the forward one when
                        absent.
                        """
                    ).stored(as: "backwardLayer.map(KerasLayerObject.init)").parameter("RecurrentConfig<Cell>?"),
                ]),
        ])
}
