import Foundation
import ModelSpec
import Testing

/// The error `JSONReader` gives for `text` as `LINE:COLUMN: error: MESSAGE`, or nil when it parses.
private func parseFailure(_ text: String, maxDepth: Int = 256) -> String? {
    parseFailure(Array(text.utf8), maxDepth: maxDepth)
}

private func parseFailure(_ bytes: [UInt8], maxDepth: Int = 256) -> String? {
    do {
        _ = try JSONReader.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        #expect(error.file == nil)
        return error.description
    }
}

// MARK: - Malformed documents

@Suite struct JSONReaderErrorTests {
    static let malformed: [(input: String, expected: String)] = [
        ("", "1:1: error: empty file: expected a JSON value"),
        ("  \n  ", "2:3: error: empty file: expected a JSON value"),
        ("[1, 2", "1:6: error: unexpected end of file, expected ']' to close the array opened at 1:1"),
        (
            "{\n  \"a\": {\n    \"b\": 1\n",
            "4:1: error: unexpected end of file, expected '}' to close the object opened at 2:8"
        ),
        ("{\"a\"", "1:5: error: unexpected end of file, expected '}' to close the object opened at 1:1"),
        ("[1 x]", "1:4: error: expected ',' or ']' after array element, found 'x'"),
        ("[1,]", "1:3: error: trailing comma before ']'"),
        ("{\"a\": 1,}", "1:8: error: trailing comma before '}'"),
        ("{\n  \"units\": 1,\n  \"units\": 2\n}", "3:3: error: duplicate key \"units\" (first at 2:3)"),
        ("\"a\\qb\"", "1:3: error: invalid escape sequence '\\q' in string"),
        ("[1] 2", "1:5: error: unexpected text after the top-level value"),
        ("{\"a\":1}}", "1:8: error: unexpected text after the top-level value"),
        ("01", "1:2: error: invalid number '01': leading zeros are not allowed"),
        ("[-00]", "1:4: error: invalid number '-00': leading zeros are not allowed"),
        ("+1", "1:1: error: invalid number '+1': a leading '+' is not allowed"),
        (".5", "1:1: error: invalid number '.5': a digit is required before the decimal point"),
        ("1.", "1:3: error: invalid number '1.': expected a digit after the decimal point"),
        ("[1.e5]", "1:4: error: invalid number '1.e5': expected a digit after the decimal point"),
        ("1e", "1:3: error: invalid number '1e': expected a digit in the exponent"),
        ("1e+", "1:4: error: invalid number '1e+': expected a digit in the exponent"),
        ("-", "1:2: error: invalid number '-': expected a digit after '-'"),
        ("[-Infinity, -NaN]", "1:14: error: invalid number '-NaN': expected a digit after '-'"),
        ("1.5.3", "1:4: error: invalid number '1.5.3'"),
        (
            "{'a': 1}",
            "1:2: error: expected a string key or '}' in object, found \"'\" (JSON strings use double quotes)"
        ),
        ("[1, // comment\n 2]", "1:5: error: expected a JSON value, found '/' (JSON has no comments)"),
        ("{\"a\" 1}", "1:6: error: expected ':' after object key, found '1'"),
        ("{\"a\":1,\"b\"}", "1:11: error: expected ':' after object key, found '}'"),
        ("{\"a\": 1 \"b\": 2}", "1:9: error: expected ',' or '}' after object member, found '\"'"),
        ("{,}", "1:2: error: expected a string key or '}' in object, found ','"),
        ("{\"a\":1, 2}", "1:9: error: expected a string key after ',' in object, found '2'"),
        ("[1,,2]", "1:4: error: expected a JSON value, found ','"),
        ("\"abc", "1:5: error: unexpected end of file, expected '\"' to close the string opened at 1:1"),
        ("\"abc\\", "1:6: error: unexpected end of file, expected '\"' to close the string opened at 1:1"),
        ("\"a\tb\"", "1:3: error: unescaped control character U+0009 in string"),
        ("[\"line\nbreak\"]", "1:7: error: unescaped control character U+000A in string"),
        ("\"\\ud800\"", "1:2: error: unpaired surrogate '\\ud800' in string"),
        ("\"x\\uD83D\\u0041\"", "1:3: error: unpaired surrogate '\\uD83D' in string"),
        ("\"\\udc00x\"", "1:2: error: unpaired surrogate '\\udc00' in string"),
        (
            "\"\\u12G4\"",
            "1:2: error: invalid escape sequence '\\u12G4' in string: expected 4 hexadecimal digits after '\\u'"
        ),
        ("True", "1:1: error: expected a JSON value, found 'True'"),
        ("nul", "1:1: error: expected a JSON value, found 'nul'"),
        ("[truex]", "1:2: error: expected a JSON value, found 'truex'"),
        ("\r\n[\r\n  1,\r\n  ]", "3:4: error: trailing comma before ']'"),
        ("\t[x]", "1:3: error: expected a JSON value, found 'x'"),
        ("[\"é\", x]", "1:8: error: expected a JSON value, found 'x'"),
        ("é", "1:1: error: expected a JSON value, found 'é' (U+00E9)"),
        ("[\u{01}]", "1:2: error: expected a JSON value, found control character U+0001"),
        ("\u{FEFF}x", "1:1: error: expected a JSON value, found 'x'"),
        ("\u{FEFF}", "1:1: error: empty file: expected a JSON value"),
        ("[]\u{FEFF}", "1:3: error: unexpected text after the top-level value"),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedDocument(input: String, expected: String) {
        #expect(parseFailure(input) == expected)
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.malformed.count >= 25)
    }

