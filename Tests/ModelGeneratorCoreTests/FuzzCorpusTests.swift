import Foundation
import ModelFuzzTargets
import Testing
import _ModelGeneratorCore

// Replays the fuzzing seed corpus, `Tests/FuzzCorpus/TARGET/`, through the fuzz targets that
// tools/fuzz.sh runs under libFuzzer. Crash reproducers are saved there too, so this is the
// regression test for every crash the fuzzer has found: a target that traps crashes the test
// process.

private enum FuzzCorpus {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzCorpus")

    /// The files of `target`'s corpus folder, sorted.
    static func files(_ target: FuzzTarget) throws -> [URL] {
        let folder = directory.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasPrefix(".") }
            .sorted()
            .map { folder.appendingPathComponent($0) }
    }

    static func bytes(_ target: FuzzTarget, _ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(target.rawValue).appendingPathComponent(name)))
    }
}

/// A crash the fuzzer found whose fix is not in Sources yet. While `isPresent` says so, its
/// reproducers are skipped (a trap would end the whole test process) and the test records a
/// known issue; once fixed they run like every other corpus file. Remove the entry then.
private struct KnownCrash {
    var reproducers: [String]
    var summary: String
    /// Checks, without trapping, whether the bug is still there.
    var isPresent: @Sendable () -> Bool
}

private let knownCrashes: [FuzzTarget: [KnownCrash]] = [:]

@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    @Test("Every corpus file runs through its fuzz target", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let files = try FuzzCorpus.files(target)
        #expect(!files.isEmpty, "no corpus files for \(target.rawValue)")
        var skipped: Set<String> = []
        for known in knownCrashes[target] ?? [] where known.isPresent() {
            skipped.formUnion(known.reproducers)
            withKnownIssue(Comment(rawValue: known.summary)) {
                Issue.record("skipped \(known.reproducers.joined(separator: ", ")) of \(target.rawValue)")
            }
        }
        for file in files where !skipped.contains(file.lastPathComponent) {
            target.run([UInt8](try Data(contentsOf: file)))
        }
    }

    @Test("The corpus has one folder per fuzz target")
    func folders() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: FuzzCorpus.directory.path)
            .filter { !$0.hasPrefix(".") }
        #expect(Set(folders) == Set(FuzzTarget.allCases.map(\.rawValue)))
    }

    @Test("The variant target's base specs generate code")
    func variantBases() throws {
        for (path, bytes) in FuzzTarget.variantBases {
            #expect(!(try Generator.generate(specAt: path, bytes: bytes).contents.isEmpty))
        }
        // And a variant that matches their Dense layers builds over both, so fuzzing reaches
        // variant generation.
        let variant = Array(
            #"""
            {"base": "b", "insert_after": {"class_name": "Dense"}, "insert": {"class_name": "Dropout", "config": \#
            {"rate": 0.5}}}
            """#
            .utf8)
        for (path, bytes) in FuzzTarget.variantBases {
            let file = try Generator.generateVariant(
                specAt: "v.variant.json", bytes: variant, baseBytes: bytes,
                basePath: path, baseTypeName: "Base")
            #expect(file.contents.contains("Dropout"))
        }
    }
}
