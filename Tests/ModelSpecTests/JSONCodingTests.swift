import Foundation
import ModelSpec
import Testing

// MARK: - Fixtures

private struct TestKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

private struct Layer: Codable, Equatable {
    var name: String
    var units: Int
    var useBias: Bool
    var rate: Double?
    var shape: [Int?]
    var config: Config

    enum CodingKeys: String, CodingKey {
        case name, units
        case useBias = "use_bias"
        case rate, shape, config
    }
}

private struct Config: Codable, Equatable {
    var seed: Int?
}

/// A layer document whose values all start at fixed columns:
/// name 2:11, units 3:12, use_bias 4:15, rate 5:11, shape 6:12, config 7:13.
private func layerDocument(
    name: String = "\"dense\"", units: String? = "32", useBias: String = "true",
    rate: String = "0.5", shape: String = "[null, 28]", config: String = "{\"seed\": 7}"
) -> String {
    """
    {
      "name": \(name),
    \(units.map { "  \"units\": \($0)," } ?? "")
      "use_bias": \(useBias),
      "rate": \(rate),
      "shape": \(shape),
      "config": \(config)
    }
    """
}

/// Decodes a `T` from `text`; the error as `LINE:COLUMN: error: MESSAGE`, or nil on success.
private func decodeFailure<T: Decodable>(_ type: T.Type, _ text: String, decoder: SpecDecoder = SpecDecoder())
    -> String?
{
    do {
        let node = try JSONReader.parse(text)
        _ = try decoder.decode(T.self, from: node)
        return nil
    } catch {
        return error.description
    }
}

private func decode<T: Decodable>(_ type: T.Type, _ text: String, decoder: SpecDecoder = SpecDecoder()) throws -> T {
    try decoder.decode(T.self, from: JSONReader.parse(text))
}

private struct Box<T: Decodable>: Decodable {
    var v: T
}

// MARK: - Decoding