    @Test func rejectsInvalidUTF8() {
        #expect(parseFailure([0x22, 0x61, 0xFF, 0x22]) == "1:3: error: invalid UTF-8 byte 0xFF in string")
        #expect(
            parseFailure([0x22, 0xC3, 0x28, 0x22])
                == "1:2: error: invalid UTF-8 sequence starting with byte 0xC3 in string")
        // Overlong encoding of '/', an encoded surrogate, a code point above U+10FFFF, a truncated sequence.
        #expect(parseFailure([0x22, 0xC0, 0xAF, 0x22]) == "1:2: error: invalid UTF-8 byte 0xC0 in string")
        #expect(
            parseFailure([0x22, 0xED, 0xA0, 0x80, 0x22])
                == "1:2: error: invalid UTF-8 sequence starting with byte 0xED in string")
        #expect(
            parseFailure([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22])
                == "1:2: error: invalid UTF-8 sequence starting with byte 0xF4 in string")
        #expect(
            parseFailure([0x22, 0xE2, 0x82]) == "1:2: error: invalid UTF-8 sequence starting with byte 0xE2 in string")
        #expect(parseFailure([0x5B, 0xFF, 0x5D]) == "1:2: error: expected a JSON value, found invalid UTF-8 byte 0xFF")
        // UTF-16 with its byte order mark.
        #expect(
            parseFailure([0xFF, 0xFE, 0x5B, 0x00, 0x5D, 0x00])
                == "1:1: error: expected a JSON value, found invalid UTF-8 byte 0xFF")
        // Well-formed multi-byte sequences of every length.
        let valid = try? JSONReader.parse(Array("[\"é\", \"中\", \"😀\"]".utf8))
        #expect(valid?.value == .array([JSONNode(.string("é")), JSONNode(.string("中")), JSONNode(.string("😀"))]))
    }

    @Test func skipsByteOrderMark() throws {
        let node = try JSONReader.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\": 1}".utf8))
        #expect(node.location == SourceLocation(line: 1, column: 1))
        #expect(node.objectMembers?.first?.keyLocation == SourceLocation(line: 1, column: 2))
        #expect(node["a"]?.location == SourceLocation(line: 1, column: 7))
    }

    @Test func deepNestingFailsFastWithoutRecursion() {
        let clock = ContinuousClock()
        let start = clock.now
        let arrays = String(repeating: "[", count: 100_000)
        #expect(parseFailure(arrays) == "1:257: error: nesting deeper than 256 levels")
        #expect(
            parseFailure(arrays + String(repeating: "]", count: 100_000))
                == "1:257: error: nesting deeper than 256 levels")
        let objects = String(repeating: "{\"a\":", count: 100_000)
        #expect(parseFailure(objects) == "1:1281: error: nesting deeper than 256 levels")
        #expect(parseFailure(arrays, maxDepth: 1000) == "1:1001: error: nesting deeper than 1000 levels")
        #expect(clock.now - start < .seconds(2))
    }

    @Test func nestingUpToTheLimitParses() throws {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        var node = try JSONReader.parse(text)
        var depth = 1
        while let inner = node.arrayElements?.first {
            node = inner
            depth += 1
        }
        #expect(depth == 256)
        #expect(node.location == SourceLocation(line: 1, column: 256))
        #expect(parseFailure("[[1]]", maxDepth: 1) == "1:2: error: nesting deeper than 1 levels")
        #expect(parseFailure("1", maxDepth: 0) == nil)
    }

    @Test func duplicateKeysInLargeObjects() {
        let members = (0..<100).map { "\"k\($0)\": \($0)" }.joined(separator: ",\n")
        #expect(parseFailure("{\n" + members + "}") == nil)
        #expect(
            parseFailure("{\n" + members + ",\n\"k42\": 0}") == "102:1: error: duplicate key \"k42\" (first at 44:1)")
        // Keys compare by their exact scalars: precomposed and decomposed é are different keys.
        #expect(parseFailure("{\"\\u00e9\": 1, \"e\\u0301\": 2}") == nil)
        #expect(parseFailure("{\"\\u00e9\": 1, \"é\": 2}") == "1:15: error: duplicate key \"é\" (first at 1:2)")
    }
}

