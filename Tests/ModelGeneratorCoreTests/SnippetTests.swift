import Foundation
import ModelSpec
import Testing

@testable import _ModelGeneratorCore

/// A few lines of spec and the exact lines they generate, for the renderer's branches that the
/// reference files do not show: a shared layer's second call, a layer with several outputs, a
/// variant's shared layers.
@Suite struct SnippetTests {
    /// A Functional spec of `layers` (entries as Keras writes them) from input `x` of 4
    /// features, with `outputs` (Keras's `output_layers`).
    static func functional(_ layers: [String], outputs: String) -> String {
        let input =
            #"{"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [null, 4]}, "#
            + #""inbound_nodes": []}"#
        return #"{"class_name": "Functional", "config": {"name": "net", "layers": ["#
            + ([input] + layers).joined(separator: ",\n") + #"], "input_layers": [["x", 0, 0]], "#
            + #""output_layers": \#(outputs)}}"#
    }

    /// A layer entry called on `calls` (each `[layer, node, index]`).
    static func layer(_ className: String, _ name: String, _ config: String, calls: [(String, Int, Int)]) -> String {
        let nodes = calls.map { call in
            #"{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["\#(call.0)", "#
                + #"\#(call.1), \#(call.2)]}}], "kwargs": {}}"#
        }
        return #"{"class_name": "\#(className)", "name": "\#(name)", "config": {"name": "\#(name)"\#(config)}, "#
            + #""inbound_nodes": [\#(nodes.joined(separator: ", "))]}"#
    }

    /// The lines of `source` from the first that starts (after indentation) with `first` to the
    /// first after it that starts with `last`.
    static func lines(of source: String, from first: String, through last: String) -> [String] {
        let all = source.components(separatedBy: "\n")
        guard let start = all.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(first) }),
            let end = all[start...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(last) })
        else { return [] }
        return Array(all[start...end])
    }

    @Test func aSharedLayersSecondCallAndAMultiOutputLayer() throws {
        let spec = Self.functional(
            [
                Self.layer("Dense", "shared", #", "units": 4"#, calls: [("x", 0, 0), ("shared", 0, 0)]),
                Self.layer("Dense", "left", #", "units": 2"#, calls: [("shared", 1, 0)]),
                Self.layer("Reshape", "fold", #", "target_shape": [2, 2]"#, calls: [("shared", 0, 0)]),
                Self.layer("LSTM", "right", #", "units": 3, "return_state": true"#, calls: [("fold", 0, 0)]),
            ],
            outputs: #"[["left", 0, 0], ["right", 0, 2]]"#)
        let file = try Generator.generate(specAt: "net.model.json", bytes: Array(spec.utf8), options: .init())
        // Calls run in Keras's order (by depth: `fold` and the second call of `shared` both read
        // the first call). The second call of `shared` gets a local of its own; the LSTM's
        // outputs (sequence, h, c) come as one array, of which the model returns `c`. Each
        // local is given up by the plain call that reads it last (`reusing: consume shared` at
        // its second reader) or released after it, except the model's input (the caller's) and
        // the returned ones.
        #expect(
            Self.lines(of: file.contents, from: "let x = self.x.check", through: "return") == [
                #"        let x = self.x.check(x, model: "Net")"#,
                "        let shared = interceptor.call(self.shared, x, at: path)",
                "        let sharedCall2 = interceptor.call(self.shared, shared, at: path)",
                "        let fold = interceptor.call(self.fold, reusing: consume shared, at: path)",
                "        let left = interceptor.call(self.left, reusing: consume sharedCall2, at: path)",
                "        let right = self.right.outputs(fold)",
                "        _ = consume fold",
                "        return (left: left, right: right[2])",
            ])
        #expect(file.contents.contains("    func callAsFunction(_ x: Tensor) -> (left: Tensor, right: Tensor) {"))
        // A model whose step runs in stages does not train through states yet, and says so.
        var staged = GeneratorOptions()
        staged.stageSize = 2
        let large = try Generator.generate(specAt: "net.model.json", bytes: Array(spec.utf8), options: staged)
        #expect(large.contents.contains("several outputs (states or unmerged directions), which training does"))
        #expect(large.contents.contains("not take yet in a model trained in stages."))
        #expect(!large.contents.contains("trainingOutputs"))
        // Training: the LSTM's training call returns its outputs as an array too, and its backward
        // pass takes a gradient per output: zeros for the sequence and h, which nothing reads.
        #expect(
            Self.lines(of: file.contents, from: "let (right, rightTape)", through: "let foldInputGradient")
                == [
                    "        let (right, rightTape) = self.right.trainingOutputs(fold, context: &trainingContext)",
                    "        let outputGradients = gradientsOfLoss([left, right[2]])",
                    "        var weightGradients = ModelGradients(",
                    "            count: 7, trainable: trainingContext.trainableWeightMask ?? trainableWeightMask)",
                    "        let rightInputGradients = weightGradients.backward(",
                    "            self.right,",
                    "            [",
                    "                Tensor(shape: right[0].shape, repeating: 0), Tensor(shape: right[1].shape, repeating: 0),",
                    "                outputGradients[1]",
                    "            ],",
                    "            tape: rightTape, weightsAt: 4)",
                    "        let leftInputGradient = weightGradients.backward("
                        + "self.left, outputGradients[0], tape: leftTape, weightsAt: 2)",
                    "        let foldInputGradient = weightGradients.backward(",
                ])
    }

    @Test func aVariantSharesTheBaseLayersAndDrawsOnlyTheInsertedOnes() throws {
        let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ModelRuntimeTests/Specs")
        let base = try Data(contentsOf: specs.appendingPathComponent("dropout_after_dense.model.json"))
        let variant = try Data(contentsOf: specs.appendingPathComponent("dropout_after_dense_mc.variant.json"))
        let file = try Generator.generateVariant(
            specAt: "dropout_after_dense_mc.variant.json", bytes: Array(variant), baseBytes: Array(base),
            basePath: "dropout_after_dense.model.json", baseTypeName: "DropoutAfterDense")
        // The base's configs first (the inserted Dropouts keep their defaults), then the base's
        // layers replace the freshly built ones.
        #expect(
            Self.lines(of: file.contents, from: "init(sharingLayersOf", through: "}") == [
                "    init(sharingLayersOf base: DropoutAfterDense, seed: UInt64? = nil) throws {",
                "        var config = Config()",
                "        config.inputLayer = base.inputLayer.config",
                "        config.denseA = base.denseA.config",
                "        config.denseB = base.denseB.config",
                "        config.head = base.head.config",
                "        try self.init(config: config, seed: seed)",
                "        self.denseA = base.denseA",
                "        self.denseB = base.denseB",
                "        self.head = base.head",
                "    }",
            ])
    }
}
