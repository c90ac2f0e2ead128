/// DEFLATE decompression (RFC 1951) and its zlib wrapper (RFC 1950), for deflated zip members
/// and HDF5's gzip filter. Every read is bounds-checked and the output never grows past a limit
/// the caller sets from what the container declares, so forged data throws instead of
/// exhausting memory.
package enum Inflate {
    /// The largest expansion DEFLATE can encode: a 258-byte match costs at least one bit of a
    /// 1-bit literal/length code plus one bit of distance code, so about 1032 output bytes per
    /// input byte. Containers declaring more than this are forged.
    package static let maximumRatio = 1032

    /// The decompressed bytes of raw DEFLATE data. Throws when the data is malformed, ends
    /// early, or would decompress to more than `limit` bytes.
    package static func decompress(_ input: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        var state = Inflater(input: input, limit: limit)
        try state.run()
        return state.output
    }

    /// The decompressed bytes of zlib data (a 2-byte header, DEFLATE data and an Adler-32 of the
    /// output), as HDF5's deflate filter and `compress2` write them.
    package static func zlibDecompress(_ input: UnsafeRawBufferPointer, limit: Int) throws -> [UInt8] {
        guard input.count >= 6 else { throw ArchiveError("zlib stream is truncated") }
        let cmf = Int(input[0])
        let flags = Int(input[1])
        guard cmf & 0x0F == 8, cmf >> 4 <= 7, (cmf << 8 | flags) % 31 == 0 else {
            throw ArchiveError("not a zlib stream (bad header)")
        }
        guard flags & 0x20 == 0 else {
            throw ArchiveError("zlib stream needs a preset dictionary, which is not supported")
        }
        var state = Inflater(input: UnsafeRawBufferPointer(rebasing: input[2...]), limit: limit)
        try state.run()
        let end = 2 + state.consumedBytes
        guard end + 4 <= input.count else { throw ArchiveError("zlib stream is truncated (no Adler-32)") }
        let stored =
            UInt32(input[end]) << 24 | UInt32(input[end + 1]) << 16 | UInt32(input[end + 2]) << 8
            | UInt32(input[end + 3])
        guard Adler32.checksum(state.output) == stored else {
            throw ArchiveError("zlib stream's Adler-32 does not match; the data is corrupted")
        }
        return state.output
    }
}

/// The Adler-32 checksum of zlib streams.
package enum Adler32 {
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            // 5552 bytes is the most that cannot overflow 32 bits before the modulo.
            let end = min(bytes.count, index + 5552)
            while index < end {
                a &+= UInt32(bytes[index])
                b &+= a
                index += 1
            }
            a %= 65521
            b %= 65521
        }
        return b << 16 | a
    }
}

/// A canonical Huffman code as a lookup table indexed by the next 15 input bits (LSB first):
/// each entry is `symbol << 4 | length`, 0 where no code matches.
private struct HuffmanTable {
    static let maximumBits = 15
    var entries: [UInt32]

    /// The table for `lengths[symbol]` (0 = unused). Throws for an over-subscribed code.
    init(lengths: ArraySlice<UInt8>) throws {
        var counts = [Int](repeating: 0, count: Self.maximumBits + 1)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var left = 1
        for length in 1...Self.maximumBits {
            left = left << 1 - counts[length]
            guard left >= 0 else { throw ArchiveError("invalid deflate data: over-subscribed Huffman code") }
        }
        var next = [Int](repeating: 0, count: Self.maximumBits + 2)
        for length in 1...Self.maximumBits { next[length + 1] = (next[length] + counts[length]) << 1 }
        entries = [UInt32](repeating: 0, count: 1 << Self.maximumBits)
        for (offset, length) in lengths.enumerated() where length > 0 {
            let bits = Int(length)
            let code = next[bits]
            next[bits] += 1
            var reversed = 0
            for bit in 0..<bits where code >> bit & 1 == 1 { reversed |= 1 << (bits - 1 - bit) }
            let entry = UInt32(offset) << 4 | UInt32(bits)
            var index = reversed
            while index < entries.count {
                entries[index] = entry
                index += 1 << bits
            }
        }
    }
}

private struct Inflater {
    let input: UnsafeRawBufferPointer
    let limit: Int
    var output: [UInt8] = []
    var position = 0
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    /// Bits appended past the end of the input (as zeros), so a code at the very end can be
    /// peeked; consuming any of them means the data is truncated.
    var paddingBits = 0

    init(input: UnsafeRawBufferPointer, limit: Int) {
        self.input = input
        self.limit = limit
        output.reserveCapacity(min(limit, max(1024, input.count * 4)))
    }

