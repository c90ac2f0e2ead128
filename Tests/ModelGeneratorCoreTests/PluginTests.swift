import Foundation
import Testing

/// Whether the tests that build whole downstream packages run (`PluginTests`).
let integrationTestsEnabled = ProcessInfo.processInfo.environment["MODEL_GENERATOR_INTEGRATION_TESTS"] == "1"

/// The build plugin in a downstream package, used exactly as a user does: it generates the
/// model on the first build, regenerates it when the spec changes, and turns a spec error into
/// a build error at the spec's line and column.
///
/// Each test builds the runtime again in a package of its own, minutes of work, so they run
/// only with `MODEL_GENERATOR_INTEGRATION_TESTS=1`, as `.ci/run` does; a plain `swift test`
/// lists them as skipped. With `MODEL_GENERATOR_SCRATCH_PATH` set, every downstream package
/// builds in that one build directory (`--scratch-path`), so the runtime and the generator are
/// compiled once for all of them (`.ci/run` passes the directory its examples were built in);
/// the tests then run one after another.
@Suite(
    .enabled(if: integrationTestsEnabled, "builds whole packages: set MODEL_GENERATOR_INTEGRATION_TESTS=1 (CI does)"),
    .serialized)
struct PluginTests {
    static let swift = URL(fileURLWithPath: "/usr/bin/env")

