import Foundation
import ModelRuntime
import Testing

/// Files made by `tools/make_fixtures.py` with real Keras.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Specs")

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// A fixture folder keeps its `.npy` arrays in one file, `arrays.npz` (a zip of `.npy`
    /// members, `tools/fixture_common.py`'s `save_arrays`): `FOLDER/NAME.npy` below means its
    /// member `NAME.npy`, byte for byte what `numpy.save` wrote.
    static let arraysFile = "arrays.npz"

    /// The `.npy` members of fixture folder `folder`'s `arrays.npz`, in file order, read by
    /// the package's own zip reader.
    static func npyFiles(_ folder: String) throws -> [(name: String, bytes: [UInt8])] {
        let bytes = [UInt8](try Data(contentsOf: url("\(folder)/\(arraysFile)")))
        let archive = try ZipArchive(bytes)
        return try archive.entries.map { ($0.name, try archive.data(of: $0, in: bytes)) }
    }

    /// The bytes of `FOLDER/NAME.npy`: the member `NAME.npy` of `FOLDER/arrays.npz`.
    static func npy(_ path: String) throws -> [UInt8] {
        let parts = path.split(separator: "/")
        let folder = parts.dropLast().joined(separator: "/")
        let name = String(parts.last ?? "")
        guard let member = try npyFiles(folder).first(where: { $0.name == name }) else {
            throw TensorFileError("no member \(name)", path: url("\(folder)/\(arraysFile)").path)
        }
        return member.bytes
    }

    /// The array `FOLDER/NAME.npy` (see `npy(_:)`).
    static func tensor(_ path: String) throws -> Tensor { try Tensor(npyBytes: npy(path)) }

    /// `weights_00.npy`, `weights_01.npy`, … of a fixture model, in `get_weights()` order.
    static func weights(_ model: String) throws -> [Tensor] {
        try npyFiles(model).filter { $0.name.hasPrefix("weights_") }.sorted(by: numberedOrder)
            .map { try Tensor(npyBytes: $0.bytes) }
    }

    /// The Keras JSON text of a fixture spec.
    static func spec(_ model: String) throws -> String {
        // Layer cases (`layers/CASE`) are synced to `Specs/layers/layer_CASE.model.json`.
        let file = model.hasPrefix("layers/") ? "layers/layer_" + model.dropFirst("layers/".count) : model
        return try String(contentsOf: specs.appendingPathComponent("\(file).model.json"), encoding: .utf8)
    }
}

/// Whether `a` comes before `b` among `PREFIX_N.npy` members: by number (`weights_99` before
/// `weights_100`), the numbers written with at least two digits.
func numberedOrder(_ a: (name: String, bytes: [UInt8]), _ b: (name: String, bytes: [UInt8])) -> Bool {
    (a.name.count, a.name) < (b.name.count, b.name)
}

/// The parity bound of the design: max |ours − Keras| ≤ 1e-4 · max(1, max |Keras|).
func expectClose(
    _ actual: Tensor, _ expected: Tensor, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.scalars.map(abs).max() ?? 0)
    let difference = actual.maxAbsoluteDifference(to: expected)
    #expect(difference <= 1e-4 * scale, "\(what): max |ours − Keras| = \(difference)", sourceLocation: sourceLocation)
}

/// One Keras fixture model, with its generated type erased behind closures.
struct FixtureModel: Sendable, CustomTestStringConvertible {
    let name: String
    /// Builds the model with Keras's weights and runs Keras's inputs through it.
    let run: @Sendable ([Tensor], [Tensor]) throws -> [Tensor]
    let kerasJSON: @Sendable (UInt64) -> String
    /// Whether the model's config decoded from `json` equals the generated config.
    let configEquals: @Sendable (String) throws -> Bool
    /// Round-trips the model's own JSON through `init(kerasJSON:)`.
    let roundTrips: @Sendable () throws -> Bool
    /// Keras's weight paths of the model.
    let paths: @Sendable () -> [KerasWeightPath]
    /// Loads a weight file into the model and runs the inputs through it.
    let runLoading: @Sendable (URL, [Tensor]) throws -> [Tensor]
    /// Sets the weights (in `get_weights()` order) and saves them to a weight file.
    let save: @Sendable ([Tensor], URL) throws -> Void