    /// Input bytes consumed, rounded up to whole bytes.
    var consumedBytes: Int { position - bitCount / 8 }

    mutating func refill() {
        while bitCount <= 56 {
            if position < input.count {
                bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
                position += 1
            } else {
                paddingBits += 8
                position += 1
            }
            bitCount += 8
        }
    }

    mutating func bits(_ count: Int) throws -> Int {
        if bitCount < count { refill() }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        try consume(count)
        return value
    }

    mutating func consume(_ count: Int) throws {
        bitBuffer >>= UInt64(count)
        bitCount -= count
        if paddingBits > bitCount { throw ArchiveError("deflate data is truncated") }
    }

    mutating func decode(_ table: HuffmanTable) throws -> Int {
        if bitCount < HuffmanTable.maximumBits { refill() }
        let entry = table.entries[Int(bitBuffer & 0x7FFF)]
        guard entry != 0 else { throw ArchiveError("invalid deflate data: unknown Huffman code") }
        try consume(Int(entry & 0xF))
        return Int(entry >> 4)
    }

    mutating func append(_ byte: UInt8) throws {
        guard output.count < limit else {
            throw ArchiveError("deflate data expands past its declared size of \(limit) bytes")
        }
        output.append(byte)
    }

    mutating func run() throws {
        var final = false
        while !final {
            final = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try huffmanBlock(Self.fixedLiterals, Self.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicTables()
                try huffmanBlock(literals, distances)
            default: throw ArchiveError("invalid deflate data: reserved block type")
            }
        }
        // Give back whole bytes read ahead into the bit buffer.
        let unread = bitCount / 8
        position -= unread
        bitCount -= unread * 8
        bitBuffer = 0
        if position > input.count { throw ArchiveError("deflate data is truncated") }
    }

    mutating func storedBlock() throws {
        // Drop to a byte boundary, then return the whole bytes still in the bit buffer.
        try consume(bitCount % 8)
        position -= bitCount / 8
        bitCount = 0
        bitBuffer = 0
        paddingBits = 0
        guard position + 4 <= input.count else { throw ArchiveError("deflate data is truncated") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == complement ^ 0xFFFF else {
            throw ArchiveError("invalid deflate data: stored block length check failed")
        }
        position += 4
        guard length <= input.count - position else { throw ArchiveError("deflate data is truncated") }
        guard length <= limit - output.count else {
            throw ArchiveError("deflate data expands past its declared size of \(limit) bytes")
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[position..<(position + length)]))
        position += length
    }

    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
        258,
    ]
    static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static let fixedLiterals: HuffmanTable = {
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        return try! HuffmanTable(lengths: lengths[...])
    }()
    static let fixedDistances: HuffmanTable = try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30)[...])

    mutating func dynamicTables() throws -> (HuffmanTable, HuffmanTable) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw ArchiveError("invalid deflate data: too many codes")
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengthLengths[Self.codeLengthOrder[index]] = UInt8(try bits(3)) }
        let codeLengths = try HuffmanTable(lengths: codeLengthLengths[...])
        var lengths: [UInt8] = []
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(codeLengths)
            switch symbol {
            case 0..<16: lengths.append(UInt8(symbol))
            case 16:
                guard let previous = lengths.last else {
                    throw ArchiveError("invalid deflate data: repeat with no previous length")
                }
                lengths += repeatElement(previous, count: 3 + (try bits(2)))
            case 17: lengths += repeatElement(0, count: 3 + (try bits(3)))
            default: lengths += repeatElement(0, count: 11 + (try bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else {
            throw ArchiveError("invalid deflate data: code lengths overrun")
        }
        guard lengths[256] != 0 else { throw ArchiveError("invalid deflate data: no end-of-block code") }
        return (
            try HuffmanTable(lengths: lengths[0..<literalCount]), try HuffmanTable(lengths: lengths[literalCount...])
        )
    }

    mutating func huffmanBlock(_ literals: HuffmanTable, _ distances: HuffmanTable) throws {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                try append(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < 29 else { throw ArchiveError("invalid deflate data: bad length symbol") }
            let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < 30 else { throw ArchiveError("invalid deflate data: bad distance symbol") }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            guard distance <= output.count else {
                throw ArchiveError("invalid deflate data: distance reaches before the start of the output")
            }
            guard length <= limit - output.count else {
                throw ArchiveError("deflate data expands past its declared size of \(limit) bytes")
            }
            let start = output.count - distance
            for offset in 0..<length { output.append(output[start + offset]) }
        }
    }
}
