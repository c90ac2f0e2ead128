import Foundation
import Testing

@testable import ModelRuntime

/// Damaged and forged weight files: each case takes a good file Keras or h5py wrote, damages one
/// structure the way corruption or a forger would, and must throw its own clear error; no case
/// may crash, hang, read out of bounds or allocate more than the file justifies.
@Suite struct DamagedWeightFileTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The good file, under Tests/Fixtures.
        var file: String
        var format: WeightFileFormat
        var damage: @Sendable (inout [UInt8]) throws -> Void
        /// A piece of the expected error message.
        var expected: String
        var testDescription: String { name }
    }

    static func u64(_ bytes: [UInt8], _ at: Int) -> Int {
        (0..<8).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
    }

    static func put64(_ bytes: inout [UInt8], _ at: Int, _ value: UInt64) {
        for index in 0..<8 { bytes[at + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }

    static func positions(of signature: String, in bytes: [UInt8]) -> [Int] {
        let pattern = Array(signature.utf8)
        return (0...(bytes.count - pattern.count)).filter { start in
            (0..<pattern.count).allSatisfy { bytes[start + $0] == pattern[$0] }
        }
    }

    static func first(_ signature: String, in bytes: [UInt8], where condition: (Int) -> Bool = { _ in true }) throws
        -> Int
    {
        let found = positions(of: signature, in: bytes).first(where: condition)
        return try #require(found, "no \(signature) in the file")
    }

    /// The position of the little-endian dimensions `dims` (8 bytes each) in a dataspace.
    static func dataspace(_ dims: [Int], in bytes: [UInt8]) throws -> Int {
        var pattern: [UInt8] = []
        for dim in dims {
            for byte in 0..<8 { pattern.append(UInt8(truncatingIfNeeded: dim >> (8 * byte))) }
        }
        let found = (0...(bytes.count - pattern.count)).first { (start: Int) -> Bool in
            bytes[start..<(start + pattern.count)].elementsEqual(pattern)
        }
        return try #require(found)
    }

    /// The central directory entry of the zip member `name`.
    static func centralEntry(_ name: String, in bytes: [UInt8]) throws -> Int {
        try #require(
            positions(of: "PK\u{01}\u{02}", in: bytes).first { start in
                let length = Int(bytes[start + 28]) | Int(bytes[start + 29]) << 8
                return String(decoding: bytes[(start + 46)..<(start + 46 + length)], as: UTF8.self) == name
            })
    }

    static let cases: [Case] = [
        // HDF5 (h5py's default format: superblock 0, symbol-table groups).
        Case(
            name: "no HDF5 signature", file: "hdf5/earliest.h5", format: .hdf5, damage: { $0[1] = 0 },
            expected: "not an HDF5 file (no signature)"),
        Case(
            name: "unknown superblock version", file: "hdf5/earliest.h5", format: .hdf5, damage: { $0[8] = 9 },
            expected: "HDF5 superblock version 9 is not supported"),
        Case(
            name: "root group outside the file", file: "hdf5/earliest.h5", format: .hdf5,
            damage: { put64(&$0, 64, 1 << 40) },
            expected: "object header at address 1099511627776 lies outside the file"),
        Case(
            name: "truncated in half", file: "hdf5/earliest.h5", format: .hdf5, damage: { $0.removeLast($0.count / 2) },
            expected: "lies outside the file"),
        Case(
            name: "B-tree node pointing at itself", file: "hdf5/earliest.h5", format: .hdf5,
            damage: { bytes in
                let tree = try first("TREE", in: bytes)
                bytes[tree + 5] = 1  // claim level 1, so the child must be a level-0 node ...
                put64(&bytes, tree + 32, UInt64(tree))  // ... and make the child the node itself
            }, expected: "B-tree levels are inconsistent (a loop or damage)"),
        Case(
            name: "group linking to the root (a loop)", file: "hdf5/earliest.h5", format: .hdf5,
            damage: { bytes in
                let node = try first("SNOD", in: bytes)
                put64(&bytes, node + 16, UInt64(u64(bytes, 64)))
            }, expected: "is linked more than once (a loop)"),
        Case(
            name: "name outside its heap", file: "hdf5/earliest.h5", format: .hdf5,
            damage: { bytes in
                put64(&bytes, try first("SNOD", in: bytes) + 8, 1 << 30)
            }, expected: "a name lies outside its heap"),
        Case(
            name: "bad local heap", file: "hdf5/earliest.h5", format: .hdf5,
            damage: { bytes in
                bytes[try first("HEAP", in: bytes)] = UInt8(ascii: "X")
            }, expected: "bad local heap signature"),
        Case(
            name: "shape larger than the data", file: "hdf5/earliest.h5", format: .hdf5,
            damage: { bytes in
                put64(&bytes, try dataspace([3, 4], in: bytes), 1 << 40)
            }, expected: "contiguous data holds 48 bytes, the shape needs 17592186044416"),
        Case(
            name: "shape beyond any memory", file: "hdf5/earliest.h5", format: .hdf5,
            damage: { bytes in
                let at = try dataspace([3, 4], in: bytes)
                put64(&bytes, at, 1 << 60)
                put64(&bytes, at + 8, 1 << 60)
            }, expected: "is too large"),
        Case(
            name: "chunk B-tree pointing at itself", file: "hdf5/chunked.h5", format: .hdf5,
            damage: { bytes in
                let tree = try first("TREE", in: bytes) { bytes[$0 + 4] == 1 && bytes[$0 + 5] == 1 }
                // Children follow the key (size, filter mask, 3 offsets); the first child → itself.
                put64(&bytes, tree + 24 + 4 + 4 + 24, UInt64(tree))
            }, expected: "chunk B-tree levels are inconsistent"),
        Case(
            name: "corrupted deflated chunk", file: "hdf5/gzip.h5", format: .hdf5,
            damage: { bytes in
                let stream = try first("x^", in: bytes)
                for offset in 4..<12 { bytes[stream + offset] ^= 0x5A }
            }, expected: "a deflated chunk is damaged"),
        Case(
            name: "Fletcher-32 mismatch", file: "hdf5/fletcher.h5", format: .hdf5,
            damage: { bytes in
                bytes[try first("x^", in: bytes) + 6] ^= 0x01
            }, expected: "Fletcher-32 checksum does not match"),
        Case(
            name: "dense links: bad direct block", file: "hdf5/latest_dense.h5", format: .hdf5,
            damage: { bytes in
                bytes[try first("FHDB", in: bytes)] = UInt8(ascii: "X")
            }, expected: "bad fractal heap direct block signature"),
        Case(
            name: "dense links: bad B-tree leaf", file: "hdf5/latest_dense.h5", format: .hdf5,
            damage: { bytes in
                bytes[try first("BTLF", in: bytes)] = UInt8(ascii: "X")
            }, expected: "bad v2 B-tree node signature"),
        Case(
            name: "version 2 object header: bad continuation", file: "hdf5/latest.h5", format: .hdf5,
            damage: { bytes in
                for position in positions(of: "OCHK", in: bytes) { bytes[position] = UInt8(ascii: "X") }
                for position in positions(of: "OHDR", in: bytes).dropFirst() { bytes[position] = UInt8(ascii: "X") }
            }, expected: "HDF5: object header at address"),
        // Byte 30 is in the end-of-file address.
        Case(
            name: "superblock 3 checksum", file: "hdf5/latest.h5", format: .hdf5, damage: { $0[30] ^= 0x01 },
            expected: "the superblock's checksum does not match; the file is corrupted"),
        Case(
            name: "version 2 object header checksum", file: "hdf5/latest.h5", format: .hdf5,
            damage: { bytes in
                let header = try first("OHDR", in: bytes)
                bytes[header + 12] ^= 0x01
            }, expected: "checksum mismatch; the file is corrupted"),
        // .keras archives.
        Case(
            name: ".keras: weights member corrupted", file: "quick_start/model.keras", format: .kerasArchive,
            damage: { bytes in
                let entry = try centralEntry("model.weights.h5", in: bytes)
                let local =
                    Int(bytes[entry + 42]) | Int(bytes[entry + 43]) << 8 | Int(bytes[entry + 44]) << 16 | Int(
                        bytes[entry + 45]) << 24
                bytes[local + 30 + 16 + 1000] ^= 0xFF
            }, expected: "zip member 'model.weights.h5': CRC-32 mismatch, the file is corrupted"),
        Case(
            name: ".keras: a zip bomb's declared size", file: "quick_start/model.deflated.keras", format: .kerasArchive,
            damage: { bytes in
                let entry = try centralEntry("model.weights.h5", in: bytes)
                for index in 0..<4 { bytes[entry + 24 + index] = index == 3 ? 0x7F : 0xFF }
            }, expected: "more than DEFLATE can produce; the archive is forged"),
        Case(
            name: ".keras: deflated weights damaged", file: "quick_start/model.deflated.keras", format: .kerasArchive,
            damage: { bytes in
                let entry = try centralEntry("model.weights.h5", in: bytes)
                let local =
                    Int(bytes[entry + 42]) | Int(bytes[entry + 43]) << 8 | Int(bytes[entry + 44]) << 16 | Int(
                        bytes[entry + 45]) << 24
                for offset in 200..<260 { bytes[local + 30 + 16 + offset] = 0xFF }
            }, expected: "zip member 'model.weights.h5': "),
        Case(
            name: ".keras: no weights", file: "quick_start/model.keras", format: .kerasArchive,
            damage: { bytes in
                let entry = try centralEntry("model.weights.h5", in: bytes)
                bytes[entry + 46 + 15] = UInt8(ascii: "6")
            }, expected: "the .keras archive holds no model.weights.h5 or model.weights.npz"),
        Case(
            name: ".keras: truncated", file: "quick_start/model.keras", format: .kerasArchive,
            damage: { $0.removeLast(100) },
            expected: "not a readable .keras archive: not a zip archive: no end of central directory"),
        // Legacy Keras 2 .h5.
        Case(
            name: "legacy .h5: a weight missing", file: "quick_start/model.legacy.h5", format: .hdf5,
            damage: { bytes in
                // The first weight_names entry names a dataset that does not exist.
                let at = try first("dense/kernel", in: bytes)
                bytes[at] = UInt8(ascii: "D")
            }, expected: "legacy weights: weight 'Dense/kernel"),
    ]

    @Test(arguments: cases)
    func damagedFileThrowsItsError(_ item: Case) throws {
        var bytes = [UInt8](try Data(contentsOf: Fixtures.url(item.file)))
        #expect(throws: Never.self, "the good file reads") { try item.format.read(bytes) }
        try item.damage(&bytes)
        #expect {
            try item.format.read(bytes)
        } throws: { error in
            guard let error = error as? TensorFileError, error.message.contains(item.expected) else {
                Issue.record("\(item.name): \(error)")
                return false
            }
            return true
        }
    }

    /// Every truncation of Keras's own files throws (or, past the last structure, reads the
    /// same tensors); none crashes.
    @Test(arguments: [
        "siamese/model.weights.h5", "siamese/model.keras", "quick_start/model.legacy.h5", "hdf5/latest_dense.h5",
        "hdf5/gzip.h5", "hdf5/chunked.h5",
    ])
    func everyTruncationThrowsOrReadsTheSame(_ file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url(file)))
        let format: WeightFileFormat = file.hasSuffix(".keras") ? .kerasArchive : .hdf5
        let good = try format.read(bytes)
        let step = max(1, bytes.count / 400)
        for length in stride(from: 0, to: bytes.count, by: step) {
            do {
                #expect(try format.read(Array(bytes.prefix(length))) == good, "\(file) cut to \(length)")
            } catch {
                #expect(error is TensorFileError, "\(file) cut to \(length): \(error)")
            }
        }
    }

    /// Flipping any byte of a file's metadata either throws a `TensorFileError` or reads
    /// tensors of the same names; never a crash or a different error.
    @Test(arguments: ["hdf5/earliest.h5", "hdf5/latest.h5", "hdf5/latest_dense.h5", "hdf5/chunked.h5"])
    func flippedBytesThrowOrRead(_ file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url(file)))
        let limit = min(bytes.count, 3000)
        for position in 0..<limit {
            var damaged = bytes
            damaged[position] ^= 0xFF
            do { _ = try WeightFileFormat.hdf5.read(damaged) } catch {
                #expect(error is TensorFileError, "\(file) byte \(position): \(error)")
            }
        }
    }
}
