import ModelSpec

/// The identifiers the renderer writes itself, whatever the spec: locals and parameters
/// (`path`, `interceptor`, `seed`), members (`config`, `weights`), the runtime's types
/// (`Tensor`, `CallInterceptor`, `ConfigOf`, `Operation`) and labels. A layer, input or nested
/// model must not be named like any of them, or the generated code would not compile.
///
/// The set is not kept by hand: it is read off the code generated for probe specs that take
/// every path of the renderer (Sequential and Functional models, several inputs and outputs,
/// nested models, shared layers, layers with several outputs, attention's call layouts,
/// fused convolution chains, operations, custom layers, subclassed models, variants, and the
/// lists and stages of large models). Every name in the probes starts with `zq`, so what else
/// the code holds is the renderer's own.
public enum ReservedNames {
    /// The renderer's own identifiers and every runtime type name a spec's layers can bring in.
    public static let emitted: Set<String> = rendered.union(runtimeTypes).union(protocolMembers)

    /// The members generated models and configs get from the runtime's protocols (`Model`,
    /// `Layer`, `ModelConfig` and the protocols they refine). The generated code reaches a layer
    /// through `@dynamicMemberLookup`, which a real member of the same name hides: a layer named
    /// `keras_json` would make `self.kerasJSON` the protocol's method. ReservedNameTests checks
    /// this list against ModelRuntime's public API list.
    public static let protocolMembers: Set<String> = [
        "className", "clone", "compileConfig", "config", "customLayers", "evaluate", "fit", "graph", "inputShapes",
        "kerasJSON",
        "kerasWeightPaths", "layers", "loadWeights", "model", "modelLayer", "module", "name", "nodeShapes",
        "outputList", "outputNames", "outputShapes", "predict", "rebuilt", "saveWeights", "setTrainableWeights",
        "setWeights",
        "trainableWeightMask", "trainableWeights", "trainingStep", "weights", "withInputShapes", "withSeeds",
        "trainingCall", "backward",
    ]

    /// The identifiers of the probes' generated code that no spec name made: the list that
    /// `renderProbes()` read off and ReservedNames+Rendered.swift keeps, so that a generator
    /// process does not render the probes before every spec. ReservedNameTests renders them again
    /// and checks the list.
    public static let rendered = Set(renderedList)

    /// The identifiers of the probes' generated code that no spec name made, found by rendering
    /// the probes now.
    public static func renderProbes() -> Set<String> {
        var options = GeneratorOptions(customLayers: [
            CustomLayerDeclaration(kerasName: "Zq>ZqScale", swiftType: "ZqScale"),
            CustomLayerDeclaration(kerasName: "Zq>ZqNet", swiftType: "ZqNet"),
        ])
        options.takenNames = Identifiers.reserved
        var sources: [String] = []
        for (index, probe) in [functionalProbe, sequentialProbe, subclassedProbe].enumerated() {
            options.typeName = "ZqProbe\(index)"
            do {
                sources.append(
                    try Generator.generate(specAt: "zq.model.json", bytes: Array(probe.utf8), options: options).contents
                )
            } catch {
                preconditionFailure("the reserved-name probe \(index) does not generate: \(error)")
            }
        }
        // The functional probe again, split as a large model is: configs and layer types in
        // several list functions, the call in stages, the graph in several literals.
        var large = options
        large.typeName = "ZqLarge"
        large.listSize = 2
        large.stageSize = 2
        do {
            sources.append(
                try Generator.generate(specAt: "zq.model.json", bytes: Array(functionalProbe.utf8), options: large)
                    .contents)
        } catch {
            preconditionFailure("the reserved-name probe for large models does not generate: \(error)")
        }
        options.typeName = "ZqVariant"
        do {
            sources.append(
                try Generator.generateVariant(
                    specAt: "zq.variant.json", bytes: Array(variantProbe.utf8), baseBytes: Array(sequentialProbe.utf8),
                    basePath: "zq.model.json", baseTypeName: "ZqProbe1", options: options
                ).contents)
        } catch {
            preconditionFailure("the reserved-name variant probe does not generate: \(error)")
        }
        // What the probes' own names became: `zq…`, the `input_layer` Keras names the input of a
        // subclassed model, and the `dropout` the variant inserts.
        let fromSpecs = Set(
            ["input_layer", "dropout"].map { Identifiers.memberName($0, avoiding: Identifiers.reserved) })
        var names = Set<String>()
        for source in sources {
            for name in identifiers(inSwift: source)
            where !name.lowercased().hasPrefix("zq") && !fromSpecs.contains(name) {
                names.insert(name)
            }
        }
        return names
    }

    /// The config and runtime type names of every layer and operation a spec can use.
    public static let runtimeTypes: Set<String> = {
        var names = Set<String>()
        for kind in LayerRegistry.builtIn + Array(Operations.kinds.values) {
            names.formUnion(
                identifiers(inSwift: kind.configType.swiftTypeName + " " + kind.configType.swiftRuntimeTypeName))
        }
        return names
    }()

