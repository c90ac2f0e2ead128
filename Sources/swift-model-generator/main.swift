import Foundation
import ModelSpec
import _ModelGeneratorCore

let usage = """
    USAGE: swift-model-generator generate SPEC... --output-directory DIR [--config FILE]
                                 [--access-modifier public|package|internal]
           swift-model-generator summary SPEC [--config FILE]
           swift-model-generator graph SPEC [--format mermaid|dot] [--config FILE]
           swift-model-generator init --template NAME [--output-directory DIR] [--name FILE]
           swift-model-generator init --list

    generate   Writes one Swift model type per spec (*.model.json, Keras JSON; *.keras, a
               Keras 3 archive; *.h5, a whole model saved by Keras 2) into DIR, as
               NAME.model.swift, and one per variant declaration (*.variant.json). Nothing is
               written if any spec has an error; unchanged files are not rewritten.
    summary    Prints the spec's Keras model.summary() table.
    graph      Prints the model's graph as a Mermaid diagram (the default) or Graphviz DOT.
    init       Writes a starter spec (see --list) into DIR (default: the current folder) as
               FILE (default: NAME.model.json); never overwrites a file.
    --config   A model-generator-config.json: access modifier, type names, imports, and the
               custom layers specs may use.
    """

/// Prints `text` to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func readBytes(_ path: String) throws(SpecError) -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw SpecError("cannot read the file", file: path)
    }
    return [UInt8](data)
}

func generate(_ arguments: [String]) -> Int32 {
    var specs: [String] = []
    var outputDirectory: String?
    var configPath: String?
    var accessOverride: AccessModifier?
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        func value() -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        switch argument {
        case "--output-directory":
            outputDirectory = value()
        case "--config":
            configPath = value()
        case "--access-modifier":
            guard let text = value(), let modifier = AccessModifier(rawValue: text) else {
                printError("error: --access-modifier takes public, package or internal")
                return 1
            }
            accessOverride = modifier
        default:
            if argument.hasPrefix("-") {
                printError("error: unknown option '\(argument)'\n\n\(usage)")
                return 1
            }
            specs.append(argument)
        }
        index += 1
    }
    guard let outputDirectory, !specs.isEmpty else {
        printError("error: generate needs at least one spec and --output-directory\n\n\(usage)")
        return 1
    }

    var failed = false
    var configFile: GeneratorConfigFile?
    if let configPath {
        do {
            configFile = try GeneratorConfigFile(bytes: try readBytes(configPath), path: configPath)
        } catch {
            printError(error.description)
            return 1
        }
    }
    var files: [GeneratedFile] = []
    var typeOwners: [String: String] = [:]
    for spec in specs {
        let fileName = URL(fileURLWithPath: spec).lastPathComponent
        let options = GeneratorOptions(
            accessModifier: accessOverride ?? configFile?.accessModifier ?? .internal,
            typeName: configFile?.typeNames[fileName],
            additionalImports: configFile?.additionalImports ?? [],
            customLayers: configFile?.customLayers ?? [])
        do {
            let file: GeneratedFile
            if VariantSpec.isVariant(spec) {
                let variant = try VariantSpec(bytes: try readBytes(spec), path: spec)
                let basePath = URL(fileURLWithPath: spec).deletingLastPathComponent().appendingPathComponent(
                    variant.base
                ).path
                let baseFileName = URL(fileURLWithPath: basePath).lastPathComponent
                let baseTypeName =
                    configFile?.typeNames[baseFileName]
                    ?? Identifiers.typeName(Identifiers.specBaseName(baseFileName))
                file = try Generator.generateVariant(
                    specAt: spec, bytes: try readBytes(spec), baseBytes: try readBytes(basePath),
                    basePath: basePath, baseTypeName: baseTypeName, options: options)
            } else {
                file = try Generator.generate(specAt: spec, bytes: try readBytes(spec), options: options)
            }
            if let other = typeOwners[file.typeName] {
                throw SpecError(
                    "the type name \(file.typeName) is also generated from \(other); rename one spec or set a name "
                        + "in model-generator-config.json",
                    file: spec)
            }
            typeOwners[file.typeName] = spec
            file.warnings.forEach { printError($0.description) }
            files.append(file)
        } catch {
            printError(String(describing: error))
            failed = true
        }
    }
    if failed { return 1 }

    let directory = URL(fileURLWithPath: outputDirectory)
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            let url = directory.appendingPathComponent(file.fileName)
            let data = Data(file.contents.utf8)
            if FileManager.default.contents(atPath: url.path) == data { continue }
            try data.write(to: url, options: .atomic)
        }
    } catch {
        printError("error: cannot write to \(outputDirectory): \(error.localizedDescription)")
        return 1
    }
    return 0
}

