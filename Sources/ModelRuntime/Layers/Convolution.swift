// Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions.
// Every rank runs through one implementation over three spatial axes (missing leading axes
// have size 1).

import CModelKernels
import Dispatch

/// `keras.layers.Conv1D`.
public typealias Conv1D = Convolution<Spatial1D>
/// `keras.layers.Conv2D`.
public typealias Conv2D = Convolution<Spatial2D>
/// `keras.layers.Conv3D`.
public typealias Conv3D = Convolution<Spatial3D>
/// `keras.layers.Conv1DTranspose`.
public typealias Conv1DTranspose = ConvolutionTranspose<Spatial1D>
/// `keras.layers.Conv2DTranspose`.
public typealias Conv2DTranspose = ConvolutionTranspose<Spatial2D>
/// `keras.layers.Conv3DTranspose`.
public typealias Conv3DTranspose = ConvolutionTranspose<Spatial3D>
/// `keras.layers.DepthwiseConv1D`.
public typealias DepthwiseConv1D = DepthwiseConvolution<Spatial1D>
/// `keras.layers.DepthwiseConv2D`.
public typealias DepthwiseConv2D = DepthwiseConvolution<Spatial2D>
/// `keras.layers.SeparableConv1D`.
public typealias SeparableConv1D = SeparableConvolution<Spatial1D>
/// `keras.layers.SeparableConv2D`.
public typealias SeparableConv2D = SeparableConvolution<Spatial2D>

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

/// `keras.layers.Conv1D`, `Conv2D`, `Conv3D`: `activation(conv(input, kernel) + bias)`.
public struct Convolution<Rank: SpatialRank>: UnaryLayer {
    public let config: ConvConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The kernel, shaped `(*kernel_size, input_channels / groups, filters)`.
    public private(set) var kernel: Tensor
    /// The `[filters]` bias, when `useBias`.
    public private(set) var bias: Tensor?
    private let specs: [WeightSpec]

    public init(config: ConvConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        specs = try config.weights(for: inputShape)
        let fresh = freshWeights(specs, seed: seed)
        kernel = fresh[0]
        bias = config.useBias ? fresh[1] : nil
    }

    public var weights: [Tensor] { bias.map { [kernel, $0] } ?? [kernel] }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: specs, layer: config.name)
        kernel = weights[0]
        bias = config.useBias ? weights[1] : nil
    }

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

/// `keras.layers.Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: the transpose of a
/// convolution, `activation(conv_transpose(input, kernel) + bias)`.
public struct ConvolutionTranspose<Rank: SpatialRank>: UnaryLayer {
    public let config: ConvTransposeConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The kernel, shaped `(*kernel_size, filters, input_channels)`.
    public private(set) var kernel: Tensor
    /// The `[filters]` bias, when `useBias`.
    public private(set) var bias: Tensor?
    private let specs: [WeightSpec]

    public init(config: ConvTransposeConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        specs = try config.weights(for: inputShape)
        let fresh = freshWeights(specs, seed: seed)
        kernel = fresh[0]
        bias = config.useBias ? fresh[1] : nil
    }

    public var weights: [Tensor] { bias.map { [kernel, $0] } ?? [kernel] }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: specs, layer: config.name)
        kernel = weights[0]
        bias = config.useBias ? weights[1] : nil
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let channels = input.shape[input.rank - 1]
        let filters = config.filters
        precondition(
            channels == kernel.shape[Rank.rank + 1],
            "\(config.name): expects \(kernel.shape[Rank.rank + 1]) channels, got shape \(input.shape)")
        let rank = Rank.rank
        let sizes = config.kernelSize.expanded(to: rank).values
        let strides = config.strides.expanded(to: rank).values
        let dilations = config.dilationRate.expanded(to: rank).values
        let extra = config.outputPadding?.expanded(to: rank).values
        let outputSpatial = config.outputSizes(spatial).map { $0! }
        // Output position o = i·stride + tap·dilation − crop, crop = span − 1 − JAX's pad before.
        let crops = (0..<rank).map { axis -> Int in
            let span = (sizes[axis] - 1) * dilations[axis] + 1
            let pad = SpatialArithmetic.transposePadding(
                kernel: sizes[axis], stride: strides[axis], dilation: dilations[axis],
                padding: config.padding, outputPadding: extra?[axis])
            return span - 1 - pad.before
        }
        let lead = 3 - rank
        func padded(_ values: [Int], _ fill: Int) -> [Int] { Array(repeating: fill, count: lead) + values }
        let inSize = padded(spatial, 1)
        let outSize = padded(outputSpatial, 1)
        let kernelSize = padded(sizes, 1)
        let stride = padded(strides, 1)
        let dilation = padded(dilations, 1)
        let crop = padded(crops, 0)
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
        config.activation.apply(to: &output)
        return output
    }
}

