import Foundation
import Testing

@testable import ModelSpec

/// The inflater against zlib's own streams (`tools/make_deflate_fixtures.py`).
@Suite struct InflateTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/deflate")

    static func files(_ suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(suffix) }
            .sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func original(of stream: String) throws -> [UInt8] {
        try bytes(String(stream.prefix { $0 != "." }) + ".bin")
    }

    @Test func everyFixtureIsThere() {
        // 7 originals: 5 × 6 settings + random (1) + far (2) raw streams, 5 zlib streams.
        #expect(Self.files(".deflate").count == 33)
        #expect(Self.files(".zlib").count == 5)
    }

    @Test(arguments: files(".deflate"))
    func rawStreamsDecompressToTheOriginal(_ name: String) throws {
        let stream = try Self.bytes(name)
        let original = try Self.original(of: name)
        let output = try stream.withUnsafeBytes { try Inflate.decompress($0, limit: original.count) }
        #expect(output == original)
    }

    @Test(arguments: files(".zlib"))
    func zlibStreamsDecompressAndCheckAdler32(_ name: String) throws {
        let stream = try Self.bytes(name)
        let original = try Self.original(of: name)
        #expect(try stream.withUnsafeBytes { try Inflate.zlibDecompress($0, limit: original.count) } == original)
        var corrupted = stream
        corrupted[corrupted.count - 1] ^= 0x01
        #expect(throws: ArchiveError.self) {
            try corrupted.withUnsafeBytes { try Inflate.zlibDecompress($0, limit: original.count) }
        }
    }

    @Test func outputBeyondTheLimitThrows() throws {
        let stream = try Self.bytes("runs.9_default.deflate")
        let original = try Self.bytes("runs.bin")
        #expect(throws: ArchiveError.self) {
            try stream.withUnsafeBytes { try Inflate.decompress($0, limit: original.count - 1) }
        }
    }

    @Test(arguments: ["text.6_fixed.deflate", "floats.1_default.deflate", "one_byte.0_default.deflate"])
    func everyTruncationThrows(_ name: String) throws {
        let stream = try Self.bytes(name)
        let original = try Self.original(of: name)
        // Every cut for short streams, about 300 evenly spaced ones (and the last few) for long ones.
        let step = max(1, stream.count / 300)
        for length in Set(
            Array(stride(from: 0, to: stream.count, by: step)) + Array(max(0, stream.count - 8)..<stream.count)
        ).sorted() {
            let prefix = Array(stream.prefix(length))
            #expect(throws: ArchiveError.self, "\(name) cut to \(length) bytes") {
                try prefix.withUnsafeBytes { try Inflate.decompress($0, limit: original.count) }
            }
        }
    }

    @Test func malformedStreamsThrow() {
        let cases: [(String, [UInt8])] = [
            ("reserved block type", [0b0000_0111]),
            ("stored length check", [0x01, 0x05, 0x00, 0x05, 0x00]),
            // Fixed codes, then a match at distance 1 before any output: 0x03 = final + fixed,
            // then length symbol 257 (0000001) and distance code 0.
            ("distance before the start", [0x03, 0x02, 0x00]),
            ("zlib header", [0x78, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]),
        ]
        for (name, bytes) in cases {
            #expect(throws: ArchiveError.self, "\(name)") {
                try bytes.withUnsafeBytes {
                    name == "zlib header"
                        ? try Inflate.zlibDecompress($0, limit: 100) : try Inflate.decompress($0, limit: 100)
                }
            }
        }
    }

    @Test func crc32MatchesZlibOnEveryLengthAndAlignment() throws {
        let data = try Self.bytes("floats.bin")
        // Slicing by 8 equals the bytewise definition for every length and start alignment.
        func bytewise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            }
            return crc ^ 0xFFFF_FFFF
        }
        for start in 0..<8 {
            for length in [0, 1, 7, 8, 9, 17, 100] {
                let slice = data[start..<(start + length)]
                #expect(CRC32.checksum(Array(slice)) == bytewise(slice))
            }
        }
        // Python: zlib.crc32(b"123456789") == 0xCBF43926 (the standard check value).
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }
}
