import Foundation

/// A named tensor, as weight files store them.
public struct NamedTensor: Sendable, Equatable {
    /// The key, e.g. Keras's object path `layers/dense/vars/0`.
    public var name: String
    /// The tensor.
    public var tensor: Tensor

    /// `tensor` under `name`.
    public init(name: String, tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}

/// The weight file formats the runtime reads (all) and writes (`.safetensors`, `.npz`), by
/// file name.
public enum WeightFileFormat: Sendable, Equatable {
    /// Hugging Face's safetensors.
    case safetensors
    /// NumPy's `.npz` (a zip of `.npy` files, stored or compressed).
    case npz
    /// A Keras 3 `.keras` archive: the weights in its `model.weights.h5` (or `.npz`).
    case kerasArchive
    /// HDF5: Keras 3's `.weights.h5` (by object path), or a legacy Keras 2 `.h5` (a full model
    /// with a `model_weights` group, or weights only; by layer order).
    case hdf5

    /// The format of `url`, or an error naming the formats that are supported.
    public init(of url: URL) throws {
        switch url.pathExtension.lowercased() {
        case "safetensors": self = .safetensors
        case "npz": self = .npz
        case "keras": self = .kerasArchive
        case "h5", "hdf5": self = .hdf5
        default:
            throw TensorFileError(
                "unknown weight file type '.\(url.pathExtension)'; expected .keras, .weights.h5, .h5, .safetensors "
                    + "or .npz",
                path: url.path)
        }
    }

    /// Reads the tensors in `bytes`, in file order (HDF5: by path, groups in name order; a
    /// legacy Keras 2 file's tensors are named `LAYER/WEIGHT_NAME`).
    public func read(_ bytes: [UInt8]) throws -> [NamedTensor] {
        try bytes.withUnsafeBytes { buffer in
            switch try storedWeights(buffer) {
            case .byPath(let tensors): return tensors
            case .byLayer(let layers):
                return layers.flatMap { layer in
                    layer.weights.map { NamedTensor(name: layer.name + "/" + $0.name, tensor: $0.tensor) }
                }
            }
        }
    }

    /// The file bytes holding `tensors` as float32: `.safetensors`, `.npz`, or HDF5 laid out
    /// as Keras 3's `.weights.h5` (each tensor at its path). `.keras` archives are not written.
    public func write(_ tensors: [NamedTensor]) throws -> [UInt8] {
        switch self {
        case .safetensors: try SafeTensors.write(tensors)
        case .npz: try NPZ.write(tensors)
        case .hdf5: try HDF5Writer.write(tensors)
        case .kerasArchive:
            throw TensorFileError(
                "writing .keras archives is not supported; save the weights as .weights.h5 (Keras's load_weights "
                    + "reads it), .safetensors or .npz"
            )
        }
    }

    /// The weights in `bytes`, keyed the way the file keys them.
    func storedWeights(_ bytes: UnsafeRawBufferPointer) throws -> StoredWeights {
        switch self {
        case .safetensors: return .byPath(try SafeTensors.read(bytes))
        case .npz: return .byPath(try NPZ.read(bytes))
        case .hdf5: return try KerasHDF5.read(bytes)
        case .kerasArchive: return try KerasArchive.weights(bytes)
        }
    }
}

/// Weights as a file keys them: by Keras 3 object path, or (legacy Keras 2 `.h5`) by layer.
enum StoredWeights {
    struct Layer {
        var name: String
        var weights: [NamedTensor]
    }

    case byPath([NamedTensor])
    case byLayer([Layer])
}

/// Keras's HDF5 weight layouts.
enum KerasHDF5 {
    static func read(_ bytes: UnsafeRawBufferPointer) throws -> StoredWeights {
        do { return try readLayout(bytes) } catch let error as HDF5Error { throw TensorFileError(error.message) }
    }

