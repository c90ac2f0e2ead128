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

    // MARK: Groups

    package enum Object {
        case group([Message])
        case dataset([Message])
    }

    package func object(at address: Int) throws -> Object {
        let messages = try messages(at: address)
        for message in messages where message.flags & 0x02 != 0 && [1, 3, 8].contains(message.type) {
            throw HDF5File.error("object at address \(address) uses shared messages, which are not supported")
        }
        if messages.contains(where: { $0.type == 8 }) { return .dataset(messages) }
        return .group(messages)
    }

    /// The links of a group (name → object header address), in name order.
    package func links(of messages: [Message], what: String) throws -> [(name: String, address: Int)] {
        var links: [(name: String, address: Int)] = []
        for message in messages {
            switch message.type {
            case 0x11:
                var cursor = cursor(for: message, what: what)
                guard let tree = try cursor.offset(), let heap = try cursor.offset() else {
                    throw HDF5File.error("\(what): symbol table without a B-tree or heap")
                }
                let names = try LocalHeap(file: self, address: heap)
                try symbolTableLinks(node: tree, expectedLevel: nil, heap: names, into: &links, what: what)
            case 0x06:
                if let link = try linkMessage(cursor(for: message, what: what), what: what) { links.append(link) }
            case 0x02:
                var cursor = cursor(for: message, what: what)
                cursor.position += 1
                let flags = try cursor.u8()
                if flags & 1 != 0 { cursor.position += 8 }
                if let heap = try cursor.offset() {
                    guard let nameIndex = try cursor.offset() else {
                        throw HDF5File.error("\(what): dense links without a name index")
                    }
                    try denseLinks(heap: heap, nameIndex: nameIndex, into: &links, what: what)
                }
            default:
                continue
            }
        }
        links.sort { $0.name < $1.name }
        return links
    }

    /// A link message: a hard link's name and address (soft and external links are refused).
    private func linkMessage(_ message: Cursor, what: String) throws -> (name: String, address: Int)? {
        var cursor = message
        let version = try cursor.u8()
        guard version == 1 else { throw HDF5File.error("\(what): link message version \(version) is not supported") }
        let flags = try cursor.u8()
        var type = 0
        if flags & 0x08 != 0 { type = try cursor.u8() }
        if flags & 0x04 != 0 { cursor.position += 8 }
        if flags & 0x10 != 0 { cursor.position += 1 }
        let nameLength = try cursor.uint(1 << (flags & 3))
        let name = try cursor.string(count: nameLength)
        guard type == 0 else {
            throw HDF5File.error(
                "\(what): '\(name)' is a \(type == 1 ? "soft" : "external") link; only hard links are supported")
        }
        guard let address = try cursor.offset() else { throw HDF5File.error("\(what): link '\(name)' has no address") }
        return (name, address)
    }

    private func symbolTableLinks(
        node: Int, expectedLevel: Int?, heap: LocalHeap,
        into links: inout [(name: String, address: Int)], what: String
    ) throws {
        try budget.spend(what: what)
        var cursor = try self.cursor(at: node, what: "group B-tree node")
        guard cursor.peekSignature("TREE") else {
            throw HDF5File.error("\(what): bad B-tree node signature at address \(node)")
        }
        cursor.position += 4
        guard try cursor.u8() == 0 else { throw HDF5File.error("\(what): the group's B-tree is not a group B-tree") }
        let level = try cursor.u8()
        // Levels strictly decrease towards the leaves, so a forged tree cannot loop.
        if let expectedLevel, level != expectedLevel {
            throw HDF5File.error("\(what): B-tree levels are inconsistent (a loop or damage)")
        }
        let entries = try cursor.u16()
        _ = try cursor.offset()
        _ = try cursor.offset()
        for _ in 0..<entries {
            _ = try cursor.length()  // key: heap offset of the largest name in the child
            guard let child = try cursor.offset() else {
                throw HDF5File.error("\(what): B-tree child without an address")
            }
            if level > 0 {
                try symbolTableLinks(node: child, expectedLevel: level - 1, heap: heap, into: &links, what: what)
            } else {
                try symbolNodeLinks(child, heap: heap, into: &links, what: what)
            }
        }
    }

    private func symbolNodeLinks(
        _ address: Int, heap: LocalHeap, into links: inout [(name: String, address: Int)], what: String
    ) throws {
        var cursor = try self.cursor(at: address, what: "symbol table node")
        guard cursor.peekSignature("SNOD") else {
            throw HDF5File.error("\(what): bad symbol table node signature at address \(address)")
        }
        cursor.position += 6
        let count = try cursor.u16()
        for _ in 0..<count {
            try budget.spend(what: what)
            let nameOffset = try cursor.length(offsetSized: true)
            guard let header = try cursor.offset() else {
                throw HDF5File.error("\(what): symbol without an object header")
            }
            cursor.position += 24  // cache type, reserved, scratch pad
            links.append((try heap.string(at: nameOffset, what: what), header))
        }
    }

    // MARK: Dense link storage (fractal heap + v2 B-tree)

    private func denseLinks(heap: Int, nameIndex: Int, into links: inout [(name: String, address: Int)], what: String)
        throws
    {
        let fractal = try FractalHeap(file: self, address: heap, what: what)
        var heapIDs: [[UInt8]] = []
        try v2BTreeRecords(header: nameIndex, what: what) { record in
            // Name index records: a 4-byte hash, then the heap ID.
            guard record.count > 4 else { throw HDF5File.error("\(what): bad link name index record") }
            heapIDs.append(Array(record[4...]))
        }
        for id in heapIDs {
            let object = try fractal.object(id: id)
            let cursor = Cursor(
                position: object.lowerBound, end: object.upperBound, bytes: bytes,
                offsetSize: offsetSize, lengthSize: lengthSize, what: what)
            if let link = try linkMessage(cursor, what: what) { links.append(link) }
        }
    }

    /// Calls `body` with every record of the version 2 B-tree whose header is at `header`.
    private func v2BTreeRecords(header: Int, what: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var cursor = try self.cursor(at: header, what: "v2 B-tree header")
        guard cursor.peekSignature("BTHD") else { throw HDF5File.error("\(what): bad v2 B-tree header signature") }
        cursor.position += 6
        let nodeSize = try cursor.u32()
        let recordSize = try cursor.u16()
        let depth = try cursor.u16()
        cursor.position += 2
        let root = try cursor.offset()
        let rootRecords = try cursor.u16()
        guard recordSize > 0, nodeSize > 10, depth < 32 else {
            throw HDF5File.error("\(what): invalid v2 B-tree header")
        }
        guard let root else { return }
        // The byte widths of child record counts depend on the most records a node can hold.
        let leafCapacity = (nodeSize - 10) / recordSize
        var maxRecords = [leafCapacity]  // per depth: records a node at that depth can hold
        var totalRecords = [leafCapacity]  // records in a full subtree of that depth
        if depth > 0 {
            for level in 1...depth {
                let pointerSize =
                    offsetSize + Self.bytesFor(maxRecords[level - 1])
                    + (level > 1 ? Self.bytesFor(totalRecords[level - 1]) : 0)
                let capacity = (nodeSize - 10 - pointerSize) / (recordSize + pointerSize)
                guard capacity > 0 else { throw HDF5File.error("\(what): invalid v2 B-tree node size") }
                maxRecords.append(capacity)
                let (product, overflow) = (totalRecords[level - 1] + 1).multipliedReportingOverflow(by: capacity + 1)
                totalRecords.append(overflow ? Int.max / 2 : product - 1)
            }
        }
        func visit(_ address: Int, records: Int, depth: Int) throws {
            try budget.spend(what: what)
            var node = try self.cursor(at: address, length: nodeSize, what: "v2 B-tree node")
            let signature = depth == 0 ? "BTLF" : "BTIN"
            guard node.peekSignature(signature) else {
                throw HDF5File.error("\(what): bad v2 B-tree node signature at address \(address)")
            }
            node.position += 6
            guard records <= maxRecords[depth] else {
                throw HDF5File.error("\(what): v2 B-tree node claims too many records")
            }
            var recordStarts: [Int] = []
            for _ in 0..<records {
                guard recordSize <= node.remaining else { throw HDF5File.error("\(what): v2 B-tree node overflows") }
                recordStarts.append(node.position)
                node.position += recordSize
            }
            if depth == 0 {
                for start in recordStarts {
                    try body(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + recordSize)]))
                }
                return
            }
            // Children interleave with records: child 0, record 0, child 1, ... (in key order).
            var children: [(Int, Int)] = []
            for _ in 0...records {
                guard let child = try node.offset() else {
                    throw HDF5File.error("\(what): v2 B-tree child without an address")
                }
                let count = try node.uint(Self.bytesFor(maxRecords[depth - 1]))
                if depth > 1 { _ = try node.uint(Self.bytesFor(totalRecords[depth - 1])) }
                children.append((child, count))
            }
            for (index, child) in children.enumerated() {
                try visit(child.0, records: child.1, depth: depth - 1)
                if index < recordStarts.count {
                    let start = recordStarts[index]
                    try body(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + recordSize)]))
                }
            }
        }
        try visit(root, records: rootRecords, depth: depth)
    }

    package static func bytesFor(_ value: Int) -> Int {
        var count = 1
        while count < 8, value >> (8 * count) != 0 { count += 1 }
        return count
    }

    // MARK: Datasets

    package struct Datatype {
        package enum Kind {
            case number(ScalarFormat)
            case fixedString
            case variableString
            case other(Int)
        }
        package var kind: Kind
        package var size: Int
    }

    package func datatype(_ cursor: Cursor, what: String) throws -> Datatype {
        var cursor = cursor
        let classAndVersion = try cursor.u8()
        let typeClass = classAndVersion & 0x0F
        let bits0 = try cursor.u8()
        cursor.position += 2
        let size = try cursor.u32()
        switch typeClass {
        case 0:
            let signed = bits0 & 0x08 != 0
            let offset = try cursor.u16()
            let precision = try cursor.u16()
            guard [1, 2, 4, 8].contains(size), offset == 0, precision == size * 8 else {
                throw HDF5File.error(
                    "\(what): an integer type of \(size) bytes with \(precision) bits at offset \(offset) is not "
                        + "supported"
                )
            }
            return Datatype(
                kind: .number(
                    ScalarFormat(kind: signed ? .signed : .unsigned, size: size, littleEndian: bits0 & 1 == 0)),
                size: size)
        case 1:
            let offset = try cursor.u16()
            let precision = try cursor.u16()
            let exponentLocation = try cursor.u8()
            let exponentSize = try cursor.u8()
            let mantissaLocation = try cursor.u8()
            let mantissaSize = try cursor.u8()
            let bias = try cursor.u32()
            let ieee: [Int: (Int, Int, Int, Int)] = [2: (10, 5, 10, 15), 4: (23, 8, 23, 127), 8: (52, 11, 52, 1023)]
            guard let layout = ieee[size], offset == 0, precision == size * 8, bits0 & 0x40 == 0,
                (exponentLocation, exponentSize, mantissaSize, bias) == layout, mantissaLocation == 0
            else {
                throw HDF5File.error(
                    "\(what): a floating-point type of \(size) bytes that is not IEEE half, single or double "
                        + "precision is not supported"
                )
            }
            return Datatype(
                kind: .number(ScalarFormat(kind: .float, size: size, littleEndian: bits0 & 1 == 0)), size: size)
        case 3:
            return Datatype(kind: .fixedString, size: size)
        case 9:
            return Datatype(kind: bits0 & 0x0F == 1 ? .variableString : .other(9), size: size)
        default:
            return Datatype(kind: .other(typeClass), size: size)
        }
    }

    /// The shape of a dataspace message; nil for a null dataspace (no data).
    package func dataspace(_ cursor: Cursor, what: String) throws -> [Int]? {
        var cursor = cursor
        let version = try cursor.u8()
        let rank = try cursor.u8()
        _ = try cursor.u8()  // flags: maximum dimensions follow, which a reader does not need
        switch version {
        case 1: cursor.position += 5
        case 2:
            let type = try cursor.u8()
            if type == 2 { return nil }
        default: throw HDF5File.error("\(what): dataspace version \(version) is not supported")
        }
        guard rank <= 64 else { throw HDF5File.error("\(what): \(rank) dimensions; at most 64 are supported") }
        return try (0..<rank).map { _ in
            let dim = try cursor.length()
            guard dim >= 0 else { throw HDF5File.error("\(what): invalid dimension size") }
            return dim
        }
    }

    // MARK: Attributes

    /// An attribute's value: numbers (converted to Float32, with the attribute's shape) or strings.
    package enum AttributeValue: Equatable {
        case numbers(shape: [Int], scalars: [Float])
        case strings([String])
    }

    /// The attributes among an object's header `messages`, by name. Attributes kept in dense
    /// storage (more than fit the header, which Keras never writes) are not read.
    package func attributes(_ messages: [Message], what: String) throws -> [String: AttributeValue] {
        var result: [String: AttributeValue] = [:]
        for message in messages where message.type == 0x0C {
            var cursor = cursor(for: message, what: what)
            let version = try cursor.u8()
            guard (1...3).contains(version) else {
                throw HDF5File.error("\(what): attribute version \(version) is not supported")
            }
            let flags = try cursor.u8()
            guard flags & 0x03 == 0 else { throw HDF5File.error("\(what): shared attribute types are not supported") }
            let nameSize = try cursor.u16()
            let typeSize = try cursor.u16()
            let spaceSize = try cursor.u16()
            if version == 3 { cursor.position += 1 }
            func padded(_ size: Int) -> Int { version == 1 ? (size + 7) / 8 * 8 : size }
            let nameBytes = try cursor.bytes(count: padded(nameSize))
            let name = String(decoding: nameBytes.prefix(nameSize).prefix { $0 != 0 }, as: UTF8.self)
            let typeStart = cursor.position
            cursor.position += padded(typeSize)
            let spaceStart = cursor.position
            cursor.position += padded(spaceSize)
            guard cursor.position <= cursor.end else {
                throw HDF5File.error("\(what): attribute '\(name)' runs past its message")
            }
            let type = try datatype(
                Cursor(
                    position: typeStart, end: typeStart + typeSize, bytes: bytes, offsetSize: offsetSize,
                    lengthSize: lengthSize, what: what), what: what)
            let shape =
                try dataspace(
                    Cursor(
                        position: spaceStart, end: spaceStart + spaceSize, bytes: bytes, offsetSize: offsetSize,
                        lengthSize: lengthSize, what: what), what: what) ?? [0]
            guard let (count, byteCount) = checkedByteCount(shape: shape, itemSize: type.size),
                byteCount <= cursor.remaining
            else {
                throw HDF5File.error("\(what): attribute '\(name)' holds less data than its shape \(shape) needs")
            }
            let data = try cursor.bytes(count: byteCount)
            switch type.kind {
            case .number(let format):
                result[name] = .numbers(shape: shape, scalars: format.decode(data, count: count))
            case .fixedString:
                result[name] = .strings(
                    (0..<count).map { index in
                        let raw = UnsafeRawBufferPointer(
                            rebasing: data[(index * type.size)..<((index + 1) * type.size)])
                        return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self).trimmingTrailingSpaces()
                    })
            case .variableString:
                var element = Cursor(
                    position: 0, end: data.count, bytes: data, offsetSize: offsetSize, lengthSize: lengthSize,
                    what: what)
                result[name] = .strings(
                    try (0..<count).map { _ in
                        let length = try element.u32()
                        let collection = try element.offset()
                        let index = try element.u32()
                        guard let collection else { return "" }
                        return try globalHeapString(collection: collection, index: index, length: length, what: what)
                    })
            case .other:
                continue
            }
        }
        return result
    }

    private func globalHeapString(collection: Int, index: Int, length: Int, what: String) throws -> String {
        var cursor = try self.cursor(at: collection, what: "global heap")
        guard cursor.peekSignature("GCOL") else { throw HDF5File.error("\(what): bad global heap signature") }
        cursor.position += 8
        let size = try cursor.length()
        let end = base + collection + size
        guard size >= 16, end <= bytes.count else {
            throw HDF5File.error("\(what): the global heap runs past the end of the file")
        }
        cursor.end = end
        while cursor.remaining >= 8 + lengthSize {
            try budget.spend(what: what)
            let objectIndex = try cursor.u16()
            cursor.position += 6
            let objectSize = try cursor.length()
            if objectIndex == 0 { break }
            guard objectSize <= cursor.remaining else {
                throw HDF5File.error("\(what): a global heap object runs past its collection")
            }
            if objectIndex == index {
                guard length <= objectSize else {
                    throw HDF5File.error("\(what): a string is longer than its heap object")
                }
                return String(decoding: try cursor.bytes(count: length), as: UTF8.self)
            }
            cursor.position += (objectSize + 7) / 8 * 8
        }
        throw HDF5File.error("\(what): a string's global heap object \(index) does not exist")
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

/// A local heap (group member names of symbol-table groups).
private struct LocalHeap {
    let data: UnsafeRawBufferPointer

    init(file: HDF5File, address: Int) throws {
        var cursor = try file.cursor(at: address, what: "local heap")
        guard cursor.peekSignature("HEAP") else {
            throw HDF5File.error("bad local heap signature at address \(address)")
        }
        cursor.position += 8
        let size = try cursor.length()
        _ = try cursor.length()
        guard let dataAddress = try cursor.offset() else { throw HDF5File.error("local heap without data") }
        data = try file.slice(at: dataAddress, count: size, what: "local heap data")
    }

    func string(at offset: Int, what: String) throws -> String {
        guard offset >= 0, offset < data.count else { throw HDF5File.error("\(what): a name lies outside its heap") }
        let rest = UnsafeRawBufferPointer(rebasing: data[offset...])
        guard let end = rest.firstIndex(of: 0) else { throw HDF5File.error("\(what): a name is not terminated") }
        return String(decoding: UnsafeRawBufferPointer(rebasing: rest[..<end]), as: UTF8.self)
    }
}

/// A fractal heap's managed objects (the links of a group with dense link storage).
private struct FractalHeap {
    let file: HDF5File
    let heapOffsetBytes: Int
    let lengthBytes: Int
    /// The direct blocks: (heap offset, size, absolute position of the block).
    var blocks: [(offset: Int, size: Int, position: Int)] = []

    init(file: HDF5File, address: Int, what: String) throws {
        self.file = file
        var cursor = try file.cursor(at: address, what: "fractal heap header")
        guard cursor.peekSignature("FRHP") else { throw HDF5File.error("\(what): bad fractal heap signature") }
        cursor.position += 5
        _ = try cursor.u16()  // heap ID length
        let filterLength = try cursor.u16()
        guard filterLength == 0 else { throw HDF5File.error("\(what): filtered fractal heaps are not supported") }
        _ = try cursor.u8()  // flags (direct block checksums, which the reader does not need)
        let maxManaged = try cursor.u32()
        _ = try cursor.length()
        _ = try cursor.offset()
        _ = try cursor.length()
        _ = try cursor.offset()
        for _ in 0..<8 { _ = try cursor.length() }
        let width = try cursor.u16()
        let startSize = try cursor.length()
        let maxDirect = try cursor.length()
        let maxHeapBits = try cursor.u16()
        _ = try cursor.u16()  // starting rows
        let root = try cursor.offset()
        let rows = try cursor.u16()
        guard width > 0, startSize > 0, maxDirect >= startSize, (1...64).contains(maxHeapBits), rows < 64 else {
            throw HDF5File.error("\(what): invalid fractal heap header")
        }
        heapOffsetBytes = (maxHeapBits + 7) / 8
        lengthBytes = min((Self.log2(maxDirect) + 7) / 8, HDF5File.bytesFor(maxManaged))
        guard let root else { return }
        if rows == 0 {
            try addDirect(at: root, size: startSize, what: what)
        } else {
            try addIndirect(
                at: root, rows: rows, width: width, startSize: startSize, maxDirect: maxDirect, depth: 0, what: what)
        }
    }

    private mutating func addDirect(at address: Int, size: Int, what: String) throws {
        var cursor = try file.cursor(at: address, length: size, what: "fractal heap direct block")
        guard cursor.peekSignature("FHDB") else {
            throw HDF5File.error("\(what): bad fractal heap direct block signature")
        }
        cursor.position += 5 + file.offsetSize
        let offset = try cursor.uint(heapOffsetBytes)
        blocks.append((offset, size, file.base + address))
    }

    private mutating func addIndirect(
        at address: Int, rows: Int, width: Int, startSize: Int, maxDirect: Int, depth: Int, what: String
    ) throws {
        guard depth < 16, blocks.count < 1_000_000 else {
            throw HDF5File.error("\(what): the fractal heap is nested too deeply")
        }
        var cursor = try file.cursor(at: address, what: "fractal heap indirect block")
        guard cursor.peekSignature("FHIB") else {
            throw HDF5File.error("\(what): bad fractal heap indirect block signature")
        }
        cursor.position += 5 + file.offsetSize + heapOffsetBytes
        // Rows 0 and 1 hold blocks of the starting size, each later row doubles, up to the
        // largest direct block; rows past that hold indirect blocks.
        let maxDirectRows = Self.log2(maxDirect) - Self.log2(startSize) + 2
        for row in 0..<rows {
            let size = row < 2 ? startSize : startSize << (row - 1)
            for _ in 0..<width {
                let child = try cursor.offset()
                guard let child else { continue }
                if row < maxDirectRows {
                    try addDirect(at: child, size: size, what: what)
                } else {
                    // An indirect block of `size` bytes has rows up to that size's doubling.
                    let childRows = Self.log2(size) - Self.log2(startSize) - Self.log2(width) + 1
                    guard childRows > 0, childRows < rows else {
                        throw HDF5File.error("\(what): invalid fractal heap indirect block")
                    }
                    try addIndirect(
                        at: child, rows: childRows, width: width, startSize: startSize, maxDirect: maxDirect,
                        depth: depth + 1, what: what)
                }
            }
        }
    }

    static func log2(_ value: Int) -> Int {
        var bits = 0
        while bits < 62, 1 << (bits + 1) <= value { bits += 1 }
        return bits
    }

    /// The absolute byte range of the managed object with heap ID `id`.
    func object(id: [UInt8]) throws -> Range<Int> {
        guard let first = id.first, first >> 4 & 0x03 == 0 else {
            throw HDF5File.error("a fractal heap object is huge or tiny, which is not supported")
        }
        guard id.count >= 1 + heapOffsetBytes + lengthBytes else { throw HDF5File.error("bad fractal heap ID") }
        func value(_ start: Int, _ count: Int) -> Int {
            var result = 0
            for index in 0..<count { result |= Int(id[start + index]) << (8 * index) }
            return result
        }
        let offset = value(1, heapOffsetBytes)
        let length = value(1 + heapOffsetBytes, lengthBytes)
        guard let block = blocks.first(where: { $0.offset <= offset && offset < $0.offset + $0.size }),
            length <= block.offset + block.size - offset
        else { throw HDF5File.error("a fractal heap object lies outside the heap's blocks") }
        let start = block.position + (offset - block.offset)
        return start..<(start + length)
    }
}

/// A bounds-checked little-endian reader over part of a file.
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

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
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
