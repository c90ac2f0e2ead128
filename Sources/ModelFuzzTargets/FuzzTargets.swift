import ModelRuntime
import ModelSpec
import _ModelGeneratorCore

// Fuzz targets: each takes arbitrary bytes and must return normally whatever they are.
// Thrown errors are the expected outcome for bad input; a trap (a failed `precondition` in a
// self-check below, or one inside the code under test), a hang or a huge allocation is a bug.
// `model-fuzz` drives them under libFuzzer, and `FuzzCorpusTests` replays the committed corpus
// (`Tests/FuzzCorpus/TARGET/`) through them.

/// The fuzz targets, named as on the `model-fuzz` command line, in `MODEL_FUZZ_TARGET` and as
/// the corpus folders under `Tests/FuzzCorpus/`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `JSONReader.parse`, and the `JSONWriter` round trip of what it accepts.
    case json
    /// `Generator.generate(specAt:bytes:)` on a model spec.
    case spec
    /// `Generator.generate(specAt:bytes:)` on a legacy Keras 2 `.h5` spec (its `model_config`).
    case h5spec
    /// `Tensor(npyBytes:)`.
    case npy
    /// `VariantSpec(bytes:path:)`, then `Generator.generateVariant` over two fixed base specs.
    case variant
    /// `GeneratorConfigFile(bytes:path:)`.
    case config
    /// `WeightFileFormat.safetensors.read`, and the write/read round trip of what it accepts.
    case safetensors
    /// `WeightFileFormat.npz.read`, and the write/read round trip of what it accepts.
    case npz
    /// `WeightFileFormat.hdf5.read` (Keras 3 `.weights.h5` and legacy Keras 2 `.h5`).
    case hdf5
    /// `WeightFileFormat.kerasArchive.read` (a `.keras` zip holding `model.weights.h5`).
    case keras
    /// Raw DEFLATE and zlib decompression, with a 1 MiB output limit.
    case inflate

    /// Runs the target on `bytes`.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .json: fuzzJSON(bytes)
        case .spec: fuzzSpec(bytes)
        case .h5spec: fuzzSpec(bytes, file: "fuzz.h5")
        case .npy: fuzzNPY(bytes)
        case .variant: fuzzVariant(bytes)
        case .config: fuzzGeneratorConfig(bytes)
        case .safetensors: fuzzWeights(bytes, format: .safetensors)
        case .npz: fuzzWeights(bytes, format: .npz)
        case .hdf5: fuzzWeights(bytes, format: .hdf5)
        case .keras: fuzzWeights(bytes, format: .kerasArchive)
        case .inflate: fuzzInflate(bytes)
        }
    }
}

/// Parses `bytes` as JSON; when that succeeds, writes the value back in both writer styles and
/// checks that each text parses to an equal value and that writing is deterministic.
public func fuzzJSON(_ bytes: [UInt8]) {
    guard let node = try? JSONReader.parse(bytes) else { return }
    let value = node.value
    for style in [JSONWriter.Style.python, .pretty(indent: 2)] {
        let writer = JSONWriter(style: style)
        let text = writer.write(value)
        let reparsed: JSONNode
        do {
            reparsed = try JSONReader.parse(text)
        } catch {
            preconditionFailure("fuzzJSON: the writer's output does not parse: \(error)\n\(text)")
        }
        precondition(reparsed.value == value, "fuzzJSON: parse(write(x)) != x for \(text)")
        precondition(writer.write(reparsed.value) == text, "fuzzJSON: write(parse(write(x))) != write(x) for \(text)")
    }
}

/// Custom layer declarations the spec target knows, so that custom layers and subclassed
/// models (the shape rules, conditions and defaults) are reachable: those of
/// Examples/CustomLayers. Read for every input rather than kept in a global: LeakSanitizer
/// cannot follow the pointers Swift packs into enum payloads of a global and reports them.
func fuzzCustomLayers() -> [CustomLayerDeclaration] {
    let config = """
        {"customLayers": {
          "Custom>ChannelScale": {"swiftType": "ChannelScale", "weights": {"gamma": ["input[-1]"]}},
          "Custom>Linear": {"swiftType": "Linear", "outputShape": ["input[:-1]", "units"],
            "weights": {"kernel": ["input[-1]", "units"], "bias": {"shape": ["units"], "if": "use_bias"}},
            "defaults": {"units": 32, "use_bias": true}},
          "Custom>ResidualDense": {"swiftType": "ResidualDense",
            "weights": {"inner/kernel": ["input[-1]", "hidden_units"], "inner/bias": ["hidden_units"],
                        "outer/kernel": ["hidden_units", "input[-1]"], "outer/bias": ["input[-1]"]},
            "defaults": {"hidden_units": 16}},
          "Custom>ScaledMLP": {"swiftType": "ScaledMLP", "outputShape": ["input[:-1]", "classes"],
            "weights": {"body/kernel": ["input[-1]", "hidden"], "body/bias": ["hidden"], "gain/gamma": ["hidden"],
                        "head/kernel": ["hidden", "classes"], "head/bias": ["classes"]},
            "defaults": {"hidden": 8, "classes": 3}},
          "Crop": {"swiftType": "Crop", "outputShape": [null, "input[1:-1]", 2, "input[-3:]"]}
        }}
        """
    do {
        return try GeneratorConfigFile(bytes: Array(config.utf8), path: "fuzz-config.json").customLayers
    } catch {
        preconditionFailure("fuzzCustomLayers: the declarations do not read: \(error)")
    }
}

