import Foundation
import PackagePlugin

/// Generates one Swift model type per `*.model.json`, `*.keras` or legacy Keras 2 `*.h5`
/// spec (and per `*.variant.json` declaration) in a target, by running
/// `swift-model-generator generate` on it. Each spec is its own build command with exact
/// inputs and outputs, so only edited specs are generated again.
@main
struct ModelGeneratorPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let tool = try context.tool(named: "swift-model-generator")
        let files = target.sourceFiles.map(\.url)
        return try ModelSpecFiles.commands(
            specs: files.filter(ModelSpecFiles.isSpec),
            config: files.first(where: ModelSpecFiles.isConfig),
            tool: tool.url,
            outputDirectory: context.pluginWorkDirectoryURL.appending(path: "GeneratedModels"))
    }
}

/// What the plugin needs to know about spec files; the CLI does everything else.
enum ModelSpecFiles {
    static let configName = "model-generator-config.json"

    static func isSpec(_ url: URL) -> Bool {
        url.lastPathComponent.hasSuffix(".model.json") || url.pathExtension == "keras" || isLegacyH5(url)
            || isVariant(url)
    }

    /// A legacy Keras 2 full-model file (`model.save("NAME.h5")`, or `.hdf5`), read for its
    /// `model_config`. Keras 3's weights-only `NAME.weights.h5` files are not specs.
    static func isLegacyH5(_ url: URL) -> Bool {
        ["h5", "hdf5"].contains(url.pathExtension) && !url.lastPathComponent.hasSuffix(".weights.h5")
    }

    /// A variant declaration (`NAME.variant.json`), generated over its base spec.
    static func isVariant(_ url: URL) -> Bool { url.lastPathComponent.hasSuffix(".variant.json") }

    /// The base spec a variant declaration names, so edits to it regenerate the variant.
    static func variantBase(_ url: URL) -> URL? {
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let base = object["base"] as? String
        else { return nil }
        return url.deletingLastPathComponent().appending(path: base)
    }

    static func isConfig(_ url: URL) -> Bool { url.lastPathComponent == configName }

    /// `classifier.model.json` → `classifier.model.swift`; the CLI writes the same name.
    static func outputName(for spec: URL) -> String {
        var name = spec.lastPathComponent
        for suffix in [".model.json", ".variant.json", ".keras", ".h5", ".hdf5"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        return name + ".model.swift"
    }

    static func commands(specs: [URL], config: URL?, tool: URL, outputDirectory: URL) throws -> [Command] {
        specs.sorted { $0.path < $1.path }.map { spec in
            var arguments = ["generate", spec.path, "--output-directory", outputDirectory.path]
            if let config { arguments += ["--config", config.path] }
            return .buildCommand(
                displayName: "Generating a Swift model from \(spec.lastPathComponent)",
                executable: tool,
                arguments: arguments,
                inputFiles: [spec] + (isVariant(spec) ? variantBase(spec).map { [$0] } ?? [] : [])
                    + (config.map { [$0] } ?? []),
                outputFiles: [outputDirectory.appending(path: outputName(for: spec))])
        }
    }
}

#if canImport(XcodeProjectPlugin)
    import XcodeProjectPlugin

    extension ModelGeneratorPlugin: XcodeBuildToolPlugin {
        /// The same build commands for an Xcode project's target.
        func createBuildCommands(context: XcodePluginContext, target: XcodeTarget) throws -> [Command] {
            let tool = try context.tool(named: "swift-model-generator")
            let files = target.inputFiles.map(\.url)
            return try ModelSpecFiles.commands(
                specs: files.filter(ModelSpecFiles.isSpec),
                config: files.first(where: ModelSpecFiles.isConfig),
                tool: tool.url,
                outputDirectory: context.pluginWorkDirectoryURL.appending(path: "GeneratedModels"))
        }
    }
#endif