/// `keras.layers.DepthwiseConv1D`, `DepthwiseConv2D`: each channel convolved with its own
/// `depth_multiplier` kernels.
public struct DepthwiseConvolution<Rank: SpatialRank>: UnaryLayer {
    public let config: DepthwiseConvConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The kernel, shaped `(*kernel_size, channels, depth_multiplier)`.
    public private(set) var kernel: Tensor
    /// The `[channels · depth_multiplier]` bias, when `useBias`.
    public private(set) var bias: Tensor?
    private let specs: [WeightSpec]

    public init(config: DepthwiseConvConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        specs = try config.weights(for: inputShape)
        let fresh = freshWeights(specs, seed: seed)
        kernel = fresh[0]
        bias = config.useBias ? fresh[1] : nil
    }

    public var weights: [Tensor] { bias.map { [kernel, $0] } ?? [kernel] }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: specs, layer: config.name)
        kernel = weights[0]
        bias = config.useBias ? weights[1] : nil
    }

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

/// `keras.layers.SeparableConv1D`, `SeparableConv2D`: a depthwise convolution, then a
/// pointwise (1×1) one.
public struct SeparableConvolution<Rank: SpatialRank>: UnaryLayer {
    public let config: SeparableConvConfig<Rank>
    public let inputShape: TensorShape
    public let outputShape: TensorShape
    /// The depthwise kernel, shaped `(*kernel_size, channels, depth_multiplier)`.
    public private(set) var depthwiseKernel: Tensor
    /// The pointwise kernel, shaped `(1, ..., channels · depth_multiplier, filters)`.
    public private(set) var pointwiseKernel: Tensor
    /// The `[filters]` bias, when `useBias`.
    public private(set) var bias: Tensor?
    private let specs: [WeightSpec]

    public init(config: SeparableConvConfig<Rank>, inputShape: TensorShape, seed: UInt64) throws {
        try config.validate()
        self.config = config
        self.inputShape = inputShape
        outputShape = try config.outputShape(for: inputShape)
        specs = try config.weights(for: inputShape)
        let fresh = freshWeights(specs, seed: seed)
        depthwiseKernel = fresh[0]
        pointwiseKernel = fresh[1]
        bias = config.useBias ? fresh[2] : nil
    }

    public var weights: [Tensor] { [depthwiseKernel, pointwiseKernel] + (bias.map { [$0] } ?? []) }

    public mutating func setWeights(_ weights: [Tensor]) throws {
        try checkWeights(weights, against: specs, layer: config.name)
        depthwiseKernel = weights[0]
        pointwiseKernel = weights[1]
        bias = config.useBias ? weights[2] : nil
    }

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
        let middle = depthwise.shape.last!
        let filters = config.filters
        let rows = depthwise.scalarCount / max(middle, 1)
        var output = Tensor(shape: [input.shape[0]] + outputSpatial + [filters]) { out in
            depthwise.withUnsafeScalars { a in
                pointwiseKernel.withUnsafeScalars { b in
                    let activation = config.activation.outputPass
                    if let bias {
                        bias.withUnsafeScalars {
                            MatrixMultiply.multiply(
                                a, b, bias: $0, into: out, m: rows, k: middle, n: filters, then: activation)
                        }
                    } else {
                        MatrixMultiply.multiply(
                            a, b, bias: nil, into: out, m: rows, k: middle, n: filters, then: activation)
                    }
                }
            }
        }
        config.activation.applyUnlessFused(to: &output)
        return output
    }
}

/// The convolution loops shared by the layers.
enum ConvolutionKernels {
    /// Output positions per im2col tile: the patch matrix stays small whatever the image size,
    /// and a tile is one row block of the matrix product (`MC` in CModelKernels), whose
    /// kernel panels are then read in place rather than packed.
    static let tileRows = 120

