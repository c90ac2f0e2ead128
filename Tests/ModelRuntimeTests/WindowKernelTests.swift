import CModelKernels
import Foundation
import Testing

@testable import ModelRuntime

/// The window kernels, depthwise convolution and max and average pooling (AVX2 when the CPU
/// has it, 32 and 8 channels at a time), against their portable loops bit for bit and against
/// references, on odd channel counts and windows with strides, dilation and padding on every
/// side.
@Suite struct WindowKernelTests {
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed) * 0.37)) }
    }

    /// (input height, width, kernel height, width, stride, dilation, padding before).
    static let windows: [[Int]] = [
        [7, 7, 3, 3, 1, 1, 1], [7, 7, 3, 3, 2, 1, 0], [17, 9, 3, 3, 2, 1, 1], [9, 9, 3, 3, 1, 2, 2],
        [1, 17, 1, 4, 2, 1, 1], [5, 6, 5, 2, 1, 1, 2], [1, 1, 3, 3, 1, 1, 1],
    ]

    /// The window of `window` over two images of `channels` channels.
    static func geometry(_ window: [Int], channels: Int) -> cmk_window2d {
        let (inH, inW, kH, kW, stride, dilation, pad) = (
            window[0], window[1], window[2], window[3], window[4], window[5], window[6]
        )
        func outSize(_ size: Int, _ taps: Int) -> Int { (size + 2 * pad - dilation * (taps - 1) - 1) / stride + 1 }
        return cmk_window2d(
            batch: 2, inH: Int32(inH), inW: Int32(inW), channels: Int32(channels), outH: Int32(outSize(inH, kH)),
            outW: Int32(outSize(inW, kW)), kH: Int32(kH), kW: Int32(kW), strideH: Int32(stride), strideW: Int32(stride),
            dilationH: Int32(dilation), dilationW: Int32(dilation), padTop: Int32(pad), padLeft: Int32(pad))
    }

    @Test(arguments: windows, [1, 7, 8, 17, 33, 100])
    func depthwiseFastPathEqualsPortableAndReference(_ window: [Int], _ channels: Int) {
        let (inH, inW, kH, kW, stride, dilation, pad) = (
            window[0], window[1], window[2], window[3], window[4], window[5], window[6]
        )
        var geometry = Self.geometry(window, channels: channels)
        let (batch, outH, outW) = (Int(geometry.batch), Int(geometry.outH), Int(geometry.outW))
        let x = Self.values(batch * inH * inW * channels, seed: 1)
        let k = Self.values(kH * kW * channels, seed: 2)
        let bias = Self.values(channels, seed: 3)
        let count = batch * outH * outW * channels
        for withBias in [false, true] {
            var fast = [Float](repeating: .nan, count: count + 1)
            var portable = fast
            let rows = Int64(batch * outH)
            bias.withUnsafeBufferPointer { b in
                let biasPointer = withBias ? b.baseAddress : nil
                // The fast path in two row ranges, as the layer splits it over the cores.
                cmk_depthwise2d(&geometry, 0, rows / 2, x, k, biasPointer, &fast)
                cmk_depthwise2d(&geometry, rows / 2, rows, x, k, biasPointer, &fast)
                cmk_depthwise2d_portable(&geometry, 0, rows, x, k, biasPointer, &portable)
            }
            #expect(
                fast.map(\.bitPattern) == portable.map(\.bitPattern), "\(window) channels \(channels) bias \(withBias)")
            #expect(fast[count].isNaN, "\(window) channels \(channels): wrote past the end")
            var worst = 0.0
            for n in 0..<batch {
                for oh in 0..<outH {
                    for ow in 0..<outW {
                        for c in 0..<channels {
                            var sum = withBias ? Double(bias[c]) : 0
                            for kh in 0..<kH {
                                for kw in 0..<kW {
                                    let ih = oh * stride + kh * dilation - pad
                                    let iw = ow * stride + kw * dilation - pad
                                    guard ih >= 0, ih < inH, iw >= 0, iw < inW else { continue }
                                    sum +=
                                        Double(x[((n * inH + ih) * inW + iw) * channels + c])
                                        * Double(k[(kh * kW + kw) * channels + c])
                                }
                            }
                            worst = max(worst, abs(sum - Double(fast[((n * outH + oh) * outW + ow) * channels + c])))
                        }
                    }
                }
            }
            #expect(worst <= 1e-5, "\(window) channels \(channels) bias \(withBias): off by \(worst)")
        }
    }

    @Test(arguments: windows, [1, 7, 8, 17, 33, 100])
    func poolingFastPathEqualsPortableAndReference(_ window: [Int], _ channels: Int) {
        let (inH, inW, kH, kW, stride, dilation, pad) = (
            window[0], window[1], window[2], window[3], window[4], window[5], window[6]
        )
        var geometry = Self.geometry(window, channels: channels)
        let (batch, outH, outW) = (Int(geometry.batch), Int(geometry.outH), Int(geometry.outW))
        var x = Self.values(batch * inH * inW * channels, seed: 4)
        x[x.count / 2] = .nan
        let count = batch * outH * outW * channels
        let rows = Int64(batch * outH)
        for isMax in [true, false] {
            var fast = [Float](repeating: .nan, count: count + 1)
            var portable = fast
            cmk_pool2d(&geometry, isMax ? 1 : 0, 0, rows / 2, x, &fast)
            cmk_pool2d(&geometry, isMax ? 1 : 0, rows / 2, rows, x, &fast)
            cmk_pool2d_portable(&geometry, isMax ? 1 : 0, 0, rows, x, &portable)
            #expect(fast.map(\.bitPattern) == portable.map(\.bitPattern), "\(window) channels \(channels) max \(isMax)")
            #expect(fast[count].isNaN, "\(window) channels \(channels): wrote past the end")
            var mismatches = 0
            for n in 0..<batch {
                for oh in 0..<outH {
                    for ow in 0..<outW {
                        for c in 0..<channels {
                            var values: [Float] = []
                            for kh in 0..<kH {
                                for kw in 0..<kW {
                                    let ih = oh * stride + kh * dilation - pad
                                    let iw = ow * stride + kw * dilation - pad
                                    guard ih >= 0, ih < inH, iw >= 0, iw < inW else { continue }
                                    values.append(x[((n * inH + ih) * inW + iw) * channels + c])
                                }
                            }
                            let got = fast[((n * outH + oh) * outW + ow) * channels + c]
                            if isMax {
                                // A NaN tap is skipped, as Swift's `max` loop skipped it.
                                let expected = values.reduce(-Float.infinity) { $1 >= $0 ? $1 : $0 }
                                if got.bitPattern != expected.bitPattern { mismatches += 1 }
                            } else if values.contains(where: \.isNaN) {
                                if !got.isNaN { mismatches += 1 }
                            } else {
                                let expected =
                                    values.isEmpty ? 0 : values.map(Double.init).reduce(0, +) / Double(values.count)
                                if abs(Double(got) - expected) > 1e-6 { mismatches += 1 }
                            }
                        }
                    }
                }
            }
            #expect(mismatches == 0, "\(window) channels \(channels) max \(isMax)")
        }
    }
}