@Suite struct SpecDecoderTests {
    @Test func decodesAValidDocument() throws {
        let layer = try decode(Layer.self, layerDocument())
        #expect(
            layer
                == Layer(name: "dense", units: 32, useBias: true, rate: 0.5, shape: [nil, 28], config: Config(seed: 7)))
        #expect(try decode(Layer.self, layerDocument(rate: "null", config: "{}")).rate == nil)
        #expect(try decode([String: [Int]].self, #"{"a": [1, 2], "b": []}"#) == ["a": [1, 2], "b": []])
        #expect(try decode([Int?].self, "[1, null, 3]") == [1, nil, 3])
        #expect(try decode(Box<Float>.self, #"{"v": 0.1}"#).v == Float(0.1))
        #expect(try decode(Box<Double>.self, #"{"v": NaN}"#).v.isNaN)
        #expect(try decode(Box<Double>.self, #"{"v": -Infinity}"#).v == -.infinity)
        #expect(try decode(Box<Float>.self, #"{"v": Infinity}"#).v == .infinity)
        #expect(try decode(Box<UInt64>.self, #"{"v": 18446744073709551615}"#).v == .max)
        #expect(try decode(Box<Int8>.self, #"{"v": -128}"#).v == -128)
        #expect(try decode(Box<Double>.self, #"{"v": 32}"#).v == 32)
    }

    static let layerErrors: [(document: String, expected: String)] = [
        (layerDocument(units: "\"32\""), "3:12: error: expected an integer for 'units', found a string \"32\""),
        (layerDocument(units: "3.5"), "3:12: error: expected an integer for 'units', found 3.5"),
        (layerDocument(units: "3.0"), "3:12: error: expected an integer for 'units', found 3.0"),
        (layerDocument(units: "1e2"), "3:12: error: expected an integer for 'units', found 1e2"),
        (layerDocument(units: "null"), "3:12: error: expected an integer for 'units', found null"),
        (
            layerDocument(units: "99999999999999999999"),
            "3:12: error: number 99999999999999999999 is out of range for Int in 'units'"
        ),
        (layerDocument(units: nil), "1:1: error: missing required field 'units'"),
        (layerDocument(name: "5"), "2:11: error: expected a string for 'name', found 5"),
        (layerDocument(useBias: "1"), "4:15: error: expected a boolean for 'use_bias', found 1"),
        (layerDocument(rate: "1e400"), "5:11: error: number 1e400 is out of range for Double in 'rate'"),
        (layerDocument(rate: "\"fast\""), "5:11: error: expected a number for 'rate', found a string \"fast\""),
        (layerDocument(shape: "{}"), "6:12: error: expected an array for 'shape', found an object"),
        (
            layerDocument(shape: "[null, \"x\"]"),
            "6:19: error: expected an integer for 'shape[1]', found a string \"x\""
        ),
        (layerDocument(config: "[]"), "7:13: error: expected an object for 'config', found an array"),
        (layerDocument(config: "{\"seed\": true}"), "7:22: error: expected an integer for 'seed', found true"),
    ]

    @Test(arguments: layerErrors)
    func locatesDecodingErrors(document: String, expected: String) {
        #expect(decodeFailure(Layer.self, document) == expected)
    }

    @Test func locatesRangeErrors() {
        #expect(
            decodeFailure(Box<Int8>.self, #"{"v": 300}"#) == "1:7: error: number 300 is out of range for Int8 in 'v'")
        #expect(
            decodeFailure(Box<UInt8>.self, #"{"v": -1}"#) == "1:7: error: number -1 is out of range for UInt8 in 'v'")
        #expect(
            decodeFailure(Box<UInt64>.self, #"{"v": 18446744073709551616}"#)
                == "1:7: error: number 18446744073709551616 is out of range for UInt64 in 'v'")
        #expect(
            decodeFailure(Box<Float>.self, #"{"v": 1e39}"#)
                == "1:7: error: number 1e39 is out of range for Float in 'v'")
        #expect(
            decodeFailure(Box<Double>.self, #"{"v": -1e400}"#)
                == "1:7: error: number -1e400 is out of range for Double in 'v'")
        #expect(
            decodeFailure(Box<[[Int16]]>.self, "{\"v\": [[1],\n [2, 40000]]}")
                == "2:6: error: number 40000 is out of range for Int16 in 'v[1][1]'")
    }

    @Test func locatesTopLevelErrors() {
        #expect(
            decodeFailure([Int].self, " {}") == "1:2: error: expected an array for the top-level value, found an object"
        )
        #expect(
            decodeFailure(Int.self, "\"1\"")
                == "1:1: error: expected an integer for the top-level value, found a string \"1\"")
        #expect(
            decodeFailure(String.self, "null") == "1:1: error: expected a string for the top-level value, found null")
        #expect(
            decodeFailure(Bool.self, "[1]") == "1:1: error: expected a boolean for the top-level value, found an array")
    }

    @Test func keepsRawJSON() throws {
        struct Raw: Decodable {
            var config: JSONNode
            var value: JSONValue
        }
        let raw = try decode(Raw.self, "{\n  \"config\": {\"a\": 1.50},\n  \"value\": [NaN, \"x\"]\n}")
        #expect(raw.config.location == SourceLocation(line: 2, column: 13))
        #expect(raw.config["a"]?.value == .number("1.50"))
        #expect(raw.config["a"]?.location == SourceLocation(line: 2, column: 19))
        #expect(raw.value == .array([JSONNode(.number("NaN")), JSONNode(.string("x"))]))
        let node = try JSONReader.parse("[1]")
        #expect(try SpecDecoder().decode(JSONNode.self, from: node).location == SourceLocation(line: 1, column: 1))
    }

    @Test func listsKeysInSourceOrder() throws {
        struct KeyOrder: Decodable {
            var keys: [String]
            var containsA: Bool
            var containsQ: Bool
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TestKey.self)
                keys = container.allKeys.map(\.stringValue)
                containsA = container.contains("a")
                containsQ = container.contains("q")
            }
        }
        let order = try decode(KeyOrder.self, #"{"z": 1, "a": 2, "m": 3}"#)
        #expect(order.keys == ["z", "a", "m"])
        #expect(order.containsA && !order.containsQ)
        let many = (0..<40).map { "\"key\(39 - $0)\": \($0)" }.joined(separator: ", ")
        let large = try decode(KeyOrder.self, "{" + many + "}")
        #expect(large.keys == (0..<40).map { "key\(39 - $0)" })
        let dictionary = try decode([String: Int].self, "{" + many + "}")
        #expect(dictionary.count == 40 && dictionary["key0"] == 39 && dictionary["key39"] == 0)
    }

    @Test func supportsNestedAndSuperDecoders() throws {
        struct Nested: Decodable {
            var a: Int
            var list: [String]
            var base: String
            var superValue: [Int]
            var missingSuperIsNull: Bool
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TestKey.self)
                let inner = try container.nestedContainer(keyedBy: TestKey.self, forKey: "inner")
                a = try inner.decode(Int.self, forKey: "a")
                var elements = try container.nestedUnkeyedContainer(forKey: "list")
                #expect(elements.count == 4)
                list = []
                if try elements.decodeNil() { list.append("nil") }
                list.append(String(try elements.decode(Int.self)))
                let object = try elements.nestedContainer(keyedBy: TestKey.self)
                list.append(try object.decode(String.self, forKey: "k"))
                var array = try elements.nestedUnkeyedContainer()
                list.append(String(try array.decode(Double.self)))
                #expect(elements.isAtEnd && elements.currentIndex == 4)
                base = try String(from: container.superDecoder(forKey: "base"))
                superValue = try [Int](from: container.superDecoder())
                let other = try decoder.container(keyedBy: TestKey.self)
                missingSuperIsNull = try other.nestedContainer(keyedBy: TestKey.self, forKey: "inner")
                    .superDecoder().singleValueContainer().decodeNil()
            }
        }
        let nested = try decode(
            Nested.self, #"{"inner": {"a": 1}, "list": [null, 2, {"k": "s"}, [2.5]], "base": "b", "super": [7, 8]}"#)
        #expect(nested.a == 1)
        #expect(nested.list == ["nil", "2", "s", "2.5"])
        #expect(nested.base == "b")
        #expect(nested.superValue == [7, 8])
        #expect(nested.missingSuperIsNull)
    }

    @Test func reportsTheEndOfAnArray() {
        struct Triple: Decodable {
            var values: [Int]
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                values = [
                    try container.decode(Int.self), try container.decode(Int.self), try container.decode(Int.self),
                ]
            }
        }
        #expect(
            decodeFailure(Box<Triple>.self, #"{"v": [1, 2]}"#)
                == "1:7: error: expected another element in 'v', which has only 2 elements")
        #expect(decodeFailure(Box<Triple>.self, #"{"v": [1, 2, 3]}"#) == nil)
    }

    @Test func mapsDecodingErrorsFromInitFromToTheirLocation() {
        struct Validated: Decodable {
            var rate: Double
            enum CodingKeys: String, CodingKey { case rate }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                rate = try container.decode(Double.self, forKey: .rate)
                guard (0...1).contains(rate) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .rate, in: container, debugDescription: "rate must be between 0 and 1")
                }
            }
        }
        struct Model: Decodable { var layers: [Validated] }
        // A path ending at an existing key: its value, the thing that is wrong.
        #expect(
            decodeFailure(Model.self, "{\"layers\": [{\"rate\": 0.5}, {\n  \"rate\": 1.5}]}")
                == "2:11: error: rate must be between 0 and 1")

        struct Positive: Decodable {
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                guard try container.decode(Int.self) > 0 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be positive")
                }
            }
        }
        // A path ending at an array element: the element.
        #expect(decodeFailure([String: [Positive]].self, #"{"sizes": [1, -2]}"#) == "1:15: error: must be positive")

        struct NeedsX: Decodable {
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: TestKey.self)
                guard container.contains("x") else {
                    throw DecodingError.keyNotFound(
                        TestKey("x"), .init(codingPath: container.codingPath, debugDescription: "needs x"))
                }
            }
        }
        // A missing key: the object that lacks it.
        #expect(decodeFailure([String: NeedsX].self, #"{"inner": {"y": 1}}"#) == "1:11: error: needs x")

        struct Beyond: Decodable {
            init(from decoder: any Decoder) throws {
                throw DecodingError.typeMismatch(
                    Int.self,
                    .init(
                        codingPath: decoder.codingPath + [TestKey("nope"), TestKey("deeper")],
                        debugDescription: "not there"))
            }
        }
        // A path beyond the document: the deepest node that exists.
        #expect(decodeFailure([String: Beyond].self, "{\"b\":\n  {\"c\": 1}}") == "2:3: error: not there")

        enum Activation: String, Decodable { case relu, linear }
        struct Act: Decodable { var activation: Activation }
        let failure = decodeFailure(Act.self, "{\n  \"activation\": \"swish\"\n}")
        #expect(failure?.hasPrefix("2:17: error: ") == true)
        #expect(failure?.contains("swish") == true)
    }

    @Test func locatesSpecErrorsThrownByInitFrom() {
        struct Checked: Decodable {
            var units: Int
            enum CodingKeys: String, CodingKey { case units }
            init(from decoder: any Decoder) throws {
                units = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .units)
                if units == 0 { throw SpecError("units must not be zero") }
                if units < 0 { throw SpecError("negative units", at: SourceLocation(line: 99, column: 1)) }
            }
        }
        #expect(decodeFailure(Box<Checked>.self, #"{"v": {"units": 0}}"#) == "1:7: error: units must not be zero")
        #expect(decodeFailure(Box<Checked>.self, #"{"v": {"units": -1}}"#) == "99:1: error: negative units")
        #expect(decodeFailure(Checked.self, #" {"units": 0}"#) == "1:2: error: units must not be zero")

        struct Oops: Error, CustomStringConvertible { var description: String { "oops!" } }
        struct Failing: Decodable {
            init(from decoder: any Decoder) throws { throw Oops() }
        }
        #expect(decodeFailure([Failing].self, "[\n  [1]]") == "2:3: error: oops!")
    }

    @Test func letsInitFromCatchDecodingErrors() throws {
        struct Lenient: Decodable, Equatable {
            var value: String
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                do {
                    value = String(try container.decode(Int.self))
                } catch DecodingError.typeMismatch {
                    value = try container.decode(String.self)
                }
            }
        }
        #expect(try decode([Lenient].self, #"[1, "two"]"#).map(\.value) == ["1", "two"])
        #expect(decodeFailure([Lenient].self, "[1, true]") == "1:5: error: expected a string for '[1]', found true")
    }

    @Test func passesUserInfo() throws {
        struct Scaled: Decodable {
            var value: Int
            init(from decoder: any Decoder) throws {
                let scale = decoder.userInfo[CodingUserInfoKey(rawValue: "scale")!] as? Int ?? 1
                value = try decoder.singleValueContainer().decode(Int.self) * scale
            }
        }
        var decoder = SpecDecoder()
        decoder.userInfo[CodingUserInfoKey(rawValue: "scale")!] = 10
        #expect(try decode([Scaled].self, "[1, 2]", decoder: decoder).map(\.value) == [10, 20])
    }

    @Test func jsonValueDecodesThroughFoundation() throws {
        let data = Data(#"{"a": [1, 2.5, "s", null, true, {"b": -3}]}"#.utf8)
        let value = try JSONDecoder().decode(JSONValue.self, from: data)
        #expect(try value == JSONReader.parse(#"{"a": [1, 2.5, "s", null, true, {"b": -3}]}"#).value)
    }
}

