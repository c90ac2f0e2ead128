import Foundation
import ModelSpec
import Testing
import _ModelGeneratorCore

/// The starter specs: the embedded copies are the files in `Templates/`, and each generates.
@Suite struct TemplateTests {
    static let folder = Command.packageRoot.appendingPathComponent("Templates")

    @Test func theEmbeddedTemplatesAreTheFilesInTemplates() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter {
            $0.hasSuffix(".model.json")
        }.sorted()
        #expect(files == Template.all.map { "\($0.name).model.json" }.sorted())
        for template in Template.all {
            let file = try String(
                contentsOf: Self.folder.appendingPathComponent("\(template.name).model.json"), encoding: .utf8)
            #expect(file == template.spec, "Templates/\(template.name).model.json differs from its embedded copy")
        }
    }

    @Test(arguments: Template.all.map(\.name))
    func everyTemplateGenerates(_ name: String) throws {
        let template = try #require(Template.named(name))
        let file = try Generator.generate(specAt: "\(name).model.json", bytes: Array(template.spec.utf8))
        #expect(file.warnings.isEmpty)
        // A template of layers that all have backward passes is trainable in Swift.
        #expect(file.contents.contains(": Model {") || file.contents.contains(": TrainableModel {"))
    }

    /// Keras loads every template (`tools/make_template_fixtures.py`); its parameter counts are
    /// the ones our summary prints, and its outputs have the shapes our shape inference gives.
    @Test(arguments: Template.all.map(\.name))
    func templatesAreWhatKerasBuilds(_ name: String) throws {
        let template = try #require(Template.named(name))
        let url = Command.packageRoot.appendingPathComponent("Tests/Fixtures/templates/\(name).json")
        let keras = try JSONReader.parse([UInt8](Data(contentsOf: url))).value
        let description = try ModelSpecParser.parse(Array(template.spec.utf8), file: "\(name).model.json")
        let summary = Summary.render(description)
        func grouped(_ key: String) throws -> String {
            let digits = Array(String(try #require(keras[key]?.value.intValue)))
            return String(
                digits.enumerated().flatMap { index, digit in
                    index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
                })
        }
        #expect(summary.contains(" Total params: \(try grouped("count_params")) ("), "\(name)")
        #expect(summary.contains(" Trainable params: \(try grouped("trainable")) ("), "\(name)")
        #expect(summary.contains(" Non-trainable params: \(try grouped("non_trainable")) ("), "\(name)")
        let shapes: [[Int]] = (keras["output_shapes"]?.value.arrayElements ?? []).map { shape in
            (shape.value.arrayElements ?? []).dropFirst().compactMap { $0.value.intValue }
        }
        let ours: [[Int]] = description.graph.outputs.map { ref in
            description.nodeShapes[ref.node][ref.index].dimensions.dropFirst().map { $0 ?? -1 }
        }
        #expect(ours == shapes, "\(name)")
    }

    @Test func initWritesATemplateAndNeverOverwrites() throws {
        let folder = try Command.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try Command.run(
            try Command.generator, ["init", "--template", "mlp", "--output-directory", folder.path])
        #expect(first.status == 0)
        let written = try String(contentsOf: folder.appendingPathComponent("mlp.model.json"), encoding: .utf8)
        #expect(written == Template.named("mlp")?.spec)
        let again = try Command.run(
            try Command.generator, ["init", "--template", "mlp", "--output-directory", folder.path])
        #expect(again.status == 1)
        #expect(try Command.run(try Command.generator, ["init", "--template", "nope"]).status == 1)
        let list = try Command.run(try Command.generator, ["init", "--list"])
        #expect(list.output.split(separator: "\n").count == Template.all.count)
    }
}
