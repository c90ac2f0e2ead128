import ModelSpec

/// A read-only view of an HDF5 file in memory: enough of the format (HDF5 File Format
/// Specification 3.0) to read what h5py writes for Keras. Superblocks 0–3; version 1 and 2 object
/// headers with continuations; groups as symbol tables (v1 B-trees and local heaps) or link
/// messages; datasets of float16/32/64 and integers in either byte order, stored compact,
/// contiguous or chunked (v1 B-tree, single-chunk, implicit and fixed-array indexes) with the
/// deflate, shuffle and Fletcher-32 filters; attributes of numbers and strings.
///
/// Every offset and size is checked against the file, structures that could loop are
/// bounded, and no allocation exceeds what the file can justify, so a damaged or forged
/// file throws a `TensorFileError` instead of crashing.
struct HDF5File {
    let bytes: UnsafeRawBufferPointer
    /// The absolute position that file addresses are relative to.
    let base: Int
    let offsetSize: Int
    let lengthSize: Int
    let superblockVersion: Int
    let rootAddress: Int
    /// Bounds the work any file can cause (B-tree nodes, links, messages).
    private let budget = WorkBudget()

    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func signaturePosition(_ bytes: UnsafeRawBufferPointer) -> Int? {
        // The superblock sits at 0, 512, 1024, 2048, ... (after a user block).
        var position = 0
        while position + 8 <= bytes.count {
            if (0..<8).allSatisfy({ bytes[position + $0] == signature[$0] }) { return position }
            position = position == 0 ? 512 : position * 2
        }
        return nil
    }

    init(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes = bytes
        guard let start = Self.signaturePosition(bytes) else { throw HDF5File.error("not an HDF5 file (no signature)") }
        var cursor = Cursor(position: start + 8, end: bytes.count, bytes: bytes, offsetSize: 8, lengthSize: 8, what: "superblock")
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
        guard base >= 0, base <= bytes.count else { throw HDF5File.error("the superblock's base address lies outside the file") }
    }