    /// The shared build directory, if `MODEL_GENERATOR_SCRATCH_PATH` names one.
    static let sharedScratch: URL? = ProcessInfo.processInfo.environment["MODEL_GENERATOR_SCRATCH_PATH"]
        .flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }

    /// Where `package` builds: the shared build directory, or the package's own `.build`.
    static func scratch(of package: URL) -> URL {
        sharedScratch ?? package.appendingPathComponent(".build")
    }

    /// The plugins' output folder of `package` in its build directory (SwiftPM names it after
    /// the package's identity, its folder name in lowercase).
    static func pluginOutputs(of package: URL) -> URL {
        scratch(of: package).appendingPathComponent("plugins/outputs")
            .appendingPathComponent(package.lastPathComponent.lowercased())
    }

    /// `swift <subcommand> ...` for the downstream package, in its build directory.
    static func swiftPM(_ subcommand: String, _ arguments: [String], package: URL) throws -> Command.Result {
        try Command.run(
            swift, ["swift", subcommand, "--scratch-path", scratch(of: package).path] + arguments, in: package)
    }

    /// A downstream package's manifest: one executable target using the plugin.
    static let manifest = """
        // swift-tools-version: 6.0
        import PackageDescription
        let package = Package(
            name: "App",
            platforms: [.macOS(.v13)],
            dependencies: [.package(name: "swift-model-generator", path: \
        \(String(reflecting: Command.packageRoot.path)))],
            targets: [
                .executableTarget(
                    name: "App",
                    dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
                    plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")])
            ])
        """

    @Test(.timeLimit(.minutes(15)))
    func aDownstreamPackageBuildsRegeneratesAndReportsSpecErrors() throws {
        let package = try Command.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: package) }
        let sources = package.appendingPathComponent("Sources/App")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try Self.manifest.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try """
        import ModelRuntime
        print(TinyNet(seed: 1).weights.map(\\.shape))
        """.write(to: sources.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        let spec = sources.appendingPathComponent("tiny_net.model.json")
        func writeSpec(units: String) throws {
            try """
            {"class_name": "Sequential", "config": {"layers": [
              {"class_name": "InputLayer", "config": {"batch_shape": [null, 3]}},
              {"class_name": "Dense", "config": {"units": \(units)}}]}}
            """.write(to: spec, atomically: true, encoding: .utf8)
        }
        func buildAndRun() throws -> String {
            let build = try Self.swiftPM("build", ["--product", "App"], package: package)
            try #require(build.status == 0, "build failed:\n\(build.output)\n\(build.error)")
            return try Self.swiftPM("run", ["--skip-build", "App"], package: package).output
        }

        try writeSpec(units: "4")
        #expect(try buildAndRun() == "[[3, 4], [4]]\n")

        // An unchanged spec is not generated again: the generated file keeps its date.
        let generated = try #require(
            FileManager.default.enumerator(atPath: Self.pluginOutputs(of: package).path)?
                .compactMap { $0 as? String }.first { $0.hasSuffix("GeneratedModels/tiny_net.model.swift") })
        let generatedPath = Self.pluginOutputs(of: package).appendingPathComponent(generated).path
        let past = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: generatedPath)
        #expect(try buildAndRun() == "[[3, 4], [4]]\n")
        #expect(try FileManager.default.attributesOfItem(atPath: generatedPath)[.modificationDate] as? Date == past)

        try writeSpec(units: "5")
        #expect(try buildAndRun() == "[[3, 5], [5]]\n", "an edited spec must be generated again")

        try writeSpec(units: "\"five\"")
        let failed = try Self.swiftPM("build", ["--product", "App"], package: package)
        #expect(failed.status != 0)
        let log = failed.output + failed.error
        #expect(
            log.contains(
                "tiny_net.model.json:3:47: error: layer 1 (Dense): expected an integer for 'units', found a string"),
            "the build log must carry the located spec error:\n\(log)")

        // A legacy .h5 file without a model_config (weights only) is a spec error naming it.
        try writeSpec(units: "4")
        let weightsOnly = sources.appendingPathComponent("weights.h5")
        try FileManager.default.copyItem(
            at: Command.packageRoot.appendingPathComponent("Tests/Fixtures/quick_start/legacy_weights_only.h5"),
            to: weightsOnly)
        let notASpec = try Self.swiftPM("build", ["--product", "App"], package: package)
        #expect(notASpec.status != 0)
        let notASpecLog = notASpec.output + notASpec.error
        #expect(
            notASpecLog.contains(
                "weights.h5: error: no 'model_config' attribute at the root of the .h5 file: it holds only weights"),
            "the build log must carry the spec error:\n\(notASpecLog)")
        try FileManager.default.removeItem(at: weightsOnly)

        // Custom layers: a declared Swift type that is not a `UnaryLayer` fails the build at the
        // spec's layer, and so does a custom layer the config file does not declare.
        try writeSpec(units: "4")
        try #"{"customLayers": {"Custom>Scale": {"swiftType": "Scale"}}}"#
            .write(to: sources.appendingPathComponent("model-generator-config.json"), atomically: true, encoding: .utf8)
        try "struct Scale {}\n".write(
            to: sources.appendingPathComponent("Scale.swift"), atomically: true, encoding: .utf8)
        func writeCustomSpec(_ registeredName: String) throws {
            try """
            {"class_name": "Sequential", "config": {"layers": [
              {"class_name": "InputLayer", "config": {"batch_shape": [null, 3]}},
              {"class_name": "Scale", "registered_name": "\(registeredName)", "config": {}}]}}
            """.write(to: sources.appendingPathComponent("scaled.model.json"), atomically: true, encoding: .utf8)
        }
        try writeCustomSpec("Custom>Scale")
        let nonconforming = try Self.swiftPM("build", ["--product", "App"], package: package)
        #expect(nonconforming.status != 0)
        let nonconformingLog = nonconforming.output + nonconforming.error
        #expect(
            nonconformingLog.contains("scaled.model.json:3:")
                && nonconformingLog.contains("'Scale' does not conform to protocol 'UnaryLayer'"),
            "the compiler's error must point to the spec's layer:\n\(nonconformingLog)")

        try writeCustomSpec("Custom>Shift")
        let undeclared = try Self.swiftPM("build", ["--product", "App"], package: package)
        #expect(undeclared.status != 0)
        let undeclaredLog = undeclared.output + undeclared.error
        #expect(
            undeclaredLog.contains(
                "scaled.model.json:3:46: error: layer 1 (Scale): the custom layer 'Custom>Shift' is not declared"),
            "the build log must carry the located spec error:\n\(undeclaredLog)")
    }

    /// Every template, put into a target with `init`, builds with the plugin and runs; the
    /// command plugin writes the same bytes as the build plugin.
    @Test(.timeLimit(.minutes(15)))
    func templatesBuildAndRunAndTheCommandPluginMatchesTheBuildPlugin() throws {
        let package = try Command.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: package) }
        let sources = package.appendingPathComponent("Sources/App")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try Self.manifest.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        for template in [
            "mlp", "cnn", "residual_mlp", "text_classifier", "transformer_block", "wide_and_deep", "siamese",
        ] {
            let result = try Command.run(
                try Command.generator, ["init", "--template", template, "--output-directory", sources.path])
            try #require(result.status == 0, "\(result.error)")
        }
        // A model tf.keras 2.15 saved as .h5 is a spec too; Keras 3's weights-only .weights.h5
        // beside it is not.
        let fixtures = Command.packageRoot.appendingPathComponent("Tests")
        try FileManager.default.copyItem(
            at: fixtures.appendingPathComponent("ModelRuntimeTests/Specs/keras2_functional.h5"),
            to: sources.appendingPathComponent("legacy_net.h5"))
        try FileManager.default.copyItem(
            at: fixtures.appendingPathComponent("Fixtures/quick_start/model.weights.h5"),
            to: sources.appendingPathComponent("classifier.weights.h5"))
        try """
        import ModelRuntime
        let mlp = Mlp(seed: 1)(Tensor(shape: [2, 784], repeating: 0.1))
        let residual = ResidualMlp(seed: 1)(Tensor(shape: [2, 64], repeating: 0.1))
        let (score, category) = WideAndDeep(seed: 1)(Tensor(shape: [2, 20], repeating: 0.1), Tensor(shape: [2, 32], \
        repeating: 0.1))
        let similarity = Siamese(seed: 1)(Tensor(shape: [2, 16], repeating: 0.1), Tensor(shape: [2, 16], repeating: \
        0.2))
        let digits = Cnn(seed: 1)(Tensor(shape: [2, 28, 28, 1], repeating: 0.1))
        let sentiment = TextClassifier(seed: 1)(Tensor(shape: [2, 64], repeating: 3))
        let classes = TransformerBlock(seed: 1)(Tensor(shape: [2, 16, 64], repeating: 0.1))
        let legacy = LegacyNet(seed: 1)(Tensor(shape: [2, 6], repeating: 0.1), Tensor(shape: [2, 5, 3], repeating: 0.1))
        print(mlp.shape, residual.shape, score.shape, category.shape, similarity.shape, digits.shape, sentiment.shape, \
        classes.shape,
              legacy.score.shape, legacy.gate.shape)
        """.write(to: sources.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        let build = try Self.swiftPM("build", ["--product", "App"], package: package)
        try #require(build.status == 0, "build failed:\n\(build.output)\n\(build.error)")
        let run = try Self.swiftPM("run", ["--skip-build", "App"], package: package)
        #expect(run.output == "[2, 10] [2, 1] [2, 1] [2, 5] [2, 1] [2, 10] [2, 1] [2, 2] [2, 2] [2, 1]\n")

        let command = try Self.swiftPM(
            "package", ["--allow-writing-to-package-directory", "generate-model-code", "--target", "App"],
            package: package)
        try #require(command.status == 0, "generate-model-code failed:\n\(command.output)\n\(command.error)")
        let committed = sources.appendingPathComponent("GeneratedModels")
        let names = try FileManager.default.contentsOfDirectory(atPath: committed.path).sorted()
        #expect(
            names == [
                "cnn.model.swift", "legacy_net.model.swift", "mlp.model.swift", "residual_mlp.model.swift",
                "siamese.model.swift",
                "text_classifier.model.swift", "transformer_block.model.swift", "wide_and_deep.model.swift",
            ])
        let built = try #require(
            FileManager.default.enumerator(atPath: Self.pluginOutputs(of: package).path)?
                .compactMap { $0 as? String }.filter { $0.hasSuffix("GeneratedModels/mlp.model.swift") }.first)
        let buildFolder = Self.pluginOutputs(of: package).appendingPathComponent(built)
            .deletingLastPathComponent()
        for name in names {
            let a = try Data(contentsOf: committed.appendingPathComponent(name))
            let b = try Data(contentsOf: buildFolder.appendingPathComponent(name))
            #expect(a == b, "\(name): the command plugin's output differs from the build plugin's")
        }
    }

    /// Every package under `Examples/` builds from a clean state, as a user's would.
    @Test(.timeLimit(.minutes(15)))
    func everyExampleBuildsFromACleanState() throws {
        let examples = Command.packageRoot.appendingPathComponent("Examples")
        let names = try FileManager.default.contentsOfDirectory(atPath: examples.path)
            .filter {
                FileManager.default.fileExists(atPath: examples.appendingPathComponent("\($0)/Package.swift").path)
            }
        #expect(!names.isEmpty)
        for name in names.sorted() {
            let scratch = try Command.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: scratch) }
            let build = try Command.run(
                Self.swift,
                [
                    "swift", "build", "--package-path", examples.appendingPathComponent(name).path,
                    "--scratch-path", scratch.path,
                ])
            #expect(build.status == 0, "Examples/\(name) does not build:\n\(build.output)\n\(build.error)")
        }
    }
}
