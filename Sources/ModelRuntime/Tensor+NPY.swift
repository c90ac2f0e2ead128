import Foundation

/// A weight or tensor file that cannot be read or written, saying which file and why.
public struct TensorFileError: Error, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    /// The file, when known.
    public var path: String?
    /// An error with `message` about the file at `path`.
    public init(_ message: String, path: String? = nil) {
        self.message = message
        self.path = path
    }
    public var description: String { (path.map { $0 + ": " } ?? "") + message }
}

extension Tensor {
    /// Reads a NumPy `.npy` file (format versions 1–3) of float16/32/64 or integers in either
    /// byte order, C or Fortran order, converting the values to Float32.
    public init(contentsOfNPY url: URL) throws {
        self = try MappedFile.read(url) { try Tensor(npyBuffer: $0) }
    }

    /// Reads a NumPy `.npy` file's bytes (see `init(contentsOfNPY:)`).
    public init(npyBytes bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try Tensor(npyBuffer: $0) }
    }

    /// Reads `.npy` bytes, copying the data once into the tensor.
    init(npyBuffer bytes: UnsafeRawBufferPointer) throws {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw TensorFileError("not a NumPy .npy file (bad magic string)")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw TensorFileError("truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw TensorFileError("unsupported .npy format version \(major)")
        }
        guard headerLength <= bytes.count - headerStart else { throw TensorFileError("truncated .npy header") }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw TensorFileError("the .npy header is not text")
        }
        let fields = try NPYHeader(parsing: header)
        let dataStart = headerStart + headerLength
        let itemSize = fields.format.size
        guard let (count, byteCount) = checkedByteCount(shape: fields.shape, itemSize: itemSize) else {
            throw TensorFileError("the .npy shape \(fields.shape) needs more data than the file holds")
        }
        guard byteCount <= bytes.count - dataStart else {
            throw TensorFileError(
                "the .npy data is truncated: shape \(fields.shape) needs \(byteCount) bytes, the file has "
                    + "\(bytes.count - dataStart)"
            )
        }
        var values = fields.format.decode(
            UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + byteCount)]), count: count)
        if fields.fortranOrder && fields.shape.count > 1 {
            values = Tensor.rowMajor(fromColumnMajor: values, shape: fields.shape)
        }
        self.init(shape: fields.shape, scalars: values)
    }

    private static func rowMajor(fromColumnMajor values: [Float], shape: [Int]) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        var columnStrides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { columnStrides[axis] = columnStrides[axis - 1] * shape[axis - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        for position in 0..<values.count {
            var source = 0
            for axis in 0..<shape.count { source += index[axis] * columnStrides[axis] }
            out[position] = values[source]
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return out
    }

    /// The tensor as `.npy` bytes: format 1.0 (2.0 for a header over 64 KiB), little-endian
    /// float32, C order.
    public func npyBytes() -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // Format 1.0 has a 2-byte header length; a longer header (a very high rank) needs 2.0.
        let version2 = 10 + header.utf8.count + 64 > 0xFFFF
        let prefix = version2 ? 12 : 10
        let unpadded = prefix + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version2 ? 2 : 1, 0]
        let length = header.utf8.count
        bytes +=
            version2
            ? [
                UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF), UInt8((length >> 16) & 0xFF),
                UInt8((length >> 24) & 0xFF),
            ]
            : [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + scalarCount * 4)
        for value in scalars {
            let bits = value.bitPattern.littleEndian
            bytes += [UInt8(bits & 0xFF), UInt8((bits >> 8) & 0xFF), UInt8((bits >> 16) & 0xFF), UInt8(bits >> 24)]
        }
        return bytes
    }

    /// Writes the tensor as a NumPy `.npy` file (little-endian float32).
    public func writeNPY(to url: URL) throws {
        do {
            try Data(npyBytes()).write(to: url, options: .atomic)
        } catch {
            throw TensorFileError("cannot write the file: \(error.localizedDescription)", path: url.path)
        }
    }
}

/// The fields of a `.npy` header dictionary.
private struct NPYHeader {
    var format: ScalarFormat
    var fortranOrder: Bool
    var shape: [Int]

    init(parsing header: String) throws {
        func value(of key: String) throws -> Substring {
            guard let keyRange = header.range(of: "'\(key)'") else {
                throw TensorFileError("the .npy header has no '\(key)'")
            }
            var rest = header[keyRange.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { throw TensorFileError("malformed .npy header near '\(key)'") }
            rest = rest.dropFirst().drop { $0 == " " }
            return rest
        }
        let descrText = try value(of: "descr")
        guard descrText.first == "'", let close = descrText.dropFirst().firstIndex(of: "'") else {
            throw TensorFileError("malformed .npy 'descr'")
        }
        let descr = Array(descrText[descrText.index(after: descrText.startIndex)..<close])
        guard descr.count >= 3, let size = Int(String(descr[2...])) else {
            throw TensorFileError("unsupported .npy dtype '\(String(descr))'")
        }
        let littleEndian = descr[0] != ">"
        if descr[0] != "<" && descr[0] != ">" && descr[0] != "|" && descr[0] != "=" {
            throw TensorFileError("unsupported .npy dtype '\(String(descr))'")
        }
        switch (descr[1], size) {
        case ("f", 2), ("f", 4), ("f", 8): format = ScalarFormat(kind: .float, size: size, littleEndian: littleEndian)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8):
            format = ScalarFormat(kind: .signed, size: size, littleEndian: littleEndian)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8), ("b", 1):
            format = ScalarFormat(kind: .unsigned, size: size, littleEndian: littleEndian)
        default:
            throw TensorFileError("unsupported .npy dtype '\(String(descr))'; expected floats, integers or booleans")
        }
        let fortran = try value(of: "fortran_order")
        if fortran.hasPrefix("True") {
            fortranOrder = true
        } else if fortran.hasPrefix("False") {
            fortranOrder = false
        } else {
            throw TensorFileError("malformed .npy 'fortran_order'")
        }
        let shapeText = try value(of: "shape")
        guard shapeText.first == "(", let end = shapeText.firstIndex(of: ")") else {
            throw TensorFileError("malformed .npy 'shape'")
        }
        let inner = shapeText[shapeText.index(after: shapeText.startIndex)..<end]
        var dims: [Int] = []
        for part in inner.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let dim = Int(trimmed.hasSuffix("L") ? String(trimmed.dropLast()) : trimmed), dim >= 0 else {
                throw TensorFileError("malformed .npy shape '\(inner)'")
            }
            dims.append(dim)
        }
        // NumPy's own limit (NPY_MAXDIMS); more axes only make reading slow.
        guard dims.count <= 64 else {
            throw TensorFileError("the .npy shape has \(dims.count) axes; at most 64 are supported")
        }
        shape = dims
    }
}
