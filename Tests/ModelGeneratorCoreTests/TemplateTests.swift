import Foundation
import Testing
import _ModelGeneratorCore

/// The starter specs: the embedded copies are the files in `Templates/`, and each generates.
@Suite struct TemplateTests {
    static let folder = Command.packageRoot.appendingPathComponent("Templates")

    @Test func theEmbeddedTemplatesAreTheFilesInTemplates() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".model.json") }.sorted()
        #expect(files == Template.all.map { "\($0.name).model.json" }.sorted())
        for template in Template.all {
            let file = try String(contentsOf: Self.folder.appendingPathComponent("\(template.name).model.json"), encoding: .utf8)
            #expect(file == template.spec, "Templates/\(template.name).model.json differs from its embedded copy")
        }
    }

    @Test(arguments: Template.all.map(\.name))
    func everyTemplateGenerates(_ name: String) throws {
        let template = try #require(Template.named(name))
        let file = try Generator.generate(specAt: "\(name).model.json", bytes: Array(template.spec.utf8))
        #expect(file.warnings.isEmpty)
        #expect(file.contents.contains(": Model {"))
    }

    @Test func initWritesATemplateAndNeverOverwrites() throws {
        let folder = try Command.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Command.run(try Command.generator, ["init", "--template", "mlp", "--output-directory", folder.path])
        #expect(first.status == 0)
        let written = try String(contentsOf: folder.appendingPathComponent("mlp.model.json"), encoding: .utf8)
        #expect(written == Template.named("mlp")?.spec)
        let again = try Command.run(try Command.generator, ["init", "--template", "mlp", "--output-directory", folder.path])
        #expect(again.status == 1)
        #expect(try Command.run(try Command.generator, ["init", "--template", "nope"]).status == 1)
        let list = try Command.run(try Command.generator, ["init", "--list"])
        #expect(list.output.split(separator: "\n").count == Template.all.count)
    }
}