    /// A grouped convolution as im2col tiles times the kernel (plus bias), `(batch, *outputSpatial,
    /// filters)`, with `outputPass` over each tile's output rows once they are done.
    static func convolve(
        _ input: Tensor, kernel: Tensor, bias: Tensor?, geometry: Geometry3D, groups: Int,
        outputSpatial: [Int], then outputPass: MatrixMultiply.OutputPass? = nil
    ) -> Tensor {
        let batch = input.shape[0]
        let channels = input.shape[input.rank - 1]
        let filters = kernel.shape[kernel.rank - 1]
        let groupChannels = channels / groups
        let groupFilters = filters / groups
        let taps = geometry.taps
        let depth = taps * groupChannels
        let inPositions = geometry.inputPositions
        let outPositions = geometry.outputPositions
        // Each group's kernel as a contiguous (taps · groupChannels) × groupFilters matrix; one
        // group's is the kernel itself, used in place (copying it would cost a pass over it).
        let groupKernels: [[Float]] =
            groups == 1
            ? [kernel.scalars]
            : kernel.withUnsafeScalars { k in
                (0..<groups).map { g in
                    var matrix = [Float](repeating: 0, count: depth * groupFilters)
                    for row in 0..<depth {
                        for f in 0..<groupFilters {
                            matrix[row * groupFilters + f] = k[row * filters + g * groupFilters + f]
                        }
                    }
                    return matrix
                }
            }
        return Tensor(shape: [batch] + outputSpatial + [filters]) { out in
            input.withUnsafeScalars { x in
                if geometry.isPointwise, groups == 1 {
                    kernel.withUnsafeScalars { k in
                        let m = batch * inPositions
                        if let bias {
                            bias.withUnsafeScalars {
                                MatrixMultiply.multiply(
                                    x, k, bias: $0, into: out, m: m, k: channels, n: filters, then: outputPass)
                            }
                        } else {
                            MatrixMultiply.multiply(
                                x, k, bias: nil, into: out, m: m, k: channels, n: filters, then: outputPass)
                        }
                    }
                    return
                }
                let groupBiases: [[Float]]? = bias.map { b in
                    (0..<groups).map { g in Array(b.scalars[(g * groupFilters)..<((g + 1) * groupFilters)]) }
                }
                // Tiles of output positions (never across a batch boundary); each thread
                // gathers its own tile's patches and multiplies them, so the cores share the
                // work without a hand-off per tile. Too few tiles: the product splits instead.
                let tilesPerImage = (outPositions + tileRows - 1) / tileRows
                let tiles = batch * tilesPerImage
                let workers = tiles >= 2 * MatrixMultiply.cores ? min(tiles, 4 * MatrixMultiply.cores) : 1
                let tilesPerWorker = (tiles + workers - 1) / workers
                nonisolated(unsafe) let output = out
                nonisolated(unsafe) let input = x
                let work: @Sendable (Int) -> Void = { worker in
                    let firstTile = worker * tilesPerWorker
                    let endTile = min(tiles, firstTile + tilesPerWorker)
                    guard firstTile < endTile else { return }
                    let patches = UnsafeMutableBufferPointer<Float>.allocate(capacity: tileRows * depth)
                    let product = UnsafeMutableBufferPointer<Float>.allocate(
                        capacity: groups == 1 ? 0 : tileRows * groupFilters)
                    defer {
                        patches.deallocate()
                        product.deallocate()
                    }
                    for tile in firstTile..<endTile {
                        let n = tile / tilesPerImage
                        let start = tile % tilesPerImage * tileRows
                        let rows = min(tileRows, outPositions - start)
                        let firstRow = n * outPositions + start
                        for g in 0..<groups {
                            gatherPatches(
                                input, into: patches, geometry: geometry, imageBase: n * inPositions * channels,
                                channels: channels,
                                channelBase: g * groupChannels, groupChannels: groupChannels, start: start, rows: rows)
                            let a = UnsafeBufferPointer(rebasing: patches[0..<(rows * depth)])
                            // One group: the product goes straight into the output rows.
                            let target =
                                groups == 1
                                ? UnsafeMutableBufferPointer(
                                    rebasing: output[(firstRow * filters)..<((firstRow + rows) * filters)])
                                : UnsafeMutableBufferPointer(rebasing: product[0..<(rows * groupFilters)])
                            groupKernels[g].withUnsafeBufferPointer { w in
                                if let groupBiases {
                                    groupBiases[g].withUnsafeBufferPointer {
                                        MatrixMultiply.multiply(
                                            a, w, bias: $0, into: target, m: rows, k: depth, n: groupFilters,
                                            parallel: workers == 1)
                                    }
                                } else {
                                    MatrixMultiply.multiply(
                                        a, w, bias: nil, into: target, m: rows, k: depth, n: groupFilters,
                                        parallel: workers == 1)
                                }
                            }
                            if groups > 1 {
                                for row in 0..<rows {
                                    let base = (firstRow + row) * filters + g * groupFilters
                                    for f in 0..<groupFilters { output[base + f] = product[row * groupFilters + f] }
                                }
                            }
                        }
                        // The tile's output rows are done (every group's): the output pass, in cache.
                        outputPass?(
                            UnsafeMutableBufferPointer(
                                rebasing: output[(firstRow * filters)..<((firstRow + rows) * filters)]))
                    }
                }
                if workers == 1 {
                    work(0)
                } else {
                    DispatchQueue.concurrentPerform(iterations: workers, execute: work)
                }
            }
        }
    }

