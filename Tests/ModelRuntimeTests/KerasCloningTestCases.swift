import Foundation
import ModelRuntime
import Testing

// Keras's own clone tests, keras/src/models/cloning_test.py (Keras 3.15), case by case, with the
// generated types of the models that test builds. tools/make_cloning_test_fixtures.py saved each
// model into Specs/cloning/NAME.keras and recorded what Keras does when it clones it in
// Fixtures/cloning/NAME.json; every expectation below reads Keras's answer from there.

/// A model of Keras's clone tests: its saved spec and what Keras recorded.
struct KerasCloneFixture {
    let name: String
    let facts: JSONNode
    /// The reference inputs, in `model.inputs` order, and Keras's outputs on them.
    let inputs: [Tensor]
    let outputs: [Tensor]

    init(_ name: String) throws {
        self.name = name
        facts = try JSONReader.parse([UInt8](Data(contentsOf: Fixtures.url("cloning/\(name).json"))))
        let io = try Fixtures.io("cloning/\(name).json")
        inputs = io.inputs
        outputs = io.outputs.map(\.tensor)
    }

    var spec: URL { Fixtures.specs.appendingPathComponent("cloning/\(name).keras") }

    subscript(key: String) -> JSONNode? { facts[key] }
}

/// `[["dense", "Dense"], …]` as `[[String]]`.
func stringLists(_ node: JSONNode?) -> [[String]] {
    (node?.arrayElements ?? []).map { ($0.arrayElements ?? []).compactMap(\.stringValue) }
}

func strings(_ node: JSONNode?) -> [String] { (node?.arrayElements ?? []).compactMap(\.stringValue) }

func shapes(_ node: JSONNode?) -> [TensorShape] {
    (node?.arrayElements ?? []).map { TensorShape(($0.arrayElements ?? []).map(\.intValue)) }
}

func intLists(_ node: JSONNode?) -> [[Int]] {
    (node?.arrayElements ?? []).map { ($0.arrayElements ?? []).compactMap(\.intValue) }
}

/// A JSON value as text, to compare values from Keras's JSON with values from ours.
func jsonText(_ node: JSONNode?) -> String { node.map { JSONWriter().write($0.value) } ?? "nil" }

/// The `[name, class_name]` of every entry of a Keras JSON config's `layers`.
func configLayers(_ json: String) throws -> [[String]] {
    try ModelSpecParser.parse(JSONReader.parse(json)).layers.map { [$0.name, $0.className] }
}

/// Every layer of a model, nested models walked, plus the model itself: Keras's
/// `len(model._flatten_layers())`.
func flattenedLayerCount(_ model: ModelDescription) -> Int {
    1 + model.layers.reduce(0) { count, layer in count + (layer.nested.map(flattenedLayerCount) ?? 1) }
}

func expectOutputs(
    _ actual: [Tensor], _ fixture: KerasCloneFixture, _ what: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(actual.count == fixture.outputs.count, "\(what): outputs", sourceLocation: sourceLocation)
    for (index, (ours, keras)) in zip(actual, fixture.outputs).enumerated() {
        expectClose(ours, keras, "\(fixture.name) \(what), output \(index)", sourceLocation: sourceLocation)
    }
}

/// Records the path and class of every layer it is handed, like the recording clone functions
/// of the fixture script, and returns it unchanged (or, with `fresh`, rebuilt with new weights,
/// like `from_config(get_config())`).
final class PathRecordingCloner: LayerCloner {
    var calls: [(path: String, className: String)] = []
    let fresh: Bool
    init(fresh: Bool = false) { self.fresh = fresh }

    func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
        calls.append((path.description, L.Config.className))
        return fresh ? FreshWeights(seed: 9).clone(layer, at: path) : layer
    }

    /// `[name, class]` of each call, as Keras's clone function sees the layer.
    var named: [[String]] { calls.map { [String($0.path.split(separator: "/").last ?? ""), $0.className] } }
}

/// test_custom_clone_function's clone function: the layer rebuilt from its config with
/// `_custom` appended to its name.
final class RenamingCloner: LayerCloner {
    var calls: [[String]] = []

    func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
        calls.append([path.name, L.Config.className])
        guard var config = layer.config as? any LayerConfig else { return layer }
        config.name += "_custom"
        guard let renamed = config as? L.Config else { return layer }
        return FreshWeights().rebuild(layer, config: renamed, at: path)
    }
}

