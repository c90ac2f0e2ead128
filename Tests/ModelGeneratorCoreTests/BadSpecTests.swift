import Foundation
import ModelSpec
import Testing
import _ModelGeneratorCore

// Every mistake a user can make in a spec must end in one located diagnostic,
// `FILE:LINE:COLUMN: error: MESSAGE`, never in output or a crash. Each file in `BadSpecs/`
// holds one mistake; `badSpecCases` gives the exact diagnostic for each.

/// The spec files of `BadSpecs/`, read from the source tree.
private enum BadSpecs {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "BadSpecs")

    static func fileNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func bytes(_ fileName: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(fileName)))
    }
}

/// Runs the generator on `bytes`: the diagnostic it throws, or nil when it returns output.
private func generatorDiagnostic(_ path: String, _ bytes: [UInt8]) -> String? {
    do {
        _ = try Generator.generate(specAt: path, bytes: bytes)
        return nil
    } catch {
        return error.description
    }
}

@Suite("Bad specs")
struct BadSpecTests {
    @Test("The generator fails with the exact diagnostic", arguments: badSpecCases)
    func diagnostic(file: String, expected: String) throws {
        let bytes = try BadSpecs.bytes(file)
        #expect(generatorDiagnostic(file, bytes) == expected)
    }

    @Test("The parser gives the same diagnostic as the generator", arguments: badSpecCases)
    func parserDiagnostic(file: String, expected: String) throws {
        let bytes = try BadSpecs.bytes(file)
        #expect(throws: SpecError.self) { _ = try ModelSpecParser.parse(bytes, file: file) }
        do {
            _ = try ModelSpecParser.parse(bytes, file: file)
        } catch {
            #expect(error.description == expected)
            #expect(error.file == file)
            #expect(error.location != nil)
        }
    }

    @Test("Every file in BadSpecs/ has a case, and every case a file")
    func tableCoversCorpus() throws {
        let files = try BadSpecs.fileNames()
        let tabled = badSpecCases.map(\.file)
        #expect(files.count >= 30)
        #expect(Set(tabled).count == tabled.count, "a file appears twice in the table")
        #expect(Set(files).subtracting(tabled).sorted() == [], "files in BadSpecs/ without an expected diagnostic")
        #expect(Set(tabled).subtracting(files).sorted() == [], "cases whose file is missing from BadSpecs/")
    }

    @Test("Bad spec files are named NN-short-name.model.json with distinct numbers")
    func fileNames() throws {
        let files = try BadSpecs.fileNames()
        for file in files {
            let stem = file.dropLast(".model.json".count)
            let number = stem.prefix(2)
            let rest = stem.dropFirst(2)
            #expect(file.hasSuffix(".model.json"), "\(file)")
            #expect(number.allSatisfy(\.isASCII) && number.allSatisfy(\.isNumber), "\(file)")
            #expect(rest.first == "-" && rest.count > 1, "\(file)")
            #expect(rest.allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }, "\(file)")
        }
        let numbers = files.map { $0.prefix(2) }
        #expect(Set(numbers).count == numbers.count, "two bad specs share a number")
    }

    @Test("The generator returns no output for any file in BadSpecs/")
    func everyFileFails() throws {
        for file in try BadSpecs.fileNames() {
            let bytes = try BadSpecs.bytes(file)
            let diagnostic = generatorDiagnostic(file, bytes)
            #expect(diagnostic != nil, "\(file) generated code")
            // One diagnostic line, FILE:LINE:COLUMN: error: MESSAGE.
            if let diagnostic {
                #expect(diagnostic.hasPrefix(file + ":"), "\(diagnostic)")
                #expect(diagnostic.contains(": error: "), "\(diagnostic)")
                #expect(!diagnostic.contains("\n"), "\(diagnostic)")
            }
        }
    }

    @Test("The diagnostic names the spec by the path it was given")
    func pathInDiagnostic() throws {
        let bytes = try BadSpecs.bytes("25-units-zero.model.json")
        let path = "Sources/App/Models/25-units-zero.model.json"
        #expect(
            generatorDiagnostic(path, bytes)
                == """
                \(path):16:20: error: layer 1 'hidden' (Dense): invalid 'units' in Dense config: must be a positive \
                integer, found 0
                """
        )
    }

    // 100 000 levels of nesting: 200 KB, built here rather than committed. The reader stops at
    // 256 levels without recursing, so the generator fails instead of overflowing the stack.

    @Test("Arrays nested 100 000 deep are refused without exhausting the stack")
    func deepArrays() {
        let depth = 100_000
        let prefix = #"{"class_name": "Sequential", "config": {"name": "deep", "layers": "#
        let text = prefix + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}}"
        // The two objects and 254 arrays are open when the 255th array would be the 257th level.
        let column = prefix.utf8.count + 254 + 1
        #expect(column == 321)
        #expect(
            generatorDiagnostic("deep.model.json", Array(text.utf8))
                == "deep.model.json:1:\(column): error: nesting deeper than 256 levels")
    }

    @Test("Objects nested 100 000 deep are refused without exhausting the stack")
    func deepObjects() {
        let depth = 100_000
        var text = "{\n  \"config\": "
        text += String(repeating: #"{"a": "#, count: depth)
        text += "1" + String(repeating: "}", count: depth) + "\n}\n"
        // Line 1 opens the top object; on line 2, after `  "config": `, 255 objects of 6 bytes
        // each are open when the next would be the 257th level.
        #expect(
            generatorDiagnostic("deep_objects.model.json", Array(text.utf8))
                == "deep_objects.model.json:2:1543: error: nesting deeper than 256 levels")
    }
}

/// The Keras layer cases whose options the runtime does not compute yet (listed by
/// `tools/sync_layer_specs.py` in `Tests/Fixtures/layers/refused.json`): Keras built them, and
/// the generator refuses each with a located error that says it is not supported, rather than
/// generating a model that computes something else.
@Suite struct UnsupportedKerasOptionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/layers")

    static let cases: [String] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("refused.json")),
            let members = try? JSONReader.parse([UInt8](data)).value.objectMembers
        else { return [] }
        return members.map(\.key)
    }()

    @Test func thereAreRefusedCases() {
        #expect(!Self.cases.isEmpty)
    }

    @Test(arguments: cases)
    func generationRefusesTheOption(_ name: String) throws {
        let path = "\(name).model.json"
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent("\(name)/spec.json")))
        #expect {
            try Generator.generate(specAt: path, bytes: bytes)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("\(path):") && text.contains(": error: ") && text.contains("not supported")
        }
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
