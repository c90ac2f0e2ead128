// Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions.
// Every rank runs through one implementation over three spatial axes (missing leading axes
// have size 1).

import CModelKernels

/// A window over three spatial axes (lower ranks lead with axes of size 1), with the padding
/// before each axis, for an input of known spatial sizes.
struct Geometry3D {
    var input: [Int]
    var kernel: [Int]
    var stride: [Int]
    var dilation: [Int]
    var padBefore: [Int]
    var output: [Int]

    /// The geometry of `window` over `spatial` (Keras's output sizes and JAX's padding).
    init(window: SpatialWindow, spatial: [Int]) {
        let lead = 3 - spatial.count
        func padded(_ values: [Int], _ fill: Int) -> [Int] { Array(repeating: fill, count: lead) + values }
        input = padded(spatial, 1)
        kernel = padded(window.size, 1)
        stride = padded(window.strides, 1)
        dilation = padded(window.dilation, 1)
        let pads = spatial.indices.map {
            SpatialArithmetic.padding(
                spatial[$0], kernel: window.size[$0], stride: window.strides[$0], dilation: window.dilation[$0],
                padding: window.padding
            ).before
        }
        padBefore = padded(pads, 0)
        output = padded(window.outputSizes(spatial).map { $0 ?? 0 }, 1)
    }

    var inputPositions: Int { input[0] * input[1] * input[2] }
    var outputPositions: Int { output[0] * output[1] * output[2] }
    var taps: Int { kernel[0] * kernel[1] * kernel[2] }

    /// Calls `body(tap, inputPosition)` for each tap of the window at output position
    /// `(o0, o1, o2)` that falls inside the input (padding contributes nothing).
    @inline(__always)
    func forEachTap(_ o0: Int, _ o1: Int, _ o2: Int, _ body: (Int, Int) -> Void) {
        for k0 in 0..<kernel[0] {
            let i0 = o0 * stride[0] + k0 * dilation[0] - padBefore[0]
            if i0 < 0 || i0 >= input[0] { continue }
            for k1 in 0..<kernel[1] {
                let i1 = o1 * stride[1] + k1 * dilation[1] - padBefore[1]
                if i1 < 0 || i1 >= input[1] { continue }
                for k2 in 0..<kernel[2] {
                    let i2 = o2 * stride[2] + k2 * dilation[2] - padBefore[2]
                    if i2 < 0 || i2 >= input[2] { continue }
                    body((k0 * kernel[1] + k1) * kernel[2] + k2, (i0 * input[1] + i1) * input[2] + i2)
                }
            }
        }
    }

    /// `forEachTap` at the output position with flat index `position` (row-major).
    @inline(__always)
    func forEachTap(at position: Int, _ body: (Int, Int) -> Void) {
        let o2 = position % output[2]
        let o1 = (position / output[2]) % output[1]
        let o0 = position / (output[2] * output[1])
        forEachTap(o0, o1, o2, body)
    }

    /// Whether the window is a plain 1×1×1 with stride 1 and no padding (a matrix product).
    var isPointwise: Bool { taps == 1 && stride == [1, 1, 1] && padBefore == [0, 0, 0] }
}

/// The spatial sizes of `input` (batch, spatial..., channels), for a layer of `rank` axes.
func spatialSizes(_ input: Tensor, rank: Int, layer: String) -> [Int] {
    precondition(input.rank == rank + 2, "\(layer): expects an input of rank \(rank + 2), got shape \(input.shape)")
    return Array(input.shape[1...rank])
}

extension Convolution {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var output = convolve(input, then: config.activation.outputPass)
        config.activation.applyUnlessFused(to: &output)
        return output
    }

    /// The convolution plus bias, with `pass` over each block of output rows once computed:
    /// the layer's own activation here, and the layers of a fused chain too (`Fusion.swift`).
    func convolve(_ input: Tensor, then pass: MatrixMultiply.OutputPass?) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let channels = input.shape[input.rank - 1]
        precondition(
            channels == kernel.shape[Rank.rank] * config.groups,
            "\(config.name): expects \(kernel.shape[Rank.rank] * config.groups) channels, got shape \(input.shape)")
        let geometry = Geometry3D(window: config.window, spatial: spatial)
        return ConvolutionKernels.convolve(
            input, kernel: kernel, bias: bias, geometry: geometry, groups: config.groups,
            outputSpatial: Array(geometry.output.suffix(Rank.rank)), then: pass)
    }
}