// MARK: - Valid documents

/// Documents covering the grammar: every value kind, escapes, whitespace, numbers.
private let validDocuments: [String] = [
    "null", "true", "false", "0", "-0", "32", "-1.5e-07", "1E+2", "0.000001", "6.02214076e23",
    "\"\"", "\"plain\"", "\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000 \\u001F \\u00e9 \\uD83D\\uDE00\"",
    "\"raw UTF-8: é 中 😀 \u{2028}\"",
    "[]", "{}", " [ ] ", "\t{\r\n}\n",
    "[1, [2, [3, [4, []]]], {\"a\": {\"b\": {}}}]",
    "{\"name\": \"dense_1\", \"trainable\": true, \"dtype\": \"float32\", \"units\": 64, \"rate\": 0.25}",
    "{\"\": \"\", \"a b\": [null, true, false], \"\\u0041\": -12.5e+3}",
    "[NaN, Infinity, -Infinity, 1e400]",
    "[123456789012345678901234567890, -9223372036854775809, 18446744073709551616]",
]

/// Whether `object`, from JSONSerialization, is its boolean NSNumber (`is Bool` also holds for
/// the numbers 0 and 1 on Linux).
private func isFoundationBoolean(_ object: Any) -> Bool {
    String(describing: type(of: object)).contains("Boolean")
}

/// Whether `value` is what JSONSerialization parsed as `object`.
private func matches(_ value: JSONValue, _ object: Any) -> Bool {
    switch value {
    case .null:
        return object is NSNull
    case .bool(let bool):
        return isFoundationBoolean(object) && (object as? Bool) == bool
    case .number(let text):
        guard !isFoundationBoolean(object), let number = object as? NSNumber else { return false }
        if let decimal = number as? NSDecimalNumber {
            // Long literals come back as decimals, whose doubleValue is not correctly rounded.
            return decimal.decimalValue == Decimal(string: text)
        }
        return number.doubleValue == Double(text)
    case .string(let string):
        return (object as? String).map { $0.unicodeScalars.elementsEqual(string.unicodeScalars) } ?? false
    case .array(let elements):
        guard let array = object as? [Any], array.count == elements.count else { return false }
        return zip(elements, array).allSatisfy { matches($0.value, $1) }
    case .object(let members):
        guard let dictionary = object as? [String: Any], dictionary.count == members.count else { return false }
        return members.allSatisfy { member in dictionary[member.key].map { matches(member.value.value, $0) } ?? false }
    }
}

