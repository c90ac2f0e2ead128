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
        ("ticket_classifier_dict.keras",
         "ticket_classifier_dict.keras:1:8639: error: in config.json: 'input_layers' is a dict (a model built with dict inputs or outputs): structured inputs and outputs are not supported yet; build the model with lists"),
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