    /// im2col: the patches of output positions `start ..< start + rows` of one image, one row
    /// of `taps · groupChannels` values per position (zeros where the window meets padding).
    @inline(__always)
    static func gatherPatches(
        _ x: UnsafeBufferPointer<Float>, into patches: UnsafeMutableBufferPointer<Float>, geometry: Geometry3D,
        imageBase: Int,
        channels: Int, channelBase: Int, groupChannels: Int, start: Int, rows: Int
    ) {
        guard let source = x.baseAddress, let target = patches.baseAddress else { return }
        let depth = geometry.taps * groupChannels
        let (k0s, k1s, k2s) = (geometry.kernel[0], geometry.kernel[1], geometry.kernel[2])
        let (s0, s1, s2) = (geometry.stride[0], geometry.stride[1], geometry.stride[2])
        let (d0, d1, d2) = (geometry.dilation[0], geometry.dilation[1], geometry.dilation[2])
        let (p0, p1, p2) = (geometry.padBefore[0], geometry.padBefore[1], geometry.padBefore[2])
        let (n0, n1, n2) = (geometry.input[0], geometry.input[1], geometry.input[2])
        let (out1, out2) = (geometry.output[1], geometry.output[2])
        for row in 0..<rows {
            let position = start + row
            let o2 = position % out2
            let o1 = (position / out2) % out1
            let o0 = position / (out2 * out1)
            var dst = target + row * depth
            for k0 in 0..<k0s {
                let i0 = o0 * s0 + k0 * d0 - p0
                let inside0 = i0 >= 0 && i0 < n0
                for k1 in 0..<k1s {
                    let i1 = o1 * s1 + k1 * d1 - p1
                    let inside1 = inside0 && i1 >= 0 && i1 < n1
                    for k2 in 0..<k2s {
                        let i2 = o2 * s2 + k2 * d2 - p2
                        if inside1 && i2 >= 0 && i2 < n2 {
                            let src = source + imageBase + ((i0 * n1 + i1) * n2 + i2) * channels + channelBase
                            dst.update(from: src, count: groupChannels)
                        } else {
                            dst.update(repeating: 0, count: groupChannels)
                        }
                        dst += groupChannels
                    }
                }
            }
        }
    }