    private static func readLayout(_ bytes: UnsafeRawBufferPointer) throws -> StoredWeights {
        let file = try HDF5File(bytes)
        // Legacy Keras 2: `layer_names` on the root (weights only) or on `model_weights`
        // (a full model saved with `model.save("x.h5")`).
        for root in ["model_weights", ""] {
            guard case .group(let messages)? = try file.object(atPath: root) else { continue }
            let attributes = try file.attributes(messages, what: root.isEmpty ? "the root group" : "group '\(root)'")
            guard let layerNames = strings("layer_names", in: attributes) else { continue }
            return .byLayer(
                try layerNames.map { name in
                    let path = root.isEmpty ? name : root + "/" + name
                    guard case .group(let layerMessages)? = try file.object(atPath: path) else {
                        throw HDF5File.error(
                            "legacy weights: layer '\(name)' is listed in layer_names but has no group")
                    }
                    let layerAttributes = try file.attributes(layerMessages, what: "group '\(path)'")
                    guard let weightNames = strings("weight_names", in: layerAttributes) else {
                        throw HDF5File.error("legacy weights: group '\(path)' has no weight_names attribute")
                    }
                    return StoredWeights.Layer(
                        name: name,
                        weights: try weightNames.map { weightName in
                            guard case .dataset(let datasetMessages)? = try file.object(atPath: path + "/" + weightName)
                            else {
                                throw HDF5File.error(
                                    "legacy weights: weight '\(weightName)' of layer '\(name)' is missing")
                            }
                            return NamedTensor(
                                name: weightName,
                                tensor: try file.dataset(datasetMessages, what: "dataset '\(path)/\(weightName)'"))
                        })
                })
        }
        return .byPath(try file.datasets())
    }

    /// A list attribute as Keras's `save_attributes_to_hdf5_group` writes it: strings, an empty
    /// numeric array for an empty list, or split into `NAME0`, `NAME1`, ... when too large for one
    /// HDF5 attribute.
    static func strings(_ name: String, in attributes: [String: HDF5File.AttributeValue]) -> [String]? {
        func list(_ value: HDF5File.AttributeValue?) -> [String]? {
            switch value {
            case .strings(let strings)?: return strings
            case .numbers(_, let scalars)? where scalars.isEmpty: return []
            default: return nil
            }
        }
        if let whole = list(attributes[name]) { return whole }
        var parts: [String] = []
        var index = 0
        while let part = list(attributes["\(name)\(index)"]) {
            parts += part
            index += 1
        }
        return index > 0 ? parts : nil
    }
}

/// The parts of a Keras 3 `.keras` archive (a zip of `metadata.json`, `config.json` and
/// `model.weights.h5`).
enum KerasArchive {
    static func archive(_ bytes: UnsafeRawBufferPointer) throws -> ZipArchive {
        do { return try ZipArchive(bytes) } catch let error as ArchiveError {
            throw TensorFileError("not a readable .keras archive: \(error.message)")
        }
    }

    static func weights(_ bytes: UnsafeRawBufferPointer) throws -> StoredWeights {
        let archive = try archive(bytes)
        do {
            if let entry = archive.entries.first(where: { $0.name == "model.weights.h5" }) {
                return try archive.withContents(of: entry, in: bytes) { try KerasHDF5.read($0) }
            }
            if let entry = archive.entries.first(where: { $0.name == "model.weights.npz" }) {
                return try archive.withContents(of: entry, in: bytes) { .byPath(try NPZ.read($0)) }
            }
        } catch let error as ArchiveError {
            throw TensorFileError("in the .keras archive: \(error.message)")
        } catch let error as TensorFileError {
            throw TensorFileError("in the .keras archive's weights: \(error.message)")
        }
        throw TensorFileError("the .keras archive holds no model.weights.h5 or model.weights.npz")
    }

