import Foundation
import ModelRuntime
import Testing

@Suite struct TensorTests {
    @Test func npyRoundTrips() throws {
        let tensor = Tensor(shape: [2, 3, 4], scalars: (0..<24).map { Float($0) * 0.25 - 3 })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tensor-\(UUID()).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        try tensor.writeNPY(to: url)
        #expect(try Tensor(contentsOfNPY: url) == tensor)
        // The header is padded so the data starts on a 64-byte boundary, as NumPy writes it.
        let bytes = tensor.npyBytes()
        let headerLength: Int = 10 + Int(bytes[8]) + Int(bytes[9]) * 256
        #expect(headerLength % 64 == 0)
    }

    @Test func readsWhatNumPyWrote() throws {
        // input.npy of the quick start fixture was written by NumPy: 4 rows of 728 float32.
        let input = try Fixtures.tensor("quick_start/input.npy")
        #expect(input.shape == [4, 728])
        #expect(input.npyBytes() == (try Fixtures.npy("quick_start/input.npy")))
    }

    @Test func damagedFilesThrow() throws {
        let good = Tensor(shape: [3], scalars: [1, 2, 3]).npyBytes()
        #expect(throws: TensorFileError.self) { try Tensor(npyBytes: Array(good.dropLast(2))) }
        #expect(throws: TensorFileError.self) { try Tensor(npyBytes: Array(good.prefix(9))) }
        var badMagic = good
        badMagic[1] = 0
        #expect(throws: TensorFileError.self) { try Tensor(npyBytes: badMagic) }
        // A shape that needs more data than the file holds.
        var hugeShape = good
        let pattern = Array("(3,)".utf8)
        let offset = try #require(
            (0...(good.count - pattern.count)).first { Array(good[$0..<($0 + pattern.count)]) == pattern })
        hugeShape.replaceSubrange(offset..<(offset + 4), with: Array("(9,)".utf8))
        #expect(throws: TensorFileError.self) { try Tensor(npyBytes: hugeShape) }
    }

    /// Found by fuzzing: a zero-sized axis makes an empty tensor, whatever the other axes.
    @Test func emptyTensorsRoundTripThroughNPYAndSafetensors() throws {
        for shape in [[2, 0], [0], [0, 3, 5], [7, 0, 1]] {
            let tensor = Tensor(shape: shape, scalars: [])
            #expect(try Tensor(npyBytes: tensor.npyBytes()) == tensor)
            let bytes = try WeightFileFormat.safetensors.write([NamedTensor(name: "e", tensor: tensor)])
            #expect(try WeightFileFormat.safetensors.read(bytes).first?.tensor == tensor)
        }
    }

    /// Found by fuzzing: a shape whose header does not fit format 1.0's 2-byte length is written
    /// in format 2.0 instead of trapping (reading it back is refused: NumPy allows 64 axes).
    @Test func aHugeRankWritesFormat2WithoutTrapping() throws {
        let tensor = Tensor(shape: [Int](repeating: 1, count: 40_000), scalars: [3])
        let bytes = tensor.npyBytes()
        #expect(bytes[6] == 2)
        #expect(throws: TensorFileError.self) { try Tensor(npyBytes: bytes) }
    }

    /// Found while fuzzing: reading a Fortran-order file costs scalars × axes, so NumPy's limit
    /// of 64 axes is enforced.
    @Test func moreThan64AxesAreRefused() throws {
        let shape = "(" + String(repeating: "1, ", count: 65) + ")"
        var header = "{'descr': '<f4', 'fortran_order': True, 'shape': \(shape), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        let bytes: [UInt8] =
            [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
            + Array(header.utf8) + [0, 0, 128, 63]
        #expect(throws: TensorFileError.self) { try Tensor(npyBytes: bytes) }
    }

    @Test func copiesShareStorageUntilWritten() {
        let a = Tensor(shape: [2], scalars: [1, 2])
        var b = a
        #expect(a.sharesStorage(with: b))
        b.withUnsafeMutableScalars { $0[0] = 5 }
        #expect(!a.sharesStorage(with: b))
        #expect(a.scalars == [1, 2])
        #expect(a.independentCopy() == a && !a.independentCopy().sharesStorage(with: a))
    }
}