/// Records the path of every Dense layer a call goes through, where Keras's `call_function`
/// example inserts a Dropout.
final class DenseRecorder: CallInterceptor {
    var names: [String] = []
    var paths: [String] = []
    func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
        if layer is Dense {
            names.append(path().name)
            paths.append(path().description)
        }
        return output
    }
}

/// One parameter of a parameterized Keras test, its check written with the generated type.
struct KerasCase: Sendable, CustomTestStringConvertible {
    let testDescription: String
    let run: @Sendable () throws -> Void
    init(_ name: String, _ run: @escaping @Sendable () throws -> Void) {
        testDescription = name
        self.run = run
    }
}

// MARK: - The checks, one per Keras test

/// test_cloning_correctness: `clone_model(model)` has the model's config and fresh weights; with
/// the model's weights set, it gives the model's outputs.
func checkCloningCorrectness<M: Model>(_: M.Type, _ name: String, call: (M, [Tensor]) -> [Tensor]) throws {
    let fixture = try KerasCloneFixture(name)
    let facts = try #require(fixture["clone_model"])
    let model = try M(contentsOf: fixture.spec)
    #expect(model.inputShapes == shapes(fixture["input_shapes"]))
    expectOutputs(call(model, fixture.inputs), fixture, "as saved")

    var clone = model.clone()
    // Keras's clone of the model loaded from the archive has its config, layer names included
    // (a clone of the model Keras built in memory names its InputLayers after the input
    // tensors, `keras_tensor`, and so differs in those names only).
    #expect(facts["loaded_clone_config_equal"]?.boolValue == true)
    #expect(facts["config_equal_but_input_names"]?.boolValue == true)
    #expect(clone.config == model.config)
    #expect(try configLayers(clone.kerasJSON()) == stringLists(facts["loaded_clone_config_layers"]))
    #expect(clone.weights.count == facts["weight_count"]?.intValue)
    let kerasDiffer = (facts["weights_differ"]?.arrayElements ?? []).map { $0.boolValue == true }
    #expect(zip(clone.weights, model.weights).map { $0 != $1 } == kerasDiffer, "fresh weights, as Keras draws")

    try clone.setWeights(model.weights)
    expectOutputs(call(clone, fixture.inputs), fixture, "clone with the model's weights")
    expectOutputs(call(model.clone(with: CopyingWeights()), fixture.inputs), fixture, "copying clone")
}

/// test_custom_clone_function: a cloner that renames every layer `NAME_custom` is handed the
/// layers Keras hands its clone function, and the clone has Keras's names.
func checkCustomCloneFunction<M: Model>(_: M.Type, _ name: String, call: (M, [Tensor]) -> [Tensor]) throws {
    let fixture = try KerasCloneFixture(name)
    let facts = try #require(fixture["custom_clone_function"])
    let model = try M(contentsOf: fixture.spec)
    let renaming = RenamingCloner()
    var clone = model.clone(with: renaming)
    #expect(renaming.calls == stringLists(facts["calls"]))

    // InputLayers never reach the clone function (Keras names the clone's after the input
    // tensors); every other layer has Keras's new name.
    let json = clone.kerasJSON()
    let ours = try configLayers(json).filter { $0[1] != "InputLayer" }
    #expect(ours == stringLists(facts["clone_config_layers"]).filter { $0[1] != "InputLayer" })
    #expect(ours.allSatisfy { $0[0].hasSuffix("_custom") })
    if let outputLayers = facts["output_layers"] {
        #expect(jsonText(try JSONReader.parse(json)["config"]?["output_layers"]) == jsonText(outputLayers))
    }
    #expect(clone.config != model.config)
    #expect(try M(kerasJSON: json).config == clone.config, "the renamed architecture reads back")
    try clone.setWeights(model.weights)
    expectOutputs(call(clone, fixture.inputs), fixture, "renamed clone with the model's weights")
}

