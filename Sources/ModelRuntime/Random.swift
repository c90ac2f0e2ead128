import CModelKernels
import Dispatch
import Foundation

/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", 2011): a
/// counter-based generator. Block `i` of a key is a pure function of `(key, i)`, so any
/// element of a stream can be drawn independently, in any order, on any thread.
public struct Philox: Sendable, Hashable {
    private let key0: UInt32
    private let key1: UInt32

    /// The generator keyed by `seed`.
    public init(seed: UInt64) {
        key0 = UInt32(truncatingIfNeeded: seed)
        key1 = UInt32(truncatingIfNeeded: seed >> 32)
    }

    /// The four 32-bit outputs for counter `(c0, c1, c2, c3)`.
    @inline(__always)
    public func block(_ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32) -> (UInt32, UInt32, UInt32, UInt32) {
        var (x0, x1, x2, x3) = (c0, c1, c2, c3)
        var (k0, k1) = (key0, key1)
        for round in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(x0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(x2)
            (x0, x1, x2, x3) = (
                UInt32(p1 >> 32) ^ x1 ^ k0, UInt32(truncatingIfNeeded: p1),
                UInt32(p0 >> 32) ^ x3 ^ k1, UInt32(truncatingIfNeeded: p0)
            )
            if round < 9 {
                k0 = k0 &+ 0x9E37_79B9
                k1 = k1 &+ 0xBB67_AE85
            }
        }
        return (x0, x1, x2, x3)
    }

    /// A uniform value in [0, 1) from 32 random bits (24 of them used, as float32 holds).
    @inline(__always)
    static func unit(_ bits: UInt32) -> Double { Double(bits >> 8) * 0x1p-24 }

    /// A uniform value in (0, 1], safe for `log`.
    @inline(__always)
    static func openUnit(_ bits: UInt32) -> Double { (Double(bits >> 8) + 1) * 0x1p-24 }

    /// Fills `count` uniform values in [0, 1).
    public func uniform(count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        var index = 0
        var counter: UInt64 = 0
        while index < count {
            let (a, b, c, d) = block(
                UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 0, 0)
            for bits in [a, b, c, d] where index < count {
                out[index] = Philox.unit(bits)
                index += 1
            }
            counter += 1
        }
        return out
    }

    /// Fills `count` standard normal values (Box–Muller).
    public func normal(count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        var index = 0
        var counter: UInt64 = 0
        while index < count {
            let (a, b, c, d) = block(
                UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), 1, 0)
            for (u, v) in [(a, b), (c, d)] {
                let (z0, z1) = Philox.boxMuller(u, v)
                if index < count {
                    out[index] = z0
                    index += 1
                }
                if index < count {
                    out[index] = z1
                    index += 1
                }
            }
            counter += 1
        }
        return out
    }

    /// Fills `count` standard normal values cut at ±2, redrawing values outside (as Keras's
    /// `truncated_normal` does). Element `i` depends only on the key and `i`.
    public func truncatedNormal(count: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        for index in 0..<count {
            var attempt: UInt32 = 0
            search: while true {
                let (a, b, c, d) = block(
                    UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32), 2, attempt)
                for (u, v) in [(a, b), (c, d)] {
                    let (z0, z1) = Philox.boxMuller(u, v)
                    if abs(z0) <= 2 {
                        out[index] = z0
                        break search
                    }
                    if abs(z1) <= 2 {
                        out[index] = z1
                        break search
                    }
                }
                attempt &+= 1
            }
        }
        return out
    }

    @inline(__always)
    static func boxMuller(_ u: UInt32, _ v: UInt32) -> (Double, Double) {
        let radius = (-2 * Foundation.log(openUnit(u))).squareRoot()
        let angle = 2 * Double.pi * unit(v)
        return (radius * Foundation.cos(angle), radius * Foundation.sin(angle))
    }
}

