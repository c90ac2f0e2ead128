// HDF5 groups (HDF5File.swift): links from link messages, symbol tables (v1 B-trees and local
// heaps) and dense link storage (fractal heaps and v2 B-trees).

extension HDF5File {
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
