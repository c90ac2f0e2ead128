import Foundation
import ModelSpec
import Testing
import _ModelGeneratorCore

/// Every identifier the renderer writes itself, tried as a spec's names: `reserved_names` names
/// its inputs, the layers of a nested model, and nested models with them. With 959 layers it is
/// one of the largest graphs, so it lives with them in the Checks package
/// (`Checks/Tests/LargeGraphTests`), whose build plugin generates it and whose tests compile and
/// run it (`.ci/run`); here it is checked to try every name.
@Suite struct ReservedNameTests {
    static let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Checks/Tests/LargeGraphTests/reserved_names.model.json")

    /// The spec for `names`: inputs named `names`, joined, through a nested model whose layers
    /// are named `names`, then through a nested model of one nested model per type-like name.
    static func reservedNamesSpec(_ names: [String]) -> String {
        func tensor(_ layer: String, _ node: Int = 0) -> String {
            #"{"class_name": "__keras_tensor__", "config": {"keras_history": [\#(literal(layer)), \#(node), 0]}}"#
        }
        func call(_ layer: String, _ node: Int = 0) -> String {
            #"[{"args": [\#(tensor(layer, node))], "kwargs": {}}]"#
        }
        func input(_ name: String, _ size: Int) -> String {
            #"""
            {"class_name": "InputLayer", "name": \#(literal(name)), "config": {"name": \#(literal(name)), \#
            "batch_shape": [null, \#(size)]}, "inbound_nodes": []}
            """#
        }
        func linear(_ name: String, after: String, node: Int = 0) -> String {
            #"""
            {"class_name": "Activation", "name": \#(literal(name)), "config": {"name": \#(literal(name)), \#
            "activation": "linear"}, "inbound_nodes": \#(call(after, node))}
            """#
        }
        func model(_ name: String, layers: [String], input: String, output: String, outputNode: Int = 0, after: String)
            -> String
        {
            #"""
            {"class_name": "Functional", "name": \#(literal(name)), "config": {"name": \#(literal(name)), "layers": \#
            [\#n
            """#
                + layers.joined(separator: ",\n")
                    + #"""
                    ], "input_layers": [[\#(literal(input)), 0, 0]], "output_layers": [[\#(literal(output)), \#
                    \#(outputNode), 0]]}, "inbound_nodes": \#(call(after))}
                    """#
        }
        let size = names.count
        var layers = names.map { input($0, 1) }
        let joinedInputs = names.map { tensor($0) }.joined(separator: ", ")
        layers.append(
            #"""
            {"class_name": "Concatenate", "name": "joined", "config": {"name": "joined"}, "inbound_nodes": \#
            [{"args": [[\#(joinedInputs)]], "kwargs": {}}]}
            """#
        )
        var chain = [input("x", size)]
        var previous = "x"
        for name in names {
            chain.append(linear(name, after: previous))
            previous = name
        }
        layers.append(
            model("layers_named_like_the_renderer", layers: chain, input: "x", output: previous, after: "joined"))
        var models = [input("x", size)]
        previous = "x"
        for name in names where name.first!.isUppercase {
            models.append(
                model(
                    name, layers: [input("x", size), linear("y", after: "x")], input: "x", output: "y",
                    after: previous))
            previous = name
        }
        layers.append(
            model(
                "models_named_like_the_renderer", layers: models, input: "x", output: previous,
                outputNode: 1, after: "layers_named_like_the_renderer"))
        let inputs = names.map { "[\(literal($0)), 0, 0]" }.joined(separator: ", ")
        return #"{"class_name": "Functional", "config": {"name": "reserved_names", "layers": [\#n"#
            + layers.joined(separator: ",\n")
            + "],\n\"input_layers\": [\(inputs)], \"output_layers\": [[\"models_named_like_the_renderer\", 1, 0]]}}\n"
    }

    static func literal(_ text: String) -> String { "\"" + text + "\"" }

    /// The renderer's own names and the runtime protocols' members, in a fixed order.
    static var names: [String] {
        ReservedNames.rendered.union(ReservedNames.protocolMembers).subtracting(["_"]).sorted()
    }

    /// The protocols whose members a generated model or config has.
    static let modelProtocols = [
        "Model", "Layer", "ModelConfig", "SequentialModelConfig", "FunctionalModelConfig", "SubclassedModelConfig",
        "GraphLayerConfig", "KerasConfig", "TrainableModel", "StagedTrainableModel",
    ]

    @Test func everyProtocolMemberIsReserved() throws {
        // Tests/PublicAPI/ModelRuntime.txt lists `Protocol.member(labels:): declaration`.
        let list = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../PublicAPI/ModelRuntime.txt")
        var members = Set<String>()
        for line in try String(contentsOf: list, encoding: .utf8).split(separator: "\n") {
            let path = line.prefix { $0 != ":" && $0 != "(" }.split(separator: ".")
            guard path.count == 2, Self.modelProtocols.contains(String(path[0])) else { continue }
            let member = String(path[1])
            // Associated types are types, which member names (lowerCamelCase) never meet.
            if member != "init" && member.first!.isLowercase { members.insert(member) }
        }
        #expect(members.count > 10, "the public API list no longer lists the model protocols")
        #expect(
            members.subtracting(ReservedNames.protocolMembers).isEmpty,
            "add to ReservedNames.protocolMembers: \(members.subtracting(ReservedNames.protocolMembers).sorted())")
    }

    @Test func theSpecUsesEveryNameTheRendererWrites() throws {
        let expected = Self.reservedNamesSpec(Self.names)
        // MODEL_GENERATOR_UPDATE_RESERVED_NAMES=1 rewrites the spec instead of checking it.
        if ProcessInfo.processInfo.environment["MODEL_GENERATOR_UPDATE_RESERVED_NAMES"] == "1" {
            try expected.write(to: Self.spec, atomically: true, encoding: .utf8)
        }
        let actual = try String(contentsOf: Self.spec, encoding: .utf8)
        #expect(
            actual == expected,
            """
            reserved_names.model.json does not try every name the renderer writes; run \
            MODEL_GENERATOR_UPDATE_RESERVED_NAMES=1 swift test --filter theSpecUsesEveryNameTheRendererWrites
            """
        )
    }

    static let renderedList = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/_ModelGeneratorCore/ReservedNames+Rendered.swift")

    /// ReservedNames+Rendered.swift, listing `names`.
    static func renderedListSource(_ names: Set<String>) -> String {
        let header = """
            // Written by ReservedNameTests from the names the renderer's probes use; do not edit. After a
            // change to the renderer: MODEL_GENERATOR_UPDATE_RESERVED_NAMES=1 swift test --filter ReservedName

            extension ReservedNames {
                /// The identifiers of the probes' generated code that no spec name made (see `rendered`).
                static let renderedList: [String] = [

            """
        return header + names.sorted().map { "        \"\($0)\",\n" }.joined() + "    ]\n}\n"
    }

    @Test func theRenderedListIsWhatTheProbesRender() throws {
        let expected = Self.renderedListSource(ReservedNames.renderProbes())
        if ProcessInfo.processInfo.environment["MODEL_GENERATOR_UPDATE_RESERVED_NAMES"] == "1" {
            try expected.write(to: Self.renderedList, atomically: true, encoding: .utf8)
        }
        let actual = try String(contentsOf: Self.renderedList, encoding: .utf8)
        #expect(
            actual == expected,
            """
            ReservedNames+Rendered.swift is not what the renderer's probes use now; run \
            MODEL_GENERATOR_UPDATE_RESERVED_NAMES=1 swift test --filter ReservedName, then build again
            """)
    }

    @Test func probesFindTheNamesThatBrokeBuilds() {
        // An input named `path` or `interceptor` once made the call redeclare them; nested models
        // named like runtime types shadowed them.
        for name in [
            "path", "interceptor", "seed", "config", "CallInterceptor", "NoInterception", "ConfigOf",
            "CustomLayer", "SubclassedModelConfig", "Tensor", "Operation", "Ops",
        ] {
            #expect(ReservedNames.emitted.contains(name), "\(name)")
        }
        #expect(!ReservedNames.emitted.contains("dense"))
        #expect(!ReservedNames.emitted.contains("inputLayer"))
    }
}