/// Where a transposed convolution writes, over three spatial axes (lower ranks lead with axes of
/// size 1): input position `i` and tap `k` add to output position `i · stride + k · dilation −
/// crop` when it falls inside the output.
struct TransposeGeometry {
    var input: [Int]
    var output: [Int]
    var kernel: [Int]
    var stride: [Int]
    var dilation: [Int]
    var crop: [Int]
    /// The output's spatial sizes, of the layer's rank.
    var outputSpatial: [Int]

    /// Calls `body(inputPosition, tap, outputPosition)` for every pair that writes inside the
    /// output (positions flat over the three axes).
    func forEachWrite(_ body: (Int, Int, Int) -> Void) {
        for i0 in 0..<input[0] {
            for i1 in 0..<input[1] {
                for i2 in 0..<input[2] {
                    let inputPosition = (i0 * input[1] + i1) * input[2] + i2
                    for k0 in 0..<kernel[0] {
                        let o0 = i0 * stride[0] + k0 * dilation[0] - crop[0]
                        if o0 < 0 || o0 >= output[0] { continue }
                        for k1 in 0..<kernel[1] {
                            let o1 = i1 * stride[1] + k1 * dilation[1] - crop[1]
                            if o1 < 0 || o1 >= output[1] { continue }
                            for k2 in 0..<kernel[2] {
                                let o2 = i2 * stride[2] + k2 * dilation[2] - crop[2]
                                if o2 < 0 || o2 >= output[2] { continue }
                                body(
                                    inputPosition, (k0 * kernel[1] + k1) * kernel[2] + k2,
                                    (o0 * output[1] + o1) * output[2] + o2)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension ConvolutionTranspose {
    /// The layer's geometry for an input of spatial sizes `spatial`: Keras's output sizes and
    /// JAX's padding (crop = span − 1 − JAX's pad before).
    func transposeGeometry(_ spatial: [Int]) -> TransposeGeometry {
        let rank = Rank.rank
        let sizes = config.kernelSize.expanded(to: rank).values
        let strides = config.strides.expanded(to: rank).values
        let dilations = config.dilationRate.expanded(to: rank).values
        let extra = config.outputPadding?.expanded(to: rank).values
        let outputSpatial = config.outputSizes(spatial).map { $0! }
        let crops = (0..<rank).map { axis -> Int in
            let span = (sizes[axis] - 1) * dilations[axis] + 1
            let pad = SpatialArithmetic.transposePadding(
                kernel: sizes[axis], stride: strides[axis], dilation: dilations[axis],
                padding: config.padding, outputPadding: extra?[axis])
            return span - 1 - pad.before
        }
        func padded(_ values: [Int], _ fill: Int) -> [Int] { Array(repeating: fill, count: 3 - rank) + values }
        return TransposeGeometry(
            input: padded(spatial, 1), output: padded(outputSpatial, 1), kernel: padded(sizes, 1),
            stride: padded(strides, 1), dilation: padded(dilations, 1), crop: padded(crops, 0),
            outputSpatial: outputSpatial)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var output = convolveTransposed(input)
        config.activation.apply(to: &output)
        return output
    }

    /// The transposed convolution plus bias, before the activation.
    func convolveTransposed(_ input: Tensor) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let channels = input.shape[input.rank - 1]
        let filters = config.filters
        precondition(
            channels == kernel.shape[Rank.rank + 1],
            "\(config.name): expects \(kernel.shape[Rank.rank + 1]) channels, got shape \(input.shape)")
        let layout = transposeGeometry(spatial)
        let outputSpatial = layout.outputSpatial
        let (inSize, outSize, kernelSize) = (layout.input, layout.output, layout.kernel)
        let (stride, dilation, crop) = (layout.stride, layout.dilation, layout.crop)
        let batch = input.shape[0]
        let inPositions = inSize.reduce(1, *)
        let outPositions = outSize.reduce(1, *)
        let taps = kernelSize.reduce(1, *)
        // Per tap, the kernel as a (channels × filters) matrix: Keras stores (filters, channels).
        let tapMatrices = kernel.withUnsafeScalars { k -> [Float] in
            var out = [Float](repeating: 0, count: taps * channels * filters)
            for t in 0..<taps {
                for f in 0..<filters {
                    for c in 0..<channels {
                        out[(t * channels + c) * filters + f] = k[(t * filters + f) * channels + c]
                    }
                }
            }
            return out
        }
        var output = Tensor(shape: [batch] + outputSpatial + [filters], repeating: 0)
        var product = [Float](repeating: 0, count: inPositions * filters)
        output.withUnsafeMutableScalars { out in
            input.withUnsafeScalars { x in
                tapMatrices.withUnsafeBufferPointer { w in
                    product.withUnsafeMutableBufferPointer { p in
                        for n in 0..<batch {
                            let xBatch = UnsafeBufferPointer(
                                rebasing: x[(n * inPositions * channels)..<((n + 1) * inPositions * channels)])
                            for k0 in 0..<kernelSize[0] {
                                for k1 in 0..<kernelSize[1] {
                                    for k2 in 0..<kernelSize[2] {
                                        let t = (k0 * kernelSize[1] + k1) * kernelSize[2] + k2
                                        let wTap = UnsafeBufferPointer(
                                            rebasing: w[(t * channels * filters)..<((t + 1) * channels * filters)])
                                        MatrixMultiply.multiply(
                                            xBatch, wTap, bias: nil, into: p, m: inPositions, k: channels, n: filters)
                                        for i0 in 0..<inSize[0] {
                                            let o0 = i0 * stride[0] + k0 * dilation[0] - crop[0]
                                            if o0 < 0 || o0 >= outSize[0] { continue }
                                            for i1 in 0..<inSize[1] {
                                                let o1 = i1 * stride[1] + k1 * dilation[1] - crop[1]
                                                if o1 < 0 || o1 >= outSize[1] { continue }
                                                for i2 in 0..<inSize[2] {
                                                    let o2 = i2 * stride[2] + k2 * dilation[2] - crop[2]
                                                    if o2 < 0 || o2 >= outSize[2] { continue }
                                                    let source = ((i0 * inSize[1] + i1) * inSize[2] + i2) * filters
                                                    let target =
                                                        (n * outPositions + (o0 * outSize[1] + o1) * outSize[2] + o2)
                                                        * filters
                                                    for f in 0..<filters { out[target + f] += p[source + f] }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let bias {
                bias.withUnsafeScalars { b in
                    for row in 0..<(batch * outPositions) {
                        for f in 0..<filters { out[row * filters + f] += b[f] }
                    }
                }
            }
        }
        return output
    }
}

extension DepthwiseConvolution {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var output = convolve(input, then: nil)
        config.activation.apply(to: &output)
        return output
    }

    /// The depthwise convolution plus bias, with `pass` over each block of output rows once
    /// computed (the layers of a fused chain, `Fusion.swift`).
    func convolve(_ input: Tensor, then pass: MatrixMultiply.OutputPass?) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        precondition(
            input.shape.last == kernel.shape[Rank.rank],
            "\(config.name): expects \(kernel.shape[Rank.rank]) channels, got shape \(input.shape)")
        let geometry = Geometry3D(window: config.window, spatial: spatial)
        return ConvolutionKernels.depthwise(
            input, kernel: kernel, bias: bias, geometry: geometry,
            multiplier: config.depthMultiplier, outputSpatial: Array(geometry.output.suffix(Rank.rank)), then: pass)
    }
}

extension SeparableConvolution {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        precondition(
            input.shape.last == depthwiseKernel.shape[Rank.rank],
            "\(config.name): expects \(depthwiseKernel.shape[Rank.rank]) channels, got shape \(input.shape)")
        let geometry = Geometry3D(window: config.window, spatial: spatial)
        let outputSpatial = Array(geometry.output.suffix(Rank.rank))
        let depthwise = ConvolutionKernels.depthwise(
            input, kernel: depthwiseKernel, bias: nil, geometry: geometry,
            multiplier: config.depthMultiplier, outputSpatial: outputSpatial)
        return MatrixMultiply.dense(
            depthwise, kernel: pointwiseKernel, bias: bias, activation: config.activation,
            shape: [input.shape[0]] + outputSpatial + [config.filters])
    }
}