/// The distributions `Philox` draws float32 tensors from, straight into their buffers.
enum PhiloxStream: Sendable {
    /// Uniform in [0, 1): the values of `Philox.uniform(count:)`.
    case uniform
    /// Standard normal: the values of `Philox.normal(count:)`.
    case normal
    /// Standard normal cut at ±2: the values of `Philox.truncatedNormal(count:)`.
    case truncatedNormal
}

extension Philox {
    /// Streams with fewer values than this are drawn on the calling thread.
    static let parallelThreshold = 1 << 15
    /// Buffers with at least this many values (2 MiB, the smallest that can hold a whole huge
    /// page) are first advised into huge pages.
    static let hugePageThreshold = 1 << 19

    /// Fills `buffer` with `Float(x * scale + shift)` for the stream's values `x`, bit for bit
    /// what `uniform(count:)`, `normal(count:)` or `truncatedNormal(count:)` give, without the
    /// `[Double]` in between: the `CModelKernels` kernels (AVX-512 or AVX2 for the uniform
    /// stream), large buffers split over the cores (element `i` depends only on the key and `i`).
    func fill(_ stream: PhiloxStream, scale: Double, shift: Double, into buffer: UnsafeMutableBufferPointer<Float>) {
        let count = buffer.count
        guard count > 0, let base = buffer.baseAddress else { return }
        let (k0, k1) = (key0, key1)
        let kernel: @Sendable (UInt64, Int64, UnsafeMutablePointer<Float>) -> Void =
            switch stream {
            case .uniform: { cmk_philox_uniform(k0, k1, $0, $1, scale, shift, $2) }
            case .normal: { cmk_philox_normal(k0, k1, $0, $1, scale, shift, $2) }
            case .truncatedNormal: { cmk_philox_truncated_normal(k0, k1, $0, $1, scale, shift, $2) }
            }
        if count >= Philox.hugePageThreshold { cmk_advise_huge_pages(base, Int64(count * MemoryLayout<Float>.stride)) }
        let chunks =
            count < Philox.parallelThreshold ? 1 : min(4 * MatrixMultiply.cores, count / (Philox.parallelThreshold / 4))
        if chunks <= 1 {
            kernel(0, Int64(count), base)
            return
        }
        // Chunks of whole Philox blocks, each writing its own part of the buffer.
        let perChunk = ((count + chunks - 1) / chunks + 3) & ~3
        nonisolated(unsafe) let out = base
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let start = chunk * perChunk
            guard start < count else { return }
            let length = min(perChunk, count - start)
            cmk_populate_for_writing(out + start, Int64(length * MemoryLayout<Float>.stride))
            kernel(UInt64(start), Int64(length), out + start)
        }
    }

    /// A tensor of `shape` filled by `fill(_:scale:shift:into:)` when it is first used (the same
    /// values whenever that is: element `i` depends only on the key and `i`).
    func tensor(_ stream: PhiloxStream, shape: [Int], scale: Double = 1, shift: Double = 0) -> Tensor {
        let generator = self
        return Tensor.lazilyFilled(shape: shape, by: { generator.fill(stream, scale: scale, shift: shift, into: $0) })
    }
}

/// How seeds are derived: a model seed gives each layer its own seed from the layer's path,
/// and each layer gives each weight its own from the weight's name. The same model seed
/// therefore gives the same weights, whether from `init(seed:)` or a `FreshWeights` clone.
public enum Seeds {
    /// A seed from the system's random source.
    public static func fresh() -> UInt64 {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }

    /// SplitMix64's finalizer over `a` combined with `b`: a well-mixed 64-bit hash.
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed for `name` under `base`.
    public static func derive(_ base: UInt64, _ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return mix(base, hash)
    }

    /// The seed a Keras config's integer `seed` stands for.
    public static func fromConfig(_ seed: Int) -> UInt64 {
        mix(UInt64(bitPattern: Int64(seed)), 0x5EED_0F_C0F16)
    }
}