/// Generates the Swift source of the model spec in `bytes`, read as the spec file `file`
/// (Keras JSON by default, a legacy `.h5` file for `fuzz.h5`), with the custom layers of
/// `fuzzCustomLayers()`; errors are fine. When it succeeds, checks the generated file is not
/// empty and renders the spec's summary too.
public func fuzzSpec(_ bytes: [UInt8], file specFile: String = "fuzz.model.json") {
    let options = GeneratorOptions(customLayers: fuzzCustomLayers())
    guard let file = try? Generator.generate(specAt: specFile, bytes: bytes, options: options) else { return }
    precondition(!file.contents.isEmpty, "fuzzSpec: the generator returned an empty file")
    precondition(file.fileName == "fuzz.model.swift", "fuzzSpec: unexpected file name \(file.fileName)")
    precondition(!file.typeName.isEmpty, "fuzzSpec: empty type name")
    // The spec parsed once already, so this parse succeeds; the summary must render too.
    let description: ModelDescription
    do {
        description = try ModelSpecParser.parse(
            specFile: bytes, file: specFile, customLayers: options.parserCustomLayers)
    } catch {
        preconditionFailure("fuzzSpec: the spec generated code but does not parse a second time: \(error)")
    }
    precondition(!Summary.render(description).isEmpty, "fuzzSpec: empty summary")
}

/// Reads `bytes` as a NumPy `.npy` file; when that succeeds, checks the tensor's shape and
/// scalar count agree and that the tensor survives a round trip through `npyBytes()`.
public func fuzzNPY(_ bytes: [UInt8]) {
    guard let tensor = try? Tensor(npyBytes: bytes) else { return }
    precondition(
        tensor.scalarCount <= bytes.count, "fuzzNPY: \(tensor.scalarCount) scalars read from \(bytes.count) bytes")
    precondition(tensor.shape.allSatisfy { $0 >= 0 }, "fuzzNPY: negative axis in \(tensor.shape)")
    precondition(
        tensor.shape.reduce(1, *) == tensor.scalarCount,
        "fuzzNPY: shape \(tensor.shape) vs \(tensor.scalarCount) scalars")
    let reread: Tensor
    do {
        reread = try Tensor(npyBytes: tensor.npyBytes())
    } catch {
        preconditionFailure("fuzzNPY: npyBytes() of a tensor of shape \(tensor.shape) does not read back: \(error)")
    }
    precondition(reread.shape == tensor.shape, "fuzzNPY: shape \(tensor.shape) reads back as \(reread.shape)")
    // Compare bit patterns: NaN payloads must survive, and NaN != NaN.
    precondition(
        reread.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern),
        "fuzzNPY: scalars change in the round trip")
}

/// Reads `bytes` as a weight file of `format`; when that succeeds, checks that the file did
/// not decode into more scalars than its bytes justify and, for the formats we write, that
/// writing the tensors (as float32) and reading them back gives the same names, shapes and bit
/// patterns.
public func fuzzWeights(_ bytes: [UInt8], format: WeightFileFormat) {
    guard let tensors = try? format.read(bytes) else { return }
    // Every stored scalar takes at least one byte, and DEFLATE (npz members, HDF5 chunks,
    // .keras members) expands at most ~1032:1 (`Inflate.maximumRatio`): more scalars means
    // structures that share their data, which would let a small file allocate without bound.
    let scalarCount = tensors.reduce(0) { $0 + $1.tensor.scalarCount }
    let bound = format == .safetensors ? bytes.count : bytes.count * 1032
    precondition(scalarCount <= bound, "fuzzWeights(\(format)): \(scalarCount) scalars read from \(bytes.count) bytes")
    guard format == .safetensors || format == .npz else { return }
    let reread: [NamedTensor]
    do {
        reread = try format.read(try format.write(tensors))
    } catch {
        preconditionFailure("fuzzWeights(\(format)): what was read does not write and read back: \(error)")
    }
    precondition(reread.map(\.name) == tensors.map(\.name), "fuzzWeights(\(format)): names change in the round trip")
    for (a, b) in zip(tensors, reread) {
        precondition(
            a.tensor.shape == b.tensor.shape,
            "fuzzWeights(\(format)): '\(a.name)' shape \(a.tensor.shape) reads back as \(b.tensor.shape)")
        precondition(
            a.tensor.scalars.map(\.bitPattern) == b.tensor.scalars.map(\.bitPattern),
            "fuzzWeights(\(format)): '\(a.name)' scalars change in the round trip")
    }
}

