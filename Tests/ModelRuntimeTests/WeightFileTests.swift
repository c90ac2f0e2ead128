import Foundation
import ModelRuntime
import Testing

/// The fixture models whose weights Keras saved (`tools/make_fixtures.py`): `model.weights.h5`,
/// and the same datasets as `.safetensors` and `.npz`.
let weightFileFixtures = [
    "quick_start", "residual_block", "two_inputs_two_outputs", "siamese",
    "nested_two_levels", "nested_outputs", "merge_layers",
]

@Suite struct WeightFileTests {
    static func model(_ name: String) -> FixtureModel? { FixtureModel.all.first { $0.name == name } }

    /// Keras's own weight paths, in `get_weights()` order, read from its `.weights.h5`.
    static func kerasPaths(_ fixture: String) throws -> [String] {
        let json = try JSONReader.parse([UInt8](Data(contentsOf: Fixtures.url("\(fixture)/weight_paths.json")))).value
        return (json.arrayElements ?? []).compactMap { $0.value.arrayElements?.first?.value.stringValue }
    }

    @Test(arguments: weightFileFixtures)
    func ourWeightPathsAreKerasPaths(_ fixture: String) throws {
        let model = try #require(Self.model(fixture))
        #expect(model.weightPaths().map(\.path) == (try Self.kerasPaths(fixture)))
    }

    /// Every file Keras (or Python's safetensors and numpy) wrote for a fixture model: Keras 3's
    /// `.weights.h5` and `.keras`, the legacy Keras 2 `.h5` that `model.save("x.h5")` writes,
    /// and the same weights keyed by path in `.safetensors` and `.npz`; plus a re-zipped
    /// (deflated) `.keras`, a weights-only legacy `.h5` and a compressed `.npz`.
    static let kerasWeightFiles: [(String, String)] =
        weightFileFixtures.flatMap { fixture in
            ["weights.safetensors", "weights.npz", "model.weights.h5", "model.keras", "model.legacy.h5"].map {
                (fixture, $0)
            }
        } + [
            ("quick_start", "model.deflated.keras"), ("quick_start", "legacy_weights_only.h5"),
            ("quick_start", "weights.compressed.npz"),
        ]

    @Test(arguments: kerasWeightFiles)
    func loadingKerasWeightsGivesKerasOutputs(_ fixture: String, _ file: String) throws {
        let model = try #require(Self.model(fixture))
        let outputs = try model.runLoading(Fixtures.url("\(fixture)/\(file)"), try Fixtures.tensors(fixture, "input"))
        let expected = try Fixtures.tensors(fixture, "output")
        try #require(outputs.count == expected.count)
        for (index, (output, keras)) in zip(outputs, expected).enumerated() {
            expectClose(output, keras, "\(fixture) \(file) output \(index)")
        }
    }

    /// A model with Dropout layers (whose seed generators Keras does not save), and the
    /// variant that inserts Dropout after every Dense (Keras's call_function example): both load
    /// Keras's `.weights.h5` with the paths Keras gives them.
    /// The entries of `layers/cases.json` by case name (`conv1d_valid`).
    static let layerCases: [String: JSONValue] = {
        guard let data = try? Data(contentsOf: Fixtures.url("layers/cases.json")),
            let cases = try? JSONReader.parse([UInt8](data)).value.arrayElements
        else { return [:] }
        return Dictionary(
            cases.compactMap { entry in entry.value["case"]?.value.stringValue.map { ($0, entry.value) } },
            uniquingKeysWith: { a, _ in a })
    }()

    /// Every layer case: our weight paths are the ones Keras saved (`weight_paths` in
    /// `layers/cases.json`, read from Keras's `.weights.h5`: `cell/vars` for recurrent layers,
    /// `forward_layer/...` for Bidirectional, `layer/...` for TimeDistributed), and the cases
    /// that keep Keras's `model.weights.h5` load it and give Keras's outputs.
    @Test(arguments: FixtureModel.layers)
    func layerWeightPathsAndFilesAreKeras(_ fixture: FixtureModel) throws {
        // Weightless cases list no paths.
        let entry = try #require(Self.layerCases[String(fixture.name.dropFirst("layers/".count))], "\(fixture.name)")
        let json = try #require(entry["weight_paths"]?.value, "\(fixture.name)")
        let keras = (json.arrayElements ?? []).map { item in
            (
                item.value.arrayElements?.first?.value.stringValue ?? "",
                item.value.arrayElements?.last?.value.arrayElements?.compactMap { $0.value.intValue } ?? []
            )
        }
        let ours = fixture.paths()
        #expect(ours.map(\.path) == keras.map(\.0), "\(fixture.name)")
        #expect(ours.map(\.shape) == keras.map(\.1), "\(fixture.name)")
        let file = Fixtures.url("\(fixture.name)/model.weights.h5")
        guard FileManager.default.fileExists(atPath: file.path) else { return }
        let outputs = try fixture.runLoading(file, try Fixtures.tensors(fixture.name, "input"))
        for (output, expected) in zip(outputs, try Fixtures.tensors(fixture.name, "output")) {
            expectClose(output, expected, "\(fixture.name) loaded from Keras's .weights.h5")
        }
    }

