// Preprocessing layers: Resizing, Rescaling, Normalization; and the image resize they share
// with UpSampling2D.

import Foundation

/// Image resizing as `jax.image.resize` computes it (Keras's JAX backend): half-pixel centers,
/// a separable kernel per axis whose weights are normalized over the input positions inside
/// the image, `nearest` as the floor of the scaled center.
enum ImageResize {
    /// The `(input × output)` weights along one axis.
    static func weights(input: Int, output: Int, method: Interpolation, antialias: Bool) -> [Float] {
        var matrix = [Float](repeating: 0, count: input * output)
        let inverseScale = Double(input) / Double(output)
        if method == .nearest {
            for o in 0..<output {
                let index = min(Int(((Double(o) + 0.5) * inverseScale).rounded(.down)), input - 1)
                matrix[index * output + o] = 1
            }
            return matrix
        }
        let kernelScale = antialias ? max(inverseScale, 1) : 1
        func kernel(_ x: Double) -> Double {
            switch method {
            case .bicubic:  // Keys, a = −0.5
                if x >= 2 { return 0 }
                if x >= 1 { return ((-0.5 * x + 2.5) * x - 4) * x + 2 }
                return ((1.5 * x - 2.5) * x) * x + 1
            case .lanczos3, .lanczos5:
                let radius = method == .lanczos3 ? 3.0 : 5.0
                if x > radius { return 0 }
                if x <= 1e-3 { return 1 }
                return radius * sin(Double.pi * x) * sin(Double.pi * x / radius) / (Double.pi * Double.pi * x * x)
            default:
                return max(0, 1 - x)
            }
        }
        for o in 0..<output {
            let sample = (Double(o) + 0.5) * inverseScale - 0.5
            guard sample >= -0.5, sample <= Double(input) - 0.5 else { continue }
            var column = [Double](repeating: 0, count: input)
            var total = 0.0
            for i in 0..<input {
                column[i] = kernel(abs(sample - Double(i)) / kernelScale)
                total += column[i]
            }
            guard abs(total) > 1000 * Double(Float.ulpOfOne) else { continue }
            for i in 0..<input { matrix[i * output + o] = Float(column[i] / total) }
        }
        return matrix
    }

    /// `input` (batch, height, width, channels) resized to `height × width`.
    static func resize(_ input: Tensor, height: Int, width: Int, method: Interpolation, antialias: Bool) -> Tensor {
        let batch = input.shape[0]
        let inHeight = input.shape[1]
        let inWidth = input.shape[2]
        let channels = input.shape[3]
        let rows = weights(input: inHeight, output: height, method: method, antialias: antialias)
        let columns = weights(input: inWidth, output: width, method: method, antialias: antialias)
        // Height first, then width.
        var middle = [Float](repeating: 0, count: batch * height * inWidth * channels)
        input.withUnsafeScalars { x in
            for n in 0..<batch {
                for i in 0..<inHeight {
                    for o in 0..<height {
                        let w = rows[i * height + o]
                        if w == 0 { continue }
                        let source = (n * inHeight + i) * inWidth * channels
                        let target = (n * height + o) * inWidth * channels
                        for k in 0..<(inWidth * channels) { middle[target + k] += w * x[source + k] }
                    }
                }
            }
        }
        return Tensor(shape: [batch, height, width, channels]) { out in
            for index in 0..<out.count { out[index] = 0 }
            for n in 0..<batch {
                for r in 0..<height {
                    for i in 0..<inWidth {
                        for o in 0..<width {
                            let w = columns[i * width + o]
                            if w == 0 { continue }
                            let source = ((n * height + r) * inWidth + i) * channels
                            let target = ((n * height + r) * width + o) * channels
                            for c in 0..<channels { out[target + c] += w * middle[source + c] }
                        }
                    }
                }
            }
        }
    }
}

