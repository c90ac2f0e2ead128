import CModelKernels
import Foundation
import Testing

@testable import ModelRuntime

/// The matrix product's fast paths (AVX-512 or AVX2/FMA, when the CPU has them) against the
/// portable kernel and a Double reference, on sizes that hit every edge of the 6×16 and 12×32
/// tilings and the 256-deep and 120-row blocks, with B read in place (under 240 rows) and
/// packed, and products split over the cores by rows and by columns (under 256 rows).
@Suite struct MatrixMultiplyTests {
    static let sizes = [1, 7, 17, 100]

    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed) * 0.37)) }
    }

    static func reference(_ a: [Float], _ b: [Float], bias: [Float]?, m: Int, k: Int, n: Int) -> [Float] {
        (0..<(m * n)).map { index in
            let i = index / n
            let j = index % n
            var sum = Double(bias?[j] ?? 0)
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
            return Float(sum)
        }
    }

    @Test(
        arguments: sizes.flatMap { m in sizes.flatMap { k in sizes.map { n in [m, k, n] } } } + [
            [130, 300, 35], [13, 600, 1030], [7, 300, 1030], [100, 150, 100], [250, 300, 35], [17, 1000, 100],
        ])
    func fastPathEqualsPortableAndReference(_ size: [Int]) {
        let (m, k, n) = (size[0], size[1], size[2])
        let a = Self.values(m * k, seed: 1)
        let b = Self.values(k * n, seed: 2)
        let bias = Self.values(n, seed: 3)
        for withBias in [false, true] {
            var fast = [Float](repeating: .nan, count: m * n)
            var portable = [Float](repeating: .nan, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    bias.withUnsafeBufferPointer { bias in
                        fast.withUnsafeMutableBufferPointer {
                            MatrixMultiply.multiply(a, b, bias: withBias ? bias : nil, into: $0, m: m, k: k, n: n)
                        }
                        portable.withUnsafeMutableBufferPointer {
                            cmk_sgemm_portable(
                                Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(k), b.baseAddress, Int32(n),
                                $0.baseAddress, Int32(n), withBias ? bias.baseAddress : nil)
                        }
                    }
                }
            }
            let expected = Self.reference(a, b, bias: withBias ? bias : nil, m: m, k: k, n: n)
            let tolerance = Float(k) * 1e-6 + 1e-6
            let fastError = zip(fast, expected).map { abs($0 - $1) }.max() ?? 0
            let portableError = zip(portable, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(fastError <= tolerance, "m \(m) k \(k) n \(n) bias \(withBias): fast path off by \(fastError)")
            #expect(
                portableError <= tolerance,
                "m \(m) k \(k) n \(n) bias \(withBias): portable path off by \(portableError)")
        }
    }

    /// Each kernel the CPU runs (1 AVX2/FMA or NEON, 2 AVX-512), on one thread, at sizes around
    /// the tiles' edges: rows around 6, 8, 12 and the few-rows paths, columns around 12, 16 and 32.
    @Test(arguments: [1, 5, 8, 11, 12, 13, 16, 17, 25, 130, 250], [1, 12, 13, 15, 16, 17, 31, 32, 33, 100])
    func everyKernelLevelMatchesTheReference(_ m: Int, _ n: Int) {
        for k in [1, 7, 300] {
            let a = MatrixMultiplyTests.values(m * k, seed: 4)
            let b = MatrixMultiplyTests.values(k * n, seed: 5)
            let bias = Self.values(n, seed: 6)
            let expected = Self.reference(a, b, bias: bias, m: m, k: k, n: n)
            for level in 1...max(1, cmk_simd_level()) {
                var out = [Float](repeating: .nan, count: m * n + 1)
                cmk_sgemm_at_level(level, Int32(m), Int32(n), Int32(k), a, Int32(k), b, Int32(n), &out, Int32(n), bias)
                let error = zip(out, expected).map { abs($0 - $1) }.max() ?? 0
                #expect(error <= Float(k) * 1e-6 + 1e-6, "level \(level) m \(m) k \(k) n \(n): off by \(error)")
                #expect(out[m * n].isNaN, "level \(level) m \(m) k \(k) n \(n): wrote past the end")
            }
        }
    }

    @Test func theFastKernelsAreUsedWhereTheCPUHasThem() {
        #if arch(x86_64)
            // The CI machine and this one have AVX2 and FMA; elsewhere the portable path runs.
            let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let avx2 = cpu.contains(" avx2") && cpu.contains(" fma")
            if avx2 { #expect(cmk_has_avx2_fma() == 1) }
            let avx512 = avx2 && cpu.contains(" avx512f") && cpu.contains(" avx512dq")
            #expect(cmk_simd_level() == (avx512 ? 2 : avx2 ? 1 : 0))
        #elseif arch(arm64)
            // NEON is part of every arm64 CPU.
            #expect(cmk_has_avx2_fma() == 0)
            #expect(cmk_simd_level() == 1)
        #else
            #expect(cmk_has_avx2_fma() == 0)
            #expect(cmk_simd_level() == 0)
        #endif
    }
}

