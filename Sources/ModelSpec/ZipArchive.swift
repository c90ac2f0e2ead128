/// A problem reading a zip archive (`.keras`, `.npz`), saying what is wrong.
package struct ArchiveError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// A zip archive read from memory: its central directory, with every size and offset checked
/// against the file. Members are stored or deflated; reading one checks its CRC-32.
package struct ZipArchive {
    package struct Entry {
        package let name: String
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        package let size: Int
        let dataOffset: Int
    }

    package let entries: [Entry]

    /// The archive in `bytes`.
    package init(_ bytes: [UInt8]) throws {
        self = try bytes.withUnsafeBytes { try ZipArchive($0) }
    }

    /// The member `entry`'s bytes, decompressed and checked against its CRC-32.
    package func data(of entry: Entry, in bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { buffer in try withContents(of: entry, in: buffer) { Array($0) } }
    }

    /// Calls `body` with the member's bytes: a slice of `buffer` for a stored member (no copy),
    /// the decompressed bytes for a deflated one; checked against the member's CRC-32 first.
    package func withContents<R>(
        of entry: Entry, in buffer: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        let raw = UnsafeRawBufferPointer(rebasing: buffer[entry.dataOffset..<(entry.dataOffset + entry.compressedSize)])
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw ArchiveError("zip member '\(entry.name)': stored sizes disagree")
            }
            guard CRC32.checksum(raw) == entry.crc else {
                throw ArchiveError("zip member '\(entry.name)': CRC-32 mismatch, the file is corrupted")
            }
            return try body(raw)
        case 8:
            let inflated: [UInt8]
            do { inflated = try Inflate.decompress(raw, limit: entry.size) } catch let error as ArchiveError {
                throw ArchiveError("zip member '\(entry.name)': \(error.message)")
            }
            guard inflated.count == entry.size else {
                throw ArchiveError(
                    "zip member '\(entry.name)': decompressed to \(inflated.count) bytes, the archive declares "
                        + "\(entry.size)"
                )
            }
            return try inflated.withUnsafeBytes { data in
                guard CRC32.checksum(data) == entry.crc else {
                    throw ArchiveError("zip member '\(entry.name)': CRC-32 mismatch, the file is corrupted")
                }
                return try body(data)
            }
        default:
            throw ArchiveError(
                "zip member '\(entry.name)' uses compression method \(entry.method); only stored (0) and deflated "
                    + "(8) members can be read"
            )
        }
    }

    /// The archive in `bytes`, which must stay valid while its entries are read.
    package init(_ bytes: UnsafeRawBufferPointer) throws {
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw ArchiveError("truncated zip archive") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8
        }
        func u32(_ at: Int) throws -> Int {
            guard at >= 0, at + 4 <= bytes.count else { throw ArchiveError("truncated zip archive") }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        func u64(_ at: Int) throws -> Int {
            let low = try u32(at)
            let high = try u32(at + 4)
            guard high < 1 << 20 else { throw ArchiveError("zip64 size or offset out of range") }
            return low | high << 32
        }
        // The end-of-central-directory record is within the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw ArchiveError("not a zip archive: too short") }
        var end = -1
        var position = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 65_535)
        while position >= lowest {
            if bytes[position] == 0x50, bytes[position + 1] == 0x4B, bytes[position + 2] == 0x05,
                bytes[position + 3] == 0x06
            {
                end = position
                break
            }
            position -= 1
        }
        guard end >= 0 else { throw ArchiveError("not a zip archive: no end of central directory") }
        var count = try u16(end + 10)
        var directory = try u32(end + 16)
        if directory == 0xFFFF_FFFF || count == 0xFFFF, end >= 20, try u32(end - 20) == 0x0706_4B50 {
            let record = try u64(end - 12)
            guard try u32(record) == 0x0606_4B50 else { throw ArchiveError("bad zip64 end of central directory") }
            count = try u64(record + 32)
            directory = try u64(record + 48)
        }
        guard count <= bytes.count / 46 else {
            throw ArchiveError("zip central directory claims \(count) members, more than the file can hold")
        }
        var entries: [Entry] = []
        var cursor = directory
        for _ in 0..<count {
            guard try u32(cursor) == 0x0201_4B50 else {
                throw ArchiveError("bad zip central directory entry at \(cursor)")
            }
            let method = UInt16(try u16(cursor + 10))
            let crc = UInt32(try u32(cursor + 16))
            var compressed = try u32(cursor + 20)
            var size = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28)
            let extraLength = try u16(cursor + 30)
            let commentLength = try u16(cursor + 32)
            var local = try u32(cursor + 42)
            guard cursor + 46 + nameLength + extraLength + commentLength <= bytes.count else {
                throw ArchiveError("truncated zip archive")
            }
            let name = String(decoding: bytes[(cursor + 46)..<(cursor + 46 + nameLength)], as: UTF8.self)
            // Zip64 extra field: the sizes and offset that did not fit in 32 bits, in order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra)
                let length = try u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF {
                        size = try u64(field)
                        field += 8
                    }
                    if compressed == 0xFFFF_FFFF {
                        compressed = try u64(field)
                        field += 8
                    }
                    if local == 0xFFFF_FFFF { local = try u64(field) }
                }
                extra += 4 + length
            }
            guard try u32(local) == 0x0403_4B50 else { throw ArchiveError("bad zip local header for '\(name)'") }
            let dataOffset = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard dataOffset <= bytes.count, compressed <= bytes.count - dataOffset else {
                throw ArchiveError("zip member '\(name)' runs past the end of the file")
            }
            // DEFLATE expands at most ~1032:1; a larger declared size is a forged (bomb) entry.
            let (bound, overflow) = compressed.multipliedReportingOverflow(by: Inflate.maximumRatio)
            guard method != 8 || overflow || size <= bound + 64 else {
                throw ArchiveError(
                    "zip member '\(name)' declares \(size) bytes from \(compressed) compressed bytes, more than "
                        + "DEFLATE can produce; the archive is forged"
                )
            }
            guard method == 8 || compressed == size || method != 0 else {
                throw ArchiveError("zip member '\(name)': stored sizes disagree")
            }
            entries.append(
                Entry(
                    name: name, method: method, crc: crc, compressedSize: compressed, size: size, dataOffset: dataOffset
                ))
            cursor += 46 + nameLength + extraLength + commentLength
        }
        // Members must not share bytes: a forged directory pointing many entries at one member
        // would make a small file decode into far more memory than it holds.
        var ranges = entries.map { ($0.dataOffset, $0.dataOffset + $0.compressedSize, $0.name) }.sorted { $0.0 < $1.0 }
        for index in ranges.indices.dropFirst() where ranges[index].0 < ranges[index - 1].1 {
            throw ArchiveError(
                "zip members '\(ranges[index - 1].2)' and '\(ranges[index].2)' overlap; the archive is corrupted or "
                    + "forged"
            )
        }
        ranges.removeAll()
        self.entries = entries
    }

    /// A zip archive storing `members` uncompressed.
    package static func storedArchive(_ members: [(name: String, data: [UInt8])]) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func u32(_ value: Int) -> [UInt8] { u16(value & 0xFFFF) + u16((value >> 16) & 0xFFFF) }
        var out: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in members {
            let nameBytes = Array(name.utf8)
            let crc = Int(CRC32.checksum(data))
            let offset = out.count
            // Version 2.0, no flags, stored, DOS time 1980-01-01 00:00 (deterministic).
            let common =
                u16(20) + u16(0) + u16(0) + u16(0) + u16(0x21) + u32(crc) + u32(data.count) + u32(data.count)
                + u16(nameBytes.count) + u16(0)
            out += u32(0x0403_4B50) + common + nameBytes + data
            central += u32(0x0201_4B50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u32(0) + u32(offset) + nameBytes
        }
        let directoryOffset = out.count
        out += central
        out +=
            u32(0x0605_4B50) + u16(0) + u16(0) + u16(members.count) + u16(members.count) + u32(central.count)
            + u32(directoryOffset) + u16(0)
        return out
    }
}

/// The CRC-32 of zip archives (IEEE 802.3, reflected, polynomial 0xEDB88320), eight bytes at
/// a time ("slicing by 8").
package enum CRC32 {
    /// `table[k * 256 + b]`: the CRC of byte `b` followed by `k` zero bytes.
    static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            table[index] = value
        }
        for k in 1..<8 {
            for index in 0..<256 {
                let previous = table[(k - 1) * 256 + index]
                table[k * 256 + index] = previous >> 8 ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()

    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        let count = bytes.count
        var index = 0
        table.withUnsafeBufferPointer { t in
            while index + 8 <= count {
                let low =
                    crc
                    ^ (UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(
                        bytes[index + 3]) << 24)
                crc =
                    t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int(low >> 8 & 0xFF)]
                    ^ t[5 * 256 + Int(low >> 16 & 0xFF)]
                    ^ t[4 * 256 + Int(low >> 24)] ^ t[3 * 256 + Int(bytes[index + 4])]
                    ^ t[2 * 256 + Int(bytes[index + 5])]
                    ^ t[256 + Int(bytes[index + 6])] ^ t[Int(bytes[index + 7])]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
