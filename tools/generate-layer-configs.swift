// The command line of tools/generate-layer-configs.sh, compiled by it together with the layer
// schema (Sources/ModelSpec/Layers/Schema) and nothing else of ModelSpec. Writes the config
// structs (Sources/ModelSpec/Layers/Generated) and the runtime layer types
// (Sources/ModelRuntime/Layers/Generated).

import Foundation

/// Writes or checks the generated config and runtime layer files in a package checkout.
enum ConfigFiles {
    /// The generated directories, each with its files.
    static var outputs: [(directory: String, files: [(name: String, contents: String)])] {
        [
            (ConfigEmitter.directory, ConfigEmitter.files(LayerFamily.all)),
            (RuntimeLayerEmitter.directory, RuntimeLayerEmitter.files(LayerFamily.all)),
        ]
    }

    /// Rewrites (or with `check`, compares) the files of the generated directories under `root`;
    /// returns the paths that differed (or were stale and removed).
    static func update(root: URL, check: Bool) throws -> [String] {
        var differing: [String] = []
        for output in outputs {
            let directory = root.appendingPathComponent(output.directory)
            if !check { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
            for file in output.files {
                let url = directory.appendingPathComponent(file.name)
                guard (try? String(contentsOf: url, encoding: .utf8)) != file.contents else { continue }
                differing.append(output.directory + "/" + file.name)
                if !check { try file.contents.write(to: url, atomically: true, encoding: .utf8) }
            }
            let expected = Set(output.files.map(\.name))
            let present = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in present where !expected.contains(name) {
                differing.append(output.directory + "/" + name)
                if !check { try FileManager.default.removeItem(at: directory.appendingPathComponent(name)) }
            }
        }
        return differing.sorted()
    }

    /// The command line of tools/generate-layer-configs.sh: `[--check]`, run from the package
    /// root; returns the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        let check = arguments.contains("--check")
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        do {
            let differing = try update(root: root, check: check)
            if differing.isEmpty {
                print("generate-layer-configs: \(outputs.map(\.files.count).reduce(0, +)) files up to date")
                return 0
            }
            let names = differing.joined(separator: ", ")
            if check {
                print("generate-layer-configs: out of date: \(names); run tools/generate-layer-configs.sh")
                return 1
            }
            print("generate-layer-configs: wrote \(names)")
            return 0
        } catch {
            print("generate-layer-configs: error: \(error)")
            return 1
        }
    }
}

exit(ConfigFiles.main(CommandLine.arguments))
