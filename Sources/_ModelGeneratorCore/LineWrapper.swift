/// Breaks a generated line that is wider than 120 columns the way the project's formatter lays
/// out hand-written code: comments at word boundaries, a trailing comment onto its own line
/// above, argument lists after their opening bracket (packed, the closing bracket after the
/// last argument, or on a line of its own before a `{` or after an array), and string literals
/// into `+`-joined parts. Text inside string literals is never changed.
enum LineWrapper {
    /// The widest line it leaves, indentation included.
    static let width = 120

    /// `content` at `indent` levels of four spaces, as one or more lines (indentation
    /// included).
    static func wrap(_ content: String, indent: Int) -> [String] {
        wrap(content, pad: String(repeating: "    ", count: indent))
    }

    /// `content` after `pad`; spaces that start `content` count as indentation.
    private static func wrap(_ content: String, pad: String) -> [String] {
        if pad.count + content.count <= width || content.contains("\n") { return [pad + content] }
        if content.hasPrefix(" ") {
            let lead = content.prefix { $0 == " " }
            return wrap(String(content.dropFirst(lead.count)), pad: pad + lead)
        }
        let characters = Array(content)
        if content.hasPrefix("//") { return comment(characters, pad: pad) }
        let scan = Scan(characters)
        if let start = scan.trailingComment {
            let code = String(characters[..<start]).trimmingTrailingSpaces
            return wrap(String(characters[start...]), pad: pad) + wrap(code, pad: pad)
        }
        // Commas between items (not one that only ends the line).
        if scan.commas.contains(where: { $0 < characters.count - 1 }) {
            var pieces: [String] = []
            var start = 0
            for comma in scan.commas {
                pieces.append(String(characters[start...comma]).trimmingLeadingSpaces)
                start = comma + 1
            }
            pieces.append(String(characters[start...]).trimmingLeadingSpaces)
            return pack(pieces.filter { !$0.isEmpty }, pad: pad)
        }
        if let group = scan.groupToBreak(length: characters.count, room: width - pad.count) {
            let head = String(characters[...group.open])
            let inner = String(characters[(group.open + 1)..<group.close]).trimmingLeadingSpaces
            let tail = String(characters[group.close...])
            var lines = [pad + head] + wrap(inner, pad: pad + "    ")
            let closesAlone = characters[group.open] == "[" || tail.trimmingTrailingSpaces.hasSuffix("{")
            if !closesAlone, lines[lines.count - 1].count + tail.count <= width {
                lines[lines.count - 1] += tail
            } else {
                lines += wrap(tail, pad: pad)
            }
            return lines
        }
        if let split = splitString(characters, pad: pad) { return split }
        return [pad + content]
    }

    /// Pieces (each with its trailing comma) packed into lines after `pad`.
    private static func pack(_ pieces: [String], pad: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for piece in pieces {
            if line.isEmpty {
                line = piece
            } else if pad.count + line.count + 1 + piece.count <= width {
                line += " " + piece
            } else {
                lines += wrap(line, pad: pad)
                line = piece
            }
        }
        if !line.isEmpty { lines += wrap(line, pad: pad) }
        return lines
    }

    /// A `//` or `///` comment rewrapped at spaces.
    private static func comment(_ characters: [Character], pad: String) -> [String] {
        let text = String(characters)
        let marker = text.hasPrefix("///") ? "///" : "//"
        let words = text.dropFirst(marker.count).split(separator: " ")
        var lines: [String] = []
        var line = pad + marker
        for word in words {
            if line.count > pad.count + marker.count, line.count + 1 + word.count > width {
                lines.append(line)
                line = pad + marker
            }
            line += " " + word
        }
        lines.append(line)
        return lines
    }