/// test_input_tensors: `clone_model(model, input_tensors=model.inputs[0])` keeps the inputs and
/// outputs; so does `clone(inputShapes:)`, also on a fixed batch and on 11 steps instead of 7.
func checkInputTensors<M: Model>(_: M.Type, _ name: String, call: (M, [Tensor]) -> [Tensor]) throws {
    let fixture = try KerasCloneFixture(name)
    let facts = try #require(fixture["input_tensors"])
    let model = try M(contentsOf: fixture.spec)
    #expect(shapes(facts["same_tensor"]?["input_shapes"]) == model.inputShapes)
    expectOutputs(call(model, fixture.inputs), fixture, "as saved")
    let same = try model.clone(inputShapes: model.inputShapes, with: CopyingWeights())
    expectOutputs(call(same, fixture.inputs), fixture, "clone on the same input shapes")
    for key in ["same_tensor", "batch_2", "steps_11"] {
        let keras = try #require(facts[key])
        let inputShapes = shapes(keras["input_shapes"])
        let clone = try model.clone(inputShapes: inputShapes, with: SharingWeights())
        #expect(clone.inputShapes == inputShapes, "\(key)")
        #expect(clone.outputShapes == shapes(keras["output_shapes"]), "\(key)")
        #expect(clone.weights.map(\.shape) == intLists(keras["weight_shapes"]), "\(key)")
        let fresh = try model.clone(inputShapes: inputShapes)
        #expect(fresh.weights.map(\.shape) == intLists(keras["weight_shapes"]), "\(key), fresh weights")
        if let input = keras["input"], let output = keras["output"] {
            let tensor = { (node: JSONNode) in
                Tensor(
                    shape: (node["shape"]?.arrayElements ?? []).compactMap(\.intValue),
                    scalars: (node["data"]?.arrayElements ?? []).compactMap(\.doubleValue).map { Float($0) })
            }
            expectClose(call(clone, [tensor(input)])[0], tensor(output), "\(name) on 11 steps")
        }
    }
}

/// test_recursive (Sequential half) and test_recursive_multi_level: with `recursive: true` the
/// cloner is handed every leaf layer at every depth, in Keras's order (in Keras each such Dense
/// carries the clone function's `flag`); without, each nested model whole. The clone gives the
/// model's outputs with its weights.
func checkRecursiveCloning<M: Model>(_: M.Type, _ name: String, call: (M, [Tensor]) -> [Tensor]) throws {
    let fixture = try KerasCloneFixture(name)
    let facts = try #require(fixture["recursive"])
    let model = try M(contentsOf: fixture.spec)
    let description = try ModelSpecParser.parse(JSONReader.parse(model.kerasJSON()))
    #expect(flattenedLayerCount(description) == facts["flattened_layer_count"]?.intValue)
    for recursive in [false, true] {
        let keras = try #require(facts["recursive_\(recursive)"])
        let recorder = PathRecordingCloner(fresh: true)
        var clone = model.clone(with: recorder, recursive: recursive)
        #expect(recorder.named == stringLists(keras["calls"]), "recursive: \(recursive)")
        let dense = recorder.calls.filter { $0.className == "Dense" }.map(\.path)
        #expect(dense == strings(keras["flagged_dense"]), "recursive: \(recursive)")
        // Keras's clone shares no layer with the model; here no weight.
        #expect(strings(keras["same_objects"]).isEmpty)
        #expect(zip(clone.weights, model.weights).allSatisfy { $0 != $1 }, "recursive: \(recursive)")
        #expect(clone.config == model.config)
        try clone.setWeights(model.weights)
        expectOutputs(call(clone, fixture.inputs), fixture, "recursive: \(recursive) clone with the model's weights")
    }
}

// MARK: - The tests

@Suite("Keras's cloning_test.py")
struct KerasCloningTestCases {
    @Test(
        "test_cloning_correctness",
        arguments: [
            KerasCase("mlp_functional") {
                try checkCloningCorrectness(CloningMlpFunctional.self, "cloning_mlp_functional") { [$0($1[0])] }
            },
            KerasCase("cnn_functional") {
                try checkCloningCorrectness(CloningCnnFunctional.self, "cloning_cnn_functional") { [$0($1[0])] }
            },
            KerasCase("sequential") {
                try checkCloningCorrectness(CloningSequential.self, "cloning_sequential") { [$0($1[0])] }
            },
            KerasCase("deferred_sequential (built on the test's batch of 2)") {
                try checkCloningCorrectness(CloningDeferredSequential.self, "cloning_deferred_sequential") {
                    [$0($1[0])]
                }
            },
            // test_structured_io_cloning and test_compiled_model_cloning clone these too.
            KerasCase("structured_io") {
                try checkCloningCorrectness(CloningStructuredIo.self, "cloning_structured_io") {
                    let result = $0(x: $1[0], y: $1[1])
                    return [result.z1, result.z2]
                }
            },
            KerasCase("compiled") {
                try checkCloningCorrectness(CloningCompiled.self, "cloning_compiled") { [$0($1[0])] }
            },
        ])
    func cloningCorrectness(_ keras: KerasCase) throws { try keras.run() }

