import Foundation
import ModelSpec
import Testing

@testable import _ModelGeneratorCore

/// The plan a model's code is printed from, checked on its own: names, locals, labels, parts,
/// stages and fused chains, before any text exists. The specs are the reference specs.
@Suite struct ModelPlanTests {
    static func plan(_ spec: String, options: GeneratorOptions = .init()) throws -> ModelPlan {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("References/Specs/\(spec)")
        let description = try ModelSpecParser.parse(specFile: [UInt8](Data(contentsOf: url)), file: spec)
        return ModelPlan(description: description, specFileName: spec, typeName: "Probe", options: options)
    }

    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0)
        }
    }

    /// Layer names that are keywords, the renderer's own identifiers, differ only in case or
    /// punctuation, or carry code, all become distinct plain identifiers that collide with
    /// nothing the generated code declares.
    @Test func hostileLayerNamesBecomeDistinctSafeMembers() throws {
        let plan = try Self.plan("hostile_names.model.json")
        #expect(plan.members.count == 11)
        #expect(Set(plan.members).count == plan.members.count, "\(plan.members)")
        for member in plan.members {
            #expect(Self.isIdentifier(member), "\(member)")
            #expect(!Identifiers.taken.contains(member), "\(member) is an identifier the renderer writes itself")
        }
        // Locals of single calls are the members; every local and parameter is distinct.
        #expect(plan.locals == plan.members)
        #expect(plan.parameters == [plan.members[0]])
    }

    /// A layer called twice (the shared encoder) names its first call after itself and the
    /// next one `…Call2`; the inputs are the parameters, in `input_layers` order.
    @Test func sharedLayersGetOneLocalPerCall() throws {
        let plan = try Self.plan("siamese.model.json")
        let nodes = plan.description.graph.nodes
        let encoder = try #require(plan.description.layers.firstIndex { $0.name == "encoder" })
        let encoderLocals = nodes.indices.filter { nodes[$0].layer == encoder }.map { plan.locals[$0] }
        #expect(encoderLocals == ["encoder", "encoderCall2"])
        #expect(plan.parameters == ["left", "right"])
        #expect(plan.parameterLabels == nil)
        #expect(Set(plan.locals).count == plan.locals.count)
        #expect(plan.nested[encoder]?.typeName == "Encoder")
    }

    /// Several outputs are labelled by their layers' members, a nested model's too.
    @Test func outputsAreLabelledByTheirLayers() throws {
        let plan = try Self.plan("large_model.model.json")
        #expect(plan.outputLabels == ["head", "aux", "heads"])
        #expect(plan.parameters == ["image", "tokens"])
    }

    /// The lists of layers (configs, Swift types) are split into functions of `listSize`
    /// entries, and past `stageSize` statements the call runs in stages; below them, neither.
    @Test func largeModelsAreListedAndCalledInStages() throws {
        let whole = try Self.plan("large_model.model.json")
        #expect(whole.listChunks == [Array(whole.description.layers.indices)] && whole.stageNames.isEmpty)

        var options = GeneratorOptions()
        options.listSize = 4
        options.stageSize = 5
        let plan = try Self.plan("large_model.model.json", options: options)
        let count = plan.description.layers.count
        #expect(plan.listChunks.flatMap { $0 } == Array(0..<count))
        #expect(plan.listChunks.dropLast().allSatisfy { $0.count == 4 } && plan.listChunks.last!.count <= 4)
        let statements = ModelPlan.statementCount(plan.description)
        #expect(plan.stageNames == (1...((statements + 4) / 5)).map { "callStage\($0)" })
    }

    /// Conv → BatchNormalization (→ activation) chains whose middle outputs nothing else reads;
    /// a convolution that is a model output, or a normalization read twice, ends the chain.
    @Test func fusedChainsAreTheUnsharedConvolutionChains() throws {
        let plan = try Self.plan("fused_chains.model.json")
        let graph = plan.description.graph
        let names = ModelPlan.fusableChains(plan.description).values.map { chain in
            chain.map { plan.description.layers[graph.nodes[$0].layer].name }
        }
        #expect(
            Set(names) == [
                ["stem_conv", "stem_bn", "stem_relu"], ["dw", "dw_bn", "dw_relu"], ["project", "project_bn"],
                ["side_conv", "side_bn"],
            ])
        #expect(ModelPlan.statementCount(plan.description) == graph.nodes.count - 6)
    }
}
