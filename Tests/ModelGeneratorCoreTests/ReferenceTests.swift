import Foundation
import ModelRuntime
import Testing

@testable import _ModelGeneratorCore

/// Generated sources checked in under `References/`, compared byte for byte. The references
/// are also compiled into this test target, so they must be valid Swift. Run with
/// `UPDATE_REFERENCES=1` to rewrite them after an intended change, and review the diff.
@Suite struct ReferenceTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("References")

    static let cases: [(spec: String, options: GeneratorOptions)] = [
        ("classifier.model.json", GeneratorOptions()),
        ("all_options.model.json", GeneratorOptions(accessModifier: .public, additionalImports: ["Foundation"])),
        ("hostile_names.model.json", GeneratorOptions(accessModifier: .package)),
        ("siamese.model.json", GeneratorOptions()),
        ("hostile_functional.model.json", GeneratorOptions(accessModifier: .public)),
        ("custom_layers.model.json", GeneratorOptions(customLayers: customLayers)),
        ("fused_chains.model.json", GeneratorOptions()),
        // A model split as a large one is (the call in stages, the graph, configs and layer
        // types in several functions), with lists of 3 layers and stages of 4 calls instead of
        // 16 and 64, so that the reference stays short.
        (
            "large_model.model.json",
            {
                var options = GeneratorOptions()
                options.listSize = 3
                options.stageSize = 4
                return options
            }()
        ),
        // The same spec in one piece, to check that the split model computes the same.
        ("large_model_unsplit.model.json", GeneratorOptions()),
        // A trainable model (a masked GRU, BatchNormalization, a merge) whose call and training
        // step run in stages of 4 calls, as a large model's do in stages of 64.
        (
            "staged_training.model.json",
            {
                var options = GeneratorOptions()
                options.stageSize = 4
                return options
            }()
        ),
    ]

    /// The custom layers Examples/CustomLayers declares; `CustomLayers.swift` in this target is
    /// the same file as the example's, so the reference compiles against its types.
    static let customLayers: [CustomLayerDeclaration] = {
        let url = folder.appendingPathComponent(
            "../../../Examples/CustomLayers/Sources/CustomLayers/model-generator-config.json")
        guard let data = try? Data(contentsOf: url),
            let config = try? GeneratorConfigFile(bytes: Array(data), path: url.path)
        else { return [] }
        return config.customLayers
    }()

    @Test(arguments: cases.map(\.spec))
    func generatedSourceMatchesTheReference(_ spec: String) throws {
        let options = Self.cases.first { $0.spec == spec }!.options
        let bytes = try Array(Data(contentsOf: Self.folder.appendingPathComponent("Specs/\(spec)")))
        let file = try Generator.generate(specAt: spec, bytes: bytes, options: options)
        let referenceURL = Self.folder.appendingPathComponent(file.fileName)
        if ProcessInfo.processInfo.environment["UPDATE_REFERENCES"] == "1" {
            try file.contents.write(to: referenceURL, atomically: true, encoding: .utf8)
        }
        let reference = try String(contentsOf: referenceURL, encoding: .utf8)
        let diff = LineDiff.unified(expected: reference, actual: file.contents)
        #expect(
            diff.isEmpty, "generated \(file.fileName) differs from the reference (- reference, + generated):\n\(diff)")
        let wide = file.contents.components(separatedBy: "\n").enumerated().filter { $0.element.count > 120 }
        #expect(wide.isEmpty, "\(file.fileName): lines over 120 columns: \(wide.map { $0.offset + 1 })")
    }

    @Test func generationIsDeterministic() throws {
        for (spec, options) in Self.cases {
            let bytes = try Array(Data(contentsOf: Self.folder.appendingPathComponent("Specs/\(spec)")))
            let first = try Generator.generate(specAt: spec, bytes: bytes, options: options)
            let second = try Generator.generate(specAt: "/elsewhere/entirely/\(spec)", bytes: bytes, options: options)
            #expect(first == second)
            #expect(!first.contents.contains("/elsewhere"))
        }
    }

    @Test func readmeListsTheRegistrysLayers() throws {
        let readme = try String(contentsOf: Self.folder.appendingPathComponent("../../../README.md"), encoding: .utf8)
        let start = try #require(
            readme.range(of: "<!-- supported-layers: generated from LayerRegistry by `swift test`; do not edit -->\n"))
        let end = try #require(readme.range(of: "<!-- end supported-layers -->"))
        let table = String(readme[start.upperBound..<end.lowerBound])
        // MODEL_GENERATOR_UPDATE_README=1 rewrites the table instead of checking it.
        if ProcessInfo.processInfo.environment["MODEL_GENERATOR_UPDATE_README"] == "1" {
            let updated = readme.replacingCharacters(
                in: start.upperBound..<end.lowerBound, with: SupportedLayers.markdownTable())
            try updated.write(
                to: Self.folder.appendingPathComponent("../../../README.md"), atomically: true, encoding: .utf8)
            return
        }
        #expect(
            table == SupportedLayers.markdownTable(),
            """
            README's table is out of date (run MODEL_GENERATOR_UPDATE_README=1 swift test --filter \
            readmeListsTheRegistrysLayers); expected:\n\(SupportedLayers.markdownTable())
            """
        )
    }

    @Test func hostileNamesAreEscapedAndKeptForKeras() throws {
        let bytes = try Array(Data(contentsOf: Self.folder.appendingPathComponent("Specs/hostile_names.model.json")))
        let source = try Generator.generate(specAt: "hostile_names.model.json", bytes: bytes).contents
        // Spec text appears only inside comments and string literals: the code that is left
        // once both are removed holds none of the injected text.
        let code = Self.codeOutsideCommentsAndStrings(source)
        for injected in ["injected", "#warning", "fatalError(", "\u{202E}", "*/"] {
            #expect(!code.contains(injected), "'\(injected)' leaked into code")
        }
        // Every comment line is still one line: no spec newline started a new line of code.
        #expect(source.split(separator: "\n").allSatisfy { !$0.hasPrefix("// injected") })
    }

    /// `source` with comment lines dropped and the contents of string literals removed.
    static func codeOutsideCommentsAndStrings(_ source: String) -> String {
        var code = ""
        for line in source.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
            var inString = false
            var escaped = false
            for character in line {
                if inString {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inString = false
                    }
                } else {
                    if character == "\"" { inString = true }
                    code.append(character)
                }
            }
            code.append("\n")
        }
        return code
    }

    @Test func compiledHostileFunctionalModelKeepsOriginalNamesAndRuns() throws {
        let model = HostileFunctional(seed: 1)
        let json = model.kerasJSON()
        for name in ["in\\\"put", "Type", "Encoder", "Config", "self", "\\u00e9t\\u00e9 */ \\u202e"] {
            #expect(json.contains("\"name\": \"\(name)\""), "\(name) missing from \(json)")
        }
        #expect(try HostileFunctional(kerasJSON: json).config == model.config)
        let x = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let outputs = model(x, x)
        #expect(outputs.0.shape == [1, 1] && outputs.1.shape == [1, 4] && outputs.2.shape == [1, 2])
    }

    @Test func compiledHostileModelKeepsOriginalNames() throws {
        let model = HostileNames(seed: 1)
        let json = model.kerasJSON()
        for name in [
            "self", "default", "Dense", "dense", "1st `layer`\\n// injected", "\\u00fcbergr\\u00f6\\u00dfe", "config",
            "init", "drop-out", "drop_out", "\\\\\\\"); fatalError(\\\"",
        ] {
            #expect(json.contains("\"name\": \"\(name)\""), "\(name) missing from \(json)")
        }
        let reloaded = try HostileNames(kerasJSON: json)
        #expect(reloaded.config == model.config)
    }
}

/// A line diff for readable test failures: changed lines with two lines of context.
enum LineDiff {
    static func unified(expected: String, actual: String) -> String {
        let a = expected.components(separatedBy: "\n")
        let b = actual.components(separatedBy: "\n")
        if a == b { return "" }
        // Longest common subsequence table (files are small).
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var lines: [(Character, String)] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append((" ", a[i]))
                i += 1
                j += 1
            } else if i < a.count, j == b.count || lcs[i + 1][j] >= lcs[i][j + 1] {
                lines.append(("-", a[i]))
                i += 1
            } else {
                lines.append(("+", b[j]))
                j += 1
            }
        }
        let changed = Set(lines.indices.filter { lines[$0].0 != " " })
        let shown = lines.indices.filter { index in changed.contains { abs($0 - index) <= 2 } }
        var out: [String] = []
        var previous = -2
        for index in shown {
            if index != previous + 1 { out.append("@@ line \(index + 1) @@") }
            out.append("\(lines[index].0) \(lines[index].1)")
            previous = index
        }
        return out.joined(separator: "\n")
    }
}
