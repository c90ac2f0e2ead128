import ModelSpec

/// Indented Swift source.
struct SourceWriter {
    private(set) var text = ""
    private var depth = 0

    /// `content` at the current depth, broken into several lines when wider than 120 columns.
    mutating func line(_ content: String = "") {
        if content.isEmpty {
            text += "\n"
        } else {
            for wrapped in LineWrapper.wrap(content, indent: depth) { text += wrapped + "\n" }
        }
    }

    /// `prefix(arguments)suffix` on one line when it fits in 110 columns, else one argument a line.
    mutating func assignment(_ prefix: String, arguments: [String], suffix: String = "") {
        let single = prefix + "(" + arguments.joined(separator: ", ") + ")" + suffix
        if String(repeating: "    ", count: depth).count + single.count <= 110 {
            line(single)
            return
        }
        line(prefix + "(")
        depth += 1
        for (index, argument) in arguments.enumerated() {
            line(argument + (index == arguments.count - 1 ? "" : ","))
        }
        depth -= 1
        line(")" + suffix)
    }

    /// `body`'s lines one level deeper, e.g. the elements of a list literal.
    mutating func indented(_ body: (inout SourceWriter) -> Void) {
        depth += 1
        body(&self)
        depth -= 1
    }

    mutating func block(_ header: String, _ body: (inout SourceWriter) -> Void) {
        line(header + " {")
        depth += 1
        body(&self)
        depth -= 1
        line("}")
    }
}

/// Number formatting as Keras prints it.
enum Format {
    /// `23361` → `23,361`.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return out
    }
}