    @Test(
        "test_custom_clone_function",
        arguments: [
            KerasCase("mlp_functional") {
                try checkCustomCloneFunction(CloningMlpFunctional.self, "cloning_mlp_functional") { [$0($1[0])] }
            },
            KerasCase("cnn_functional") {
                try checkCustomCloneFunction(CloningCnnFunctional.self, "cloning_cnn_functional") { [$0($1[0])] }
            },
            KerasCase("sequential") {
                try checkCustomCloneFunction(CloningSequential.self, "cloning_sequential") { [$0($1[0])] }
            },
        ])
    func customCloneFunction(_ keras: KerasCase) throws { try keras.run() }

    @Test(
        "test_input_tensors",
        arguments: [
            KerasCase("cnn_functional") {
                try checkInputTensors(CloningCnnFunctional.self, "cloning_cnn_functional") { [$0($1[0])] }
            },
            KerasCase("cnn_sequential") {
                try checkInputTensors(CloningCnnSequential.self, "cloning_cnn_sequential") { [$0($1[0])] }
            },
            KerasCase("cnn_sequential_noinputlayer (built on the test's batch of 2)") {
                try checkInputTensors(CloningCnnSequentialNoInput.self, "cloning_cnn_sequential_no_input") {
                    [$0($1[0])]
                }
            },
        ])
    func inputTensors(_ keras: KerasCase) throws { try keras.run() }

    /// test_shared_layers_cloning: the clone has 4 layers; the shared layer is cloned once and
    /// called twice.
    @Test("test_shared_layers_cloning")
    func sharedLayersCloning() throws {
        let fixture = try KerasCloneFixture("cloning_mlp_shared")
        let facts = try #require(fixture["shared_layers"])
        let model = try CloningMlpShared(contentsOf: fixture.spec)
        expectOutputs([model(fixture.inputs[0])], fixture, "as saved")
        let recorder = PathRecordingCloner(fresh: true)
        var clone = model.clone(with: recorder)
        #expect(recorder.named == stringLists(facts["calls"]))

        let description = try ModelSpecParser.parse(JSONReader.parse(clone.kerasJSON()))
        #expect(description.layers.count == stringLists(facts["clone_layers"]).count)
        var calls: [String: Int] = [:]
        for node in description.graph.nodes where !node.inputs.isEmpty {
            calls[description.layers[node.layer].name, default: 0] += 1
        }
        let keras = (facts["inbound_node_counts"]?.objectMembers ?? []).filter { $0.value.intValue != 0 }
        #expect(calls == Dictionary(uniqueKeysWithValues: keras.map { ($0.key, $0.value.intValue ?? 0) }))
        #expect(clone.weights.count == facts["weight_count"]?.intValue)
        try clone.setWeights(model.weights)
        expectOutputs([clone(fixture.inputs[0])], fixture, "clone with the model's weights")
    }