// MARK: - Encoding

private func written<T: Encodable>(_ value: T, encoder: SpecEncoder = SpecEncoder()) throws -> String {
    JSONWriter().write(try encoder.encode(value))
}

@Suite struct SpecEncoderTests {
    @Test func keepsKeyOrderAndReplacesInPlace() throws {
        struct Ordered: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: TestKey.self)
                try container.encode(1, forKey: "z")
                try container.encode("x", forKey: "a")
                try container.encodeNil(forKey: "n")
                try container.encode(Int?.none, forKey: "o")
                try container.encodeIfPresent(Int?.none, forKey: "p")
                try container.encodeIfPresent(Int?.some(4), forKey: "q")
                try container.encode(2, forKey: "z")
                try container.encode(true, forKey: "m")
            }
        }
        #expect(try written(Ordered()) == #"{"z": 2, "a": "x", "n": null, "o": null, "q": 4, "m": true}"#)
    }

    @Test func synthesizedOptionalsAreOmittedWhenNil() throws {
        struct Plain: Encodable {
            var name: String
            var rate: Double?
            var units: Int
        }
        #expect(try written(Plain(name: "d", rate: nil, units: 3)) == #"{"name": "d", "units": 3}"#)
        #expect(try written(Plain(name: "d", rate: 0.1, units: 3)) == #"{"name": "d", "rate": 0.1, "units": 3}"#)
        #expect(try written([Int?.none, 1]) == "[null, 1]")
        #expect(try written(Int?.none) == "null")
    }

    @Test func writesNumbers() throws {
        struct Numbers: Encodable {
            var f: Float = 0.1
            var d = 0.1
            var big = 1e16
            var nan = Double.nan
            var inf = -Float.infinity
            var i8 = Int8.min
            var u64 = UInt64.max
            var whole: Double = 3
            var floats: [Float] = [0.1, 1e10]
        }
        #expect(
            try written(Numbers())
                == #"""
                {"f": 0.1, "d": 0.1, "big": 1e+16, "nan": NaN, "inf": -Infinity, "i8": -128, "u64": \#
                18446744073709551615, "whole": 3.0, "floats": [0.1, 10000000000.0]}
                """#
        )
    }

    @Test func supportsNestedAndSuperEncoders() throws {
        struct Containers: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: TestKey.self)
                var inner = container.nestedContainer(keyedBy: TestKey.self, forKey: "inner")
                try inner.encode(1, forKey: "a")
                var list = container.nestedUnkeyedContainer(forKey: "list")
                try list.encode(1)
                try list.encodeNil()
                var object = list.nestedContainer(keyedBy: TestKey.self)
                try object.encode("s", forKey: "k")
                var array = list.nestedUnkeyedContainer()
                try array.encode(2.5)
                #expect(list.count == 4)
                try [1, 2].encode(to: container.superEncoder())
                try "b".encode(to: container.superEncoder(forKey: "base"))
                _ = container.superEncoder(forKey: "empty")
                try [true].encode(to: list.superEncoder())
                try inner.encode(2, forKey: "b")
                // Asking again for the same containers continues them.
                var again = encoder.container(keyedBy: TestKey.self)
                var innerAgain = again.nestedContainer(keyedBy: TestKey.self, forKey: "inner")
                try innerAgain.encode(3, forKey: "c")
                try again.encode("last", forKey: "tail")
            }
        }
        #expect(
            try written(Containers())
                == #"""
                {"inner": {"a": 1, "b": 2, "c": 3}, "list": [1, null, {"k": "s"}, [2.5], [true]], "super": [1, 2], \#
                "base": "b", "empty": {}, "tail": "last"}
                """#
        )
    }

    @Test func encodesJSONAsItself() throws {
        struct Raw: Encodable {
            var value: JSONValue
            var node: JSONNode
            var single: Single
        }
        struct Single: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(JSONValue.number("1E+2"))
            }
        }
        let parsed = try JSONReader.parse(#"{"x": 1.50, "y": NaN, "z": [-0]}"#)
        let raw = Raw(value: parsed.value, node: parsed, single: Single())
        #expect(
            try written(raw)
                == #"""
                {"value": {"x": 1.50, "y": NaN, "z": [-0]}, "node": {"x": 1.50, "y": NaN, "z": [-0]}, "single": \#
                1E+2}
                """#
        )
        #expect(try SpecEncoder().encode(parsed) == parsed.value)
    }

    @Test func encodesEmptyValuesAsObjects() throws {
        struct Nothing: Encodable {
            func encode(to encoder: any Encoder) throws {}
        }
        #expect(try written([Nothing()]) == "[{}]")
        #expect(throws: EncodingError.self) { try SpecEncoder().encode(Nothing()) }
    }

    @Test func passesUserInfo() throws {
        struct Tagged: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.userInfo[CodingUserInfoKey(rawValue: "tag")!] as? String ?? "none")
            }
        }
        var encoder = SpecEncoder()
        encoder.userInfo[CodingUserInfoKey(rawValue: "tag")!] = "t"
        #expect(try written(["a": Tagged()], encoder: encoder) == #"{"a": "t"}"#)
    }

    @Test func roundTripsThroughText() throws {
        let layer = Layer(
            name: "dense \"1\" é", units: 32, useBias: false, rate: 1.5e-7, shape: [nil, 28, 28],
            config: Config(seed: nil))
        let text = try written(layer)
        #expect(
            text
                == #"""
                {"name": "dense \"1\" \u00e9", "units": 32, "use_bias": false, "rate": 1.5e-07, "shape": [null, 28, \#
                28], "config": {}}
                """#
        )
        #expect(try decode(Layer.self, text) == layer)
    }

    @Test func jsonValueEncodesThroughFoundation() throws {
        let value = try JSONReader.parse(#"{"a": [1, 2.5, "s", null, true, {"b": -3}, 18446744073709551615]}"#).value
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        #expect(try JSONReader.parse(Array(data)).value == value)
    }
}