    @Test func dropoutModelsLoadKerasWeightFiles() throws {
        var base = DropoutAfterDense(seed: 1)
        try base.loadWeights(from: Fixtures.url("dropout_after_dense/model.weights.h5"))
        #expect(base.kerasWeightPaths.map(\.path) == (try Self.kerasPaths("dropout_after_dense")))
        let input = try Fixtures.tensor("dropout_after_dense/input.npy")
        expectClose(base(input), try Fixtures.tensor("dropout_after_dense/output.npy"), "base")
        var variant = DropoutAfterDenseMc(seed: 1)
        try variant.loadWeights(from: Fixtures.url("dropout_after_dense/variant.weights.h5"))
        let variantPaths = try JSONReader.parse(
            [UInt8](Data(contentsOf: Fixtures.url("dropout_after_dense/variant_weight_paths.json")))
        )
        .value.arrayElements?.compactMap { $0.value.arrayElements?.first?.value.stringValue }
        #expect(variant.kerasWeightPaths.map(\.path) == variantPaths)
        expectClose(variant(input), try Fixtures.tensor("dropout_after_dense/variant_output.npy"), "variant")
    }

    /// A `.keras` archive gives the config and the weights: `init(contentsOf:)` builds the
    /// model from it, and refuses an archive of another architecture.
    @Test func aKerasArchiveBuildsTheModel() throws {
        let model = try QuickStart(contentsOf: Fixtures.url("quick_start/model.keras"))
        expectClose(
            model(try Fixtures.tensor("quick_start/input.npy")), try Fixtures.tensor("quick_start/output.npy"),
            "quick_start")
        let fromWeights = try QuickStart(contentsOf: Fixtures.url("quick_start/model.weights.h5"))
        #expect(fromWeights.weights == model.weights)
        #expect {
            try Siamese(contentsOf: Fixtures.url("quick_start/model.keras"))
        } throws: { error in
            "\(error)".contains("config.json does not describe Siamese")
        }
        #expect {
            try QuickStart(contentsOf: Fixtures.url("siamese/model.weights.h5"))
        } throws: { error in
            "\(error)".contains("missing: layers/dense_1/vars/0 [32, 1]")
                && "\(error)".contains("misshaped: layers/dense/vars/0 is [3, 1], expected [728, 32]")
        }
    }

    /// A NumPy `.npz` of plain arrays (here a fixture's `arrays.npz`) read with
    /// `WeightFileFormat.npz.read` gives its members in file order, ready for `setWeights`.
    @Test func npzArraysInFileOrderSetTheWeights() throws {
        let arrays = try WeightFileFormat.npz.read([UInt8](Data(contentsOf: Fixtures.url("quick_start/arrays.npz"))))
        #expect(arrays.map(\.name) == ["input", "output", "weights_00", "weights_01", "weights_02", "weights_03"])
        try #require(arrays.count == 6)
        var model = QuickStart(seed: 1)
        try model.setWeights(arrays.dropFirst(2).map(\.tensor))
        expectClose(model(arrays[0].tensor), arrays[1].tensor, "quick_start from arrays.npz")
    }

    @Test(arguments: ["safetensors", "npz", "weights.h5"])
    func savedWeightsReloadExactly(_ ext: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.\(ext)")
        let model = Siamese(seed: 5)
        try model.saveWeights(to: url)
        var other = Siamese(seed: 6)
        #expect(other.weights != model.weights)
        try other.loadWeights(from: url)
        #expect(other.weights == model.weights)
        // Deterministic bytes: saving again gives the same file.
        let again = folder.appendingPathComponent("again.\(ext)")
        try model.saveWeights(to: again)
        #expect(try Data(contentsOf: url) == Data(contentsOf: again))
    }

    /// Writes every weight-file fixture's weights as our `.safetensors` and `.npz` for
    /// `tools/check_weight_files.py`; set `MODEL_GENERATOR_WEIGHTS_EXPORT` to a folder.
    @Test func exportWeightFilesForThePythonCheck() throws {
        guard let folder = ProcessInfo.processInfo.environment["MODEL_GENERATOR_WEIGHTS_EXPORT"] else { return }
        let directory = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for fixture in weightFileFixtures {
            let model = try #require(Self.model(fixture))
            for ext in ["safetensors", "npz", "weights.h5"] {
                try model.save(try Fixtures.weights(fixture), directory.appendingPathComponent("\(fixture).\(ext)"))
            }
        }
    }

    @Test func mismatchedFilesListWhatIsWrongAndChangeNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var model = QuickStart(seed: 1)
        let before = model.weights
        let url = folder.appendingPathComponent("wrong.safetensors")
        let wrong = [
            NamedTensor(name: "layers/dense/vars/0", tensor: Tensor(shape: [728, 31], repeating: 0)),
            NamedTensor(name: "layers/dense/vars/1", tensor: Tensor(shape: [32], repeating: 0)),
            NamedTensor(name: "layers/dense_1/vars/0", tensor: Tensor(shape: [32, 1], repeating: 0)),
            NamedTensor(name: "layers/dense_9/vars/0", tensor: Tensor(shape: [1], repeating: 0)),
        ]
        try Data(try WeightFileFormat.safetensors.write(wrong)).write(to: url)
        do {
            try model.loadWeights(from: url)
            Issue.record("loading mismatched weights must fail")
        } catch {
            #expect(
                "\(error)"
                    == """
                    QuickStart: the weights in \(url.path) do not fit the model; missing: layers/dense_1/vars/1 [1]; \
                    unexpected: layers/dense_9/vars/0; misshaped: layers/dense/vars/0 is [728, 31], expected [728, 32]
                    """
            )
        }
        #expect(model.weights == before)
        #expect(throws: TensorFileError.self) { try model.loadWeights(from: folder.appendingPathComponent("w.keras")) }
        #expect(throws: TensorFileError.self) { try model.loadWeights(from: folder.appendingPathComponent("w.bin")) }
    }

    /// Damaged and forged files throw a clear error, never crash or read out of bounds.
    @Test func damagedFilesThrow() throws {
        let good = try WeightFileFormat.safetensors.write([
            NamedTensor(name: "a", tensor: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))
        ])
        #expect(try WeightFileFormat.safetensors.read(good).first?.tensor.scalars == [1, 2, 3, 4])
        var cases: [(String, [UInt8])] = [
            ("empty", []),
            ("truncated data", Array(good.dropLast(3))),
            ("truncated header", Array(good.prefix(12))),
            ("huge header length", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array(good.dropFirst(8))),
        ]
        func forged(_ header: String) -> [UInt8] {
            let bytes = Array(header.utf8)
            return (0..<8).map { UInt8(truncatingIfNeeded: bytes.count >> (8 * $0)) } + bytes
                + [UInt8](repeating: 0, count: 16)
        }
        cases.append(
            ("offsets past the end", forged(#"{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 400]}}"#)))
        cases.append(
            ("shape and offsets disagree", forged(#"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}}"#)))
        cases.append(
            (
                "absurd shape",
                forged(
                    #"{"a": {"dtype": "F32", "shape": [4294967296, 4294967296, 4294967296], "data_offsets": [0, 16]}}"#)
            ))
        cases.append(("unsupported dtype", forged(#"{"a": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}}"#)))
        cases.append(("header not JSON", forged("{nope")))
        cases.append(
            (
                "overlapping tensors",
                forged(
                    #"""
                    {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}, "b": {"dtype": "F32", "shape": \#
                    [4], "data_offsets": [0, 16]}}
                    """#
                )
            ))
        cases.append(("a hole in the data", forged(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}"#)))
        for (name, bytes) in cases {
            #expect(throws: TensorFileError.self, "\(name)") { try WeightFileFormat.safetensors.read(bytes) }
        }
        let zip = try WeightFileFormat.npz.write([NamedTensor(name: "a", tensor: Tensor(shape: [2], scalars: [1, 2]))])
        #expect(try WeightFileFormat.npz.read(zip).first?.tensor.scalars == [1, 2])
        var corrupted = zip
        corrupted[40] ^= 0xFF
        // Two directory entries pointing at one member (found by fuzzing).
        let twoMembers = try WeightFileFormat.npz.write([
            NamedTensor(name: "a", tensor: Tensor(shape: [2], scalars: [1, 2])),
            NamedTensor(name: "b", tensor: Tensor(shape: [2], scalars: [3, 4])),
        ])
        var aliased = twoMembers
        let centralB = try #require(Self.lastSignature([0x50, 0x4B, 0x01, 0x02], in: aliased))
        for k in 0..<4 { aliased[centralB + 42 + k] = 0 }  // member b's local header offset → member a's
        let npzCases: [(String, [UInt8])] = [
            ("members sharing data", aliased),
            ("not a zip", Array("hello".utf8)),
            ("truncated", Array(zip.prefix(zip.count - 30))),
            ("corrupted data", corrupted),
        ]
        for (name, bytes) in npzCases {
            #expect(throws: TensorFileError.self, "\(name)") { try WeightFileFormat.npz.read(bytes) }
        }
    }
}

extension WeightFileTests {
    /// Where the last occurrence of `signature` starts in `bytes`.
    static func lastSignature(_ signature: [UInt8], in bytes: [UInt8]) -> Int? {
        var index = bytes.count - signature.count
        while index >= 0 {
            if Array(bytes[index..<(index + signature.count)]) == signature { return index }
            index -= 1
        }
        return nil
    }
}

extension FixtureModel {
    /// Keras's weight paths of the model.
    func weightPaths() -> [KerasWeightPath] { paths() }
}
