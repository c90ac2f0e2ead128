import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory generate-model-code [--target NAME]...`:
/// writes the generated model sources into a `GeneratedModels/` folder beside the specs, for teams
/// that commit generated code and review it in pull requests. The output is what the build
/// plugin generates, byte for byte; use one or the other for a target, not both.
@main
struct GenerateModelCode: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let names = extractor.extractOption(named: "target")
        let targets =
            try names.isEmpty
            ? context.package.targets
            : context.package.targets(named: names)
        let tool = try context.tool(named: "swift-model-generator")
        for case let target as SourceModuleTarget in targets {
            let files = target.sourceFiles.map(\.url)
            // The build plugin's spec files: Keras JSON, .keras archives, legacy Keras 2 .h5
            // files (not Keras 3's weights-only .weights.h5) and variant declarations.
            let specs = files.filter {
                $0.lastPathComponent.hasSuffix(".model.json") || $0.lastPathComponent.hasSuffix(".variant.json")
                    || $0.pathExtension == "keras"
                    || (["h5", "hdf5"].contains($0.pathExtension) && !$0.lastPathComponent.hasSuffix(".weights.h5"))
            }
            let config = files.first { $0.lastPathComponent == "model-generator-config.json" }
            // Each folder of specs gets a GeneratedModels folder beside the specs.
            let folders = Dictionary(grouping: specs) { $0.deletingLastPathComponent().path }
            for folder in folders.keys.sorted() {
                let folderSpecs = folders[folder]!.sorted { $0.path < $1.path }
                var arguments = ["generate"] + folderSpecs.map(\.path)
                arguments += [
                    "--output-directory", URL(fileURLWithPath: folder).appending(path: "GeneratedModels").path,
                ]
                if let config { arguments += ["--config", config.path] }
                let process = Process()
                process.executableURL = tool.url
                process.arguments = arguments
                try process.run()
                process.waitUntilExit()
                guard process.terminationStatus == 0 else {
                    throw GenerationFailed(target: target.name)
                }
                print("Generated \(folderSpecs.count) model(s) into \(folder)/GeneratedModels")
            }
        }
    }
}

struct GenerationFailed: Error, CustomStringConvertible {
    let target: String
    var description: String { "generating models for target '\(target)' failed; see the errors above" }
}
