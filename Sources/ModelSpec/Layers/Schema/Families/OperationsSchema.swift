// The runtime layer type of Operations.swift (Keras ops in Functional graphs, whose configs are
// written by hand in Sources/ModelSpec/Layers/Operations.swift); tools/generate-layer-configs.sh
// writes Sources/ModelRuntime/Layers/Generated/OperationsTypes.swift from it.

extension LayerFamily {
    static let operations = LayerFamily(
        "Operations",
        """
        Operations on Keras tensors in Functional models (`x + 3.0`, `ops.mean(x, axis=1)`, `x[:, -1]`).
        """,
        [],
        layers: [
            RuntimeLayerSchema(
                "Operation<Kind: OperationKernel>", .weightlessMerge, config: "OperationConfig<Kind>",
                doc: """
                    A Keras operation called in a Functional model, as a layer: `Operation<Ops.Add>` for
                    `x + 3.0`. Its config holds the call's constants.
                    """)
        ])
}
