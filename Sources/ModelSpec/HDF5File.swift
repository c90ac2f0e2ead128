/// A read-only view of an HDF5 file in memory: enough of the format (HDF5 File Format
/// Specification 3.0) to read what h5py writes for Keras. Superblocks 0–3; version 1 and 2 object
/// headers with continuations; groups as symbol tables (v1 B-trees and local heaps) or link
/// messages; datasets of float16/32/64 and integers in either byte order, stored compact,
/// contiguous or chunked (v1 B-tree, single-chunk, implicit and fixed-array indexes) with the
/// deflate, shuffle and Fletcher-32 filters; attributes of numbers and strings.
///
/// Every offset and size is checked against the file, structures that could loop are
/// bounded, and no allocation exceeds what the file can justify, so a damaged or forged
/// file throws an `HDF5Error` instead of crashing.
///
/// The generator reads a legacy Keras 2 `.h5` file's `model_config` attribute through it, the
/// runtime (which adds reading datasets) the weights. Package API, not public.
package struct HDF5File {
    package let bytes: UnsafeRawBufferPointer
    /// The absolute position that file addresses are relative to.
    package let base: Int
    package let offsetSize: Int
    package let lengthSize: Int
    package let superblockVersion: Int
    package let rootAddress: Int
    /// Bounds the work any file can cause (B-tree nodes, links, messages).
    package let budget = WorkBudget()

    package static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func signaturePosition(_ bytes: UnsafeRawBufferPointer) -> Int? {
        // The superblock sits at 0, 512, 1024, 2048, ... (after a user block).
        var position = 0
        while position + 8 <= bytes.count {
            if (0..<8).allSatisfy({ bytes[position + $0] == signature[$0] }) { return position }
            position = position == 0 ? 512 : position * 2
        }
        return nil
    }

    /// The file in `bytes`, from its superblock; throws an `HDF5Error` if it is not HDF5 or damaged.
    package init(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes = bytes
        guard let start = Self.signaturePosition(bytes) else { throw HDF5File.error("not an HDF5 file (no signature)") }
        var cursor = Cursor(
            position: start + 8, end: bytes.count, bytes: bytes, offsetSize: 8, lengthSize: 8, what: "superblock")
        superblockVersion = try cursor.u8()
        switch superblockVersion {
        case 0, 1:
            cursor.position += 4  // free-space, root group and shared header versions, reserved
            offsetSize = try cursor.u8()
            lengthSize = try cursor.u8()
            try Self.checkSizes(offsetSize, lengthSize)
            cursor.offsetSize = offsetSize
            cursor.lengthSize = lengthSize
            cursor.position += 1 + 4 + 4  // reserved, group K values, consistency flags
            if superblockVersion == 1 { cursor.position += 4 }
            let baseAddress = try cursor.offset()
            base = baseAddress ?? start
            _ = try cursor.offset()  // free-space info
            _ = try cursor.offset()  // end of file
            _ = try cursor.offset()  // driver info
            // The root group's symbol table entry: link name offset, object header address, ...
            _ = try cursor.offset()
            guard let root = try cursor.offset() else { throw HDF5File.error("the superblock has no root group") }
            rootAddress = root
        case 2, 3:
            offsetSize = try cursor.u8()
            lengthSize = try cursor.u8()
            try Self.checkSizes(offsetSize, lengthSize)
            cursor.offsetSize = offsetSize
            cursor.lengthSize = lengthSize
            cursor.position += 1  // consistency flags
            base = try cursor.offset() ?? start
            _ = try cursor.offset()  // superblock extension
            _ = try cursor.offset()  // end of file
            guard let root = try cursor.offset() else { throw HDF5File.error("the superblock has no root group") }
            rootAddress = root
            let checked = cursor.position
            guard try UInt32(cursor.u32()) == Lookup3.hash(bytes[start..<checked]) else {
                throw HDF5File.error("the superblock's checksum does not match; the file is corrupted")
            }
        default:
            throw HDF5File.error("HDF5 superblock version \(superblockVersion) is not supported (versions 0–3 are)")
        }
        guard base >= 0, base <= bytes.count else {
            throw HDF5File.error("the superblock's base address lies outside the file")
        }
    }

    private static func checkSizes(_ offsetSize: Int, _ lengthSize: Int) throws {
        guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
            throw HDF5File.error("the superblock's offset or length size (\(offsetSize), \(lengthSize)) is invalid")
        }
    }

    package static func error(_ message: String) -> HDF5Error {
        HDF5Error("HDF5: " + message)
    }

    // MARK: Reading

    /// A cursor at file address `address` (relative to the base) covering `length` bytes, or to
    /// the end of the file.
    package func cursor(at address: Int, length: Int? = nil, what: String) throws -> Cursor {
        let position = base + address
        guard address >= 0, position <= bytes.count else {
            throw HDF5File.error("\(what) at address \(address) lies outside the file (\(bytes.count) bytes)")
        }
        var end = bytes.count
        if let length {
            guard length >= 0, length <= bytes.count - position else {
                throw HDF5File.error("\(what) at address \(address) (\(length) bytes) runs past the end of the file")
            }
            end = position + length
        }
        return Cursor(
            position: position, end: end, bytes: bytes, offsetSize: offsetSize, lengthSize: lengthSize, what: what)
    }

    /// The bytes at `address`, checked to lie in the file.
    package func slice(at address: Int, count: Int, what: String) throws -> UnsafeRawBufferPointer {
        let cursor = try cursor(at: address, length: count, what: what)
        return UnsafeRawBufferPointer(rebasing: bytes[cursor.position..<cursor.end])
    }

    // MARK: Object headers

    package struct Message {
        package var type: Int
        package var flags: Int
        /// Absolute byte range of the message's data.
        package var start: Int
        package var end: Int
    }

    /// The messages of the object header at `address`, following continuation blocks.
    package func messages(at address: Int) throws -> [Message] {
        var messages: [Message] = []
        var blocks: [(start: Int, end: Int, version2: Bool)] = []
        var seenBlocks: Set<Int> = []
        var header = try cursor(at: address, what: "object header")
        let what = "object header at address \(address)"
        if header.remaining >= 4, header.peekSignature("OHDR") {
            header.position += 4
            let version = try header.u8()
            guard version == 2 else { throw HDF5File.error("\(what): version \(version) is not supported") }
            let flags = try header.u8()
            if flags & 0x20 != 0 { header.position += 16 }  // access, modification, change, birth times
            if flags & 0x10 != 0 { header.position += 4 }  // attribute phase change values
            let size = try header.uint(1 << (flags & 3))
            guard size <= header.end - header.position - 4 else {
                throw HDF5File.error("\(what) runs past the end of the file")
            }
            try Self.checkChecksum(bytes, from: base + address, to: header.position + size, what: what)
            blocks.append((header.position, header.position + size, true))
            return try readBlocks(
                blocks, creationOrder: flags & 0x04 != 0, into: &messages, seen: &seenBlocks, what: what)
        }
        let version = try header.u8()
        guard version == 1 else {
            throw HDF5File.error("\(what): unknown object header version \(version); the file is damaged")
        }
        header.position += 1
        // The message count (NIL and continuation messages included) is not needed: the
        // blocks bound the parse.
        header.position += 2 + 4  // message count, reference count
        let size = try header.u32()
        header.position += 4  // padding to 8 bytes
        guard size <= header.end - header.position else {
            throw HDF5File.error("\(what) runs past the end of the file")
        }
        blocks.append((header.position, header.position + size, false))
        return try readBlocks(blocks, creationOrder: false, into: &messages, seen: &seenBlocks, what: what)
    }

    private func readBlocks(
        _ initial: [(start: Int, end: Int, version2: Bool)], creationOrder: Bool,
        into messages: inout [Message], seen: inout Set<Int>, what: String
    ) throws -> [Message] {
        var pending = initial
        while !pending.isEmpty {
            let block = pending.removeFirst()
            var cursor = Cursor(
                position: block.start, end: block.end, bytes: bytes, offsetSize: offsetSize, lengthSize: lengthSize,
                what: what)
            let headerSize = block.version2 ? (creationOrder ? 6 : 4) : 8
            while cursor.remaining >= headerSize {
                try budget.spend(what: what)
                let type: Int
                let size: Int
                let flags: Int
                if block.version2 {
                    type = try cursor.u8()
                    size = try cursor.u16()
                    flags = try cursor.u8()
                    if creationOrder { cursor.position += 2 }
                } else {
                    type = try cursor.u16()
                    size = try cursor.u16()
                    flags = try cursor.u8()
                    cursor.position += 3
                }
                guard size <= cursor.remaining else {
                    throw HDF5File.error("\(what): a message runs past its header block")
                }
                let message = Message(type: type, flags: flags, start: cursor.position, end: cursor.position + size)
                cursor.position += size
                if type == 0x10 {
                    var continuation = Cursor(
                        position: message.start, end: message.end, bytes: bytes, offsetSize: offsetSize,
                        lengthSize: lengthSize, what: what)
                    guard let address = try continuation.offset() else {
                        throw HDF5File.error("\(what): continuation without an address")
                    }
                    let length = try continuation.length()
                    guard seen.insert(address).inserted else {
                        throw HDF5File.error("\(what): its continuation blocks form a loop")
                    }
                    let target = try self.cursor(at: address, length: length, what: "continuation block of the \(what)")
                    if block.version2 {
                        guard length >= 8, Cursor.hasSignature("OCHK", bytes, at: target.position) else {
                            throw HDF5File.error("\(what): bad continuation block signature")
                        }
                        try Self.checkChecksum(bytes, from: target.position, to: target.end - 4, what: what)
                        pending.append((target.position + 4, target.end - 4, true))
                    } else {
                        pending.append((target.position, target.end, false))
                    }
                } else if type != 0 {
                    messages.append(message)
                }
            }
        }
        return messages
    }

    /// Checks the lookup3 checksum stored after `bytes[from..<to]`.
    private static func checkChecksum(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int, what: String) throws {
        guard from >= 0, from <= to, to + 4 <= bytes.count else {
            throw HDF5File.error("\(what) runs past the end of the file")
        }
        let stored =
            UInt32(bytes[to]) | UInt32(bytes[to + 1]) << 8 | UInt32(bytes[to + 2]) << 16 | UInt32(bytes[to + 3]) << 24
        guard stored == Lookup3.hash(bytes[from..<to]) else {
            throw HDF5File.error("\(what): checksum mismatch; the file is corrupted")
        }
    }

    package func cursor(for message: Message, what: String) -> Cursor {
        Cursor(
            position: message.start, end: message.end, bytes: bytes, offsetSize: offsetSize, lengthSize: lengthSize,
            what: what)
    }

    /// The object at `path` ("a/b/c"; "" is the root), or nil when a component is missing.
    package func object(atPath path: String) throws -> Object? {
        var address = rootAddress
        var current = ""
        for component in path.split(separator: "/") {
            guard case .group(let messages) = try object(at: address) else { return nil }
            let what = current.isEmpty ? "the root group" : "group '\(current)'"
            guard let link = try links(of: messages, what: what).first(where: { $0.name == component }) else {
                return nil
            }
            address = link.address
            current += (current.isEmpty ? "" : "/") + component
        }
        return try object(at: address)
    }
}

