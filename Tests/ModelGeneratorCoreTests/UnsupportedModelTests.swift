import Foundation
import ModelSpec
import Testing
import _ModelGeneratorCore

/// Models of the in-the-wild corpus (`tools/make_wild_corpus.py`) that use what this version
/// does not support yet: each fails with one located error that names the layer or the part
/// of the model, and says it is not supported. When one becomes supported, its archive moves
/// to the runtime tests' `Specs/wild/`, where it must match Keras.
@Suite struct UnsupportedModelTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Unsupported")

    static let cases: [(file: String, expected: String)] = [
        ("convlstm1d.keras",
         "convlstm1d.keras:1:441: error: in config.json: layer 1 (ConvLSTM1D): the Keras layer 'ConvLSTM1D' is not supported yet; the supported layers are listed in the README's supported-layers table"),
        ("convlstm_next_frame.keras",
         "convlstm_next_frame.keras:1:446: error: in config.json: layer 1 (ConvLSTM2D): the Keras layer 'ConvLSTM2D' is not supported yet; the supported layers are listed in the README's supported-layers table"),
    ]

    @Test(arguments: cases)
    func failsWithALocatedErrorThatSaysWhat(file: String, expected: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(file)))
        #expect(throws: SpecError.self) { _ = try Generator.generate(specAt: file, bytes: bytes) }
        do {
            _ = try Generator.generate(specAt: file, bytes: bytes)
        } catch {
            // Several unsupported layers give an error each; the first is the one here.
            let first = error.description.split(separator: "\n").first.map(String.init)
            #expect(first == expected)
            #expect(expected.contains("not supported"))
        }
    }

    @Test func everyArchiveHasACase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".keras") }
        #expect(Set(files) == Set(Self.cases.map(\.file)))
    }
}

/// Keras's clone tests build a Sequential model without an `Input` ("deferred") and call it
/// before cloning. Saved before that call (`Fixtures/cloning/deferred_sequential_unbuilt.keras`
/// from tools/make_cloning_test_fixtures.py), it has no InputLayer and no `build_config`: no
/// input shape anywhere, so no type can be generated from it. The error says what is missing.
@Test func anUnbuiltDeferredSequentialModelIsALocatedError() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/cloning/deferred_sequential_unbuilt.keras")
    let bytes = [UInt8](try Data(contentsOf: url))
    #expect {
        try Generator.generate(specAt: "deferred_sequential_unbuilt.keras", bytes: bytes)
    } throws: { error in
        let message = "\(error)"
        return message.hasPrefix("deferred_sequential_unbuilt.keras:1:")
            && message.contains("a Sequential spec must start with an InputLayer that fixes the input shape")
            && message.contains("layer 0 'dense' (Dense) is not one")
    }
}
