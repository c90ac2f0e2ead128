import Foundation
import ModelRuntime
import Testing

/// Files made by `tools/make_fixtures.py` with real Keras.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Specs")

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    static func tensor(_ path: String) throws -> Tensor { try Tensor(contentsOfNPY: url(path)) }

    /// `weights_00.npy`, `weights_01.npy`, … of a fixture model, in `get_weights()` order.
    static func weights(_ model: String) throws -> [Tensor] {
        let names = try FileManager.default.contentsOfDirectory(atPath: url(model).path)
            .filter { $0.hasPrefix("weights_") && $0.hasSuffix(".npy") }.sorted()
        return try names.map { try tensor("\(model)/\($0)") }
    }

    /// The Keras JSON text of a fixture spec.
    static func spec(_ model: String) throws -> String {
        try String(contentsOf: specs.appendingPathComponent("\(model).model.json"), encoding: .utf8)
    }
}

/// The parity bound of the design: max |ours − Keras| ≤ 1e-4 · max(1, max |Keras|).
func expectClose(_ actual: Tensor, _ expected: Tensor, _ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(what): shape", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let scale = max(1, expected.scalars.map(abs).max() ?? 0)
    let difference = actual.maxAbsoluteDifference(to: expected)
    #expect(difference <= 1e-4 * scale, "\(what): max |ours − Keras| = \(difference)", sourceLocation: sourceLocation)
}

/// One Keras fixture model, with its generated type erased behind closures.
struct FixtureModel: Sendable, CustomTestStringConvertible {
    let name: String
    /// Builds the model with Keras's weights and runs Keras's input through it.
    let run: @Sendable ([Tensor], Tensor) throws -> Tensor
    let kerasJSON: @Sendable (UInt64) -> String
    /// Whether the model's config decoded from `json` equals the generated config.
    let configEquals: @Sendable (String) throws -> Bool
    /// Round-trips the model's own JSON through `init(kerasJSON:)`.
    let roundTrips: @Sendable () throws -> Bool

    var testDescription: String { name }

    static func of<M: Model>(_ type: M.Type, _ name: String, call: @escaping @Sendable (M, Tensor) -> Tensor) -> FixtureModel {
        FixtureModel(
            name: name,
            run: { weights, input in
                var model = M(seed: 1)
                try model.setWeights(weights)
                return call(model, input)
            },
            kerasJSON: { seed in M(seed: seed).kerasJSON() },
            configEquals: { json in try M.Config(kerasJSON: json) == M.Config() },
            roundTrips: {
                let model = M(seed: 3)
                let reloaded = try M(kerasJSON: model.kerasJSON(), seed: 3)
                return reloaded.config == model.config && reloaded.weights == model.weights
            })
    }

    static let all: [FixtureModel] = [
        .of(QuickStart.self, "quick_start") { $0($1) },
        .of(Activations1.self, "activations_1") { $0($1) },
        .of(Activations2.self, "activations_2") { $0($1) },
        .of(Activations3.self, "activations_3") { $0($1) },
        .of(Activations4.self, "activations_4") { $0($1) },
        .of(ActivationsGeluApproximate.self, "activations_gelu_approximate") { $0($1) },
        .of(HandWritten.self, "hand_written") { $0($1) },
        .of(HandWrittenAliases.self, "hand_written_aliases") { $0($1) },
        .of(HandWrittenShape.self, "hand_written_shape") { $0($1) },
    ]
}
