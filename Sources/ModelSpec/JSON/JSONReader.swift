/// A strict RFC 8259 JSON parser that records where every value and key starts.
///
/// Beyond the RFC it accepts `NaN`, `Infinity` and `-Infinity` as numbers (Python's `json`
/// writes them) and skips a leading UTF-8 byte order mark. It rejects everything else that is not
/// JSON: comments, trailing commas, single quotes, leading zeros, `+1`, `.5`, `1.`, unescaped
/// control characters, invalid escapes, unpaired surrogates, invalid UTF-8 and duplicate keys.
///
/// Errors are ``SpecError``s located at the offending byte (1-based line, 1-based UTF-8 byte
/// column; a byte order mark does not count as a column) with `file` left nil for the caller to
/// attach. The parser does not recurse, so no input can exhaust the stack while parsing.
public enum JSONReader {
    /// Parses `bytes`, UTF-8 JSON holding exactly one value. Containers may nest at most
    /// `maxDepth` levels. (Very large limits let values through that are deep enough to exhaust
    /// the stack in recursive code such as `==` or the writer.)
    public static func parse(_ bytes: [UInt8], maxDepth: Int = 256) throws(SpecError) -> JSONNode {
        try bytes.withUnsafeBufferPointer { parse(buffer: $0, maxDepth: maxDepth) }.get()
    }

    /// Parses `text`, which holds exactly one JSON value; see the `[UInt8]` overload.
    public static func parse(_ text: String, maxDepth: Int = 256) throws(SpecError) -> JSONNode {
        var text = text
        return try text.withUTF8 { parse(buffer: $0, maxDepth: maxDepth) }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONNode, SpecError> {
        Result { () throws(SpecError) in
            var parser = Parser(bytes: buffer, maxDepth: maxDepth)
            return try parser.parseDocument()
        }
    }
}

// MARK: - Parser

private enum ASCII {
    static let tab = UInt8(ascii: "\t"), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " "), quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":"), minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+"), dot = UInt8(ascii: "."), zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9"), openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let lowerE = UInt8(ascii: "e"), upperE = UInt8(ascii: "E"), underscore = UInt8(ascii: "_")

    static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }

    static func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || byte == underscore || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case zero...nine: UInt32(byte - zero)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}

/// An array or object still being read.
private struct OpenContainer {
    var isObject: Bool
    var start: SourceLocation
    var elements: [JSONNode] = []
    var members: [JSONMember] = []
    /// The key whose value is being read, in an object.
    var key = ""
    var keyLocation = SourceLocation(line: 1, column: 1)
    /// Member indices by key, built once an object has enough members to make scanning slow.
    var keyIndex: [ExactKey: Int] = [:]

    var name: String { isObject ? "object" : "array" }
    var closer: String { isObject ? "'}'" : "']'" }
}

private struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0
    var line = 1
    /// The offset of the first byte of the current line.
    var lineStart = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            position = 3
            lineStart = 3
        }
    }

    var atEnd: Bool { position >= bytes.count }

    var location: SourceLocation { SourceLocation(line: line, column: position - lineStart + 1) }

    func error(_ message: String, at location: SourceLocation? = nil) -> SpecError {
        SpecError(message, at: location ?? self.location)
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case ASCII.space, ASCII.tab:
                break
            case ASCII.newline:
                line += 1
                lineStart = position + 1
            case ASCII.carriageReturn:
                // "\r\n" counts once, at its "\n"; a lone "\r" ends a line too.
                if position + 1 >= bytes.count || bytes[position + 1] != ASCII.newline {
                    line += 1
                    lineStart = position + 1
                }
            default:
                return
            }
            position += 1
        }
    }

    // MARK: Document and containers

    mutating func parseDocument() throws(SpecError) -> JSONNode {
        skipWhitespace()
        if atEnd { throw error("empty file: expected a JSON value") }

        var stack: [OpenContainer] = []
        var result: JSONNode
        readValues: while true {
            // Read one value; a non-empty container is pushed and its first value read next.
            let start = location
            var node: JSONNode
            switch bytes[position] {
            case ASCII.openBracket, ASCII.openBrace:
                let isObject = bytes[position] == ASCII.openBrace
                if stack.count >= maxDepth { throw error("nesting deeper than \(maxDepth) levels") }
                position += 1
                var container = OpenContainer(isObject: isObject, start: start)
                skipWhitespace()
                if atEnd { throw endOfFile(in: container) }
                if bytes[position] == (isObject ? ASCII.closeBrace : ASCII.closeBracket) {
                    position += 1
                    node = JSONNode(isObject ? .object([]) : .array([]), at: start)
                } else {
                    if isObject {
                        try readKey(into: &container, afterComma: nil)
                    }
                    stack.append(container)
                    continue readValues
                }
            case ASCII.quote:
                node = JSONNode(.string(try parseString()), at: start)
            default:
                node = JSONNode(try parseScalar(), at: start)
            }

            // Attach the value to its container; close every container that ends here.
            while true {
                guard !stack.isEmpty else {
                    result = node
                    break readValues
                }
                let top = stack.count - 1
                skipWhitespace()
                if stack[top].isObject {
                    stack[top].members.append(JSONMember(key: stack[top].key, at: stack[top].keyLocation, value: node))
                } else {
                    stack[top].elements.append(node)
                }
                if atEnd { throw endOfFile(in: stack[top]) }
                let closer = stack[top].isObject ? ASCII.closeBrace : ASCII.closeBracket
                switch bytes[position] {
                case ASCII.comma:
                    let comma = location
                    position += 1
                    skipWhitespace()
                    if atEnd { throw endOfFile(in: stack[top]) }
                    if bytes[position] == closer {
                        throw error("trailing comma before \(stack[top].closer)", at: comma)
                    }
                    if stack[top].isObject {
                        try readKey(into: &stack[top], afterComma: comma)
                    }
                    continue readValues
                case closer:
                    position += 1
                    let container = stack.removeLast()
                    let value: JSONValue = container.isObject ? .object(container.members) : .array(container.elements)
                    node = JSONNode(value, at: container.start)
                default:
                    let what = stack[top].isObject ? "object member" : "array element"
                    throw error("expected ',' or \(stack[top].closer) after \(what), found \(describeFound())")
                }
            }
        }

        skipWhitespace()
        if !atEnd { throw error("unexpected text after the top-level value") }
        return result
    }

    /// Reads `"key" :` and the whitespace after it, leaving the position at the member's value.
    mutating func readKey(into container: inout OpenContainer, afterComma comma: SourceLocation?) throws(SpecError) {
        guard bytes[position] == ASCII.quote else {
            let expected = comma == nil ? "a string key or '}'" : "a string key after ','"
            throw error("expected \(expected) in object, found \(describeFound())")
        }
        let keyLocation = location
        let key = try parseString()
        if let first = firstLocation(of: key, in: &container) {
            throw error("duplicate key \(quotedForMessage(key)) (first at \(first))", at: keyLocation)
        }
        container.key = key
        container.keyLocation = keyLocation
        skipWhitespace()
        if atEnd { throw endOfFile(in: container) }
        guard bytes[position] == ASCII.colon else {
            throw error("expected ':' after object key, found \(describeFound())")
        }
        position += 1
        skipWhitespace()
        if atEnd { throw endOfFile(in: container) }
    }

    /// Where `key` already occurs in `container`, if it does.
    func firstLocation(of key: String, in container: inout OpenContainer) -> SourceLocation? {
        let members = container.members
        if members.count < 32 {
            for member in members where member.key.hasSameUTF8(as: key) {
                return member.keyLocation
            }
            return nil
        }
        if container.keyIndex.isEmpty {
            for (index, member) in members.enumerated() {
                container.keyIndex[ExactKey(member.key)] = index
            }
        } else {
            // Keys are checked before they are added, so only the newest member is missing.
            container.keyIndex[ExactKey(members[members.count - 1].key)] = members.count - 1
        }
        return container.keyIndex[ExactKey(key)].map { members[$0].keyLocation ?? container.start }
    }

    func endOfFile(in container: OpenContainer) -> SpecError {
        error(
            "unexpected end of file, expected \(container.closer) to close the \(container.name) opened at "
                + "\(container.start)"
        )
    }

    // MARK: Scalars

    /// Reads a literal or a number at the current position.
    mutating func parseScalar() throws(SpecError) -> JSONValue {
        let byte = bytes[position]
        if byte == ASCII.minus || ASCII.isDigit(byte) {
            return try parseNumber()
        }
        switch byte {
        case UInt8(ascii: "t") where matchWord("true"): return .bool(true)
        case UInt8(ascii: "f") where matchWord("false"): return .bool(false)
        case UInt8(ascii: "n") where matchWord("null"): return .null
        case UInt8(ascii: "N") where matchWord("NaN"): return .number("NaN")
        case UInt8(ascii: "I") where matchWord("Infinity"): return .number("Infinity")
        default: break
        }
        if byte == ASCII.plus {
            throw error("invalid number '\(numberText(from: position))': a leading '+' is not allowed")
        }
        if byte == ASCII.dot {
            throw error("invalid number '\(numberText(from: position))': a digit is required before the decimal point")
        }
        throw error("expected a JSON value, found \(describeFound())")
    }

    /// Consumes `word` when it is at the current position and not followed by another word byte.
    mutating func matchWord(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count else { return false }
        let matches = word.withUTF8Buffer { wordBytes in
            for index in 0..<count where bytes[position + index] != wordBytes[index] { return false }
            return true
        }
        guard matches, position + count >= bytes.count || !ASCII.isWordByte(bytes[position + count]) else {
            return false
        }
        position += count
        return true
    }

    mutating func parseNumber() throws(SpecError) -> JSONValue {
        let start = position
        if bytes[position] == ASCII.minus {
            position += 1
            if matchWord("Infinity") { return .number("-Infinity") }
        }
        guard !atEnd, ASCII.isDigit(bytes[position]) else {
            throw error("invalid number '\(numberText(from: start))': expected a digit after '-'")
        }
        if bytes[position] == ASCII.zero {
            position += 1
        } else {
            skipDigits()
        }
        if !atEnd && bytes[position] == ASCII.dot {
            position += 1
            guard !atEnd, ASCII.isDigit(bytes[position]) else {
                throw error("invalid number '\(numberText(from: start))': expected a digit after the decimal point")
            }
            skipDigits()
        }
        if !atEnd && (bytes[position] == ASCII.lowerE || bytes[position] == ASCII.upperE) {
            position += 1
            if !atEnd && (bytes[position] == ASCII.plus || bytes[position] == ASCII.minus) { position += 1 }
            guard !atEnd, ASCII.isDigit(bytes[position]) else {
                throw error("invalid number '\(numberText(from: start))': expected a digit in the exponent")
            }
            skipDigits()
        }
        if !atEnd {
            let next = bytes[position]
            if ASCII.isWordByte(next) || next == ASCII.dot || next == ASCII.plus || next == ASCII.minus {
                let text = numberText(from: start)
                let integer = bytes[start] == ASCII.minus ? start + 1 : start
                if ASCII.isDigit(next) && position == integer + 1 && bytes[integer] == ASCII.zero {
                    throw error("invalid number '\(text)': leading zeros are not allowed")
                }
                throw error("invalid number '\(text)'")
            }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
    }

    mutating func skipDigits() {
        while position < bytes.count && ASCII.isDigit(bytes[position]) { position += 1 }
    }

    /// The run of number-like bytes starting at `start`, for messages.
    func numberText(from start: Int) -> String {
        var end = start
        while end < bytes.count && end - start < 40 {
            let byte = bytes[end]
            guard ASCII.isWordByte(byte) || byte == ASCII.dot || byte == ASCII.plus || byte == ASCII.minus else {
                break
            }
            end += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    // MARK: Strings

    /// Reads the string whose opening quote is at the current position.
    mutating func parseString() throws(SpecError) -> String {
        let opening = location
        position += 1
        var pieceStart = position
        var unescaped: [UInt8] = []
        var hasEscapes = false
        while true {
            guard position < bytes.count else {
                throw error("unexpected end of file, expected '\"' to close the string opened at \(opening)")
            }
            let byte = bytes[position]
            if byte == ASCII.quote {
                let piece = UnsafeBufferPointer(rebasing: bytes[pieceStart..<position])
                position += 1
                if !hasEscapes { return String(decoding: piece, as: UTF8.self) }
                unescaped.append(contentsOf: piece)
                return String(decoding: unescaped, as: UTF8.self)
            } else if byte == ASCII.backslash {
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pieceStart..<position]))
                hasEscapes = true
                try parseEscape(into: &unescaped, opening: opening)
                pieceStart = position
            } else if byte < 0x20 {
                throw error("unescaped control character \(scalarName(UInt32(byte))) in string")
            } else if byte < 0x80 {
                position += 1
            } else {
                try skipUTF8Sequence()
            }
        }
    }

    /// Reads the escape sequence at the current position (a backslash) and appends its UTF-8.
    mutating func parseEscape(into output: inout [UInt8], opening: SourceLocation) throws(SpecError) {
        let escape = location
        let escapeOffset = position
        guard position + 1 < bytes.count else {
            position += 1
            throw error("unexpected end of file, expected '\"' to close the string opened at \(opening)")
        }
        let simple: UInt8
        switch bytes[position + 1] {
        case ASCII.quote: simple = ASCII.quote
        case ASCII.backslash: simple = ASCII.backslash
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = ASCII.newline
        case UInt8(ascii: "r"): simple = ASCII.carriageReturn
        case UInt8(ascii: "t"): simple = ASCII.tab
        case UInt8(ascii: "u"):
            guard let unit = hexEscape(at: position) else {
                throw error(
                    "invalid escape sequence '\(escapeText(at: position))' in string: "
                        + "expected 4 hexadecimal digits after '\\u'")
            }
            var scalar = unit
            position += 6
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard let low = hexEscape(at: position), low >= 0xDC00 && low <= 0xDFFF else {
                    throw error("unpaired surrogate '\(escapeText(at: escapeOffset))' in string", at: escape)
                }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                position += 6
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw error("unpaired surrogate '\(escapeText(at: escapeOffset))' in string", at: escape)
            }
            appendUTF8(scalar, to: &output)
            return
        default:
            let next = bytes[position + 1]
            if next >= 0x21 && next <= 0x7E {
                throw error("invalid escape sequence '\(escapeText(at: position))' in string")
            }
            throw error("invalid escape sequence in string: '\\' followed by \(describeFound(at: position + 1))")
        }
        output.append(simple)
        position += 2
    }

    /// The code unit of a `\uXXXX` escape at `offset`, if there is a well-formed one.
    func hexEscape(at offset: Int) -> UInt32? {
        guard offset + 6 <= bytes.count, bytes[offset] == ASCII.backslash, bytes[offset + 1] == UInt8(ascii: "u") else {
            return nil
        }
        var value: UInt32 = 0
        for index in offset + 2..<offset + 6 {
            guard let digit = ASCII.hexValue(bytes[index]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// The escape at `offset` as written (`\q`, `\u12G4`), printable ASCII only, for messages.
    func escapeText(at offset: Int) -> String {
        let length = bytes[offset + 1] == UInt8(ascii: "u") ? 6 : 2
        var end = offset + 1
        while end < min(bytes.count, offset + length) && bytes[end] >= 0x21 && bytes[end] <= 0x7E
            && bytes[end] != ASCII.quote
        {
            end += 1
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
    }

    func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        // Typed steps: one expression of shifts, masks and conversions type-checks slowly.
        func byte(_ lead: UInt32, _ shift: UInt32, _ mask: UInt32) -> UInt8 {
            let bits: UInt32 = (scalar >> shift) & mask
            return UInt8(truncatingIfNeeded: lead | bits)
        }
        switch scalar {
        case ..<0x80:
            output.append(UInt8(truncatingIfNeeded: scalar))
        case ..<0x800:
            output.append(byte(0xC0, 6, 0x1F))
            output.append(byte(0x80, 0, 0x3F))
        case ..<0x10000:
            output.append(byte(0xE0, 12, 0x0F))
            output.append(byte(0x80, 6, 0x3F))
            output.append(byte(0x80, 0, 0x3F))
        default:
            output.append(byte(0xF0, 18, 0x07))
            output.append(byte(0x80, 12, 0x3F))
            output.append(byte(0x80, 6, 0x3F))
            output.append(byte(0x80, 0, 0x3F))
        }
    }

    /// Skips the well-formed multi-byte UTF-8 sequence at the current position.
    mutating func skipUTF8Sequence() throws(SpecError) {
        guard let length = utf8SequenceLength(at: position) else {
            let lead = bytes[position]
            if lead < 0xC2 || lead > 0xF4 {
                throw error("invalid UTF-8 byte \(hexByte(lead)) in string")
            }
            throw error("invalid UTF-8 sequence starting with byte \(hexByte(lead)) in string")
        }
        position += length
    }

    /// The length of the well-formed UTF-8 sequence of two or more bytes at `offset`, if there is one.
    func utf8SequenceLength(at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default: return nil
        }
        guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else { return nil }
        for index in offset + 2..<offset + length where bytes[index] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }

    // MARK: Messages

    /// What is at `offset` (the current position by default), for "found …" in messages.
    func describeFound(at offset: Int? = nil) -> String {
        let offset = offset ?? position
        guard offset < bytes.count else { return "the end of the file" }
        let byte = bytes[offset]
        if ASCII.isWordByte(byte) {
            var end = offset
            while end < bytes.count && ASCII.isWordByte(bytes[end]) && end - offset < 24 { end += 1 }
            let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
            let more = end < bytes.count && ASCII.isWordByte(bytes[end])
            return "'\(word)\(more ? "…" : "")'"
        }
        switch byte {
        case UInt8(ascii: "'"):
            return "\"'\" (JSON strings use double quotes)"
        case UInt8(ascii: "/"):
            return "'/' (JSON has no comments)"
        case 0x21...0x7E:
            return "'\(Character(Unicode.Scalar(byte)))'"
        case ..<0x80:
            return "control character \(scalarName(UInt32(byte)))"
        default:
            guard let length = utf8SequenceLength(at: offset) else {
                return "invalid UTF-8 byte \(hexByte(byte))"
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
            return "'\(text)' (\(scalarName(text.unicodeScalars.first!.value)))"
        }
    }

    func scalarName(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    func hexByte(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "0x" + (hex.count < 2 ? "0" : "") + hex
    }

}

/// `text` in double quotes, escaped as JSON, shortened to about 60 characters, for messages.
func quotedForMessage(_ text: String) -> String {
    var shortened = text
    if text.count > 60 { shortened = String(text.prefix(57)) + "…" }
    var result = "\""
    for scalar in shortened.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
