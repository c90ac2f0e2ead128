// Reshaping layers: Flatten, Reshape, Permute, RepeatVector, ZeroPadding, Cropping,
// UpSampling.

extension Flatten {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.reshaped(to: [input.shape[0], input.shape.dropFirst().reduce(1, *)])
    }
}

extension Reshape {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.reshaped(to: [input.shape[0]] + outputShape.dimensions.dropFirst().map { $0! })
    }
}

extension Tensor {
    /// The tensor with its axes reordered: output axis `i` is input axis `order[i]`.
    func permuted(_ order: [Int]) -> Tensor {
        let outShape = order.map { shape[$0] }
        var strides = [Int](repeating: 1, count: rank)
        for axis in stride(from: rank - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        let sourceStrides = order.map { strides[$0] }
        return Tensor(shape: outShape) { out in
            withUnsafeScalars { x in
                var index = [Int](repeating: 0, count: rank)
                var source = 0
                for position in 0..<out.count {
                    out[position] = x[source]
                    var axis = rank - 1
                    while axis >= 0 {
                        index[axis] += 1
                        source += sourceStrides[axis]
                        if index[axis] < outShape[axis] { break }
                        source -= sourceStrides[axis] * outShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }
}

extension Permute {
    public func callAsFunction(_ input: Tensor) -> Tensor { input.permuted([0] + config.dims) }
}

extension RepeatVector {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let batch = input.shape[0]
        let features = input.shape[1]
        let n = config.n
        return Tensor(shape: [batch, n, features]) { out in
            input.withUnsafeScalars { x in
                for b in 0..<batch {
                    for r in 0..<n {
                        for f in 0..<features { out[(b * n + r) * features + f] = x[b * features + f] }
                    }
                }
            }
        }
    }
}

/// Copies the box of `input` (batch, spatial..., channels) starting at `from` of size `extent`
/// into a zero tensor of `outputSpatial` at `to`: the shared step of padding and cropping.
func copySpatialBox(_ input: Tensor, outputSpatial: [Int], from: [Int], to: [Int], extent: [Int]) -> Tensor {
    let rank = outputSpatial.count
    let batch = input.shape[0]
    let channels = input.shape[input.rank - 1]
    let inSpatial = Array(input.shape[1...rank])
    func padded(_ values: [Int], _ fill: Int) -> [Int] { Array(repeating: fill, count: 3 - rank) + values }
    let inSize = padded(inSpatial, 1)
    let outSize = padded(outputSpatial, 1)
    let source = padded(from, 0)
    let target = padded(to, 0)
    let box = padded(extent, 1)
    var output = Tensor(shape: [batch] + outputSpatial + [channels], repeating: 0)
    let rowLength = box[2] * channels
    guard rowLength > 0 else { return output }
    output.withUnsafeMutableScalars { out in
        input.withUnsafeScalars { x in
            guard let outBase = out.baseAddress, let inBase = x.baseAddress else { return }
            for n in 0..<batch {
                for a in 0..<box[0] {
                    for b in 0..<box[1] {
                        let inRow =
                            ((n * inSize[0] + source[0] + a) * inSize[1] + source[1] + b) * inSize[2] + source[2]
                        let outRow =
                            ((n * outSize[0] + target[0] + a) * outSize[1] + target[1] + b) * outSize[2] + target[2]
                        // One row of the box, contiguous in both tensors.
                        (outBase + outRow * channels).update(from: inBase + inRow * channels, count: rowLength)
                    }
                }
            }
        }
    }
    return output
}

extension ZeroPadding {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let pairs = config.padding.pairs
        let outputSpatial = spatial.indices.map { spatial[$0] + pairs[$0][0] + pairs[$0][1] }
        return copySpatialBox(
            input, outputSpatial: outputSpatial, from: Array(repeating: 0, count: Rank.rank),
            to: pairs.map { $0[0] }, extent: spatial)
    }
}

extension Cropping {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let pairs = config.cropping.pairs
        let outputSpatial = spatial.indices.map { spatial[$0] - pairs[$0][0] - pairs[$0][1] }
        return copySpatialBox(
            input, outputSpatial: outputSpatial, from: pairs.map { $0[0] }, to: Array(repeating: 0, count: Rank.rank),
            extent: outputSpatial)
    }
}

extension UpSampling {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let factors = config.size.values
        let outputSpatial = spatial.indices.map { spatial[$0] * factors[$0] }
        if config.interpolation != .nearest {
            return ImageResize.resize(
                input, height: outputSpatial[0], width: outputSpatial[1], method: config.interpolation, antialias: false
            )
        }
        let rank = Rank.rank
        func padded(_ values: [Int]) -> [Int] { Array(repeating: 1, count: 3 - rank) + values }
        let inSize = padded(spatial)
        let outSize = padded(outputSpatial)
        let factor = padded(factors)
        let batch = input.shape[0]
        let channels = input.shape[input.rank - 1]
        return Tensor(shape: [batch] + outputSpatial + [channels]) { out in
            input.withUnsafeScalars { x in
                var target = 0
                for n in 0..<batch {
                    for a in 0..<outSize[0] {
                        for b in 0..<outSize[1] {
                            for c in 0..<outSize[2] {
                                let source =
                                    (((n * inSize[0] + a / factor[0]) * inSize[1] + b / factor[1]) * inSize[2] + c
                                        / factor[2]) * channels
                                for k in 0..<channels { out[target + k] = x[source + k] }
                                target += channels
                            }
                        }
                    }
                }
            }
        }
    }
}