/// The work a file may cause, bounded so forged structures cannot hang a reader.
package final class WorkBudget {
    var remaining = 50_000_000
    package func spend(what: String) throws {
        remaining -= 1
        guard remaining >= 0 else { throw HDF5File.error("\(what): the file's structures are too large or loop") }
    }
}

package struct Cursor {
    package var position: Int
    package var end: Int
    package let bytes: UnsafeRawBufferPointer
    package var offsetSize: Int
    package var lengthSize: Int
    package let what: String

    init(position: Int, end: Int, bytes: UnsafeRawBufferPointer, offsetSize: Int, lengthSize: Int, what: String) {
        self.position = position
        self.end = min(end, bytes.count)
        self.bytes = bytes
        self.offsetSize = offsetSize
        self.lengthSize = lengthSize
        self.what = what
    }

    package var remaining: Int { max(0, end - position) }

    package static func hasSignature(_ signature: String, _ bytes: UnsafeRawBufferPointer, at position: Int) -> Bool {
        let expected = Array(signature.utf8)
        guard position >= 0, position + expected.count <= bytes.count else { return false }
        return (0..<expected.count).allSatisfy { bytes[position + $0] == expected[$0] }
    }

    package func peekSignature(_ signature: String) -> Bool {
        position + signature.utf8.count <= end && Self.hasSignature(signature, bytes, at: position)
    }

    package mutating func uint(_ count: Int) throws -> Int {
        guard count >= 0, count <= 8, position >= 0, count <= end - position else {
            throw HDF5File.error("\(what) is truncated or damaged (a read at \(position) runs past its end)")
        }
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
        position += count
        guard value <= UInt64(Int.max) else { throw HDF5File.error("\(what) holds a value out of range") }
        return Int(value)
    }

    package mutating func u8() throws -> Int { try uint(1) }
    package mutating func u16() throws -> Int { try uint(2) }
    package mutating func u32() throws -> Int { try uint(4) }

    package mutating func u64() throws -> Int {
        guard 8 <= end - position else { throw HDF5File.error("\(what) is truncated or damaged") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
        position += 8
        guard value <= UInt64(Int.max) else { throw HDF5File.error("\(what) holds a value out of range") }
        return Int(value)
    }

    /// A file address, or nil for the undefined address (all bits set).
    package mutating func offset() throws -> Int? {
        guard offsetSize <= end - position else { throw HDF5File.error("\(what) is truncated or damaged") }
        var allSet = true
        var value: UInt64 = 0
        for index in 0..<offsetSize {
            let byte = bytes[position + index]
            allSet = allSet && byte == 0xFF
            value |= UInt64(byte) << UInt64(8 * index)
        }
        position += offsetSize
        if allSet { return nil }
        guard value <= UInt64(Int.max / 2) else { throw HDF5File.error("\(what) holds an address out of range") }
        return Int(value)
    }

    package mutating func length(offsetSized: Bool = false) throws -> Int {
        let size = offsetSized ? offsetSize : lengthSize
        guard size <= end - position else { throw HDF5File.error("\(what) is truncated or damaged") }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
        position += size
        guard value <= UInt64(Int.max / 2) else { throw HDF5File.error("\(what) holds a size out of range") }
        return Int(value)
    }

    package mutating func bytes(count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, position >= 0, count <= end - position else {
            throw HDF5File.error("\(what) is truncated or damaged (\(count) bytes at \(position) run past its end)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    package mutating func string(count: Int) throws -> String {
        String(decoding: try bytes(count: count), as: UTF8.self)
    }
}

/// Bob Jenkins's lookup3 hash (`hashlittle`, initial value 0), the checksum of HDF5's newer
/// metadata structures.
package enum Lookup3 {
    package static func hash<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8, C.Index == Int {
        func rotate(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }
        var length = bytes.count
        var a = 0xDEAD_BEEF &+ UInt32(truncatingIfNeeded: length)
        var b = a
        var c = a
        var index = bytes.startIndex
        func word(_ at: Int, _ count: Int) -> UInt32 {
            var value: UInt32 = 0
            for byte in 0..<count { value |= UInt32(bytes[at + byte]) << UInt32(8 * byte) }
            return value
        }
        while length > 12 {
            a &+= word(index, 4)
            b &+= word(index + 4, 4)
            c &+= word(index + 8, 4)
            a &-= c
            a ^= rotate(c, 4)
            c &+= b
            b &-= a
            b ^= rotate(a, 6)
            a &+= c
            c &-= b
            c ^= rotate(b, 8)
            b &+= a
            a &-= c
            a ^= rotate(c, 16)
            c &+= b
            b &-= a
            b ^= rotate(a, 19)
            a &+= c
            c &-= b
            c ^= rotate(b, 4)
            b &+= a
            length -= 12
            index += 12
        }
        if length == 0 { return c }
        a &+= word(index, min(length, 4))
        if length > 4 { b &+= word(index + 4, min(length - 4, 4)) }
        if length > 8 { c &+= word(index + 8, length - 8) }
        c ^= b
        c &-= rotate(b, 14)
        a ^= c
        a &-= rotate(c, 11)
        b ^= a
        b &-= rotate(a, 25)
        c ^= b
        c &-= rotate(b, 16)
        a ^= c
        a &-= rotate(c, 4)
        b ^= a
        b &-= rotate(a, 14)
        c ^= b
        c &-= rotate(b, 24)
        return c
    }
}

/// A problem reading an HDF5 file, saying what is wrong (the runtime reports it as a
/// `TensorFileError`, the generator as a `SpecError` naming the spec).
package struct HDF5Error: Error, Sendable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
