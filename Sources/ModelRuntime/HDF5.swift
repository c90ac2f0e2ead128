import ModelSpec

// Reading datasets as tensors: the part of the HDF5 reader (`HDF5File`, in ModelSpec) that
// only the runtime needs. Layouts compact, contiguous and chunked (v1 B-tree, single-chunk,
// implicit and fixed-array indexes) with the deflate, shuffle and Fletcher-32 filters; errors
// are `HDF5Error`s, which `KerasHDF5.read` turns into `TensorFileError`s.
extension HDF5File {
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
        guard let (_, byteCount) = checkedByteCount(shape: shape, itemSize: format.size) else {
            throw HDF5File.error("\(what): shape \(shape) is too large")
        }
        var filters: [Filter] = []
        if let pipeline = messages.first(where: { $0.type == 11 }) {
            filters = try filterPipeline(cursor(for: pipeline, what: what), what: what)
        }
        let raw = try layoutData(
            cursor(for: layoutMessage, what: what), shape: shape, elementSize: format.size,
            byteCount: byteCount, filters: filters, fill: fillValue(messages, what: what), what: what)
        switch raw {
        case .slice(let slice): return Tensor(shape: shape, decoding: slice, format: format)
        case .owned(let bytes): return bytes.withUnsafeBytes { Tensor(shape: shape, decoding: $0, format: format) }
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
        guard version == 1 || version == 2 else {
            throw HDF5File.error("\(what): filter pipeline version \(version) is not supported")
        }
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
            throw HDF5File.error(
                "\(what) uses HDF5 filter \(filter.id)\(name); only deflate (gzip), shuffle and fletcher32 are "
                    + "supported — re-save the weights without it"
            )
        }
        return filters
    }

    private func layoutData(
        _ cursor: Cursor, shape: [Int], elementSize: Int, byteCount: Int, filters: [Filter],
        fill: [UInt8]?, what: String
    ) throws -> RawData {
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
                return try chunkedV1(
                    tree: address, chunk: dims, shape: shape, elementSize: elementSize, byteCount: byteCount,
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
                return try chunkedV1(
                    tree: address, chunk: dims, shape: shape, elementSize: elementSize, byteCount: byteCount,
                    filters: filters, fill: fill, what: what)
            case 2:
                let flags = try cursor.u8()
                let rank = try cursor.u8()
                let width = try cursor.u8()
                guard (1...8).contains(width) else { throw HDF5File.error("\(what): invalid chunk dimension width") }
                let dims = try (0..<rank).map { _ in try cursor.uint(width) }
                let index = try cursor.u8()
                return try chunkedV4(
                    cursor, flags: flags, index: index, chunk: dims, shape: shape, elementSize: elementSize,
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
        guard size == byteCount else {
            throw HDF5File.error("\(what): compact data holds \(size) bytes, the shape needs \(byteCount)")
        }
        return .slice(try cursor.bytes(count: size))
    }

    private func contiguous(address: Int?, size: Int, byteCount: Int, fill: [UInt8]?, what: String) throws -> RawData {
        guard let address else {
            // Never written: every element is the fill value. Bounded: it must fit the file's
            // own size times the largest compression ratio, like chunked data.
            return .owned(try filled(byteCount, fill: fill, what: what))
        }
        guard size == byteCount else {
            throw HDF5File.error("\(what): contiguous data holds \(size) bytes, the shape needs \(byteCount)")
        }
        return .slice(try slice(at: address, count: size, what: what))
    }

    private func filled(_ byteCount: Int, fill: [UInt8]?, what: String) throws -> [UInt8] {
        guard byteCount / Inflate.maximumRatio <= bytes.count else {
            throw HDF5File.error("\(what): \(byteCount) bytes of data is more than this file can hold")
        }
        guard let fill, !fill.isEmpty, fill.contains(where: { $0 != 0 }) else {
            return [UInt8](repeating: 0, count: byteCount)
        }
        var out = [UInt8](repeating: 0, count: byteCount)
        for index in 0..<byteCount { out[index] = fill[index % fill.count] }
        return out
    }

    /// A chunk's stored bytes, unfiltered: exactly `chunkBytes` bytes.
    private func unfilter(_ stored: UnsafeRawBufferPointer, mask: Int, filters: [Filter], chunkBytes: Int, what: String)
        throws -> [UInt8]
    {
        var data = Array(stored)
        for (index, filter) in filters.enumerated().reversed() where mask >> index & 1 == 0 {
            switch filter.id {
            case 1:
                do { data = try data.withUnsafeBytes { try Inflate.zlibDecompress($0, limit: chunkBytes) } } catch let
                    error as ArchiveError
                {
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
                guard data.count >= 4 else {
                    throw HDF5File.error("\(what): a chunk is too short for its Fletcher-32 checksum")
                }
                let payload = data[..<(data.count - 4)]
                let stored = data[(data.count - 4)...].reduce(into: UInt32(0)) { $0 = $0 << 8 | UInt32($1) }
                let computed = Self.fletcher32(payload)
                guard stored == computed || stored == computed.byteSwapped else {
                    throw HDF5File.error(
                        "\(what): a chunk's Fletcher-32 checksum does not match; the file is corrupted")
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
        var sum1: UInt32 = 0
        var sum2: UInt32 = 0
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
                var source = 0
                var target = 0
                for axis in 0..<(rank - 1) {
                    source = (source + index[axis]) * chunk[axis + 1]
                    target = (target + origin[axis] + index[axis]) * shape[axis + 1]
                }
                source *= elementSize
                target = (target + origin[rank - 1]) * elementSize
                out.withUnsafeMutableBytes { destination in
                    data.withUnsafeBytes { from in
                        destination.baseAddress!.advanced(by: target).copyMemory(
                            from: from.baseAddress!.advanced(by: source), byteCount: rowBytes)
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

    private func checkedGrid(shape: [Int], chunk: [Int], elementSize: Int, byteCount: Int, what: String) throws
        -> ChunkGrid
    {
        guard chunk.count == shape.count, chunk.allSatisfy({ $0 > 0 }) || shape.isEmpty else {
            throw HDF5File.error("\(what): chunk dimensions \(chunk) do not fit shape \(shape)")
        }
        guard let (_, chunkBytes) = checkedByteCount(shape: chunk, itemSize: elementSize),
            chunkBytes / Inflate.maximumRatio <= bytes.count
        else {
            throw HDF5File.error("\(what): chunks of \(chunk) are larger than this file can hold")
        }
        guard byteCount / Inflate.maximumRatio <= bytes.count else {
            throw HDF5File.error("\(what): \(byteCount) bytes of data is more than this file can hold")
        }
        return ChunkGrid(shape: shape, chunk: chunk, elementSize: elementSize)
    }

    private func chunkedV1(
        tree: Int?, chunk: [Int], shape: [Int], elementSize: Int, byteCount: Int, filters: [Filter],
        fill: [UInt8]?, what: String
    ) throws -> RawData {
        // The layout's last chunk dimension is the element size.
        guard chunk.count == shape.count + 1, chunk.last == elementSize else {
            throw HDF5File.error("\(what): chunk dimensions \(chunk) do not fit shape \(shape)")
        }
        let grid = try checkedGrid(
            shape: shape, chunk: Array(chunk.dropLast()), elementSize: elementSize, byteCount: byteCount, what: what)
        var out = try filled(byteCount, fill: fill, what: what)
        guard let tree, byteCount > 0 else { return .owned(out) }
        try chunkTree(tree, expectedLevel: nil, grid: grid, filters: filters, into: &out, what: what)
        return .owned(out)
    }

    private func chunkTree(
        _ address: Int, expectedLevel: Int?, grid: ChunkGrid, filters: [Filter],
        into out: inout [UInt8], what: String
    ) throws {
        try budget.spend(what: what)
        var cursor = try self.cursor(at: address, what: "chunk B-tree node")
        guard cursor.peekSignature("TREE") else {
            throw HDF5File.error("\(what): bad chunk B-tree signature at address \(address)")
        }
        cursor.position += 4
        guard try cursor.u8() == 1 else { throw HDF5File.error("\(what): the chunk index is not a chunk B-tree") }
        let level = try cursor.u8()
        if let expectedLevel, level != expectedLevel {
            throw HDF5File.error("\(what): chunk B-tree levels are inconsistent (a loop or damage)")
        }
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
                try readChunk(
                    at: child, size: size, mask: mask, origin: Array(origin.prefix(rank)), grid: grid,
                    filters: filters, into: &out, what: what)
            }
        }
    }

    private func readChunk(
        at address: Int, size: Int, mask: Int, origin: [Int], grid: ChunkGrid, filters: [Filter],
        into out: inout [UInt8], what: String
    ) throws {
        guard origin.count == grid.shape.count,
            zip(origin, zip(grid.shape, grid.chunk)).allSatisfy({ $0 >= 0 && $0 < max($1.0, 1) && $0 % $1.1 == 0 })
        else { throw HDF5File.error("\(what): a chunk's offset \(origin) lies outside the shape \(grid.shape)") }
        let stored = try slice(at: address, count: size, what: "a chunk of \(what)")
        let data =
            filters.isEmpty && mask == 0
            ? (size == grid.chunkBytes ? Array(stored) : nil)
            : try unfilter(stored, mask: mask, filters: filters, chunkBytes: grid.chunkBytes, what: what)
        guard let data else {
            throw HDF5File.error("\(what): a chunk holds \(size) bytes, \(grid.chunkBytes) expected")
        }
        grid.place(data, origin: origin, into: &out)
    }

    private func chunkedV4(
        _ cursor: Cursor, flags: Int, index: Int, chunk: [Int], shape: [Int], elementSize: Int, byteCount: Int,
        filters: [Filter], fill: [UInt8]?, what: String
    ) throws -> RawData {
        var cursor = cursor
        guard chunk.count == shape.count + 1, chunk.last == elementSize else {
            throw HDF5File.error("\(what): chunk dimensions \(chunk) do not fit shape \(shape)")
        }
        let grid = try checkedGrid(
            shape: shape, chunk: Array(chunk.dropLast()), elementSize: elementSize, byteCount: byteCount, what: what)
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
            var size = grid.chunkBytes
            var mask = 0
            if flags & 0x02 != 0 {
                size = try cursor.length()
                mask = try cursor.u32()
            }
            guard let address = try cursor.offset() else { return .owned(out) }
            try readChunk(
                at: address, size: size, mask: mask, origin: origin(ofChunk: 0), grid: grid, filters: filters,
                into: &out, what: what)
        case 2:  // implicit: chunks stored contiguously in order
            guard filters.isEmpty, let address = try cursor.offset() else { return .owned(out) }
            for number in 0..<chunkCount {
                try readChunk(
                    at: address + number * grid.chunkBytes, size: grid.chunkBytes, mask: 0,
                    origin: origin(ofChunk: number),
                    grid: grid, filters: filters, into: &out, what: what)
            }
        case 3:  // fixed array
            cursor.position += 1
            guard let address = try cursor.offset() else { return .owned(out) }
            var header = try self.cursor(at: address, what: "fixed array header")
            guard header.peekSignature("FAHD") else {
                throw HDF5File.error("\(what): bad fixed array header signature")
            }
            header.position += 5
            let client = try header.u8()
            let entrySize = try header.u8()
            let pageBits = try header.u8()
            let entries = try header.length()
            guard let block = try header.offset() else { return .owned(out) }
            guard entries == chunkCount else {
                throw HDF5File.error("\(what): the chunk index holds \(entries) chunks, the shape needs \(chunkCount)")
            }
            guard entries <= 1 << pageBits else {
                throw HDF5File.error("\(what): paged fixed-array chunk indexes are not supported")
            }
            var data = try self.cursor(at: block, what: "fixed array data block")
            guard data.peekSignature("FADB") else {
                throw HDF5File.error("\(what): bad fixed array data block signature")
            }
            data.position += 6 + offsetSize
            for number in 0..<entries {
                try budget.spend(what: what)
                let chunkAddress = try data.offset()
                var size = grid.chunkBytes
                var mask = 0
                if client == 1 {
                    size = try data.uint(entrySize - offsetSize - 4)
                    mask = try data.u32()
                }
                guard let chunkAddress else { continue }
                try readChunk(
                    at: chunkAddress, size: size, mask: mask, origin: origin(ofChunk: number), grid: grid,
                    filters: filters, into: &out, what: what)
            }
        default:
            let names = [4: "extensible array", 5: "version 2 B-tree"]
            throw HDF5File.error(
                "\(what): chunks indexed by a \(names[index] ?? "type \(index)") are not supported (datasets with "
                    + "unlimited dimensions); re-save without maxshape"
            )
        }
        return .owned(out)
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

    private func walk(
        address: Int, path: String, visitedGroups: inout Set<Int>, depth: Int,
        _ body: (String, [Message]) throws -> Void
    ) throws {
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
                try walk(
                    address: link.address, path: path.isEmpty ? link.name : path + "/" + link.name,
                    visitedGroups: &visitedGroups, depth: depth + 1, body)
            }
        }
    }
}