/// Decompresses `bytes` as raw DEFLATE and as a zlib stream (errors are fine); checks the
/// output limit holds.
public func fuzzInflate(_ bytes: [UInt8]) {
    let limit = 1 << 20
    bytes.withUnsafeBytes { buffer in
        if let output = try? Inflate.decompress(buffer, limit: limit) {
            precondition(output.count <= limit, "fuzzInflate: \(output.count) bytes past the limit")
        }
        if let output = try? Inflate.zlibDecompress(buffer, limit: limit) {
            precondition(output.count <= limit, "fuzzInflate: \(output.count) bytes past the limit")
        }
    }
}

/// Reads `bytes` as a variant declaration; when that succeeds, generates the variant over each
/// of two fixed base specs (errors such as "matches no layer" are fine).
public func fuzzVariant(_ bytes: [UInt8]) {
    guard (try? VariantSpec(bytes: bytes, path: "fuzz.variant.json")) != nil else { return }
    for (basePath, baseBytes) in FuzzTarget.variantBases {
        guard
            let file = try? Generator.generateVariant(
                specAt: "fuzz.variant.json", bytes: bytes, baseBytes: baseBytes, basePath: basePath,
                baseTypeName: "Base"
            )
        else { continue }
        precondition(!file.contents.isEmpty, "fuzzVariant: the generator returned an empty file")
    }
}

/// Reads `bytes` as a `model-generator-config.json`; when that succeeds, checks that every
/// name it accepted is non-empty.
public func fuzzGeneratorConfig(_ bytes: [UInt8]) {
    guard let config = try? GeneratorConfigFile(bytes: bytes, path: "model-generator-config.json") else { return }
    precondition(config.typeNames.values.allSatisfy { !$0.isEmpty }, "fuzzGeneratorConfig: empty type name accepted")
    precondition(config.additionalImports.allSatisfy { !$0.isEmpty }, "fuzzGeneratorConfig: empty module name accepted")
}

extension FuzzTarget {
    /// The base specs (path and bytes) `fuzzVariant` applies variants to: a Sequential model,
    /// and a Functional one that calls a shared Dense layer twice.
    public static let variantBases: [(path: String, bytes: [UInt8])] = [
        ("base.model.json", Array(sequentialBase.utf8)),
        ("shared.model.json", Array(functionalBase.utf8)),
    ]

    private static let sequentialBase = """
        {"class_name": "Sequential", "config": {"name": "base", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 4]}},
          {"class_name": "Dense", "config": {"name": "hidden", "units": 4, "activation": "relu"}},
          {"class_name": "Dropout", "config": {"rate": 0.25}},
          {"class_name": "Dense", "config": {"name": "out", "units": 2}}]}}
        """

    private static let functionalBase = """
        {"class_name": "Functional", "config": {"name": "shared", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 3], "name": "x"}, "name": "x", \
        "inbound_nodes": []},
          {"class_name": "Dense", "config": {"name": "shared", "units": 3, "activation": "tanh"}, "name": "shared",
           "inbound_nodes": [{"args": [\(tensor("x", 0))], "kwargs": {}}, {"args": [\(tensor("shared", 0))], "kwargs": \
        {}}]},
          {"class_name": "Add", "config": {"name": "add"}, "name": "add",
           "inbound_nodes": [{"args": [[\(tensor("shared", 0)), \(tensor("shared", 1))]], "kwargs": {}}]}],
          "input_layers": [["x", 0, 0]], "output_layers": [["add", 0, 0]]}}
        """

    /// A Keras 3 reference to output 0 of `call` of `layer`.
    private static func tensor(_ layer: String, _ call: Int) -> String {
        #"""
        {"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": \#
        ["\#(layer)", \#(call), 0]}}
        """#
    }
}
