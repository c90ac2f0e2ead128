// Pooling layers: windowed and global max and average pooling.

import CModelKernels

extension Pooling {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let geometry = Geometry3D(window: config.window, spatial: spatial)
        let batch = input.shape[0]
        let channels = input.shape[input.rank - 1]
        let inPositions = geometry.inputPositions
        let outPositions = geometry.outputPositions
        let isMax = Mode.self == MaxPoolingMode.self
        if let window = geometry.window2D(batch: batch, channels: channels) {
            // One or two spatial axes: `CModelKernels`' kernel, the same values as the loop below.
            return Tensor(shape: [batch] + Array(geometry.output.suffix(Rank.rank)) + [channels]) { out in
                input.withUnsafeScalars { x in
                    nonisolated(unsafe) let (xs, os) = (x.baseAddress, out.baseAddress)
                    window.forEachRowChunk { window, first, end in
                        cmk_pool2d(&window, isMax ? 1 : 0, Int64(first), Int64(end), xs, os)
                    }
                }
            }
        }
        return Tensor(shape: [batch] + Array(geometry.output.suffix(Rank.rank)) + [channels]) { out in
            input.withUnsafeScalars { x in
                for n in 0..<batch {
                    for position in 0..<outPositions {
                        let target = (n * outPositions + position) * channels
                        for c in 0..<channels { out[target + c] = isMax ? -.infinity : 0 }
                        var count = 0
                        geometry.forEachTap(at: position) { _, inputPosition in
                            let source = (n * inPositions + inputPosition) * channels
                            count += 1
                            if isMax {
                                for c in 0..<channels { out[target + c] = max(out[target + c], x[source + c]) }
                            } else {
                                for c in 0..<channels { out[target + c] += x[source + c] }
                            }
                        }
                        if !isMax, count > 0 {
                            let scale = 1 / Float(count)
                            for c in 0..<channels { out[target + c] *= scale }
                        }
                    }
                }
            }
        }
    }
}

extension GlobalPooling {
    public func callAsFunction(_ input: Tensor) -> Tensor { self(input, mask: nil) }

    /// The pooled input; `GlobalAveragePooling1D` with a `(batch, steps)` mask averages the
    /// kept steps only (Keras's masked mean: the sum of the kept steps over their count).
    public func callAsFunction(_ input: Tensor, mask: Tensor?) -> Tensor {
        let spatial = spatialSizes(input, rank: Rank.rank, layer: config.name)
        let batch = input.shape[0]
        let channels = input.shape[input.rank - 1]
        if let mask {
            precondition(
                Rank.rank == 1 && Mode.self == AveragePoolingMode.self,
                "\(config.name): only GlobalAveragePooling1D reads a mask")
            return maskedMean(input, mask: mask, steps: spatial[0], batch: batch, channels: channels)
        }
        let positions = spatial.reduce(1, *)
        let isMax = Mode.self == MaxPoolingMode.self
        let shape = config.keepdims ? [batch] + Array(repeating: 1, count: Rank.rank) + [channels] : [batch, channels]
        return Tensor(shape: shape) { out in
            input.withUnsafeScalars { x in
                for n in 0..<batch {
                    for c in 0..<channels { out[n * channels + c] = isMax ? -.infinity : 0 }
                    for position in 0..<positions {
                        let source = (n * positions + position) * channels
                        for c in 0..<channels {
                            out[n * channels + c] =
                                isMax
                                ? max(out[n * channels + c], x[source + c]) : out[n * channels + c] + x[source + c]
                        }
                    }
                    if !isMax, positions > 0 {
                        for c in 0..<channels { out[n * channels + c] /= Float(positions) }
                    }
                }
            }
        }
    }

    private func maskedMean(_ input: Tensor, mask: Tensor?, steps: Int, batch: Int, channels: Int) -> Tensor {
        let shape = config.keepdims ? [batch, 1, channels] : [batch, channels]
        return mask.withMaskScalars(batch: batch, steps: steps, layer: config.name) { keep in
            Tensor(shape: shape) { out in
                input.withUnsafeScalars { x in
                    for n in 0..<batch {
                        var count: Float = 0
                        for c in 0..<channels { out[n * channels + c] = 0 }
                        for t in 0..<steps where isKept(keep, sample: n, step: t, steps: steps) {
                            count += 1
                            for c in 0..<channels { out[n * channels + c] += x[(n * steps + t) * channels + c] }
                        }
                        // No kept step: 0 / 0, NaN, as in Keras.
                        for c in 0..<channels { out[n * channels + c] /= count }
                    }
                }
            }
        }
    }
}
