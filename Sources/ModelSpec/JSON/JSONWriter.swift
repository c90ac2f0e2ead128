/// Writes JSON text the way Python's `json.dumps` does (with its default `ensure_ascii=True`).
///
/// Strings are escaped as Python escapes them: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other
/// control characters and DEL as `\u00XX`, every non-ASCII scalar as `\uXXXX` (lowercase hex,
/// surrogate pairs above U+FFFF). Numbers are written as their literal text and object members in
/// their order, so for a document whose numbers are written as Python writes them, the
/// ``Style/python`` output equals `json.dumps(json.loads(document))` byte for byte.
public struct JSONWriter: Sendable {
    /// How the output is laid out.
    public enum Style: Sendable {
        /// As `json.dumps(value)`: `", "` between elements, `": "` after keys, one line.
        case python
        /// As `json.dumps(value, indent: indent)`: each element on its own line indented by
        /// `indent` spaces per level, `","` at line ends, `": "` after keys; `[]` and `{}` stay
        /// on one line.
        case pretty(indent: Int)
    }

    /// The layout.
    public var style: Style

    /// A writer with `style`.
    public init(style: Style = .python) {
        self.style = style
    }

    /// `value` as JSON text.
    public func write(_ value: JSONValue) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        switch style {
        case .python:
            write(value, to: &output, indent: nil, level: 0)
        case .pretty(let indent):
            write(value, to: &output, indent: max(0, indent), level: 0)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func write(_ value: JSONValue, to output: inout [UInt8], indent: Int?, level: Int) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let bool):
            output.append(contentsOf: (bool ? "true" : "false").utf8)
        case .number(let text):
            output.append(contentsOf: text.utf8)
        case .string(let string):
            JSONWriter.writeString(string, to: &output)
        case .array(let elements):
            guard !elements.isEmpty else {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                separate(index, output: &output, indent: indent, level: level + 1)
                write(element.value, to: &output, indent: indent, level: level + 1)
            }
            closeLine(output: &output, indent: indent, level: level)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                separate(index, output: &output, indent: indent, level: level + 1)
                JSONWriter.writeString(member.key, to: &output)
                output.append(contentsOf: ": ".utf8)
                write(member.value.value, to: &output, indent: indent, level: level + 1)
            }
            closeLine(output: &output, indent: indent, level: level)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes what goes before the element at `index`: a separator and, when pretty, a new line.
    private func separate(_ index: Int, output: inout [UInt8], indent: Int?, level: Int) {
        if let indent {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
        } else if index > 0 {
            output.append(contentsOf: ", ".utf8)
        }
    }

    /// Writes what goes before a closing bracket: when pretty, a new line.
    private func closeLine(output: inout [UInt8], indent: Int?, level: Int) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes `string` quoted and escaped as Python's `json.dumps` does with `ensure_ascii=True`.
    static func writeString(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for scalar in string.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x22: output.append(contentsOf: "\\\"".utf8)
            case 0x5C: output.append(contentsOf: "\\\\".utf8)
            case 0x0A: output.append(contentsOf: "\\n".utf8)
            case 0x0D: output.append(contentsOf: "\\r".utf8)
            case 0x09: output.append(contentsOf: "\\t".utf8)
            case 0x08: output.append(contentsOf: "\\b".utf8)
            case 0x0C: output.append(contentsOf: "\\f".utf8)
            case 0x20...0x7E: output.append(UInt8(value))
            case 0x10000...:
                let offset = value - 0x10000
                writeUnicodeEscape(0xD800 | (offset >> 10), to: &output)
                writeUnicodeEscape(0xDC00 | (offset & 0x3FF), to: &output)
            default:
                writeUnicodeEscape(value, to: &output)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func writeUnicodeEscape(_ unit: UInt32, to output: inout [UInt8]) {
        output.append(contentsOf: "\\u".utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int((unit >> UInt32(shift)) & 0xF)])
        }
    }
}