/// A deterministic generator of random valid JSON text (SplitMix64).
private struct DocumentGenerator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    mutating func whitespace() -> String {
        ["", "", " ", "\n  ", "\t", "\r\n"][next(6)]
    }

    mutating func string() -> String {
        let pieces = [
            "a", "key", " ", "é", "中", "😀", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u00e9", "\\u4E2D",
            "\\ud83d\\ude00", "\\u0000", "\\u001f", "_", "0",
        ]
        return "\"" + (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined() + "\""
    }

    mutating func number() -> String {
        let integer = ["0", "7", "42", "123456", "9007199254740993"][next(5)]
        let fraction = ["", "", ".5", ".25", ".000125", ".1"][next(6)]
        let exponent = ["", "", "", "e3", "E-2", "e+10", "e-7"][next(7)]
        return (next(3) == 0 ? "-" : "") + integer + fraction + exponent
    }

    mutating func value(depth: Int) -> String {
        switch next(depth > 5 ? 5 : 8) {
        case 0: return "null"
        case 1: return next(2) == 0 ? "true" : "false"
        case 2, 3: return number()
        case 4: return string()
        case 5:
            let elements = (0..<next(5)).map { _ in whitespace() + value(depth: depth + 1) + whitespace() }
            return "[" + elements.joined(separator: ",") + whitespace() + "]"
        default:
            let members = (0..<next(5)).map { index in
                whitespace() + "\"k\(index)\"" + whitespace() + ":" + whitespace() + value(depth: depth + 1)
                    + whitespace()
            }
            return "{" + members.joined(separator: ",") + whitespace() + "}"
        }
    }
}

private func generatedDocuments(count: Int) -> [String] {
    var generator = DocumentGenerator(state: 20_240_601)
    return (0..<count).map { _ in generator.whitespace() + generator.value(depth: 0) + generator.whitespace() }
}

@Suite struct JSONReaderValidTests {
    @Test func roundTripsThroughTheWriter() throws {
        for document in validDocuments + generatedDocuments(count: 300) {
            let parsed = try JSONReader.parse(document)
            for style in [JSONWriter.Style.python, .pretty(indent: 2), .pretty(indent: 0)] {
                let written = JSONWriter(style: style).write(parsed.value)
                let reparsed = try JSONReader.parse(written)
                #expect(reparsed == parsed, "\(document) → \(written)")
                #expect(JSONWriter(style: style).write(reparsed.value) == written)
                #expect(written.utf8.allSatisfy { $0 < 0x80 }, "writer output must be ASCII")
            }
        }
    }

    @Test func agreesWithFoundation() throws {
        let documents =
            validDocuments.filter { !$0.contains("NaN") && !$0.contains("123456789012345678901234567890") }
            + generatedDocuments(count: 300)
        for document in documents {
            let parsed = try JSONReader.parse(document)
            let foundation = try JSONSerialization.jsonObject(with: Data(document.utf8), options: [.fragmentsAllowed])
            #expect(matches(parsed.value, foundation), "\(document)")
        }
    }

    @Test func keepsNumberTextAndMemberOrder() throws {
        let node = try JSONReader.parse("{\"z\": 1.50, \"a\": -0, \"m\": 1E+2}")
        #expect(node.objectMembers?.map(\.key) == ["z", "a", "m"])
        #expect(node.objectMembers?.map(\.value.value) == [.number("1.50"), .number("-0"), .number("1E+2")])
    }