extension Resizing {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 4, "\(config.name): expects (batch, height, width, channels), got shape \(input.shape)")
        var image = input
        let height = input.shape[1]
        let width = input.shape[2]
        let targetHeight = config.height
        let targetWidth = config.width
        let box = imageBox(height: height, width: width)
        if config.cropToAspectRatio {
            image = copySpatialBox(input, outputSpatial: box.size, from: box.offset, to: [0, 0], extent: box.size)
        } else if config.padToAspectRatio {
            let (padHeight, padWidth) = (box.size[0], box.size[1])
            let (top, left) = (box.offset[0], box.offset[1])
            image = copySpatialBox(
                input, outputSpatial: [padHeight, padWidth], from: [0, 0], to: [top, left], extent: [height, width])
            if config.fillValue != 0 {
                let fill = Float(config.fillValue)
                let channels = input.shape[3]
                image.withUnsafeMutableScalars { values in
                    for index in 0..<values.count {
                        let position = index / channels
                        let column = position % padWidth
                        let row = (position / padWidth) % padHeight
                        if row < top || row >= top + height || column < left || column >= left + width {
                            values[index] = fill
                        }
                    }
                }
            }
        }
        return ImageResize.resize(
            image, height: targetHeight, width: targetWidth, method: config.interpolation, antialias: config.antialias)
    }

    /// The image the resize reads for an input of `height × width`: with
    /// `crop_to_aspect_ratio`, the largest centered box of the target's aspect ratio (its size,
    /// and its offset in the input); with `pad_to_aspect_ratio`, the padded image (its size, and
    /// the input's offset in it); else the input. Keras's arithmetic.
    func imageBox(height: Int, width: Int) -> (size: [Int], offset: [Int]) {
        let (targetHeight, targetWidth) = (config.height, config.width)
        if config.cropToAspectRatio {
            let cropHeight = max(min(height, Int(Double(width * targetHeight) / Double(targetWidth))), 1)
            let cropWidth = max(min(width, Int(Double(height * targetWidth) / Double(targetHeight))), 1)
            return (
                [cropHeight, cropWidth], [Int(Double(height - cropHeight) / 2), Int(Double(width - cropWidth) / 2)]
            )
        }
        if config.padToAspectRatio {
            let padHeight = max(height, Int(Double(width * targetHeight) / Double(targetWidth)))
            let padWidth = max(width, Int(Double(height * targetWidth) / Double(targetHeight)))
            return ([padHeight, padWidth], [Int(Double(padHeight - height) / 2), Int(Double(padWidth - width) / 2)])
        }
        return ([height, width], [0, 0])
    }
}

extension Rescaling {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let scale = config.scale.values.map { Float($0) }
        let offset = config.offset.values.map { Float($0) }
        let last = input.shape.last ?? 1
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count {
                let channel = index % max(last, 1)
                values[index] =
                    values[index] * scale[scale.count == 1 ? 0 : channel] + offset[offset.count == 1 ? 0 : channel]
            }
        }
        return output
    }
}

extension Normalization {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let groups = AxisGroups(shape: input.shape, axis: config.axis, layer: config.name)
        let mean = config.mean?.values.map { Float($0) } ?? adapted[0].scalars
        let variance = config.variance?.values.map { Float($0) } ?? adapted[1].scalars
        let epsilon: Float = 1e-7
        var output = input
        output.withUnsafeMutableScalars { values in
            for index in 0..<values.count {
                let w = groups.axes.isEmpty ? 0 : groups.weightIndex(of: index)
                let m = mean[mean.count == 1 ? 0 : w]
                let deviation = max(variance[variance.count == 1 ? 0 : w].squareRoot(), epsilon)
                values[index] = config.invert ? m + values[index] * deviation : (values[index] - m) / deviation
            }
        }
        return output
    }
}

extension CategoryEncoding {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        let tokens = config.numTokens
        // One output vector per group of tokens: each token alone for one_hot, else each last-axis row.
        let oneHot = config.outputMode == "one_hot"
        let group = oneHot ? 1 : (input.shape.last ?? 1)
        let shape = oneHot && input.shape.last != 1 ? input.shape + [tokens] : Array(input.shape.dropLast()) + [tokens]
        let counts = config.outputMode == "count"
        return Tensor(shape: shape) { out in
            out.initialize(repeating: 0)
            input.withUnsafeScalars { x in
                for index in x.indices {
                    let value = x[index]
                    guard value >= 0, value < Float(tokens), value == value.rounded() else { continue }
                    let slot = (index / group) * tokens + Int(value)
                    out[slot] = counts ? out[slot] + 1 : 1
                }
            }
        }
    }
}
