import CModelKernels
import Foundation
import Testing

@testable import ModelRuntime
@testable import ModelSpec

/// Convolutions as tiled im2col products (tiles split over the cores, or the product split when
/// there are few tiles) against a direct Double loop, on odd sizes (1, 7, 17, 100) that hit
/// every edge of the tiles.
@Suite struct ConvolutionKernelTests {
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed) * 0.37)) }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var batch = 2, height: Int, width: Int, channels: Int, filters: Int
        var kernel: Int, stride = 1, padding = Padding.same, groups = 1
        var testDescription: String {
            """
            \(batch)×\(height)×\(width)×\(channels) → \(filters), \(kernel)×\(kernel) stride \(stride) \
            \(padding) groups \(groups)
            """
        }
    }

    static let cases: [Case] = [
        Case(height: 1, width: 1, channels: 1, filters: 7, kernel: 3),
        Case(height: 7, width: 7, channels: 3, filters: 17, kernel: 3),
        Case(height: 17, width: 17, channels: 17, filters: 7, kernel: 3),
        Case(height: 17, width: 17, channels: 3, filters: 17, kernel: 7, stride: 2),
        Case(batch: 1, height: 7, width: 100, channels: 7, filters: 17, kernel: 3, stride: 2, padding: .valid),
        Case(batch: 1, height: 100, width: 17, channels: 1, filters: 100, kernel: 1, stride: 2),
        Case(batch: 3, height: 17, width: 7, channels: 4, filters: 6, kernel: 3, groups: 2),
        Case(batch: 1, height: 7, width: 7, channels: 100, filters: 100, kernel: 3),
        // 9 tiles over 8 workers (on 2 cores): a worker without tiles.
        Case(batch: 1, height: 1, width: 1017, channels: 1, filters: 7, kernel: 3),
    ]

    /// The convolution by its definition, in Double.
    static func reference(_ c: Case, input: [Float], kernel: [Float], bias: [Float], geometry: Geometry3D) -> [Float] {
        let (outH, outW) = (geometry.output[1], geometry.output[2])
        let groupChannels = c.channels / c.groups
        let groupFilters = c.filters / c.groups
        var out = [Float](repeating: 0, count: c.batch * outH * outW * c.filters)
        for n in 0..<c.batch {
            for oy in 0..<outH {
                for ox in 0..<outW {
                    for f in 0..<c.filters {
                        let g = f / groupFilters
                        var sum = Double(bias[f])
                        for ky in 0..<c.kernel {
                            let iy = oy * c.stride + ky - geometry.padBefore[1]
                            guard iy >= 0, iy < c.height else { continue }
                            for kx in 0..<c.kernel {
                                let ix = ox * c.stride + kx - geometry.padBefore[2]
                                guard ix >= 0, ix < c.width else { continue }
                                for ci in 0..<groupChannels {
                                    let xValue = input[
                                        ((n * c.height + iy) * c.width + ix) * c.channels + g * groupChannels + ci]
                                    let kValue = kernel[((ky * c.kernel + kx) * groupChannels + ci) * c.filters + f]
                                    sum += Double(xValue) * Double(kValue)
                                }
                            }
                        }
                        out[((n * outH + oy) * outW + ox) * c.filters + f] = Float(sum)
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: cases)
    func tiledConvolutionEqualsTheDefinition(_ c: Case) {
        let window = SpatialWindow(
            size: [c.kernel, c.kernel], strides: [c.stride, c.stride], dilation: [1, 1], padding: c.padding)
        let geometry = Geometry3D(window: window, spatial: [c.height, c.width])
        let input = Tensor(
            shape: [c.batch, c.height, c.width, c.channels],
            scalars: Self.values(c.batch * c.height * c.width * c.channels, seed: 1))
        let kernel = Tensor(
            shape: [c.kernel, c.kernel, c.channels / c.groups, c.filters],
            scalars: Self.values(c.kernel * c.kernel * c.channels / c.groups * c.filters, seed: 2))
        let bias = Tensor(shape: [c.filters], scalars: Self.values(c.filters, seed: 3))
        for withBias in [false, true] {
            let output = ConvolutionKernels.convolve(
                input, kernel: kernel, bias: withBias ? bias : nil, geometry: geometry,
                groups: c.groups, outputSpatial: Array(geometry.output.suffix(2)))
            let expected = Self.reference(
                c, input: input.scalars, kernel: kernel.scalars,
                bias: withBias ? bias.scalars : [Float](repeating: 0, count: c.filters), geometry: geometry)
            #expect(output.shape == [c.batch, geometry.output[1], geometry.output[2], c.filters])
            let error = zip(output.scalars, expected).map { abs($0 - $1) }.max() ?? 0
            let depth = c.kernel * c.kernel * c.channels / c.groups
            #expect(error <= Float(depth) * 1e-6 + 1e-6, "bias \(withBias): off by \(error)")
        }
    }
}