/// A right-hand matrix packed once (`cmk_sgemm_pack`) and reused gives the same bits as the
/// blocked product that packs it itself, at every kernel level the CPU has; sizes cross the
/// 256-deep and 1,024-wide cache blocks and leave partial panels and tiles.
@Suite struct PrepackedMatrixTests {
    @Test(arguments: [[12, 5, 7], [16, 256, 1024], [31, 600, 1100], [250, 300, 35], [13, 257, 33]])
    func prepackedEqualsBlocked(_ size: [Int]) {
        let (m, k, n) = (size[0], size[1], size[2])
        let a = MatrixMultiplyTests.values(m * k, seed: 4)
        let b = MatrixMultiplyTests.values(k * n, seed: 5)
        let bias = MatrixMultiplyTests.values(n, seed: 6)
        for level in 1...max(1, Int(cmk_simd_level())) {
            let count = cmk_sgemm_packed_count(Int32(level), Int32(k), Int32(n))
            // Only x86-64 kernels have a packed form; elsewhere the prepacked call multiplies as usual.
            #expect(count > 0 || cmk_has_avx2_fma() == 0)
            var packed = [Float](repeating: .nan, count: count)
            b.withUnsafeBufferPointer { b in
                packed.withUnsafeMutableBufferPointer {
                    cmk_sgemm_pack(Int32(level), Int32(k), Int32(n), b.baseAddress, Int32(n), $0.baseAddress)
                }
            }
            for withBias in [false, true] {
                var direct = [Float](repeating: .nan, count: m * n)
                var reused = [Float](repeating: .nan, count: m * n)
                a.withUnsafeBufferPointer { a in
                    b.withUnsafeBufferPointer { b in
                        bias.withUnsafeBufferPointer { bias in
                            direct.withUnsafeMutableBufferPointer {
                                cmk_sgemm_at_level(
                                    Int32(level), Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(k), b.baseAddress,
                                    Int32(n), $0.baseAddress, Int32(n), withBias ? bias.baseAddress : nil)
                            }
                            packed.withUnsafeBufferPointer { packed in
                                reused.withUnsafeMutableBufferPointer {
                                    cmk_sgemm_prepacked(
                                        Int32(level), Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(k),
                                        b.baseAddress, Int32(n), count > 0 ? packed.baseAddress : nil, $0.baseAddress,
                                        Int32(n), withBias ? bias.baseAddress : nil)
                                }
                            }
                        }
                    }
                }
                let differing = zip(direct, reused).filter { $0.bitPattern != $1.bitPattern }.count
                #expect(differing == 0, "level \(level) m \(m) k \(k) n \(n) bias \(withBias): \(differing) differ")
            }
        }
    }

    /// A product packs its panels into the buffer the caller lends the thread (a pooled block,
    /// `MatrixMultiply.sgemm`), with the same bits as with the thread's own buffer.
    @Test func lentPanelsAreUsedAndGiveTheSameBits() {
        let (m, k, n) = (250, 300, 70)  // 240 rows or more: B is packed too
        let a = MatrixMultiplyTests.values(m * k, seed: 4)
        let b = MatrixMultiplyTests.values(k * n, seed: 5)
        var own = [Float](repeating: .nan, count: m * n)
        var lent = own
        let count = cmk_sgemm_workspace_count(Int32(m))
        guard count > 0 else { return }  // the portable kernel has no panels
        #expect(count >= 256 * (240 + 12))
        let panels = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer { panels.deallocate() }
        panels.initialize(repeating: .nan)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                cmk_sgemm(
                    Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(k), b.baseAddress, Int32(n), &own, Int32(n), nil)
                cmk_sgemm_lend_workspace(panels.baseAddress, count)
                cmk_sgemm(
                    Int32(m), Int32(n), Int32(k), a.baseAddress, Int32(k), b.baseAddress, Int32(n), &lent, Int32(n), nil
                )
                cmk_sgemm_lend_workspace(nil, 0)
            }
        }
        #expect(lent == own)
        #expect(panels.contains { !$0.isNaN }, "the panels were packed into the lent buffer")
    }
}