    static func configJSON(_ bytes: UnsafeRawBufferPointer) throws -> String {
        let archive = try archive(bytes)
        guard let entry = archive.entries.first(where: { $0.name == "config.json" }) else {
            throw TensorFileError("the .keras archive holds no config.json")
        }
        do { return try archive.withContents(of: entry, in: bytes) { String(decoding: $0, as: UTF8.self) } } catch let
            error as ArchiveError
        {
            throw TensorFileError("in the .keras archive: \(error.message)")
        }
    }
}

extension Model {
    /// Where Keras 3 stores each of this model's weights, in `get_weights()` order.
    public var kerasWeightPaths: [KerasWeightPath] {
        do {
            return try config.kerasWeightPaths()
        } catch {
            preconditionFailure("\(Self.self): the config of a built model always fits: \(error)")
        }
    }

    /// A model with the weights (and, for a `.keras` archive, the config) stored in `url`.
    ///
    /// - A `.keras` archive gives both: its `config.json` must describe this type's
    ///   architecture (values such as a dropout rate are taken from it, as with
    ///   ``init(kerasJSON:seed:)``), its `model.weights.h5` the weights.
    /// - A weight file (`.weights.h5`, legacy `.h5`, `.safetensors`, `.npz`) gives the
    ///   weights; the config is the spec's.
    ///
    /// The file is memory-mapped. Weights stored as aligned little-endian float32 (Keras's
    /// `.keras` and `.weights.h5`, and `.safetensors`) are used in place, as read-only pages of
    /// the mapping that the first write copies; other weights are decoded once, into their
    /// tensors. The file stays mapped while its weights are in use: do not rewrite it meanwhile.
    public init(contentsOf url: URL) throws {
        if try WeightFileFormat(of: url) == .kerasArchive {
            let file = try MappedFile(url)
            let (json, stored) = try file.withBytes { bytes in
                do { return (try KerasArchive.configJSON(bytes), try KerasArchive.weights(bytes)) } catch var error
                    as TensorFileError
                {
                    error.path = url.path
                    throw error
                }
            }
            // Zeros stand in for the initial weights: the file replaces every one.
            var model: Self
            do {
                model = try WeightInitialization.$placeholders.withValue(true) { try Self(kerasJSON: json, seed: 0) }
            } catch let error as SpecError {
                throw TensorFileError(
                    "config.json does not describe \(Self.self): \(error.description)", path: url.path)
            }
            try model.setWeights(stored, source: url.path)
            self = model
        } else {
            var model = WeightInitialization.$placeholders.withValue(true) { Self(seed: 0) }
            try model.loadWeights(from: url)
            self = model
        }
    }

    /// A model built with ``init(contentsOf:)`` from a resource of `bundle` (for a package's
    /// own target, `Bundle.module`), e.g. `try Classifier(resource: "classifier.keras", in: .module)`.
    /// The resource is declared in the target, e.g. `resources: [.copy("classifier.keras")]`.
    public init(resource name: String, in bundle: Bundle) throws {
        let url = URL(fileURLWithPath: name)
        let stem = url.deletingPathExtension().lastPathComponent
        let fileExtension = url.pathExtension
        guard let found = bundle.url(forResource: stem, withExtension: fileExtension.isEmpty ? nil : fileExtension)
        else {
            throw TensorFileError(
                "no resource '\(name)' in \(bundle.bundlePath); declare it in the target's resources, e.g. "
                    + "resources: [.copy(\"\(name)\")]"
            )
        }
        try self.init(contentsOf: found)
    }

    /// Loads the weights stored in `url`: a `.keras` archive, Keras 3's `.weights.h5`, a
    /// legacy Keras 2 `.h5`, or `.safetensors`/`.npz` keyed by Keras's weight paths
    /// (`layers/dense/vars/0`, as `model.save_weights` names them). Every weight must be there
    /// with its shape; otherwise this throws, listing what is missing, unexpected or
    /// misshaped, and leaves the model unchanged. Training state Keras saves beside the weights
    /// (optimizer variables, metrics, seed generator states) is skipped.
    ///
    /// The file is memory-mapped; aligned little-endian float32 weights are used in place (see
    /// ``init(contentsOf:)``), others decoded once, into their tensors.
    public mutating func loadWeights(from url: URL) throws {
        let format = try WeightFileFormat(of: url)
        let stored = try MappedFile.read(url) { try format.storedWeights($0) }
        try setWeights(stored, source: url.path)
    }

