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

/// The weight file formats the runtime reads and writes, by file name.
public enum WeightFileFormat: Sendable, Equatable {
    /// Hugging Face's safetensors.
    case safetensors
    /// NumPy's `.npz` (an uncompressed zip of `.npy` files).
    case npz

    /// The format of `url`, or an error naming the formats that are supported.
    public init(of url: URL) throws {
        switch url.pathExtension.lowercased() {
        case "safetensors": self = .safetensors
        case "npz": self = .npz
        case "keras", "h5":
            throw TensorFileError(
                "reading Keras's .keras and .weights.h5 files is not supported yet; "
                    + "write the weights as .safetensors or .npz keyed by Keras's weight paths (see tools/make_fixtures.py)",
                path: url.path)
        default:
            throw TensorFileError("unknown weight file type '.\(url.pathExtension)'; expected .safetensors or .npz", path: url.path)
        }
    }

    /// Reads the tensors in `bytes`, in file order.
    public func read(_ bytes: [UInt8]) throws -> [NamedTensor] {
        switch self {
        case .safetensors: try SafeTensors.read(bytes)
        case .npz: try NPZ.read(bytes)
        }
    }

    /// The file bytes holding `tensors` as float32.
    public func write(_ tensors: [NamedTensor]) throws -> [UInt8] {
        switch self {
        case .safetensors: try SafeTensors.write(tensors)
        case .npz: try NPZ.write(tensors)
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

    /// Loads the weights from a `.safetensors` or `.npz` file keyed by Keras's weight paths
    /// (`layers/dense/vars/0`, as `model.save_weights` names them). Every weight must be
    /// there with its shape; otherwise this throws, listing what is missing, unexpected or
    /// misshaped, and leaves the model unchanged.
    public mutating func loadWeights(from url: URL) throws {
        let format = try WeightFileFormat(of: url)
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw TensorFileError("cannot read the file: \(error.localizedDescription)", path: url.path)
        }
        let stored: [NamedTensor]
        do { stored = try format.read([UInt8](data)) } catch var error as TensorFileError {
            error.path = url.path
            throw error
        }
        try setWeights(named: stored, source: url.path)
    }

    /// Sets the weights from tensors keyed by Keras's weight paths (see `loadWeights(from:)`).
    public mutating func setWeights(named stored: [NamedTensor], source: String = "the given tensors") throws {
        let expected = kerasWeightPaths
        var byName: [String: Tensor] = [:]
        for item in stored { byName[item.name] = item.tensor }
        let missing = expected.filter { byName[$0.path] == nil }.map(\.description)
        let expectedNames = Set(expected.map(\.path))
        let unexpected = stored.map(\.name).filter { !expectedNames.contains($0) }
        let misshaped = expected.compactMap { weight -> String? in
            guard let tensor = byName[weight.path], tensor.shape != weight.shape else { return nil }
            return "\(weight.path) is \(tensor.shape), expected \(weight.shape)"
        }
        guard missing.isEmpty, unexpected.isEmpty, misshaped.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing: " + missing.joined(separator: ", ")) }
            if !unexpected.isEmpty { parts.append("unexpected: " + unexpected.joined(separator: ", ")) }
            if !misshaped.isEmpty { parts.append("misshaped: " + misshaped.joined(separator: "; ")) }
            throw WeightError("\(Self.self): the weights in \(source) do not fit the model; " + parts.joined(separator: "; "))
        }
        try setWeights(expected.map { byName[$0.path]! })
    }