/// Reads one spec argument, `--config FILE` and the command's own options (`options` maps an
/// option to what takes its value, returning false for a bad value), then parses the spec with
/// the config's custom layers; prints the error and returns nil on any problem.
func describeSpec(_ arguments: [String], command: String, options: [String: (String) -> Bool] = [:])
    -> ModelDescription?
{
    var spec: String?
    var configPath: String?
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument == "--config" || options[argument] != nil {
            index += 1
            guard index < arguments.count else {
                printError("error: \(argument) needs a value\n\n\(usage)")
                return nil
            }
            if argument == "--config" {
                configPath = arguments[index]
            } else if options[argument]?(arguments[index]) == false {
                return nil
            }
        } else if spec == nil, !argument.hasPrefix("-") {
            spec = argument
        } else {
            printError("error: unexpected argument '\(argument)'\n\n\(usage)")
            return nil
        }
        index += 1
    }
    guard let spec else {
        printError("error: \(command) takes one spec\n\n\(usage)")
        return nil
    }
    do {
        var custom: [CustomLayer] = []
        if let configPath {
            custom = try GeneratorConfigFile(bytes: try readBytes(configPath), path: configPath).customLayers
                .map(CustomLayer.init(declaration:))
        }
        return try ModelSpecParser.parse(specFile: try readBytes(spec), file: spec, customLayers: custom)
    } catch {
        printError(error.description)
        return nil
    }
}

func summary(_ arguments: [String]) -> Int32 {
    guard let description = describeSpec(arguments, command: "summary") else { return 1 }
    description.warnings.forEach { printError($0.description) }
    print(Summary.render(description), terminator: "")
    return 0
}

func graph(_ arguments: [String]) -> Int32 {
    var format = GraphDiagram.Format.mermaid
    let chooseFormat: (String) -> Bool = { value in
        guard let chosen = GraphDiagram.Format(rawValue: value) else {
            printError("error: --format takes mermaid or dot")
            return false
        }
        format = chosen
        return true
    }
    guard let description = describeSpec(arguments, command: "graph", options: ["--format": chooseFormat]) else {
        return 1
    }
    print(GraphDiagram.render(description, format: format), terminator: "")
    return 0
}

func initTemplate(_ arguments: [String]) -> Int32 {
    if arguments == ["--list"] {
        for template in Template.all { print("\(template.name): \(template.summary)") }
        return 0
    }
    var name: String?
    var directory = FileManager.default.currentDirectoryPath
    var fileName: String?
    var index = 0
    while index < arguments.count {
        let option = arguments[index]
        index += 1
        guard index < arguments.count else {
            printError("error: \(option) needs a value\n\n\(usage)")
            return 1
        }
        switch option {
        case "--template": name = arguments[index]
        case "--output-directory": directory = arguments[index]
        case "--name": fileName = arguments[index]
        default:
            printError("error: unknown option '\(option)'\n\n\(usage)")
            return 1
        }
        index += 1
    }
    guard let name, let template = Template.named(name) else {
        let names = Template.all.map(\.name).joined(separator: ", ")
        printError("error: init needs --template with one of: \(names)")
        return 1
    }
    let target = URL(fileURLWithPath: directory).appendingPathComponent(fileName ?? "\(template.name).model.json")
    guard !FileManager.default.fileExists(atPath: target.path) else {
        printError("error: \(target.path) exists; choose another --name")
        return 1
    }
    do {
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(template.spec.utf8).write(to: target)
        print("Wrote \(target.path): \(template.summary)")
        return 0
    } catch {
        printError("error: cannot write \(target.path): \(error.localizedDescription)")
        return 1
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "generate":
    exit(generate(Array(arguments.dropFirst())))
case "summary":
    exit(summary(Array(arguments.dropFirst())))
case "graph":
    exit(graph(Array(arguments.dropFirst())))
case "init":
    exit(initTemplate(Array(arguments.dropFirst())))
case "--help", "-h", "help":
    print(usage)
default:
    printError("error: expected a command\n\n\(usage)")
    exit(1)
}
