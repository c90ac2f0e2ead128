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
        try ZipArchive(bytes).entries.map { entry in
            guard entry.name.hasSuffix(".npy") else { throw TensorFileError("npz member '\(entry.name)' is not a .npy file") }
            do {
                return NamedTensor(name: String(entry.name.dropLast(4)), tensor: try Tensor(npyBytes: try entry.data()))
            } catch let error as TensorFileError {
                throw TensorFileError("npz member '\(entry.name)': \(error.message)")
            }
        }
    }

    static func write(_ tensors: [NamedTensor]) throws -> [UInt8] {
        ZipArchive.storedArchive(tensors.map { ($0.name + ".npy", $0.tensor.npyBytes()) })
    }
}

/// A zip archive read from memory: its central directory, with every size and offset checked
/// against the file. Only stored (uncompressed) members can be read.
struct ZipArchive {
    struct Entry {
        let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        let size: Int
        let dataOffset: Int
        let bytes: [UInt8]

        /// The member's bytes, checked against its CRC-32.
        func data() throws -> [UInt8] {
            guard method == 0 else {
                throw TensorFileError("zip member '\(name)' is compressed (method \(method)); only stored members are supported, so save with numpy.savez rather than savez_compressed")
            }
            guard compressedSize == size else { throw TensorFileError("zip member '\(name)': stored sizes disagree") }
            let data = Array(bytes[dataOffset..<(dataOffset + size)])
            guard CRC32.checksum(data) == crc else { throw TensorFileError("zip member '\(name)': CRC-32 mismatch, the file is corrupted") }
            return data
        }
    }

    let entries: [Entry]

    init(_ bytes: [UInt8]) throws {
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw TensorFileError("truncated zip archive") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            guard at >= 0, at + 4 <= bytes.count else { throw TensorFileError("truncated zip archive") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        func u64(_ at: Int) throws -> Int {
            let low = try u32(at), high = try u32(at + 4)
            guard high < 1 << 20 else { throw TensorFileError("zip64 size or offset out of range") }
            return low | high << 32
        }
        // The end-of-central-directory record is within the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw TensorFileError("not a zip archive: too short") }
        var end = -1
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 0x05, bytes[position + 3] == 0x06 {
                end = position
                break
            }
            position -= 1
        }
        guard end >= 0 else { throw TensorFileError("not a zip archive: no end of central directory") }
        var count = try u16(end + 10)
        var directory = try u32(end + 16)
        if directory == 0xFFFF_FFFF || count == 0xFFFF, end >= 20, try u32(end - 20) == 0x0706_4B50 {
            let record = try u64(end - 12)
            guard try u32(record) == 0x0606_4B50 else { throw TensorFileError("bad zip64 end of central directory") }
            count = try u64(record + 32)
            directory = try u64(record + 48)
        }
        guard count <= bytes.count / 46 else { throw TensorFileError("zip central directory claims \(count) members, more than the file can hold") }
        var entries: [Entry] = []
        var cursor = directory
        for _ in 0..<count {
            guard try u32(cursor) == 0x0201_4B50 else { throw TensorFileError("bad zip central directory entry at \(cursor)") }
            let method = UInt16(try u16(cursor + 10))
            let crc = UInt32(try u32(cursor + 16))
            var compressed = try u32(cursor + 20)
            var size = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28)
            let extraLength = try u16(cursor + 30)
            let commentLength = try u16(cursor + 32)
            var local = try u32(cursor + 42)
            guard cursor + 46 + nameLength + extraLength + commentLength <= bytes.count else { throw TensorFileError("truncated zip archive") }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            // Zip64 extra field: the sizes and offset that did not fit in 32 bits, in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), length = try u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF { size = try u64(field); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try u64(field); field += 8 }
                    if local == 0xFFFF_FFFF { local = try u64(field) }
                }
                extra += 4 + length
            }
            guard try u32(local) == 0x0403_4B50 else { throw TensorFileError("bad zip local header for '\(name)'") }
            let dataOffset = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard dataOffset <= bytes.count, compressed <= bytes.count - dataOffset, size <= bytes.count else {
                throw TensorFileError("zip member '\(name)' runs past the end of the file")
            }
            entries.append(Entry(name: name, method: method, crc: crc, compressedSize: compressed, size: size,
                                 dataOffset: dataOffset, bytes: bytes))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        // Members must not share bytes: a forged directory pointing many entries at one member
        // would make a small file decode into far more memory than it holds.
        var ranges = entries.map { ($0.dataOffset, $0.dataOffset + $0.compressedSize, $0.name) }.sorted { $0.0 < $1.0 }
        for index in ranges.indices.dropFirst() where ranges[index].0 < ranges[index - 1].1 {
            throw TensorFileError("zip members '\(ranges[index - 1].2)' and '\(ranges[index].2)' overlap; the archive is corrupted or forged")
        }
        ranges.removeAll()
        self.entries = entries
    }

    /// A zip archive storing `members` uncompressed.
    static func storedArchive(_ members: [(name: String, data: [UInt8])]) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16((value >> 16) & 0xFFFF) }
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in members {
            let nameBytes = Array(name.utf8)
            let crc = Int(CRC32.checksum(data))
            let offset = out.count
            // Version 2.0, no flags, stored, DOS time 1980-01-01 00:00 (deterministic).
            let common = u16(20) + u16(0) + u16(0) + u16(0) + u16(0x21) + u32(crc) + u32(data.count) + u32(data.count)
                + u16(nameBytes.count) + u16(0)
            out += u32(0x0403_4B50) + common + nameBytes + data
            central += u32(0x0201_4B50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u32(0) + u32(offset) + nameBytes
        }
        let directoryOffset = out.count
        out += central
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(members.count) + u16(members.count) + u32(central.count)
            + u32(directoryOffset) + u16(0)
        return out
    }
}

/// The CRC-32 of zip archives (IEEE 802.3, reflected, polynomial 0xEDB88320).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