    /// Writes the weights as `.safetensors` or `.npz`, keyed by Keras's weight paths, so
    /// `loadWeights(from:)` and Python (`safetensors.numpy.load_file`, `numpy.load`) read them.
    public func saveWeights(to url: URL) throws {
        let format = try WeightFileFormat(of: url)
        let tensors = zip(kerasWeightPaths, weights).map { NamedTensor(name: $0.path, tensor: $1) }
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
    static func read(_ bytes: [UInt8]) throws -> [NamedTensor] {
        guard bytes.count >= 8 else { throw TensorFileError("not a safetensors file: shorter than its 8-byte header length") }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(bytes[index]) << UInt64(8 * index) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw TensorFileError("safetensors header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let dataStart = 8 + Int(headerLength)
        let header: JSONNode
        do { header = try JSONReader.parse(Array(bytes[8..<dataStart])) } catch {
            throw TensorFileError("the safetensors header is not valid JSON: \(error.message)")
        }
        guard let members = header.value.objectMembers else { throw TensorFileError("the safetensors header is not a JSON object") }
        let dataLength = bytes.count - dataStart
        var tensors: [(offset: Int, NamedTensor)] = []
        var itemSizes: [String: Int] = [:]
        var covered = 0
        for member in members where member.key != "__metadata__" {
            let entry = member.value
            guard let dtype = entry["dtype"]?.value.stringValue,
                  let shape = entry["shape"]?.value.arrayElements?.map({ $0.value.intValue }),
                  let offsets = entry["data_offsets"]?.value.arrayElements?.map({ $0.value.intValue }), offsets.count == 2,
                  let begin = offsets[0], let end = offsets[1]
            else { throw TensorFileError("tensor '\(member.key)': expected 'dtype', 'shape' and 'data_offsets'") }
            guard shape.allSatisfy({ ($0 ?? -1) >= 0 }) else { throw TensorFileError("tensor '\(member.key)': invalid shape") }
            let dims = shape.map { $0! }
            guard 0 <= begin, begin <= end, end <= dataLength else {
                throw TensorFileError("tensor '\(member.key)': data offsets \(begin)..<\(end) lie outside the \(dataLength) data bytes")
            }
            let itemSize: Int
            switch dtype {
            case "F32": itemSize = 4
            case "F16", "BF16": itemSize = 2
            case "F64": itemSize = 8
            default: throw TensorFileError("tensor '\(member.key)': dtype \(dtype) is not supported; expected F16, BF16, F32 or F64")
            }
            var count = 1
            for dim in dims {
                let (product, overflow) = count.multipliedReportingOverflow(by: dim)
                guard !overflow else { throw TensorFileError("tensor '\(member.key)': shape \(dims) needs more data than the file holds") }
                count = product
            }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: itemSize)
            guard !overflow, byteCount == end - begin else {
                throw TensorFileError("tensor '\(member.key)': shape \(dims) of \(dtype) needs \(overflow ? "more" : "\(byteCount)") bytes, its offsets hold \(end - begin)")
            }
            // Check the total before decoding, so overlapping offsets cannot multiply memory.
            covered += end - begin
            guard covered <= dataLength else {
                throw TensorFileError("tensor '\(member.key)': the tensors' data overlap; safetensors data must not overlap")
            }
            itemSizes[member.key] = itemSize
            let start = dataStart + begin
            let values = bytes.withUnsafeBufferPointer { raw -> [Float] in
                (0..<count).map { index in
                    var bits: UInt64 = 0
                    for byte in 0..<itemSize { bits |= UInt64(raw[start + index * itemSize + byte]) << UInt64(8 * byte) }
                    switch dtype {
                    case "F32": return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
                    case "F64": return Float(Double(bitPattern: bits))
                    case "BF16": return Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
                    default: return Float16Bits.toFloat(UInt16(truncatingIfNeeded: bits))
                    }
                }
            }
            tensors.append((begin, NamedTensor(name: member.key, tensor: Tensor(shape: dims, scalars: values))))
        }
        // The format requires the tensors to tile the data exactly: no overlaps (a forged
        // file could otherwise make a small file decode into huge memory) and no holes.
        let sorted = tensors.sorted { $0.offset < $1.offset }
        var expected = 0
        for (offset, item) in sorted {
            guard offset == expected else {
                throw TensorFileError("tensor '\(item.name)': its data starts at \(offset), but the previous tensor ends at \(expected); safetensors data must not overlap or leave holes")
            }
            expected += item.tensor.scalarCount * itemSizes[item.name]!
        }
        guard expected == dataLength else {
            throw TensorFileError("the tensors cover \(expected) of the \(dataLength) data bytes; safetensors data must not leave holes")
        }
        return sorted.map(\.1)
    }

    static func write(_ tensors: [NamedTensor]) throws -> [UInt8] {
        var members: [JSONMember] = []
        var offset = 0
        for item in tensors {
            let length = item.tensor.scalarCount * 4
            members.append(JSONMember(key: item.name, value: JSONNode(.object([
                JSONMember(key: "dtype", value: JSONNode(.string("F32"))),
                JSONMember(key: "shape", value: JSONNode(.array(item.tensor.shape.map { JSONNode(.int($0)) }))),
                JSONMember(key: "data_offsets", value: JSONNode(.array([JSONNode(.int(offset)), JSONNode(.int(offset + length))]))),
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
    static func read(_ bytes: [UInt8]) throws -> [NamedTensor] {
        let archive: ZipArchive
        do { archive = try ZipArchive(bytes) } catch let error as ArchiveError { throw TensorFileError(error.message) }
        return try archive.entries.map { entry in
            guard entry.name.hasSuffix(".npy") else { throw TensorFileError("npz member '\(entry.name)' is not a .npy file") }
            do {
                return NamedTensor(name: String(entry.name.dropLast(4)), tensor: try Tensor(npyBytes: try entry.data()))
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