    @Test func recordsLocations() throws {
        let text = """
            {
              "layers": [
                {"units": 32},
                "é",
                null
              ]
            }
            """
        let node = try JSONReader.parse(text)
        #expect(node.location == SourceLocation(line: 1, column: 1))
        #expect(node.objectMembers?.first?.keyLocation == SourceLocation(line: 2, column: 3))
        let layers = try #require(node["layers"])
        #expect(layers.location == SourceLocation(line: 2, column: 13))
        let elements = try #require(layers.arrayElements)
        #expect(
            elements.map(\.location) == [
                SourceLocation(line: 3, column: 5), SourceLocation(line: 4, column: 5),
                SourceLocation(line: 5, column: 5),
            ])
        #expect(elements[0].objectMembers?.first?.keyLocation == SourceLocation(line: 3, column: 6))
        #expect(elements[0]["units"]?.location == SourceLocation(line: 3, column: 15))
    }

    @Test func parsesStringsAndBytesAlike() throws {
        let text = "{\"a\": [1, \"é\\n\"]}"
        #expect(try JSONReader.parse(text) == JSONReader.parse(Array(text.utf8)))
        #expect(try JSONReader.parse(text)["a"]?.arrayElements?.last?.stringValue == "é\n")
    }

    @Test func parsesALargeDocument() throws {
        let layer =
            #"""
            {"class_name": "Dense", "config": {"name": "dense", "units": 128, "activation": "relu", "rate": 0.125, \#
            "shape": [null, 28, 28, 1], "note": "caf\u00e9 \ud83d\ude00"}}
            """#
        let text = "[" + Array(repeating: layer, count: 12_000).joined(separator: ",\n") + "]"
        #expect(text.utf8.count > 2_000_000)
        let node = try JSONReader.parse(text)
        #expect(node.arrayElements?.count == 12_000)
        #expect(node.arrayElements?.last?["config"]?["note"]?.stringValue == "café 😀")
        #expect(node.arrayElements?.last?.location == SourceLocation(line: 12_000, column: 1))
    }
}

// MARK: - Writer

@Suite struct JSONWriterTests {
    /// (document, json.dumps(json.loads(document)), json.dumps(json.loads(document), indent=2)).
    /// The expected outputs were produced by running Python 3's json.dumps on each document and
    /// pasting its output here.
    static let pythonOutputs: [(document: String, python: String, indented: String)] = [
        (
            #"""
            {"name": "dense_1", "units": 32, "use_bias": true, "bias": null, "rate": 0.5, "shape": [null, 28, 28, \#
            1]}
            """#,
            #"""
            {"name": "dense_1", "units": 32, "use_bias": true, "bias": null, "rate": 0.5, "shape": [null, 28, 28, \#
            1]}
            """#,
            """
            {\n  \"name\": \"dense_1\",\n  \"units\": 32,\n  \"use_bias\": true,\n  \"bias\": null,\n  \"rate\": \
            0.5,\n  \"shape\": [\n    null,\n    28,\n    28,\n    1\n  ]\n}
            """
        ),
        (
            """
            {\n   \"class_name\":\"Sequential\" , \"config\" :{\"name\":\"seq\",\"layers\":[ \
            {\"class_name\":\"Dense\",\"config\":{\"units\":10,\"activation\":\"relu\",\
            \"kernel_initializer\":{\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":null}}}} ]},\n   \
            \"keras_version\":\"2.15.0\",\"backend\":\"tensorflow\"}
            """,
            #"""
            {"class_name": "Sequential", "config": {"name": "seq", "layers": [{"class_name": "Dense", "config": \#
            {"units": 10, "activation": "relu", "kernel_initializer": {"class_name": "GlorotUniform", "config": \#
            {"seed": null}}}}]}, "keras_version": "2.15.0", "backend": "tensorflow"}
            """#,
            """
            {\n  \"class_name\": \"Sequential\",\n  \"config\": {\n    \"name\": \"seq\",\n    \"layers\": [\n      \
            {\n        \"class_name\": \"Dense\",\n        \"config\": {\n          \"units\": 10,\n          \
            \"activation\": \"relu\",\n          \"kernel_initializer\": {\n            \"class_name\": \
            \"GlorotUniform\",\n            \"config\": {\n              \"seed\": null\n            }\n          \
            }\n        }\n      }\n    ]\n  },\n  \"keras_version\": \"2.15.0\",\n  \"backend\": \"tensorflow\"\n}
            """
        ),
        (
            #"{"s": "caf\u00e9 \ud83d\ude00 \u0000 \u001f \u007f \"q\" \\ \/ \b\f\n\r\t \u2028 \uFFFF"}"#,
            #"{"s": "caf\u00e9 \ud83d\ude00 \u0000 \u001f \u007f \"q\" \\ / \b\f\n\r\t \u2028 \uffff"}"#,
            """
            {\n  \"s\": \"caf\\u00e9 \\ud83d\\ude00 \\u0000 \\u001f \\u007f \\\"q\\\" \\\\ / \\b\\f\\n\\r\\t \\u2028 \
            \\uffff\"\n}
            """
        ),
        (
            "[NaN, Infinity, -Infinity, -0.0, 1e-07, 1.5e+300, 123456789012345678901234567890, 0, -7, 3.25]",
            "[NaN, Infinity, -Infinity, -0.0, 1e-07, 1.5e+300, 123456789012345678901234567890, 0, -7, 3.25]",
            """
            [\n  NaN,\n  Infinity,\n  -Infinity,\n  -0.0,\n  1e-07,\n  1.5e+300,\n  \
            123456789012345678901234567890,\n  0,\n  -7,\n  3.25\n]
            """
        ),
        (
            #"{"a": {}, "b": [], "c": [{}, [[]], {"d": [1, {"e": null}]}], "": ""}"#,
            #"{"a": {}, "b": [], "c": [{}, [[]], {"d": [1, {"e": null}]}], "": ""}"#,
            """
            {\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    {},\n    [\n      []\n    ],\n    {\n      \
            \"d\": [\n        1,\n        {\n          \"e\": null\n        }\n      ]\n    }\n  ],\n  \"\": \"\"\n}
            """
        ),
        (#""just a string""#, #""just a string""#, #""just a string""#),
        ("  true ", "true", "true"),
        // A non-ASCII document: raw UTF-8 comes out escaped, as with ensure_ascii=True.
        (
            "{\"k\":\"é中😀x\"}", #"{"k": "\u00e9\u4e2d\ud83d\ude00x"}"#,
            "{\n  \"k\": \"\\u00e9\\u4e2d\\ud83d\\ude00x\"\n}"
        ),
    ]

    @Test(arguments: pythonOutputs)
    func matchesPythonJSONDumps(document: String, python: String, indented: String) throws {
        let node = try JSONReader.parse(document)
        #expect(JSONWriter().write(node.value) == python)
        #expect(JSONWriter(style: .python).write(node.value) == python)
        #expect(JSONWriter(style: .pretty(indent: 2)).write(node.value) == indented)
    }

    @Test func escapesStringsBuiltInCode() {
        let value = JSONValue.string("\u{7F}\u{80}\u{FFFF}\u{10FFFF}\u{1}\"/")
        #expect(JSONWriter().write(value) == #""\u007f\u0080\uffff\udbff\udfff\u0001\"/""#)
        let object = JSONValue.object([JSONMember(key: "é", value: JSONNode(.array([])))])
        #expect(JSONWriter().write(object) == #"{"\u00e9": []}"#)
        #expect(
            JSONWriter(style: .pretty(indent: 4)).write(.array([JSONNode(.null), JSONNode(.object([]))]))
                == "[\n    null,\n    {}\n]")
    }
}

// MARK: - Values

@Suite struct JSONValueTests {
    /// (bit pattern as a hex float literal, Python's repr of that float).
    /// The expected texts were produced by Python 3's repr / json.dumps.
    static let doubles: [(Double, String)] = [
        (0x1.999999999999ap-4, "0.1"),
        (0x1.c6bf526340000p+49, "1000000000000000.0"),
        (0x1.1c37937e08000p+53, "1e+16"),
        (0x1.0e0198eaee000p+53, "9500000000000000.0"),
        (0x1.0000000000001p+53, "9007199254740994.0"),
        (0x1.421f5f40d8376p-23, "1.5e-07"),
        (0x1.a36e2eb1c432dp-14, "0.0001"),
        (0x1.4f8b588e368f1p-17, "1e-05"),
        (0x0.0000000000001p-1022, "5e-324"),
        (0x1.fffffffffffffp+1023, "1.7976931348623157e+308"),
        (-0x0.0p+0, "-0.0"),
        (0x0.0p+0, "0.0"),
        (0x1.9000000000000p+6, "100.0"),
        (0x1.4000000000000p+1, "2.5"),
        (0x1.5555555555555p-2, "0.3333333333333333"),
        (0x1.2533fe68fd3d2p-34, "6.666666666666667e-11"),
        (0x1.e240c9fbe76c9p+16, "123456.789"),
        (0x1.0f0cf064dd592p+73, "1e+22"),
        (0x1.b1ae4d6e2ef50p+69, "1e+21"),
        (0x1.249ad2594c37dp+332, "1e+100"),
        (0x1.5ee2a2f0a6b27p+53, "1.2345678912345678e+16"),
        (0x1.02e4b6ce5dc68p-13, "0.00012345"),
        (0x1.9e3abe16fc70dp-17, "1.2345e-05"),
        (-0x1.c7733a7c7d2fcp-57, "-1.2345e-17"),
        (0x1.1666666666666p+2, "4.35"),
        (0x1.0000000000000p+63, "9.223372036854776e+18"),
        (0x1.0000000000000p+53, "9007199254740992.0"),
        (.nan, "NaN"),
        (.infinity, "Infinity"),
        (-.infinity, "-Infinity"),
    ]

    @Test(arguments: doubles)
    func formatsDoublesAsPythonRepr(value: Double, expected: String) {
        #expect(JSONValue.double(value) == .number(expected))
    }

    @Test func formatsFloatsWithTheirOwnShortestDigits() {
        #expect(JSONValue.float(0.1) == .number("0.1"))
        #expect(JSONValue.float(1e10) == .number("10000000000.0"))
        #expect(JSONValue.float(16_777_216) == .number("16777216.0"))
        #expect(JSONValue.float(3.4e38) == .number("3.4e+38"))
        #expect(JSONValue.float(-1.5e-7) == .number("-1.5e-07"))
        #expect(JSONValue.float(.nan) == .number("NaN"))
        #expect(JSONValue.int(-32) == .number("-32"))
        #expect(JSONValue.int(UInt64.max) == .number("18446744073709551615"))
    }

    @Test func conveniences() throws {
        let node = try JSONReader.parse(
            #"""
            {"a": 1, "a2": "x", "b": [true, null], "n": 3.5, "big": 99999999999999999999, "e": 1e2, "f": 3.0, \#
            "inf": 1e400}
            """#
        )
        #expect(node["a"]?.intValue == 1)
        #expect(node["a2"]?.stringValue == "x")
        #expect(node["b"]?.arrayElements?.first?.boolValue == true)
        #expect(node["b"]?.arrayElements?.last?.isNull == true)
        #expect(node["n"]?.intValue == nil)
        #expect(node["n"]?.doubleValue == 3.5)
        #expect(node["big"]?.intValue == nil)
        #expect(node["big"]?.doubleValue == 1e20)
        #expect(node["e"]?.intValue == nil)
        #expect(node["f"]?.intValue == nil)
        #expect(node["inf"]?.doubleValue == nil)
        #expect(node["missing"] == nil)
        #expect(node["a"]?["a"] == nil)
        #expect(JSONValue.number("NaN").doubleValue?.isNaN == true)
        #expect(JSONValue.number("-Infinity").doubleValue == -.infinity)
        #expect(JSONValue.number("-0").intValue == 0)
        #expect(JSONValue.string("1").intValue == nil)
        #expect(node.objectMembers?.count == 8)
        #expect(
            [JSONValue.null, .bool(true), .number("1"), .string(""), .array([]), .object([])].map(\.kindDescription)
                == ["null", "a boolean", "a number", "a string", "an array", "an object"])
        // The first of duplicate members (only possible in code) wins.
        let duplicated = JSONValue.object([
            JSONMember(key: "k", value: JSONNode(.int(1))), JSONMember(key: "k", value: JSONNode(.int(2))),
        ])
        #expect(duplicated["k"]?.intValue == 1)
    }

    @Test func equalityIgnoresLocations() throws {
        let parsed = try JSONReader.parse("{\"a\": [1]}")
        let built = JSONNode(.object([JSONMember(key: "a", value: JSONNode(.array([JSONNode(.int(1))])))]))
        #expect(parsed == built)
        #expect(parsed.location != built.location)
        #expect(JSONValue.number("1.0") != .number("1"))
    }
}
