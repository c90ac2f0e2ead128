import CModelKernels
import Foundation
import Testing

@testable import ModelRuntime

/// The float32 fills of fresh weights (`CModelKernels`' Philox kernels, AVX-512 or AVX2 where
/// the CPU has it, split over the cores for large tensors) against the portable kernel and the
/// Swift `Philox` streams they replace, bit for bit, on sizes and offsets that hit every edge
/// of the 4-value blocks, the 64-value AVX2 groups and the 128-value AVX-512 groups.
@Suite struct RandomKernelTests {
    static let sizes = [1, 7, 17, 100, 1000]
    static let offsets: [UInt64] = [0, 1, 3, 5, 30, 4 * 0xFFFF_FFF6 + 1]
    static let seed: UInt64 = 0x1234_5678_9ABC_DEF0

    /// Element `index` of the uniform stream from Swift's `Philox.block`.
    static func uniformElement(_ generator: Philox, _ index: UInt64) -> Double {
        let block = index / 4
        let bits = generator.block(UInt32(truncatingIfNeeded: block), UInt32(truncatingIfNeeded: block >> 32), 0, 0)
        return Philox.unit([bits.0, bits.1, bits.2, bits.3][Int(index % 4)])
    }

    static func keys(_ seed: UInt64) -> (UInt32, UInt32) {
        (UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32))
    }

    @Test func theBlockMatchesSwift() {
        let (k0, k1) = Self.keys(Self.seed)
        for counter: [UInt32] in [[0, 0, 0, 0], [1, 2, 3, 4], [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]] {
            var out = [UInt32](repeating: 0, count: 4)
            cmk_philox_block(k0, k1, counter, &out)
            let swift = Philox(seed: Self.seed).block(counter[0], counter[1], counter[2], counter[3])
            #expect(out == [swift.0, swift.1, swift.2, swift.3])
        }
    }

    @Test(arguments: sizes, offsets)
    func uniformFastPathsEqualPortableAndSwift(_ count: Int, _ first: UInt64) {
        let (k0, k1) = Self.keys(Self.seed)
        let (scale, shift) = (0.2, -0.1)
        let generator = Philox(seed: Self.seed)
        let expected = (0..<count).map { Float(Self.uniformElement(generator, first + UInt64($0)) * scale + shift) }
        func check(_ path: String, _ kernel: (UnsafeMutablePointer<Float>?) -> Void) {
            var out = [Float](repeating: .nan, count: count + 1)
            out.withUnsafeMutableBufferPointer { kernel($0.baseAddress) }
            #expect(Array(out.prefix(count)) == expected, "count \(count) first \(first): \(path)")
            #expect(out[count].isNaN, "count \(count) first \(first): \(path) wrote past the end")
        }
        check("portable path") { cmk_philox_uniform_portable(k0, k1, first, Int64(count), scale, shift, $0) }
        check("default path") { cmk_philox_uniform(k0, k1, first, Int64(count), scale, shift, $0) }
        // Each kernel this CPU runs: 1 AVX2, 2 AVX-512.
        for level in 1...max(1, cmk_simd_level()) {
            check("level \(level)") {
                cmk_philox_uniform_at_level(level, k0, k1, first, Int64(count), scale, shift, $0)
            }
        }
    }

    /// Any part of a normal or truncated normal stream equals the same part of Swift's.
    @Test(arguments: sizes, [0, 1, 2, 3, 5])
    func normalStreamsEqualSwift(_ count: Int, _ first: Int) {
        let (k0, k1) = Self.keys(Self.seed)
        let generator = Philox(seed: Self.seed)
        let (scale, shift) = (0.3, 0.5)
        for (name, reference, kernel) in [
            ("normal", generator.normal(count: first + count), cmk_philox_normal),
            ("truncated normal", generator.truncatedNormal(count: first + count), cmk_philox_truncated_normal),
        ] as [(String, [Double], (UInt32, UInt32, UInt64, Int64, Double, Double, UnsafeMutablePointer<Float>?) -> Void)]
        {
            var out = [Float](repeating: .nan, count: count + 1)
            out.withUnsafeMutableBufferPointer {
                kernel(k0, k1, UInt64(first), Int64(count), scale, shift, $0.baseAddress)
            }
            let expected = reference[first...].map { Float($0 * scale + shift) }
            #expect(Array(out.prefix(count)) == expected, "\(name) count \(count) first \(first)")
            #expect(out[count].isNaN, "\(name) count \(count) first \(first): wrote past the end")
        }
    }

    /// Initializers fill tensors with what the `[Double]` streams give, including large ones
    /// split over the cores and ones advised into huge pages.
    @Test(arguments: [[1], [7], [17], [100], [3, 3, 64, 65], [300, 301], [1024, 600]])
    func initializersDrawTheSwiftStreams(_ shape: [Int]) {
        let count = shape.reduce(1, *)
        let generator = Philox(seed: Self.seed)
        let cases: [(Initializer, [Double], Double, Double)] = [
            (.randomUniform(minval: -0.5, maxval: 1.5), generator.uniform(count: count), 2, -0.5),
            (.randomNormal(mean: 1, stddev: 0.25), generator.normal(count: count), 0.25, 1),
            (.truncatedNormal(mean: 0, stddev: 0.5), generator.truncatedNormal(count: count), 0.5, 0),
        ]
        for (initializer, reference, scale, shift) in cases {
            let drawn = initializer.sample(shape: shape, seed: Self.seed)
            #expect(drawn.shape == shape)
            #expect(drawn.scalars == reference.map { Float($0 * scale + shift) }, "\(initializer) \(shape)")
        }
    }
}
