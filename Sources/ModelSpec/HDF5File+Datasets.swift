// HDF5 datasets and attributes (HDF5File.swift): datatypes, dataspaces, attribute values and
// the global heap strings they point to.

extension HDF5File {
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
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}
