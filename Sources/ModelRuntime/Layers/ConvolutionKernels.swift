// The convolution loops the convolution layers (Convolution.swift) share: im2col tiles through
// the matrix product, CModelKernels' 2-D window kernels, and the depthwise loops.

import CModelKernels
import Dispatch

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
        let groupKernels: [Tensor] =
            groups == 1
            ? [kernel]
            : kernel.withUnsafeScalars { k in
                (0..<groups).map { g in
                    Tensor(shape: [depth, groupFilters]) { matrix in
                        for row in 0..<depth {
                            for f in 0..<groupFilters {
                                matrix[row * groupFilters + f] = k[row * filters + g * groupFilters + f]
                            }
                        }
                    }
                }
            }
        return Tensor(shape: [batch] + outputSpatial + [filters]) { out in
            input.withUnsafeScalars { x in
                if geometry.isPointwise, groups == 1 {
                    kernel.withUnsafeScalars { k in
                        let m = batch * inPositions
                        MatrixMultiply.multiply(
                            x, k, biasTensor: bias, into: out, m: m, k: channels, n: filters, then: outputPass)
                    }
                    return
                }
                let groupBiases: [[Float]]? = bias.map { b in
                    b.withUnsafeScalars { b in
                        (0..<groups).map { g in Array(b[(g * groupFilters)..<((g + 1) * groupFilters)]) }
                    }
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
                    // Scratch from the tensors' pool: the blocks of freed activations, already
                    // faulted in, rather than fresh heap pages the allocator keeps afterwards.
                    let patchBlock = ScalarPool.shared.scratch(count: tileRows * depth)
                    let productBlock = ScalarPool.shared.scratch(count: groups == 1 ? 0 : tileRows * groupFilters)
                    defer {
                        ScalarPool.shared.recycle(patchBlock)
                        ScalarPool.shared.recycle(productBlock)
                    }
                    let patches = patchBlock.buffer
                    let product = productBlock.buffer
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
                            groupKernels[g].withUnsafeScalars { w in
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