    /// test_structured_io_cloning: dict inputs and outputs survive a clone, also on new input
    /// shapes; Keras refuses `input_tensors` of another structure (a tuple for a dict), and here
    /// the labels are part of the type, so only a wrong number of input shapes can be passed.
    @Test("test_structured_io_cloning")
    func structuredIOCloning() throws {
        let fixture = try KerasCloneFixture("cloning_structured_io")
        let facts = try #require(fixture["structured_io"])
        let model = try CloningStructuredIo(contentsOf: fixture.spec)
        // The fixture lists inputs and outputs in Keras's flattened (sorted key) order.
        #expect(fixture["inputs"]?.arrayElements?.compactMap { $0["key"]?.stringValue } == ["x", "y"])
        #expect(fixture["outputs"]?.arrayElements?.compactMap { $0["key"]?.stringValue } == ["z1", "z2"])

        let recorder = PathRecordingCloner()
        let clone = model.clone(with: recorder)
        #expect(recorder.named == stringLists(facts["calls"]), "the `x + y` operation is cloned too")
        let (z1, z2) = clone(x: fixture.inputs[0], y: fixture.inputs[1])
        expectOutputs([z1, z2], fixture, "clone")

        let reshaped = try model.clone(inputShapes: [[nil, 3], [nil, 3]], with: SharingWeights())
        for (ours, keras) in [(clone, facts["clone"]), (reshaped, facts["dict_input_tensors"])] {
            let config = try JSONReader.parse(ours.kerasJSON())["config"]
            #expect(config?["input_layers"]?.objectMembers?.map(\.key) == strings(keras?["input_keys"]))
            #expect(config?["output_layers"]?.objectMembers?.map(\.key) == strings(keras?["output_keys"]))
            #expect(jsonText(config?["output_layers"]) == jsonText(keras?["output_layers"]))
        }
        // Keras's clone on the model's own dict of inputs keeps their InputLayers' names.
        let inputLayers = try JSONReader.parse(reshaped.kerasJSON())["config"]?["input_layers"]
        #expect(jsonText(inputLayers) == jsonText(facts["dict_input_tensors"]?["input_layers"]))
        let result = reshaped(x: fixture.inputs[0], y: fixture.inputs[1])
        expectOutputs([result.z1, result.z2], fixture, "clone on the same input shapes")

        let kerasError = facts["tuple_input_tensors_error"]?.stringValue ?? ""
        #expect(kerasError.contains("must have the same structure as model.input"))
        #expect { try model.clone(inputShapes: [[nil, 3]]) } throws: { error in
            "\(error)".contains("has 2 inputs, got 1 shapes")
        }
    }

    /// test_call_fn: Keras's `call_function` that adds a Dropout after every Dense, with the
    /// layers reused. Here at build time, a variant that shares the base model's layers
    /// (`cloning_mlp_functional_dropout.variant.json`), and at run time an interceptor.
    @Test("test_call_fn")
    func callFunction() throws {
        let fixture = try KerasCloneFixture("cloning_mlp_functional")
        let facts = try #require(fixture["call_function"])
        let base = try CloningMlpFunctional(contentsOf: fixture.spec)

        let variant = try CloningMlpFunctionalDropout(sharingLayersOf: base)
        let ours = try ModelSpecParser.parse(JSONReader.parse(variant.kerasJSON()))
        let keras = try ModelSpecParser.parse(try #require(facts["keras_json"]))
        #expect(ours.graph == keras.graph)
        #expect(ours.layers.count == 5 && ours.layers.count == stringLists(facts["clone_layers"]).count)
        #expect(ours.layers[2].className == "Dropout" && ours.layers[4].className == "Dropout")
        for (a, b) in zip(ours.layers, keras.layers) where !a.isInput {
            #expect(a.name == b.name && a.className == b.className)
            let (x, y) = (try #require(a.config), try #require(b.config))
            #expect(try SpecEncoder().encode(x) == SpecEncoder().encode(y), "\(a.name)")
        }
        #expect(zip(variant.weights, base.weights).allSatisfy { $0.sharesStorage(with: $1) })
        expectOutputs([variant(fixture.inputs[0])], fixture, "variant")

        let recorder = DenseRecorder()
        expectOutputs([base(fixture.inputs[0], intercepting: recorder)], fixture, "intercepted call")
        #expect(recorder.names == strings(facts["dropout_after"]))
        let dropout = MonteCarloDropout(rate: 0.5, seed: 1)
        #expect(base(fixture.inputs[0], intercepting: dropout) != base(fixture.inputs[0]))
    }

    /// test_recursive, first half: with `recursive=True`, Keras's `call_function` also adds a
    /// Dropout after the nested model's Dense layers (8 layers become 12). A variant inserts at
    /// the top level only; an interceptor goes into nested models, so it sees every Dense Keras
    /// puts a Dropout after, in Keras's order.
    @Test("test_recursive (call_function)")
    func recursiveCallFunction() throws {
        let fixture = try KerasCloneFixture("cloning_nested_functional")
        let facts = try #require(fixture["call_function_recursive"])
        let model = try CloningNestedFunctional(contentsOf: fixture.spec)
        let description = try ModelSpecParser.parse(JSONReader.parse(model.kerasJSON()))
        #expect(flattenedLayerCount(description) == facts["flattened_layer_counts"]?.arrayElements?.first?.intValue)
        let recorder = DenseRecorder()
        expectOutputs([model(fixture.inputs[0], intercepting: recorder)], fixture, "intercepted call")
        #expect(recorder.names == strings(facts["dropout_after"]))
        // The nested model's Dense layers, by path: Keras's clone of the nested model has them.
        let nested = stringLists(facts["nested_clone_layers"]).filter { $0[1] == "Dense" }.map { "functional/" + $0[0] }
        #expect(recorder.paths.filter { $0.hasPrefix("functional/") } == nested)
        let dropout = MonteCarloDropout(rate: 0.5, seed: 1)
        #expect(model(fixture.inputs[0], intercepting: dropout) != model(fixture.inputs[0]))
    }

    @Test(
        "test_recursive (clone_function)",
        arguments: [
            KerasCase("nested Sequential (built on the test's batch of 2)") {
                try checkRecursiveCloning(CloningNestedSequential.self, "cloning_nested_sequential") { [$0($1[0])] }
            },
            KerasCase("nested Functional") {
                try checkRecursiveCloning(CloningNestedFunctional.self, "cloning_nested_functional") { [$0($1[0])] }
            },
        ])
    func recursive(_ keras: KerasCase) throws { try keras.run() }

    @Test(
        "test_recursive_multi_level",
        arguments: [
            KerasCase("doubly nested Functional") {
                try checkRecursiveCloning(CloningDoublyNestedFunctional.self, "cloning_doubly_nested_functional") {
                    [$0($1[0])]
                }
            },
            KerasCase("doubly nested Sequential (built on the test's batch of 2)") {
                try checkRecursiveCloning(CloningDoublyNestedSequential.self, "cloning_doubly_nested_sequential") {
                    [$0($1[0])]
                }
            },
        ])
    func recursiveMultiLevel(_ keras: KerasCase) throws { try keras.run() }

    /// test_compiled_model_cloning: Keras's clone is compiled as the model is. A generated type
    /// has no compiled state: the archive's `compile_config` is read and left out, and the clone
    /// is what `test_cloning_correctness` checks.
    @Test("test_compiled_model_cloning")
    func compiledModelCloning() throws {
        let fixture = try KerasCloneFixture("cloning_compiled")
        let facts = try #require(fixture["compiled"])
        #expect(facts["compiled"]?.boolValue == true && facts["clone_compiled"]?.boolValue == true)
        #expect(facts["compile_config"]?["loss"]?.stringValue == "binary_crossentropy")
        let model = try CloningCompiled(contentsOf: fixture.spec)
        let clone = model.clone()
        #expect(clone.config == model.config)
        #expect(!clone.kerasJSON().contains("compile_config"))
        expectOutputs([model.clone(with: CopyingWeights())(fixture.inputs[0])], fixture, "copying clone")
    }

    /// test_cloning_correctness[subclassed]: `clone_model` of a subclassed model serializes it
    /// and reads it back (same class and config, fresh weights) and refuses a clone function.
    /// Here the subclassed model is a custom layer written in Swift (`ExampleModel`), and the
    /// generated model clones like any other, with any cloner.
    @Test("test_cloning_correctness[subclassed]")
    func subclassedCloning() throws {
        let fixture = try KerasCloneFixture("cloning_subclassed")
        let facts = try #require(fixture["subclassed"])
        let model = try CloningSubclassed(contentsOf: fixture.spec)
        expectOutputs([model(fixture.inputs[0])], fixture, "as saved")
        #expect(model.weights.map(\.shape) == intLists(fixture["weight_shapes"]))

        var clone = model.clone()
        #expect(facts["clone_class"]?.stringValue == ExampleModelConfig.className)
        #expect(facts["config_equal"]?.boolValue == true)
        #expect(clone.config == model.config)
        let json = try JSONReader.parse(clone.kerasJSON())
        #expect(json["class_name"]?.stringValue == "ExampleModel")
        #expect(json["registered_name"]?.stringValue == "ExampleModel")
        #expect(jsonText(json["config"]?["name"]) == jsonText(facts["config"]?["name"]))
        #expect(zip(clone.weights, model.weights).allSatisfy { $0 != $1 })
        try clone.setWeights(model.weights)
        expectOutputs([clone(fixture.inputs[0])], fixture, "clone with the model's weights")

        #expect(facts["clone_function_error"]?.stringValue?.contains("only supported for Sequential models") == true)
        let recorder = PathRecordingCloner()
        _ = model.clone(with: recorder)
        #expect(recorder.named == [["example_model", "ExampleModel"]])
    }
}
