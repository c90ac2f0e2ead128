import Foundation
import Testing

/// The build plugin in a downstream package, used exactly as a user does: it generates the
/// model on the first build, regenerates it when the spec changes, and turns a spec error into
/// a build error at the spec's line and column.
@Suite struct PluginTests {
    static let swift = URL(fileURLWithPath: "/usr/bin/env")

    @Test(.timeLimit(.minutes(15)))
    func aDownstreamPackageBuildsRegeneratesAndReportsSpecErrors() throws {
        let package = try Command.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: package) }
        let sources = package.appendingPathComponent("Sources/App")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try """
            // swift-tools-version: 6.0
            import PackageDescription
            let package = Package(
                name: "App",
                platforms: [.macOS(.v13)],
                dependencies: [.package(name: "swift-model-generator", path: \(String(reflecting: Command.packageRoot.path)))],
                targets: [
                    .executableTarget(
                        name: "App",
                        dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
                        plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")])
                ])
            """.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
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
            let build = try Command.run(Self.swift, ["swift", "build", "--product", "App"], in: package)
            try #require(build.status == 0, "build failed:\n\(build.output)\n\(build.error)")
            return try Command.run(Self.swift, ["swift", "run", "--skip-build", "App"], in: package).output
        }

        try writeSpec(units: "4")
        #expect(try buildAndRun() == "[[3, 4], [4]]\n")

        // An unchanged spec is not generated again: the generated file keeps its date.
        let generated = try #require(FileManager.default.enumerator(atPath: package.appendingPathComponent(".build").path)?
            .compactMap { $0 as? String }.first { $0.hasSuffix("GeneratedModels/tiny_net.model.swift") })
        let generatedPath = package.appendingPathComponent(".build").appendingPathComponent(generated).path
        let past = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: generatedPath)
        #expect(try buildAndRun() == "[[3, 4], [4]]\n")
        #expect(try FileManager.default.attributesOfItem(atPath: generatedPath)[.modificationDate] as? Date == past)

        try writeSpec(units: "5")
        #expect(try buildAndRun() == "[[3, 5], [5]]\n", "an edited spec must be generated again")

        try writeSpec(units: "\"five\"")
        let failed = try Command.run(Self.swift, ["swift", "build", "--product", "App"], in: package)
        #expect(failed.status != 0)
        let log = failed.output + failed.error
        #expect(log.contains("tiny_net.model.json:3:47: error: layer 1 (Dense): expected an integer for 'units', found a string"),
                "the build log must carry the located spec error:\n\(log)")
    }
}