    private static func checkSizes(_ offsetSize: Int, _ lengthSize: Int) throws {
        guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
            throw HDF5File.error("the superblock's offset or length size (\(offsetSize), \(lengthSize)) is invalid")
        }
    }

    static func error(_ message: String) -> TensorFileError {
        TensorFileError("HDF5: " + message)
    }

    // MARK: Reading

    /// A cursor at file address `address` (relative to the base) covering `length` bytes, or to
    /// the end of the file.
    func cursor(at address: Int, length: Int? = nil, what: String) throws -> Cursor {
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
        return Cursor(position: position, end: end, bytes: bytes, offsetSize: offsetSize, lengthSize: lengthSize, what: what)
    }

    /// The bytes at `address`, checked to lie in the file.
    func slice(at address: Int, count: Int, what: String) throws -> UnsafeRawBufferPointer {
        let cursor = try cursor(at: address, length: count, what: what)
        return UnsafeRawBufferPointer(rebasing: bytes[cursor.position..<cursor.end])
    }

    // MARK: Object headers

    struct Message {
        var type: Int
        var flags: Int
        /// Absolute byte range of the message's data.
        var start: Int
        var end: Int
    }

    /// The messages of the object header at `address`, following continuation blocks.
    func messages(at address: Int) throws -> [Message] {
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
            if flags & 0x10 != 0 { header.position += 4 }   // attribute phase change values
            let size = try header.uint(1 << (flags & 3))
            guard size <= header.end - header.position - 4 else { throw HDF5File.error("\(what) runs past the end of the file") }
            try Self.checkChecksum(bytes, from: base + address, to: header.position + size, what: what)
            blocks.append((header.position, header.position + size, true))
            return try readBlocks(blocks, creationOrder: flags & 0x04 != 0, into: &messages, seen: &seenBlocks, what: what)
        }
        let version = try header.u8()
        guard version == 1 else { throw HDF5File.error("\(what): unknown object header version \(version); the file is damaged") }
        header.position += 1
        // The message count (NIL and continuation messages included) is not needed: the
        // blocks bound the parse.
        header.position += 2 + 4  // message count, reference count
        let size = try header.u32()
        header.position += 4  // padding to 8 bytes
        guard size <= header.end - header.position else { throw HDF5File.error("\(what) runs past the end of the file") }
        blocks.append((header.position, header.position + size, false))
        return try readBlocks(blocks, creationOrder: false, into: &messages, seen: &seenBlocks, what: what)
    }

    private func readBlocks(_ initial: [(start: Int, end: Int, version2: Bool)], creationOrder: Bool,
                            into messages: inout [Message], seen: inout Set<Int>, what: String) throws -> [Message] {
        var pending = initial
        while !pending.isEmpty {
            let block = pending.removeFirst()
            var cursor = Cursor(position: block.start, end: block.end, bytes: bytes, offsetSize: offsetSize, lengthSize: lengthSize, what: what)
            let headerSize = block.version2 ? (creationOrder ? 6 : 4) : 8
            while cursor.remaining >= headerSize {
                try budget.spend(what: what)
                let type: Int, size: Int, flags: Int
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
                guard size <= cursor.remaining else { throw HDF5File.error("\(what): a message runs past its header block") }
                let message = Message(type: type, flags: flags, start: cursor.position, end: cursor.position + size)
                cursor.position += size
                if type == 0x10 {
                    var continuation = Cursor(position: message.start, end: message.end, bytes: bytes, offsetSize: offsetSize, lengthSize: lengthSize, what: what)
                    guard let address = try continuation.offset() else { throw HDF5File.error("\(what): continuation without an address") }
                    let length = try continuation.length()
                    guard seen.insert(address).inserted else { throw HDF5File.error("\(what): its continuation blocks form a loop") }
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
        guard from >= 0, from <= to, to + 4 <= bytes.count else { throw HDF5File.error("\(what) runs past the end of the file") }
        let stored = UInt32(bytes[to]) | UInt32(bytes[to + 1]) << 8 | UInt32(bytes[to + 2]) << 16 | UInt32(bytes[to + 3]) << 24
        guard stored == Lookup3.hash(bytes[from..<to]) else {
            throw HDF5File.error("\(what): checksum mismatch; the file is corrupted")
        }
    }

    func cursor(for message: Message, what: String) -> Cursor {
        Cursor(position: message.start, end: message.end, bytes: bytes, offsetSize: offsetSize, lengthSize: lengthSize, what: what)
    }

    // MARK: Groups

    enum Object {
        case group([Message])
        case dataset([Message])
    }

    func object(at address: Int) throws -> Object {
        let messages = try messages(at: address)
        for message in messages where message.flags & 0x02 != 0 && [1, 3, 8].contains(message.type) {
            throw HDF5File.error("object at address \(address) uses shared messages, which are not supported")
        }
        if messages.contains(where: { $0.type == 8 }) { return .dataset(messages) }
        return .group(messages)
    }

    /// The links of a group (name → object header address), in name order.
    func links(of messages: [Message], what: String) throws -> [(name: String, address: Int)] {
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
                    guard let nameIndex = try cursor.offset() else { throw HDF5File.error("\(what): dense links without a name index") }
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
            throw HDF5File.error("\(what): '\(name)' is a \(type == 1 ? "soft" : "external") link; only hard links are supported")
        }
        guard let address = try cursor.offset() else { throw HDF5File.error("\(what): link '\(name)' has no address") }
        return (name, address)
    }

    private func symbolTableLinks(node: Int, expectedLevel: Int?, heap: LocalHeap,
                                  into links: inout [(name: String, address: Int)], what: String) throws {
        try budget.spend(what: what)
        var cursor = try self.cursor(at: node, what: "group B-tree node")
        guard cursor.peekSignature("TREE") else { throw HDF5File.error("\(what): bad B-tree node signature at address \(node)") }
        cursor.position += 4
        guard try cursor.u8() == 0 else { throw HDF5File.error("\(what): the group's B-tree is not a group B-tree") }
        let level = try cursor.u8()
        // Levels strictly decrease towards the leaves, so a forged tree cannot loop.
        if let expectedLevel, level != expectedLevel { throw HDF5File.error("\(what): B-tree levels are inconsistent (a loop or damage)") }
        let entries = try cursor.u16()
        _ = try cursor.offset()
        _ = try cursor.offset()
        for _ in 0..<entries {
            _ = try cursor.length()  // key: heap offset of the largest name in the child
            guard let child = try cursor.offset() else { throw HDF5File.error("\(what): B-tree child without an address") }
            if level > 0 {
                try symbolTableLinks(node: child, expectedLevel: level - 1, heap: heap, into: &links, what: what)
            } else {
                try symbolNodeLinks(child, heap: heap, into: &links, what: what)
            }
        }
    }

    private func symbolNodeLinks(_ address: Int, heap: LocalHeap, into links: inout [(name: String, address: Int)], what: String) throws {
        var cursor = try self.cursor(at: address, what: "symbol table node")
        guard cursor.peekSignature("SNOD") else { throw HDF5File.error("\(what): bad symbol table node signature at address \(address)") }
        cursor.position += 6
        let count = try cursor.u16()
        for _ in 0..<count {
            try budget.spend(what: what)
            let nameOffset = try cursor.length(offsetSized: true)
            guard let header = try cursor.offset() else { throw HDF5File.error("\(what): symbol without an object header") }
            cursor.position += 24  // cache type, reserved, scratch pad
            links.append((try heap.string(at: nameOffset, what: what), header))
        }
    }

    // MARK: Dense link storage (fractal heap + v2 B-tree)

    private func denseLinks(heap: Int, nameIndex: Int, into links: inout [(name: String, address: Int)], what: String) throws {
        let fractal = try FractalHeap(file: self, address: heap, what: what)
        var heapIDs: [[UInt8]] = []
        try v2BTreeRecords(header: nameIndex, what: what) { record in
            // Name index records: a 4-byte hash, then the heap ID.
            guard record.count > 4 else { throw HDF5File.error("\(what): bad link name index record") }
            heapIDs.append(Array(record[4...]))
        }
        for id in heapIDs {
            let object = try fractal.object(id: id)
            let cursor = Cursor(position: object.lowerBound, end: object.upperBound, bytes: bytes,
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
        guard recordSize > 0, nodeSize > 10, depth < 32 else { throw HDF5File.error("\(what): invalid v2 B-tree header") }
        guard let root else { return }
        // The byte widths of child record counts depend on the most records a node can hold.
        let leafCapacity = (nodeSize - 10) / recordSize
        var maxRecords = [leafCapacity]  // per depth: records a node at that depth can hold
        var totalRecords = [leafCapacity]  // records in a full subtree of that depth
        if depth > 0 {
            for level in 1...depth {
                let pointerSize = offsetSize + Self.bytesFor(maxRecords[level - 1]) + (level > 1 ? Self.bytesFor(totalRecords[level - 1]) : 0)
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
            guard node.peekSignature(signature) else { throw HDF5File.error("\(what): bad v2 B-tree node signature at address \(address)") }
            node.position += 6
            guard records <= maxRecords[depth] else { throw HDF5File.error("\(what): v2 B-tree node claims too many records") }
            var recordStarts: [Int] = []
            for _ in 0..<records {
                guard recordSize <= node.remaining else { throw HDF5File.error("\(what): v2 B-tree node overflows") }
                recordStarts.append(node.position)
                node.position += recordSize
            }
            if depth == 0 {
                for start in recordStarts { try body(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + recordSize)])) }
                return
            }
            // Children interleave with records: child 0, record 0, child 1, ... (in key order).
            var children: [(Int, Int)] = []
            for _ in 0...records {
                guard let child = try node.offset() else { throw HDF5File.error("\(what): v2 B-tree child without an address") }
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

    static func bytesFor(_ value: Int) -> Int {
        var count = 1
        while count < 8, value >> (8 * count) != 0 { count += 1 }
        return count
    }

    // MARK: Datasets

    struct Datatype {
        enum Kind {
            case number(ScalarFormat)
            case fixedString
            case variableString
            case other(Int)
        }
        var kind: Kind
        var size: Int
    }

    func datatype(_ cursor: Cursor, what: String) throws -> Datatype {
        var cursor = cursor
        let classAndVersion = try cursor.u8()
        let typeClass = classAndVersion & 0x0F
        let bits0 = try cursor.u8()
        cursor.position += 2
        let size = try cursor.u32()
        switch typeClass {
        case 0:
            let signed = bits0 & 0x08 != 0
            let offset = try cursor.u16(), precision = try cursor.u16()
            guard [1, 2, 4, 8].contains(size), offset == 0, precision == size * 8 else {
                throw HDF5File.error("\(what): an integer type of \(size) bytes with \(precision) bits at offset \(offset) is not supported")
            }
            return Datatype(kind: .number(ScalarFormat(kind: signed ? .signed : .unsigned, size: size, littleEndian: bits0 & 1 == 0)), size: size)
        case 1:
            let offset = try cursor.u16(), precision = try cursor.u16()
            let exponentLocation = try cursor.u8(), exponentSize = try cursor.u8()
            let mantissaLocation = try cursor.u8(), mantissaSize = try cursor.u8()
            let bias = try cursor.u32()
            let ieee: [Int: (Int, Int, Int, Int)] = [2: (10, 5, 10, 15), 4: (23, 8, 23, 127), 8: (52, 11, 52, 1023)]
            guard let layout = ieee[size], offset == 0, precision == size * 8, bits0 & 0x40 == 0,
                  (exponentLocation, exponentSize, mantissaSize, bias) == layout, mantissaLocation == 0
            else {
                throw HDF5File.error("\(what): a floating-point type of \(size) bytes that is not IEEE half, single or double precision is not supported")
            }
            return Datatype(kind: .number(ScalarFormat(kind: .float, size: size, littleEndian: bits0 & 1 == 0)), size: size)
        case 3:
            return Datatype(kind: .fixedString, size: size)
        case 9:
            return Datatype(kind: bits0 & 0x0F == 1 ? .variableString : .other(9), size: size)
        default:
            return Datatype(kind: .other(typeClass), size: size)
        }
    }

    /// The shape of a dataspace message; nil for a null dataspace (no data).
    func dataspace(_ cursor: Cursor, what: String) throws -> [Int]? {
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

    /// The dataset whose object header messages are `messages`, as a tensor of Float32.
    func dataset(_ messages: [Message], what: String) throws -> Tensor {
        guard let spaceMessage = messages.first(where: { $0.type == 1 }),
              let typeMessage = messages.first(where: { $0.type == 3 }),
              let layoutMessage = messages.first(where: { $0.type == 8 })
        else { throw HDF5File.error("\(what): a dataset needs a dataspace, a datatype and a layout") }
        let type = try datatype(cursor(for: typeMessage, what: what), what: what)
        guard case .number(let format) = type.kind else {
            throw HDF5File.error("\(what): only numeric datasets can be read as weights (datatype class \(type.kind))")
        }
        let shape = try dataspace(cursor(for: spaceMessage, what: what), what: what) ?? [0]
        guard let (count, byteCount) = checkedByteCount(shape: shape, itemSize: format.size) else {
            throw HDF5File.error("\(what): shape \(shape) is too large")
        }
        var filters: [Filter] = []
        if let pipeline = messages.first(where: { $0.type == 11 }) {
            filters = try filterPipeline(cursor(for: pipeline, what: what), what: what)
        }
        let raw = try layoutData(cursor(for: layoutMessage, what: what), shape: shape, elementSize: format.size,
                                 byteCount: byteCount, filters: filters, fill: fillValue(messages, what: what), what: what)
        switch raw {
        case .slice(let slice): return Tensor(shape: shape, scalars: format.decode(slice, count: count))
        case .owned(let bytes): return bytes.withUnsafeBytes { Tensor(shape: shape, scalars: format.decode($0, count: count)) }
        }
    }

    enum RawData {
        case slice(UnsafeRawBufferPointer)
        case owned([UInt8])
    }

    private func fillValue(_ messages: [Message], what: String) throws -> [UInt8]? {
        if let message = messages.first(where: { $0.type == 5 }) {
            var cursor = cursor(for: message, what: what)
            let version = try cursor.u8()
            if version == 3 {
                let flags = try cursor.u8()
                guard flags & 0x20 != 0 else { return nil }
            } else {
                cursor.position += 2
                let defined = try cursor.u8()
                if version == 2, defined == 0 { return nil }
                if cursor.remaining < 4 { return nil }
            }
            let size = try cursor.u32()
            guard size > 0 else { return nil }
            return Array(try cursor.bytes(count: size))
        }
        if let message = messages.first(where: { $0.type == 4 }) {
            var cursor = cursor(for: message, what: what)
            let size = try cursor.u32()
            guard size > 0 else { return nil }
            return Array(try cursor.bytes(count: size))
        }
        return nil
    }

    struct Filter {
        var id: Int
        var name: String
        var optional: Bool
        var parameters: [Int]
    }

    private func filterPipeline(_ cursor: Cursor, what: String) throws -> [Filter] {
        var cursor = cursor
        let version = try cursor.u8()
        let count = try cursor.u8()
        guard version == 1 || version == 2 else { throw HDF5File.error("\(what): filter pipeline version \(version) is not supported") }
        if version == 1 { cursor.position += 6 }
        var filters: [Filter] = []
        for _ in 0..<count {
            let id = try cursor.u16()
            let nameLength = version == 1 || id >= 256 ? try cursor.u16() : 0
            let flags = try cursor.u16()
            let parameterCount = try cursor.u16()
            var name = ""
            if nameLength > 0 {
                let raw = try cursor.bytes(count: version == 1 ? (nameLength + 7) / 8 * 8 : nameLength)
                name = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let parameters = try (0..<parameterCount).map { _ in try cursor.u32() }
            if version == 1, parameterCount % 2 == 1 { cursor.position += 4 }
            filters.append(Filter(id: id, name: name, optional: flags & 1 != 0, parameters: parameters))
        }
        for filter in filters where ![1, 2, 3].contains(filter.id) {
            let name = filter.name.isEmpty ? "" : " (\(filter.name))"
            throw HDF5File.error("\(what) uses HDF5 filter \(filter.id)\(name); only deflate (gzip), shuffle and fletcher32 are supported — re-save the weights without it")
        }
        return filters
    }

    private func layoutData(_ cursor: Cursor, shape: [Int], elementSize: Int, byteCount: Int, filters: [Filter],
                            fill: [UInt8]?, what: String) throws -> RawData {
        var cursor = cursor
        let version = try cursor.u8()
        switch version {
        case 1, 2:
            let rank = try cursor.u8()
            let layoutClass = try cursor.u8()
            cursor.position += 5
            switch layoutClass {
            case 0:
                cursor.position += 4 * rank
                let size = try cursor.u32()
                return try compact(cursor, size: size, byteCount: byteCount, what: what)
            case 1:
                let address = try cursor.offset()
                return try contiguous(address: address, size: byteCount, byteCount: byteCount, fill: fill, what: what)
            case 2:
                let address = try cursor.offset()
                let dims = try (0..<rank).map { _ in try cursor.u32() }
                return try chunkedV1(tree: address, chunk: dims, shape: shape, elementSize: elementSize, byteCount: byteCount,
                                     filters: filters, fill: fill, what: what)
            default: throw HDF5File.error("\(what): unknown layout class \(layoutClass)")
            }
        case 3, 4, 5:  // version 5 (HDF5 2.0) is laid out as version 4
            let layoutClass = try cursor.u8()
            switch layoutClass {
            case 0:
                let size = try cursor.u16()
                return try compact(cursor, size: size, byteCount: byteCount, what: what)
            case 1:
                let address = try cursor.offset()
                let size = try cursor.length()
                return try contiguous(address: address, size: size, byteCount: byteCount, fill: fill, what: what)
            case 2 where version == 3:
                let rank = try cursor.u8()
                let address = try cursor.offset()
                let dims = try (0..<rank).map { _ in try cursor.u32() }
                return try chunkedV1(tree: address, chunk: dims, shape: shape, elementSize: elementSize, byteCount: byteCount,
                                     filters: filters, fill: fill, what: what)
            case 2:
                let flags = try cursor.u8()
                let rank = try cursor.u8()
                let width = try cursor.u8()
                guard (1...8).contains(width) else { throw HDF5File.error("\(what): invalid chunk dimension width") }
                let dims = try (0..<rank).map { _ in try cursor.uint(width) }
                let index = try cursor.u8()
                return try chunkedV4(cursor, flags: flags, index: index, chunk: dims, shape: shape, elementSize: elementSize,
                                     byteCount: byteCount, filters: filters, fill: fill, what: what)
            case 3: throw HDF5File.error("\(what) is a virtual dataset, which is not supported")
            default: throw HDF5File.error("\(what): unknown layout class \(layoutClass)")
            }
        default:
            throw HDF5File.error("\(what): data layout version \(version) is not supported")
        }
    }

    private func compact(_ cursor: Cursor, size: Int, byteCount: Int, what: String) throws -> RawData {
        var cursor = cursor
        guard size == byteCount else { throw HDF5File.error("\(what): compact data holds \(size) bytes, the shape needs \(byteCount)") }
        return .slice(try cursor.bytes(count: size))
    }

    private func contiguous(address: Int?, size: Int, byteCount: Int, fill: [UInt8]?, what: String) throws -> RawData {
        guard let address else {
            // Never written: every element is the fill value. Bounded: it must fit the file's
            // own size times the largest compression ratio, like chunked data.
            return .owned(try filled(byteCount, fill: fill, what: what))
        }
        guard size == byteCount else { throw HDF5File.error("\(what): contiguous data holds \(size) bytes, the shape needs \(byteCount)") }
        return .slice(try slice(at: address, count: size, what: what))
    }

    private func filled(_ byteCount: Int, fill: [UInt8]?, what: String) throws -> [UInt8] {
        guard byteCount / Inflate.maximumRatio <= bytes.count else {
            throw HDF5File.error("\(what): \(byteCount) bytes of data is more than this file can hold")
        }
        guard let fill, !fill.isEmpty, fill.contains(where: { $0 != 0 }) else { return [UInt8](repeating: 0, count: byteCount) }
        var out = [UInt8](repeating: 0, count: byteCount)
        for index in 0..<byteCount { out[index] = fill[index % fill.count] }
        return out
    }

    /// A chunk's stored bytes, unfiltered: exactly `chunkBytes` bytes.
    private func unfilter(_ stored: UnsafeRawBufferPointer, mask: Int, filters: [Filter], chunkBytes: Int, what: String) throws -> [UInt8] {
        var data = Array(stored)
        for (index, filter) in filters.enumerated().reversed() where mask >> index & 1 == 0 {
            switch filter.id {
            case 1:
                do { data = try data.withUnsafeBytes { try Inflate.zlibDecompress($0, limit: chunkBytes) } } catch let error as ArchiveError {
                    throw HDF5File.error("\(what): a deflated chunk is damaged: \(error.message)")
                }
            case 2:
                let size = filter.parameters.first ?? 1
                if size > 1, data.count % size == 0 {
                    let count = data.count / size
                    var out = [UInt8](repeating: 0, count: data.count)
                    for byte in 0..<size {
                        for element in 0..<count { out[element * size + byte] = data[byte * count + element] }
                    }
                    data = out
                }
            default:  // Fletcher-32: the last four bytes are the checksum of the rest.
                guard data.count >= 4 else { throw HDF5File.error("\(what): a chunk is too short for its Fletcher-32 checksum") }
                let payload = data[..<(data.count - 4)]
                let stored = data[(data.count - 4)...].reduce(into: UInt32(0)) { $0 = $0 << 8 | UInt32($1) }
                let computed = Self.fletcher32(payload)
                guard stored == computed || stored == computed.byteSwapped else {
                    throw HDF5File.error("\(what): a chunk's Fletcher-32 checksum does not match; the file is corrupted")
                }
                data.removeLast(4)
            }
        }
        guard data.count == chunkBytes else {
            throw HDF5File.error("\(what): a chunk holds \(data.count) bytes after its filters, \(chunkBytes) expected")
        }
        return data
    }

    /// HDF5's Fletcher-32: sums of big-endian 16-bit words (a trailing odd byte as the high byte).
    static func fletcher32(_ data: ArraySlice<UInt8>) -> UInt32 {
        var sum1: UInt32 = 0, sum2: UInt32 = 0
        var index = data.startIndex
        while index < data.endIndex {
            var block = 0
            while block < 360, index < data.endIndex {
                let high = UInt32(data[index])
                let low = index + 1 < data.endIndex ? UInt32(data[index + 1]) : 0
                sum1 += high << 8 | low
                sum2 += sum1
                index += 2
                block += 1
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
        sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }

    /// The chunk geometry shared by the chunk indexes.
    private struct ChunkGrid {
        let shape: [Int]
        let chunk: [Int]
        let elementSize: Int
        var chunkBytes: Int { chunk.reduce(elementSize, *) }
        var chunksPerAxis: [Int] { zip(shape, chunk).map { ($0 + $1 - 1) / $1 } }

        /// Copies a chunk whose first element is at `origin` into `out` (row-major `shape`).
        func place(_ data: [UInt8], origin: [Int], into out: inout [UInt8]) {
            let rank = shape.count
            guard rank > 0 else {
                out.replaceSubrange(0..<elementSize, with: data[0..<elementSize])
                return
            }
            // The number of elements of the chunk that fall inside the dataset along each axis.
            let extent = (0..<rank).map { min(chunk[$0], shape[$0] - origin[$0]) }
            guard extent.allSatisfy({ $0 > 0 }) else { return }
            var index = [Int](repeating: 0, count: rank - 1)
            let rowBytes = extent[rank - 1] * elementSize
            while true {
                var source = 0, target = 0
                for axis in 0..<(rank - 1) {
                    source = (source + index[axis]) * chunk[axis + 1]
                    target = (target + origin[axis] + index[axis]) * shape[axis + 1]
                }
                source *= elementSize
                target = (target + origin[rank - 1]) * elementSize
                out.withUnsafeMutableBytes { destination in
                    data.withUnsafeBytes { from in
                        destination.baseAddress!.advanced(by: target).copyMemory(from: from.baseAddress!.advanced(by: source), byteCount: rowBytes)
                    }
                }
                var axis = rank - 2
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < extent[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
                if axis < 0 { break }
            }
        }
    }

    private func checkedGrid(shape: [Int], chunk: [Int], elementSize: Int, byteCount: Int, what: String) throws -> ChunkGrid {
        guard chunk.count == shape.count, chunk.allSatisfy({ $0 > 0 }) || shape.isEmpty else {
            throw HDF5File.error("\(what): chunk dimensions \(chunk) do not fit shape \(shape)")
        }
        guard let (_, chunkBytes) = checkedByteCount(shape: chunk, itemSize: elementSize), chunkBytes / Inflate.maximumRatio <= bytes.count else {
            throw HDF5File.error("\(what): chunks of \(chunk) are larger than this file can hold")
        }
        guard byteCount / Inflate.maximumRatio <= bytes.count else {
            throw HDF5File.error("\(what): \(byteCount) bytes of data is more than this file can hold")
        }
        return ChunkGrid(shape: shape, chunk: chunk, elementSize: elementSize)
    }

    private func chunkedV1(tree: Int?, chunk: [Int], shape: [Int], elementSize: Int, byteCount: Int, filters: [Filter],
                           fill: [UInt8]?, what: String) throws -> RawData {
        // The layout's last chunk dimension is the element size.
        guard chunk.count == shape.count + 1, chunk.last == elementSize else {
            throw HDF5File.error("\(what): chunk dimensions \(chunk) do not fit shape \(shape)")
        }
        let grid = try checkedGrid(shape: shape, chunk: Array(chunk.dropLast()), elementSize: elementSize, byteCount: byteCount, what: what)
        var out = try filled(byteCount, fill: fill, what: what)
        guard let tree, byteCount > 0 else { return .owned(out) }
        try chunkTree(tree, expectedLevel: nil, grid: grid, filters: filters, into: &out, what: what)
        return .owned(out)
    }

    private func chunkTree(_ address: Int, expectedLevel: Int?, grid: ChunkGrid, filters: [Filter],
                           into out: inout [UInt8], what: String) throws {
        try budget.spend(what: what)
        var cursor = try self.cursor(at: address, what: "chunk B-tree node")
        guard cursor.peekSignature("TREE") else { throw HDF5File.error("\(what): bad chunk B-tree signature at address \(address)") }
        cursor.position += 4
        guard try cursor.u8() == 1 else { throw HDF5File.error("\(what): the chunk index is not a chunk B-tree") }
        let level = try cursor.u8()
        if let expectedLevel, level != expectedLevel { throw HDF5File.error("\(what): chunk B-tree levels are inconsistent (a loop or damage)") }
        let entries = try cursor.u16()
        _ = try cursor.offset()
        _ = try cursor.offset()
        let rank = grid.shape.count
        for _ in 0..<entries {
            let size = try cursor.u32()
            let mask = try cursor.u32()
            let origin = try (0...rank).map { _ in try cursor.u64() }
            guard let child = try cursor.offset() else { throw HDF5File.error("\(what): chunk without an address") }
            if level > 0 {
                try chunkTree(child, expectedLevel: level - 1, grid: grid, filters: filters, into: &out, what: what)
            } else {
                try readChunk(at: child, size: size, mask: mask, origin: Array(origin.prefix(rank)), grid: grid,
                              filters: filters, into: &out, what: what)
            }
        }
    }

    private func readChunk(at address: Int, size: Int, mask: Int, origin: [Int], grid: ChunkGrid, filters: [Filter],
                           into out: inout [UInt8], what: String) throws {
        guard origin.count == grid.shape.count,
              zip(origin, zip(grid.shape, grid.chunk)).allSatisfy({ $0 >= 0 && $0 < max($1.0, 1) && $0 % $1.1 == 0 })
        else { throw HDF5File.error("\(what): a chunk's offset \(origin) lies outside the shape \(grid.shape)") }
        let stored = try slice(at: address, count: size, what: "a chunk of \(what)")
        let data = filters.isEmpty && mask == 0
            ? (size == grid.chunkBytes ? Array(stored) : nil)
            : try unfilter(stored, mask: mask, filters: filters, chunkBytes: grid.chunkBytes, what: what)
        guard let data else { throw HDF5File.error("\(what): a chunk holds \(size) bytes, \(grid.chunkBytes) expected") }
        grid.place(data, origin: origin, into: &out)
    }

    private func chunkedV4(_ cursor: Cursor, flags: Int, index: Int, chunk: [Int], shape: [Int], elementSize: Int, byteCount: Int,
                           filters: [Filter], fill: [UInt8]?, what: String) throws -> RawData {
        var cursor = cursor
        guard chunk.count == shape.count + 1, chunk.last == elementSize else {
            throw HDF5File.error("\(what): chunk dimensions \(chunk) do not fit shape \(shape)")
        }
        let grid = try checkedGrid(shape: shape, chunk: Array(chunk.dropLast()), elementSize: elementSize, byteCount: byteCount, what: what)
        var out = try filled(byteCount, fill: fill, what: what)
        // An empty dataset (a zero axis) has no chunks to read.
        guard byteCount > 0 else { return .owned(out) }
        let perAxis = grid.chunksPerAxis
        func origin(ofChunk number: Int) -> [Int] {
            var rest = number
            var origin = [Int](repeating: 0, count: shape.count)
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                origin[axis] = rest % perAxis[axis] * grid.chunk[axis]
                rest /= perAxis[axis]
            }
            return origin
        }
        let chunkCount = perAxis.reduce(1, *)
        switch index {
        case 1:  // a single chunk
            var size = grid.chunkBytes, mask = 0
            if flags & 0x02 != 0 {
                size = try cursor.length()
                mask = try cursor.u32()
            }
            guard let address = try cursor.offset() else { return .owned(out) }
            try readChunk(at: address, size: size, mask: mask, origin: origin(ofChunk: 0), grid: grid, filters: filters, into: &out, what: what)
        case 2:  // implicit: chunks stored contiguously in order
            guard filters.isEmpty, let address = try cursor.offset() else { return .owned(out) }
            for number in 0..<chunkCount {
                try readChunk(at: address + number * grid.chunkBytes, size: grid.chunkBytes, mask: 0, origin: origin(ofChunk: number),
                              grid: grid, filters: filters, into: &out, what: what)
            }
        case 3:  // fixed array
            cursor.position += 1
            guard let address = try cursor.offset() else { return .owned(out) }
            var header = try self.cursor(at: address, what: "fixed array header")
            guard header.peekSignature("FAHD") else { throw HDF5File.error("\(what): bad fixed array header signature") }
            header.position += 5
            let client = try header.u8()
            let entrySize = try header.u8()
            let pageBits = try header.u8()
            let entries = try header.length()
            guard let block = try header.offset() else { return .owned(out) }
            guard entries == chunkCount else { throw HDF5File.error("\(what): the chunk index holds \(entries) chunks, the shape needs \(chunkCount)") }
            guard entries <= 1 << pageBits else { throw HDF5File.error("\(what): paged fixed-array chunk indexes are not supported") }
            var data = try self.cursor(at: block, what: "fixed array data block")
            guard data.peekSignature("FADB") else { throw HDF5File.error("\(what): bad fixed array data block signature") }
            data.position += 6 + offsetSize
            for number in 0..<entries {
                try budget.spend(what: what)
                let chunkAddress = try data.offset()
                var size = grid.chunkBytes, mask = 0
                if client == 1 {
                    size = try data.uint(entrySize - offsetSize - 4)
                    mask = try data.u32()
                }
                guard let chunkAddress else { continue }
                try readChunk(at: chunkAddress, size: size, mask: mask, origin: origin(ofChunk: number), grid: grid, filters: filters, into: &out, what: what)
            }
        default:
            let names = [4: "extensible array", 5: "version 2 B-tree"]
            throw HDF5File.error("\(what): chunks indexed by a \(names[index] ?? "type \(index)") are not supported (datasets with unlimited dimensions); re-save without maxshape")
        }
        return .owned(out)
    }

    // MARK: Attributes

    enum AttributeValue: Equatable {
        case numbers(Tensor)
        case strings([String])
    }

    func attributes(_ messages: [Message], what: String) throws -> [String: AttributeValue] {
        var result: [String: AttributeValue] = [:]
        for message in messages where message.type == 0x0C {
            var cursor = cursor(for: message, what: what)
            let version = try cursor.u8()
            guard (1...3).contains(version) else { throw HDF5File.error("\(what): attribute version \(version) is not supported") }
            let flags = try cursor.u8()
            guard flags & 0x03 == 0 else { throw HDF5File.error("\(what): shared attribute types are not supported") }
            let nameSize = try cursor.u16(), typeSize = try cursor.u16(), spaceSize = try cursor.u16()
            if version == 3 { cursor.position += 1 }
            func padded(_ size: Int) -> Int { version == 1 ? (size + 7) / 8 * 8 : size }
            let nameBytes = try cursor.bytes(count: padded(nameSize))
            let name = String(decoding: nameBytes.prefix(nameSize).prefix { $0 != 0 }, as: UTF8.self)
            let typeStart = cursor.position
            cursor.position += padded(typeSize)
            let spaceStart = cursor.position
            cursor.position += padded(spaceSize)
            guard cursor.position <= cursor.end else { throw HDF5File.error("\(what): attribute '\(name)' runs past its message") }
            let type = try datatype(Cursor(position: typeStart, end: typeStart + typeSize, bytes: bytes, offsetSize: offsetSize,
                                           lengthSize: lengthSize, what: what), what: what)
            let shape = try dataspace(Cursor(position: spaceStart, end: spaceStart + spaceSize, bytes: bytes, offsetSize: offsetSize,
                                             lengthSize: lengthSize, what: what), what: what) ?? [0]
            guard let (count, byteCount) = checkedByteCount(shape: shape, itemSize: type.size), byteCount <= cursor.remaining else {
                throw HDF5File.error("\(what): attribute '\(name)' holds less data than its shape \(shape) needs")
            }
            let data = try cursor.bytes(count: byteCount)
            switch type.kind {
            case .number(let format):
                result[name] = .numbers(Tensor(shape: shape, scalars: format.decode(data, count: count)))
            case .fixedString:
                result[name] = .strings((0..<count).map { index in
                    let raw = UnsafeRawBufferPointer(rebasing: data[(index * type.size)..<((index + 1) * type.size)])
                    return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self).trimmingTrailingSpaces()
                })
            case .variableString:
                var element = Cursor(position: 0, end: data.count, bytes: data, offsetSize: offsetSize, lengthSize: lengthSize, what: what)
                result[name] = .strings(try (0..<count).map { _ in
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
        guard size >= 16, end <= bytes.count else { throw HDF5File.error("\(what): the global heap runs past the end of the file") }
        cursor.end = end
        while cursor.remaining >= 8 + lengthSize {
            try budget.spend(what: what)
            let objectIndex = try cursor.u16()
            cursor.position += 6
            let objectSize = try cursor.length()
            if objectIndex == 0 { break }
            guard objectSize <= cursor.remaining else { throw HDF5File.error("\(what): a global heap object runs past its collection") }
            if objectIndex == index {
                guard length <= objectSize else { throw HDF5File.error("\(what): a string is longer than its heap object") }
                return String(decoding: try cursor.bytes(count: length), as: UTF8.self)
            }
            cursor.position += (objectSize + 7) / 8 * 8
        }
        throw HDF5File.error("\(what): a string's global heap object \(index) does not exist")
    }

    // MARK: Walking

    /// Every dataset in the file as (path without the leading "/", tensor), groups in name order.
    func datasets() throws -> [NamedTensor] {
        var out: [NamedTensor] = []
        var visitedGroups: Set<Int> = []
        try walk(address: rootAddress, path: "", visitedGroups: &visitedGroups, depth: 0) { path, messages in
            out.append(NamedTensor(name: path, tensor: try dataset(messages, what: "dataset '\(path)'")))
        }
        return out
    }

    private func walk(address: Int, path: String, visitedGroups: inout Set<Int>, depth: Int,
                      _ body: (String, [Message]) throws -> Void) throws {
        let what = path.isEmpty ? "the root group" : "group '\(path)'"
        guard depth < 256 else { throw HDF5File.error("\(what) is nested too deeply") }
        switch try object(at: address) {
        case .dataset(let messages):
            try body(path, messages)
        case .group(let messages):
            guard visitedGroups.insert(address).inserted else {
                throw HDF5File.error("\(what) is linked more than once (a loop); not a weights file")
            }
            for link in try links(of: messages, what: what) {
                try walk(address: link.address, path: path.isEmpty ? link.name : path + "/" + link.name,
                         visitedGroups: &visitedGroups, depth: depth + 1, body)
            }
        }
    }

    /// The object at `path` ("a/b/c"; "" is the root), or nil when a component is missing.
    func object(atPath path: String) throws -> Object? {
        var address = rootAddress
        var current = ""
        for component in path.split(separator: "/") {
            guard case .group(let messages) = try object(at: address) else { return nil }
            let what = current.isEmpty ? "the root group" : "group '\(current)'"
            guard let link = try links(of: messages, what: what).first(where: { $0.name == component }) else { return nil }
            address = link.address
            current += (current.isEmpty ? "" : "/") + component
        }
        return try object(at: address)
    }
}

/// The work a file may cause, bounded so forged structures cannot hang a reader.
private final class WorkBudget {
    var remaining = 50_000_000
    func spend(what: String) throws {
        remaining -= 1
        guard remaining >= 0 else { throw HDF5File.error("\(what): the file's structures are too large or loop") }
    }
}

/// A local heap (group member names of symbol-table groups).
private struct LocalHeap {
    let data: UnsafeRawBufferPointer

    init(file: HDF5File, address: Int) throws {
        var cursor = try file.cursor(at: address, what: "local heap")
        guard cursor.peekSignature("HEAP") else { throw HDF5File.error("bad local heap signature at address \(address)") }
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
            try addIndirect(at: root, rows: rows, width: width, startSize: startSize, maxDirect: maxDirect, depth: 0, what: what)
        }
    }

    private mutating func addDirect(at address: Int, size: Int, what: String) throws {
        var cursor = try file.cursor(at: address, length: size, what: "fractal heap direct block")
        guard cursor.peekSignature("FHDB") else { throw HDF5File.error("\(what): bad fractal heap direct block signature") }
        cursor.position += 5 + file.offsetSize
        let offset = try cursor.uint(heapOffsetBytes)
        blocks.append((offset, size, file.base + address))
    }

    private mutating func addIndirect(at address: Int, rows: Int, width: Int, startSize: Int, maxDirect: Int, depth: Int, what: String) throws {
        guard depth < 16, blocks.count < 1_000_000 else { throw HDF5File.error("\(what): the fractal heap is nested too deeply") }
        var cursor = try file.cursor(at: address, what: "fractal heap indirect block")
        guard cursor.peekSignature("FHIB") else { throw HDF5File.error("\(what): bad fractal heap indirect block signature") }
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
                    guard childRows > 0, childRows < rows else { throw HDF5File.error("\(what): invalid fractal heap indirect block") }
                    try addIndirect(at: child, rows: childRows, width: width, startSize: startSize, maxDirect: maxDirect,
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
struct Cursor {
    var position: Int
    var end: Int
    let bytes: UnsafeRawBufferPointer
    var offsetSize: Int
    var lengthSize: Int
    let what: String

    init(position: Int, end: Int, bytes: UnsafeRawBufferPointer, offsetSize: Int, lengthSize: Int, what: String) {
        self.position = position
        self.end = min(end, bytes.count)
        self.bytes = bytes
        self.offsetSize = offsetSize
        self.lengthSize = lengthSize
        self.what = what
    }

    var remaining: Int { max(0, end - position) }

    static func hasSignature(_ signature: String, _ bytes: UnsafeRawBufferPointer, at position: Int) -> Bool {
        let expected = Array(signature.utf8)
        guard position >= 0, position + expected.count <= bytes.count else { return false }
        return (0..<expected.count).allSatisfy { bytes[position + $0] == expected[$0] }
    }

    func peekSignature(_ signature: String) -> Bool {
        position + signature.utf8.count <= end && Self.hasSignature(signature, bytes, at: position)
    }

    mutating func uint(_ count: Int) throws -> Int {
        guard count >= 0, count <= 8, position >= 0, count <= end - position else {
            throw HDF5File.error("\(what) is truncated or damaged (a read at \(position) runs past its end)")
        }
        var value: UInt64 = 0
        for index in 0..<count { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
        position += count
        guard value <= UInt64(Int.max) else { throw HDF5File.error("\(what) holds a value out of range") }
        return Int(value)
    }

    mutating func u8() throws -> Int { try uint(1) }
    mutating func u16() throws -> Int { try uint(2) }
    mutating func u32() throws -> Int { try uint(4) }

    mutating func u64() throws -> Int {
        guard 8 <= end - position else { throw HDF5File.error("\(what) is truncated or damaged") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
        position += 8
        guard value <= UInt64(Int.max) else { throw HDF5File.error("\(what) holds a value out of range") }
        return Int(value)
    }

    /// A file address, or nil for the undefined address (all bits set).
    mutating func offset() throws -> Int? {
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

    mutating func length(offsetSized: Bool = false) throws -> Int {
        let size = offsetSized ? offsetSize : lengthSize
        guard size <= end - position else { throw HDF5File.error("\(what) is truncated or damaged") }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[position + index]) << UInt64(8 * index) }
        position += size
        guard value <= UInt64(Int.max / 2) else { throw HDF5File.error("\(what) holds a size out of range") }
        return Int(value)
    }

    mutating func bytes(count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, position >= 0, count <= end - position else {
            throw HDF5File.error("\(what) is truncated or damaged (\(count) bytes at \(position) run past its end)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    mutating func string(count: Int) throws -> String {
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