    /// A line that is (a label and) one string literal and a closing tail, split at spaces into
    /// `"…" + "…"` parts.
    private static func splitString(_ characters: [Character], pad: String) -> [String]? {
        guard let quote = characters.firstIndex(of: "\""), characters[..<quote].allSatisfy({ $0 != "(" }) else {
            return nil
        }
        let end = Scan.endOfString(characters, from: quote)
        guard end <= characters.count else { return nil }
        let head = String(characters[..<quote])
        let tail = String(characters[end...])
        // Spaces inside the literal (outside interpolations), where a part may end.
        var breaks: [Int] = []
        var index = quote + 1
        while index < end - 1 {
            if characters[index] == "\\" {
                index = characters[index + 1] == "(" ? Scan.endOfGroup(characters, from: index + 1) : index + 2
                continue
            }
            if characters[index] == " " { breaks.append(index) }
            index += 1
        }
        let continuation = pad + "    + \""
        var lines: [String] = []
        var start = quote + 1
        var prefix = pad + head + "\""
        while true {
            let room = width - prefix.count - 1
            let rest = end - 1 - start
            if rest + tail.count + 1 <= room + 1 || breaks.allSatisfy({ $0 < start }) {
                lines.append(prefix + String(characters[start..<(end - 1)]) + "\"" + tail)
                return lines.count > 1 ? lines : nil
            }
            guard let cut = breaks.last(where: { $0 >= start && $0 - start + 1 <= room }) else { return nil }
            lines.append(prefix + String(characters[start...cut]) + "\"")
            start = cut + 1
            prefix = continuation
        }
    }

    /// Where a line's brackets, commas and comments are, outside string literals.
    private struct Scan {
        /// Commas at the line's top level (outside brackets, parentheses and closures).
        var commas: [Int] = []
        /// Bracket groups at the top level, opening and closing index.
        var groups: [(open: Int, close: Int)] = []
        /// The start of a `//` comment after code.
        var trailingComment: Int?

        /// Scans `characters`; brackets that close at its start (the rest of a line broken
        /// before them) are skipped.
        init(_ characters: [Character]) {
            var depth = 0
            var opened: [Int] = []
            var index = characters.prefix { $0 == ")" || $0 == "]" }.count
            while index < characters.count {
                let character = characters[index]
                switch character {
                case "\"":
                    index = Scan.endOfString(characters, from: index)
                    continue
                case "(", "[":
                    if depth == 0 { opened.append(index) }
                    depth += 1
                case ")", "]":
                    depth -= 1
                    if depth == 0, let open = opened.popLast() { groups.append((open, index)) }
                case "{":
                    depth += 1
                case "}":
                    depth -= 1
                case ",":
                    if depth == 0 { commas.append(index) }
                case "/":
                    if index + 1 < characters.count, characters[index + 1] == "/", index > 0 {
                        trailingComment = index
                        index = characters.count
                        continue
                    }
                default:
                    break
                }
                index += 1
            }
            if let comment = trailingComment { commas.removeAll { $0 > comment } }
        }

        /// The group to break: the first top-level one with a fair share of the line inside it
        /// (so a call breaks after its name, a signature before its parameters), else the widest.
        /// A head that does not fit (a signature before a long return type) breaks at the first
        /// group instead.
        func groupToBreak(length: Int, room: Int) -> (open: Int, close: Int)? {
            let candidates = groups.filter { $0.close > $0.open + 1 }
            let chosen =
                candidates.first { ($0.close - $0.open) * 3 >= length }
                ?? candidates.max { $0.close - $0.open < $1.close - $1.open }
            guard let chosen, chosen.open < room else { return candidates.first }
            return chosen
        }

        /// The index after the string literal that opens at `start`.
        static func endOfString(_ characters: [Character], from start: Int) -> Int {
            var index = start + 1
            while index < characters.count {
                switch characters[index] {
                case "\\":
                    if index + 1 < characters.count, characters[index + 1] == "(" {
                        index = endOfGroup(characters, from: index + 1)
                    } else {
                        index += 2
                    }
                case "\"":
                    return index + 1
                default:
                    index += 1
                }
            }
            return characters.count + 1
        }

        /// The index after the parenthesis that closes the one at `start`.
        static func endOfGroup(_ characters: [Character], from start: Int) -> Int {
            var depth = 0
            var index = start
            while index < characters.count {
                switch characters[index] {
                case "\"":
                    index = endOfString(characters, from: index)
                    continue
                case "(":
                    depth += 1
                case ")":
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default:
                    break
                }
                index += 1
            }
            return characters.count
        }
    }
}

extension String {
    fileprivate var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