    var testDescription: String { name }

    /// A model whose call takes the inputs as an array and returns a `Tensor` or a tuple of them.
    static func of<M: Model>(_ type: M.Type, _ name: String, call: @escaping @Sendable (M, [Tensor]) -> Any)
        -> FixtureModel
    {
        FixtureModel(
            name: name,
            run: { weights, inputs in
                var model = M(seed: 1)
                try model.setWeights(weights)
                return flatten(call(model, inputs))
            },
            kerasJSON: { seed in M(seed: seed).kerasJSON() },
            configEquals: { json in try M.Config(kerasJSON: json) == M.Config() },
            roundTrips: {
                let model = M(seed: 3)
                let reloaded = try M(kerasJSON: model.kerasJSON(), seed: 3)
                return reloaded.config == model.config && reloaded.weights == model.weights
            },
            paths: { M(seed: 1).kerasWeightPaths },
            runLoading: { url, inputs in
                var model = M(seed: 1)
                try model.loadWeights(from: url)
                return flatten(call(model, inputs))
            },
            save: { weights, url in
                var model = M(seed: 1)
                try model.setWeights(weights)
                try model.saveWeights(to: url)
            })
    }

    /// The tensors of a call's result: one `Tensor`, or a tuple's elements in order.
    static func flatten(_ result: Any) -> [Tensor] {
        if let tensor = result as? Tensor { return [tensor] }
        return Mirror(reflecting: result).children.compactMap { $0.value as? Tensor }
    }

    /// Every fixture model: the hand-made models below and one per layer case.
    static let all: [FixtureModel] = models + layers

    static let models: [FixtureModel] = [
        .of(QuickStart.self, "quick_start") { $0($1[0]) },
        .of(Activations1.self, "activations_1") { $0($1[0]) },
        .of(Activations2.self, "activations_2") { $0($1[0]) },
        .of(Activations3.self, "activations_3") { $0($1[0]) },
        .of(Activations4.self, "activations_4") { $0($1[0]) },
        .of(ActivationsGeluApproximate.self, "activations_gelu_approximate") { $0($1[0]) },
        .of(HandWritten.self, "hand_written") { $0($1[0]) },
        .of(HandWrittenAliases.self, "hand_written_aliases") { $0($1[0]) },
        .of(HandWrittenShape.self, "hand_written_shape") { $0($1[0]) },
        .of(ResidualBlock.self, "residual_block") { $0($1[0]) },
        .of(TwoInputsTwoOutputs.self, "two_inputs_two_outputs") { $0($1[0], $1[1]) },
        .of(MergeLayers.self, "merge_layers") { $0($1[0], $1[1], $1[2], $1[3], $1[4], $1[5]) },
        .of(Siamese.self, "siamese") { $0($1[0], $1[1]) },
        .of(NestedTwoLevels.self, "nested_two_levels") { $0($1[0]) },
        .of(NestedSequential.self, "nested_sequential") { $0($1[0]) },
        .of(NestedOutputs.self, "nested_outputs") { $0($1[0], $1[1]) },
        .of(DropoutAfterDense.self, "dropout_after_dense") { $0($1[0]) },
        .of(NewInputShape.self, "new_input_shape") { $0($1[0]) },
        .of(Keras2InboundNodes.self, "keras2_inbound_nodes") { $0($1[0]) },
        .of(CustomSequential.self, "custom_sequential") { $0($1[0]) },
        .of(CustomFunctional.self, "custom_functional") { $0($1[0]) },
        .of(SubclassedModel.self, "subclassed_model") { $0($1[0]) },
    ]
}

extension Fixtures {
    /// `input.npy`, or `input_0.npy`, `input_1.npy`, … (likewise for outputs) of a fixture.
    static func tensors(_ model: String, _ kind: String) throws -> [Tensor] {
        let files = Dictionary(try npyFiles(model).map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        if let single = files["\(kind).npy"] { return [try Tensor(npyBytes: single)] }
        var result: [Tensor] = []
        while let bytes = files["\(kind)_\(result.count).npy"] {
            result.append(try Tensor(npyBytes: bytes))
        }
        return result
    }
}