    /// A depthwise convolution: output channel `c · multiplier + m` is channel `c` convolved
    /// with kernel `[..., c, m]`.
    static func depthwise(
        _ input: Tensor, kernel: Tensor, bias: Tensor?, geometry: Geometry3D, multiplier: Int,
        outputSpatial: [Int], then outputPass: MatrixMultiply.OutputPass? = nil
    ) -> Tensor {
        let batch = input.shape[0]
        let channels = input.shape[input.rank - 1]
        let width = channels * multiplier
        let inPositions = geometry.inputPositions
        let outPositions = geometry.outputPositions
        if multiplier == 1, let window = geometry.window2D(batch: batch, channels: channels) {
            return depthwise2D(
                input, kernel: kernel, bias: bias, window: window, outputSpatial: outputSpatial, then: outputPass)
        }
        var output = Tensor(shape: [batch] + outputSpatial + [width]) { out in
            input.withUnsafeScalars { x in
                kernel.withUnsafeScalars { k in
                    for n in 0..<batch {
                        for position in 0..<outPositions {
                            let target = (n * outPositions + position) * width
                            if let bias {
                                bias.withUnsafeScalars { b in for j in 0..<width { out[target + j] = b[j] } }
                            } else {
                                for j in 0..<width { out[target + j] = 0 }
                            }
                            geometry.forEachTap(at: position) { tap, inputPosition in
                                let source = (n * inPositions + inputPosition) * channels
                                let weights = tap * width
                                if multiplier == 1 {
                                    for c in 0..<channels { out[target + c] += x[source + c] * k[weights + c] }
                                } else {
                                    for c in 0..<channels {
                                        let value = x[source + c]
                                        for m in 0..<multiplier {
                                            out[target + c * multiplier + m] += value * k[weights + c * multiplier + m]
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if let outputPass { output.withUnsafeMutableScalars { outputPass($0) } }
        return output
    }

    /// Depthwise convolutions of one or two spatial axes with depth multiplier 1 (MobileNet's):
    /// `CModelKernels`' kernel, the same sums in the same order as the loop above, with the
    /// output rows split over the cores when the layer is large enough to pay for it, and
    /// `outputPass` over each chunk of rows once it is done.
    static func depthwise2D(
        _ input: Tensor, kernel: Tensor, bias: Tensor?, window: cmk_window2d, outputSpatial: [Int],
        then outputPass: MatrixMultiply.OutputPass? = nil
    ) -> Tensor {
        Tensor(shape: [input.shape[0]] + outputSpatial + [Int(window.channels)]) { out in
            input.withUnsafeScalars { x in
                kernel.withUnsafeScalars { k in
                    func run(_ bias: UnsafePointer<Float>?) {
                        nonisolated(unsafe) let (xs, ks, bs, os) = (x.baseAddress, k.baseAddress, bias, out.baseAddress)
                        let rowValues = Int(window.outW) * Int(window.channels)
                        window.forEachRowChunk { window, first, end in
                            cmk_depthwise2d(&window, Int64(first), Int64(end), xs, ks, bs, os)
                            if let outputPass, let os {
                                outputPass(
                                    UnsafeMutableBufferPointer(
                                        start: os + first * rowValues, count: (end - first) * rowValues))
                            }
                        }
                    }
                    if let bias { bias.withUnsafeScalars { run($0.baseAddress) } } else { run(nil) }
                }
            }
        }
    }
}

extension Geometry3D {
    /// The window for `CModelKernels`' 2-D kernels, when it spans at most two axes (the leading
    /// one of size 1) and the tensors' sizes fit their 32-bit fields.
    func window2D(batch: Int, channels: Int) -> cmk_window2d? {
        guard input[0] == 1, kernel[0] == 1, output[0] == 1,
            batch * max(inputPositions, outputPositions) * channels < Int(Int32.max)
        else { return nil }
        return cmk_window2d(
            batch: Int32(batch), inH: Int32(input[1]), inW: Int32(input[2]), channels: Int32(channels),
            outH: Int32(output[1]), outW: Int32(output[2]), kH: Int32(kernel[1]), kW: Int32(kernel[2]),
            strideH: Int32(stride[1]), strideW: Int32(stride[2]), dilationH: Int32(dilation[1]),
            dilationW: Int32(dilation[2]), padTop: Int32(padBefore[1]), padLeft: Int32(padBefore[2]))
    }
}

extension cmk_window2d {
    /// Calls `body(window, firstRow, endRow)` over the `batch · outH` output rows: on the
    /// calling thread for small layers, else in chunks over the cores (each writes only its own
    /// rows).
    func forEachRowChunk(_ body: @Sendable (inout cmk_window2d, Int, Int) -> Void) {
        let rows = Int(batch) * Int(outH)
        let work = rows * Int(outW) * Int(channels) * Int(kH) * Int(kW)
        let chunks = work < MatrixMultiply.parallelThreshold ? 1 : min(rows, 4 * MatrixMultiply.cores)
        if chunks <= 1 {
            var window = self
            body(&window, 0, rows)
            return
        }
        let perChunk = (rows + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var window = self
            let first = chunk * perChunk
            let end = min(rows, first + perChunk)
            if first < end { body(&window, first, end) }
        }
    }
}