    mutating func setWeights(_ stored: StoredWeights, source: String) throws {
        switch stored {
        case .byPath(let tensors): try setWeights(named: tensors, source: source)
        case .byLayer(let layers): try setWeights(legacyLayers: layers, source: source)
        }
    }

    /// Whether `name` is state Keras saves beside the weights that inference does not use.
    static func isTrainingState(_ name: String) -> Bool {
        let components = name.split(separator: "/")
        guard let first = components.first else { return false }
        return ["optimizer", "compile_metrics", "metrics", "loss", "_loss", "loss_tracker"].contains(String(first))
            || components.contains("seed_generator")
    }

    /// Sets the weights from tensors keyed by Keras's weight paths (see `loadWeights(from:)`).
    public mutating func setWeights(named stored: [NamedTensor], source: String = "the given tensors") throws {
        let expected = kerasWeightPaths
        var byName: [String: Tensor] = [:]
        for item in stored { byName[item.name] = item.tensor }
        let missing = expected.filter { byName[$0.path] == nil }.map(\.description)
        let expectedNames = Set(expected.map(\.path))
        let unexpected = stored.map(\.name).filter { !expectedNames.contains($0) && !Self.isTrainingState($0) }
        let misshaped = expected.compactMap { weight -> String? in
            guard let tensor = byName[weight.path], tensor.shape != weight.shape else { return nil }
            return "\(weight.path) is \(tensor.shape), expected \(weight.shape)"
        }
        guard missing.isEmpty, unexpected.isEmpty, misshaped.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing: " + missing.joined(separator: ", ")) }
            if !unexpected.isEmpty { parts.append("unexpected: " + unexpected.joined(separator: ", ")) }
            if !misshaped.isEmpty { parts.append("misshaped: " + misshaped.joined(separator: "; ")) }
            throw WeightError(
                "\(Self.self): the weights in \(source) do not fit the model; " + parts.joined(separator: "; "))
        }
        try setWeights(expected.map { byName[$0.path]! })
    }

    /// Sets the weights from a legacy Keras 2 file's layers, matched the way Keras's
    /// `load_weights` matches them: the file's layers that have weights, in order, to this
    /// model's top-level layers that have weights, each layer's trainable weights first.
    mutating func setWeights(legacyLayers stored: [StoredWeights.Layer], source: String) throws {
        // This model's top-level layers with weights: (path component, indices into `weights`).
        var layers: [(name: String, indices: [Int])] = []
        for (index, weight) in kerasWeightPaths.enumerated() {
            let name = weight.path.split(separator: "/").dropFirst().first.map(String.init) ?? weight.path
            if layers.last?.name == name {
                layers[layers.count - 1].indices.append(index)
            } else {
                layers.append((name, [index]))
            }
        }
        let paths = kerasWeightPaths
        for position in layers.indices {
            let indices = layers[position].indices
            layers[position].indices = indices.filter { paths[$0].trainable } + indices.filter { !paths[$0].trainable }
        }
        let fileLayers = stored.filter { !$0.weights.isEmpty }
        guard fileLayers.count == layers.count else {
            throw WeightError(
                "\(Self.self): the legacy weights in \(source) hold \(fileLayers.count) layers with weights ("
                    + fileLayers.map(\.name).joined(separator: ", ") + "), the model has \(layers.count)")
        }
        var values = weights
        var problems: [String] = []
        for (layer, fileLayer) in zip(layers, fileLayers) {
            guard layer.indices.count == fileLayer.weights.count else {
                problems.append(
                    "layer '\(fileLayer.name)' holds \(fileLayer.weights.count) weights, the model's \(layer.name) "
                        + "has \(layer.indices.count)"
                )
                continue
            }
            for (index, item) in zip(layer.indices, fileLayer.weights) {
                guard item.tensor.shape == paths[index].shape else {
                    problems.append(
                        "\(fileLayer.name)/\(item.name) is \(item.tensor.shape), expected \(paths[index].shape) for "
                            + "\(paths[index].path)"
                    )
                    continue
                }
                values[index] = item.tensor
            }
        }
        guard problems.isEmpty else {
            throw WeightError(
                "\(Self.self): the legacy weights in \(source) do not fit the model; "
                    + problems.joined(separator: "; "))
        }
        try setWeights(values)
    }