    /// The unqualified identifiers of Swift source, outside comments and string literals.
    static func identifiers(inSwift source: String) -> Set<String> {
        var names = Set<String>()
        var current = ""
        var iterator = source.unicodeScalars.makeIterator()
        var inString = false
        var inComment = false
        var previous: Unicode.Scalar = " "
        // A name after a dot (`Swift.Encoder`, `self.config`, `.init`) is looked up in another
        // type's scope, where the spec's names don't reach.
        var qualified = false
        func flush() {
            if !qualified, let first = current.unicodeScalars.first, first == "_" || first.properties.isAlphabetic {
                names.insert(current)
            }
            current = ""
            qualified = false
        }
        while let scalar = iterator.next() {
            defer { previous = scalar }
            if inComment {
                if scalar == "\n" { inComment = false }
                continue
            }
            if inString {
                if scalar == "\\" {
                    _ = iterator.next()
                } else if scalar == "\"" {
                    inString = false
                }
                continue
            }
            if scalar == "/" && previous == "/" {
                current = ""
                inComment = true
                continue
            }
            if scalar == "\"" {
                flush()
                inString = true
                continue
            }
            if scalar.isASCII && (scalar.properties.isAlphabetic || scalar == "_" || ("0"..."9").contains(scalar)) {
                if current.isEmpty && previous == "." { qualified = true }
                current.unicodeScalars.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return names
    }

    /// Two inputs; a convolution chain; a layer called twice; an operation; a recurrent layer's
    /// states; attention called with two arguments; a nested model with two outputs.
    static let functionalProbe = """
        {"class_name": "Functional", "config": {"name": "zqf", "layers": [
          {"class_name": "InputLayer", "name": "zqimage", "config": {"name": "zqimage", "batch_shape": [null, 4, 4, \
        3]}, "inbound_nodes": []},
          {"class_name": "InputLayer", "name": "zqseq", "config": {"name": "zqseq", "batch_shape": [null, 5, 2]}, \
        "inbound_nodes": []},
          {"class_name": "Conv2D", "name": "zqconv", "config": {"name": "zqconv", "filters": 2, "kernel_size": 1}, \
        "inbound_nodes": [\(call("zqimage"))]},
          {"class_name": "BatchNormalization", "name": "zqnorm", "config": {"name": "zqnorm"}, "inbound_nodes": \
        [\(call("zqconv"))]},
          {"class_name": "ReLU", "name": "zqrelu", "config": {"name": "zqrelu"}, "inbound_nodes": [\(call("zqnorm"))]},
          {"class_name": "GlobalAveragePooling2D", "name": "zqpool", "config": {"name": "zqpool"}, "inbound_nodes": \
        [\(call("zqrelu"))]},
          {"module": "keras.src.ops.numpy", "class_name": "Add", "registered_name": "Add", "name": "zqplus", "config": \
        {"name": "zqplus"},
           "inbound_nodes": [{"args": [\(tensor("zqpool")), 1.0], "kwargs": {}}]},
          {"class_name": "Dense", "name": "zqdense", "config": {"name": "zqdense", "units": 2}, "inbound_nodes": \
        [\(call("zqpool")), \(call("zqplus"))]},
          {"class_name": "LSTM", "name": "zqlstm", "config": {"name": "zqlstm", "units": 2, "return_state": true}, \
        "inbound_nodes": [\(call("zqseq"))]},
          {"class_name": "MultiHeadAttention", "name": "zqattention", "config": {"name": "zqattention", "num_heads": \
        1, "key_dim": 2},
           "inbound_nodes": [{"args": [\(tensor("zqseq")), \(tensor("zqseq"))], "kwargs": {"use_causal_mask": true}}]},
          {"class_name": "Functional", "name": "zqinner", "config": {"name": "zqinner", "layers": [
            {"class_name": "InputLayer", "name": "zqinnerin", "config": {"name": "zqinnerin", "batch_shape": [null, \
        2]}, "inbound_nodes": []},
            {"class_name": "Dense", "name": "zqleft", "config": {"name": "zqleft", "units": 1}, "inbound_nodes": \
        [\(call("zqinnerin"))]},
            {"class_name": "Dense", "name": "zqright", "config": {"name": "zqright", "units": 1}, "inbound_nodes": \
        [\(call("zqinnerin"))]}],
            "input_layers": [["zqinnerin", 0, 0]], "output_layers": [["zqleft", 0, 0], ["zqright", 0, 0]]},
           "inbound_nodes": [\(call("zqdense", node: 1))]}],
          "input_layers": [["zqimage", 0, 0], ["zqseq", 0, 0]],
          "output_layers": [["zqdense", 0, 0], ["zqlstm", 0, 1], ["zqattention", 0, 0], ["zqinner", 1, 0], ["zqinner", \
        1, 1]]}}
        """

    /// A Sequential model with a custom layer; also the variant's base.
    static let sequentialProbe = """
        {"class_name": "Sequential", "config": {"name": "zqs", "layers": [
          {"class_name": "InputLayer", "config": {"name": "zqin", "batch_shape": [null, 3]}},
          {"class_name": "ZqScale", "registered_name": "Zq>ZqScale", "config": {"name": "zqscale"}},
          {"class_name": "Dense", "config": {"name": "zqout", "units": 2}}]}}
        """

    /// A subclassed model computed by one custom layer.
    static let subclassedProbe = """
        {"class_name": "ZqNet", "registered_name": "Zq>ZqNet", "config": {"name": "zqnet"}, "build_config": \
        {"input_shape": [null, 3]}}
        """

    /// A variant of the Sequential probe.
    static let variantProbe = """
        {"base": "zq.model.json", "insert_after": {"class_name": "Dense"}, "insert": {"class_name": "Dropout", \
        "config": {"rate": 0.5}}}
        """

    private static func tensor(_ layer: String, node: Int = 0) -> String {
        "{\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\": [\"\(layer)\", \(node), 0]}}"
    }

    private static func call(_ layer: String, node: Int = 0) -> String {
        "{\"args\": [\(tensor(layer, node: node))], \"kwargs\": {}}"
    }
}
