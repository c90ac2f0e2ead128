/// How a weight file stores one scalar: its kind, size and byte order. Readers of every format
/// decode through it, so float32 in the machine's byte order is a single copy into the tensor.
package struct ScalarFormat: Equatable, CustomStringConvertible {
    package enum Kind: Equatable {
        case float, bfloat, signed, unsigned
    }

    package var kind: Kind
    /// Bytes per scalar: 2, 4 or 8 for floats (2 for bfloat16), 1, 2, 4 or 8 for integers.
    package var size: Int
    package var littleEndian: Bool

    package init(kind: Kind, size: Int, littleEndian: Bool) {
        self.kind = kind
        self.size = size
        self.littleEndian = littleEndian
    }

    package static let float32 = ScalarFormat(kind: .float, size: 4, littleEndian: true)

    package var description: String {
        let order = size == 1 ? "" : littleEndian ? " little-endian" : " big-endian"
        switch kind {
        case .float: return "float\(size * 8)\(order)"
        case .bfloat: return "bfloat16\(order)"
        case .signed: return "int\(size * 8)\(order)"
        case .unsigned: return "uint\(size * 8)\(order)"
        }
    }

    /// Whether the bytes are this machine's own Float32s, usable in place.
    package var isNativeFloat32: Bool {
        kind == .float && size == 4 && littleEndian == (1.littleEndian == 1)
    }

    /// The `count` scalars in `raw` (exactly `count * size` bytes) as Float32.
    package func decode(_ raw: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            defer { initialized = count }
            guard count > 0, let destination = buffer.baseAddress else { return }
            decode(raw, count: count, into: destination)
        }
    }

    /// Writes the `count` scalars in `raw` (exactly `count * size` bytes) as Float32 to `destination`.
    package func decode(_ raw: UnsafeRawBufferPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        precondition(
            raw.count == count * size, "ScalarFormat: \(raw.count) bytes for \(count) scalars of \(size) bytes")
        guard count > 0 else { return }
        if isNativeFloat32 {
            UnsafeMutableRawPointer(destination).copyMemory(from: raw.baseAddress!, byteCount: count * 4)
            return
        }
        for index in 0..<count {
            var bits: UInt64 = 0
            let offset = index * size
            if littleEndian {
                for byte in 0..<size { bits |= UInt64(raw[offset + byte]) << UInt64(8 * byte) }
            } else {
                for byte in 0..<size { bits = bits << 8 | UInt64(raw[offset + byte]) }
            }
            destination[index] = convert(bits)
        }
    }

    private func convert(_ bits: UInt64) -> Float {
        switch (kind, size) {
        case (.float, 2): return Float16Bits.toFloat(UInt16(truncatingIfNeeded: bits))
        case (.float, 4): return Float(bitPattern: UInt32(truncatingIfNeeded: bits))
        case (.float, _): return Float(Double(bitPattern: bits))
        case (.bfloat, _): return Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16)
        case (.unsigned, _): return Float(bits)
        case (.signed, _):
            let shift = UInt64(64 - 8 * size)
            return Float(Int64(bitPattern: bits << shift) >> Int64(shift))
        }
    }
}

/// Checked `shape` arithmetic for readers: the scalar count and byte count, or nil on overflow.
package func checkedByteCount(shape: [Int], itemSize: Int) -> (count: Int, bytes: Int)? {
    var count = 1
    for dim in shape {
        guard dim >= 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: dim)
        guard !overflow else { return nil }
        count = product
    }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: itemSize)
    return overflow ? nil : (count, bytes)
}

/// IEEE half-precision conversion without relying on `Float16` (unavailable on some platforms).
package enum Float16Bits {
    package static func toFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0 {
            if mantissa == 0 { return Float(bitPattern: sign) }
            let value = Float(mantissa) * 0x1p-24
            return sign == 0 ? value : -value
        }
        if exponent == 31 { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