    /// Writes the weights keyed by Keras's weight paths: as `.weights.h5`, which Keras's
    /// `model.load_weights` reads, or as `.safetensors` or `.npz`, which `loadWeights(from:)` and
    /// Python (`safetensors.numpy.load_file`, `numpy.load`) read.
    public func saveWeights(to url: URL) throws {
        try saveWeights(to: url, with: [])
    }

    /// `saveWeights(to:)` with `extra` tensors after the weights (an optimizer's state).
    func saveWeights(to url: URL, with extra: [NamedTensor]) throws {
        let format = try WeightFileFormat(of: url)
        if format == .hdf5, !url.lastPathComponent.lowercased().hasSuffix(".weights.h5") {
            throw TensorFileError(
                "name the file NAME.weights.h5: Keras reads a plain .h5 as a legacy Keras 2 file", path: url.path)
        }
        let tensors = zip(kerasWeightPaths, weights).map { NamedTensor(name: $0.path, tensor: $1) } + extra
        do {
            try Data(try format.write(tensors)).write(to: url, options: .atomic)
        } catch var error as TensorFileError {
            error.path = url.path
            throw error
        }
    }
}

/// Hugging Face's safetensors format: an 8-byte little-endian header length, a JSON header
/// mapping names to `dtype`, `shape` and `data_offsets`, then the data.
enum SafeTensors {
    static func read(_ bytes: UnsafeRawBufferPointer) throws -> [NamedTensor] {
        guard bytes.count >= 8 else {
            throw TensorFileError("not a safetensors file: shorter than its 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(bytes[index]) << UInt64(8 * index) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw TensorFileError(
                "safetensors header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let dataStart = 8 + Int(headerLength)
        let header: JSONNode
        do { header = try JSONReader.parse(Array(UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]))) } catch {
            throw TensorFileError("the safetensors header is not valid JSON: \(error.message)")
        }
        guard let members = header.value.objectMembers else {
            throw TensorFileError("the safetensors header is not a JSON object")
        }
        let dataLength = bytes.count - dataStart
        var tensors: [(offset: Int, NamedTensor)] = []
        var itemSizes: [String: Int] = [:]
        var covered = 0
        for member in members where member.key != "__metadata__" {
            let entry = member.value
            guard let dtype = entry["dtype"]?.value.stringValue,
                let shape = entry["shape"]?.value.arrayElements?.map({ $0.value.intValue }),
                let offsets = entry["data_offsets"]?.value.arrayElements?.map({ $0.value.intValue }),
                offsets.count == 2,
                let begin = offsets[0], let end = offsets[1]
            else { throw TensorFileError("tensor '\(member.key)': expected 'dtype', 'shape' and 'data_offsets'") }
            guard shape.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                throw TensorFileError("tensor '\(member.key)': invalid shape")
            }
            let dims = shape.map { $0! }
            guard 0 <= begin, begin <= end, end <= dataLength else {
                throw TensorFileError(
                    "tensor '\(member.key)': data offsets \(begin)..<\(end) lie outside the \(dataLength) data bytes")
            }
            let format: ScalarFormat
            switch dtype {
            case "F32": format = .float32
            case "F16": format = ScalarFormat(kind: .float, size: 2, littleEndian: true)
            case "BF16": format = ScalarFormat(kind: .bfloat, size: 2, littleEndian: true)
            case "F64": format = ScalarFormat(kind: .float, size: 8, littleEndian: true)
            default:
                throw TensorFileError(
                    "tensor '\(member.key)': dtype \(dtype) is not supported; expected F16, BF16, F32 or F64")
            }
            let itemSize = format.size
            guard let (_, byteCount) = checkedByteCount(shape: dims, itemSize: itemSize), byteCount == end - begin
            else {
                throw TensorFileError(
                    "tensor '\(member.key)': shape \(dims) of \(dtype) does not fit the \(end - begin) bytes of its "
                        + "offsets"
                )
            }
            // Check the total before decoding, so overlapping offsets cannot multiply memory.
            covered += end - begin
            guard covered <= dataLength else {
                throw TensorFileError(
                    "tensor '\(member.key)': the tensors' data overlap; safetensors data must not overlap")
            }
            itemSizes[member.key] = itemSize
            let start = dataStart + begin
            let tensor = Tensor(
                shape: dims, decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + byteCount)]),
                format: format)
            tensors.append((begin, NamedTensor(name: member.key, tensor: tensor)))
        }
        // The format requires the tensors to tile the data exactly: no overlaps (a forged
        // file could otherwise make a small file decode into huge memory) and no holes.
        let sorted = tensors.sorted { $0.offset < $1.offset }
        var expected = 0
        for (offset, item) in sorted {
            guard offset == expected else {
                throw TensorFileError(
                    "tensor '\(item.name)': its data starts at \(offset), but the previous tensor ends at "
                        + "\(expected); safetensors data must not overlap or leave holes"
                )
            }
            expected += item.tensor.scalarCount * itemSizes[item.name]!
        }
        guard expected == dataLength else {
            throw TensorFileError(
                "the tensors cover \(expected) of the \(dataLength) data bytes; safetensors data must not leave holes")
        }
        return sorted.map(\.1)
    }

    static func write(_ tensors: [NamedTensor]) throws -> [UInt8] {
        var members: [JSONMember] = []
        var offset = 0
        for item in tensors {
            let length = item.tensor.scalarCount * 4
            members.append(
                JSONMember(
                    key: item.name,
                    value: JSONNode(
                        .object([
                            JSONMember(key: "dtype", value: JSONNode(.string("F32"))),
                            JSONMember(
                                key: "shape", value: JSONNode(.array(item.tensor.shape.map { JSONNode(.int($0)) }))),
                            JSONMember(
                                key: "data_offsets",
                                value: JSONNode(.array([JSONNode(.int(offset)), JSONNode(.int(offset + length))]))),
                        ]))))
            offset += length
        }
        var header = Array(JSONWriter(style: .python).write(.object(members)).utf8)
        // Pad with spaces so the data starts 8-byte aligned, as the format recommends.
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        let length = UInt64(header.count)
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(8 * index))) }
        bytes += header
        for item in tensors {
            for value in item.tensor.scalars {
                let bits = value.bitPattern
                bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
            }
        }
        return bytes
    }
}

/// NumPy's `.npz`: a zip archive of `NAME.npy` members.
enum NPZ {
    static func read(_ bytes: UnsafeRawBufferPointer) throws -> [NamedTensor] {
        let archive: ZipArchive
        do { archive = try ZipArchive(bytes) } catch let error as ArchiveError { throw TensorFileError(error.message) }
        return try archive.entries.map { entry in
            guard entry.name.hasSuffix(".npy") else {
                throw TensorFileError("npz member '\(entry.name)' is not a .npy file")
            }
            do {
                let tensor = try archive.withContents(of: entry, in: bytes) { try Tensor(npyBuffer: $0) }
                return NamedTensor(name: String(entry.name.dropLast(4)), tensor: tensor)
            } catch let error as TensorFileError {
                throw TensorFileError("npz member '\(entry.name)': \(error.message)")
            } catch let error as ArchiveError {
                throw TensorFileError(error.message)
            }
        }
    }

    static func write(_ tensors: [NamedTensor]) throws -> [UInt8] {
        ZipArchive.storedArchive(tensors.map { ($0.name + ".npy", $0.tensor.npyBytes()) })
    }
}
