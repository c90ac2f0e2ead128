// Backward passes of convolutions, pooling and padding, for every spatial rank.

extension Geometry3D {
    /// The windows of each output position as rows (im2col): `batch · outputPositions` rows of
    /// `taps · channels` values, zero where a tap falls in the padding.
    func columns(of input: Tensor, batch: Int, channels: Int) -> Tensor {
        let width = taps * channels
        return Tensor(shape: [batch * outputPositions, width]) { out in
            for index in 0..<out.count { out[index] = 0 }
            input.withUnsafeScalars { x in
                for n in 0..<batch {
                    for position in 0..<outputPositions {
                        let row = (n * outputPositions + position) * width
                        forEachTap(at: position) { tap, inputPosition in
                            let source = (n * inputPositions + inputPosition) * channels
                            for c in 0..<channels { out[row + tap * channels + c] = x[source + c] }
                        }
                    }
                }
            }
        }
    }

    /// The input-shaped sum of window rows (col2im, `columns`' adjoint): each row's values
    /// added back to the input positions they were read from.
    func accumulate(_ columns: Tensor, batch: Int, channels: Int, shape: [Int]) -> Tensor {
        let width = taps * channels
        return Tensor(shape: shape) { out in
            for index in 0..<out.count { out[index] = 0 }
            columns.withUnsafeScalars { g in
                for n in 0..<batch {
                    for position in 0..<outputPositions {
                        let row = (n * outputPositions + position) * width
                        forEachTap(at: position) { tap, inputPosition in
                            let target = (n * inputPositions + inputPosition) * channels
                            for c in 0..<channels { out[target + c] += g[row + tap * channels + c] }
                        }
                    }
                }
            }
        }
    }
}

extension Convolution: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: ActivatedTape) {
        let tape = ActivatedTape(
            input: input, activation: config.activation, call: { self(input) }, linear: { convolve(input, then: nil) })
        return (tape.output, tape)
    }

    /// As a matrix product over im2col rows: ∂kernel = colsᵀ · g, ∂bias = Σ g, ∂cols = g ·
    /// kernelᵀ, summed back into the input's positions; a grouped convolution does so for each
    /// group's channels and filters.
    public func backward(_ outputGradient: Tensor, tape: ActivatedTape, inputGradient: Bool) -> LayerGradients {
        let input = tape.input
        let geometry = Geometry3D(
            window: config.window, spatial: spatialSizes(input, rank: Rank.rank, layer: config.name))
        let (batch, channels, filters) = (input.shape[0], input.shape[input.rank - 1], config.filters)
        let gradient = tape.activationGradient(outputGradient, config.activation)
        let rows = batch * geometry.outputPositions
        let columns = geometry.columns(of: input, batch: batch, channels: channels)
        let groups = config.groups
        let (groupChannels, groupFilters) = (channels / groups, filters / groups)
        let width = geometry.taps * groupChannels
        // Group g reads columns (tap, g · groupChannels + c) and writes filters g · groupFilters + f.
        let groupColumns = (0..<groups).map { group in
            (0..<geometry.taps).flatMap { tap in
                (0..<groupChannels).map { tap * channels + group * groupChannels + $0 }
            }
        }
        let kernelMatrix = kernel.reshaped(to: [width, filters])
        var kernelGradient = Tensor(shape: groups == 1 ? [0] : [width, filters], repeating: 0)
        var columnGradient = Tensor(
            shape: inputGradient && groups > 1 ? [rows, geometry.taps * channels] : [0], repeating: 0)
        for group in 0..<groups {
            let filterRange = (group * groupFilters)..<((group + 1) * groupFilters)
            let groupGradient = groups == 1 ? gradient : gradient.matrixColumns(filterRange, rows: rows, of: filters)
            let groupInput = groups == 1 ? columns : columns.matrixColumns(groupColumns[group], rows: rows)
            let partial = groupInput.transposedMatrix(rows: rows, columns: width)
                .matrixProduct(groupGradient, m: width, k: rows, n: groupFilters)
            if groups == 1 {
                kernelGradient = partial
            } else {
                kernelGradient.setMatrixColumns(filterRange, from: partial)
            }
            guard inputGradient else { continue }
            let groupKernel =
                groups == 1 ? kernelMatrix : kernelMatrix.matrixColumns(filterRange, rows: width, of: filters)
            let partialColumns = groupGradient.matrixProduct(
                groupKernel.transposedMatrix(rows: width, columns: groupFilters), m: rows, k: groupFilters, n: width)
            if groups == 1 {
                columnGradient = partialColumns
            } else {
                columnGradient.setMatrixColumns(groupColumns[group], from: partialColumns)
            }
        }
        var weights = [kernelGradient.reshaped(to: kernel.shape)]
        if bias != nil { weights.append(gradient.columnSums(columns: filters)) }
        guard inputGradient else { return LayerGradients(inputs: [], weights: weights) }
        let inputGradient = geometry.accumulate(columnGradient, batch: batch, channels: channels, shape: input.shape)
        return LayerGradients(inputs: [inputGradient], weights: weights)
    }
}

extension Tensor {
    /// The columns `range` of the `rows × width` matrix of the scalars.
    func matrixColumns(_ range: Range<Int>, rows: Int, of width: Int) -> Tensor {
        matrixColumns(Array(range), rows: rows, width: width)
    }

    /// The columns `indices`, in that order, of the matrix of the scalars with `rows` rows.
    func matrixColumns(_ indices: [Int], rows: Int, width: Int? = nil) -> Tensor {
        let width = width ?? scalarCount / max(rows, 1)
        return Tensor(shape: [rows, indices.count]) { out in
            withUnsafeScalars { x in
                for row in 0..<rows {
                    for (column, index) in indices.enumerated() {
                        out[row * indices.count + column] = x[row * width + index]
                    }
                }
            }
        }
    }

    /// Writes `matrix`'s columns into the columns `range` of the matrix of the scalars.
    mutating func setMatrixColumns(_ range: Range<Int>, from matrix: Tensor) {
        setMatrixColumns(Array(range), from: matrix)
    }

    /// Writes `matrix`'s columns into the columns `indices` of the matrix of the scalars.
    mutating func setMatrixColumns(_ indices: [Int], from matrix: Tensor) {
        let rows = matrix.scalarCount / max(indices.count, 1)
        let width = scalarCount / max(rows, 1)
        withUnsafeMutableScalars { out in
            matrix.withUnsafeScalars { m in
                for row in 0..<rows {
                    for (column, index) in indices.enumerated() {
                        out[row * width + index] = m[row * indices.count + column]
                    }
                }
            }
        }
    }
}

extension Pooling: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tensor) {
        (self(input), input)
    }

    /// Max pooling passes each output's gradient to the window's first largest input; average
    /// pooling spreads it evenly over the window's taps inside the input (Keras averages those).
    public func backward(_ outputGradient: Tensor, tape input: Tensor, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let geometry = Geometry3D(
            window: config.window, spatial: spatialSizes(input, rank: Rank.rank, layer: config.name))
        let (batch, channels) = (input.shape[0], input.shape[input.rank - 1])
        let isMax = Mode.self == MaxPoolingMode.self
        let (inPositions, outPositions) = (geometry.inputPositions, geometry.outputPositions)
        let gradient = Tensor(shape: input.shape) { out in
            for index in 0..<out.count { out[index] = 0 }
            input.withUnsafeScalars { x in
                outputGradient.withUnsafeScalars { g in
                    for n in 0..<batch {
                        for position in 0..<outPositions {
                            let row = (n * outPositions + position) * channels
                            var sources: [Int] = []
                            geometry.forEachTap(at: position) { _, inputPosition in
                                sources.append((n * inPositions + inputPosition) * channels)
                            }
                            for c in 0..<channels {
                                if isMax {
                                    guard var best = sources.first else { continue }
                                    for source in sources where x[source + c] > x[best + c] { best = source }
                                    out[best + c] += g[row + c]
                                } else {
                                    let share = g[row + c] / Float(max(sources.count, 1))
                                    for source in sources { out[source + c] += share }
                                }
                            }
                        }
                    }
                }
            }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension GlobalPooling: TrainableLayer {
    /// What `backward` reads: the input and the mask a masked average read.
    public struct Tape: Sendable {
        let input: Tensor
        let mask: Tensor?
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        (self(input), Tape(input: input, mask: nil))
    }

    /// The pooled input, `GlobalAveragePooling1D` averaging the steps `mask` keeps.
    public func trainingCall(
        _ input: Tensor, mask: Tensor?, context: inout TrainingContext
    ) -> (output: Tensor, tape: Tape) {
        (self(input, mask: mask), Tape(input: input, mask: mask))
    }

    /// Average: each position gets the channel's gradient over the position count (the kept
    /// steps' count, masked steps none); max: the first largest position gets it all.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let input = tape.input
        let (batch, channels) = (input.shape[0], input.shape[input.rank - 1])
        let positions = input.scalarCount / max(batch * channels, 1)
        let isMax = Mode.self == MaxPoolingMode.self
        let keep = tape.mask?.scalars
        let gradient = Tensor(shape: input.shape) { out in
            for index in 0..<out.count { out[index] = 0 }
            input.withUnsafeScalars { x in
                outputGradient.withUnsafeScalars { g in
                    for n in 0..<batch {
                        let kept = keep.map { keep in (0..<positions).map { keep[n * positions + $0] != 0 } }
                        let count = Float(kept.map { $0.filter { $0 }.count } ?? positions)
                        for c in 0..<channels {
                            let value = g[n * channels + c]
                            let base = n * positions * channels + c
                            if isMax {
                                var best = base
                                for p in 0..<positions where x[base + p * channels] > x[best] {
                                    best = base + p * channels
                                }
                                out[best] = value
                            } else {
                                for p in 0..<positions where kept?[p] ?? true {
                                    out[base + p * channels] = value / count
                                }
                            }
                        }
                    }
                }
            }
        }
        return LayerGradients(inputs: [gradient])
    }
}

extension ZeroPadding: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: [Int]) {
        (self(input), input.shape)
    }

    /// The output's gradient with the padding cut away.
    public func backward(_ outputGradient: Tensor, tape shape: [Int], inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let spatial = Array(shape[1...Rank.rank])
        let pairs = config.padding.pairs
        return LayerGradients(inputs: [
            copySpatialBox(
                outputGradient, outputSpatial: spatial, from: pairs.map { $0[0] },
                to: Array(repeating: 0, count: Rank.rank), extent: spatial)
        ])
    }
}

extension Cropping: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: [Int]) {
        (self(input), input.shape)
    }

    /// The output's gradient put back in place, zero where the input was cropped.
    public func backward(_ outputGradient: Tensor, tape shape: [Int], inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let pairs = config.cropping.pairs
        let outputSpatial = Array(outputGradient.shape[1...Rank.rank])
        return LayerGradients(inputs: [
            copySpatialBox(
                outputGradient, outputSpatial: Array(shape[1...Rank.rank]), from: Array(repeating: 0, count: Rank.rank),
                to: pairs.map { $0[0] }, extent: outputSpatial)
        ])
    }
}

extension ConvolutionKernels {
    /// The backward pass of `depthwise`: ∂kernel[tap, c, m] = Σ g[o, c·M + m] · x[i(o, tap), c]
    /// and, when `inputGradient`, ∂x[i, c] = Σ g[o, c·M + m] · kernel[tap, c, m] over the taps
    /// that read position `i`.
    static func depthwiseGradients(
        _ gradient: Tensor, input: Tensor, kernel: Tensor, geometry: Geometry3D, multiplier: Int, inputGradient: Bool
    ) -> (input: Tensor?, kernel: Tensor) {
        let (batch, channels) = (input.shape[0], input.shape[input.rank - 1])
        let width = channels * multiplier
        let (inPositions, outPositions) = (geometry.inputPositions, geometry.outputPositions)
        var kernelGradient = Tensor(shape: kernel.shape, repeating: 0)
        var inputGradientTensor = Tensor(shape: inputGradient ? input.shape : [0], repeating: 0)
        kernelGradient.withUnsafeMutableScalars { dk in
            inputGradientTensor.withUnsafeMutableScalars { dx in
                input.withUnsafeScalars { x in
                    kernel.withUnsafeScalars { k in
                        gradient.withUnsafeScalars { g in
                            for n in 0..<batch {
                                for position in 0..<outPositions {
                                    let row = (n * outPositions + position) * width
                                    geometry.forEachTap(at: position) { tap, inputPosition in
                                        let source = (n * inPositions + inputPosition) * channels
                                        for c in 0..<channels {
                                            for m in 0..<multiplier {
                                                let j = c * multiplier + m
                                                dk[tap * width + j] += g[row + j] * x[source + c]
                                                if inputGradient { dx[source + c] += g[row + j] * k[tap * width + j] }
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
        return (inputGradient ? inputGradientTensor : nil, kernelGradient)
    }
}

extension DepthwiseConvolution: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: ActivatedTape) {
        let tape = ActivatedTape(
            input: input, activation: config.activation, call: { self(input) }, linear: { convolve(input, then: nil) })
        return (tape.output, tape)
    }

    public func backward(_ outputGradient: Tensor, tape: ActivatedTape, inputGradient: Bool) -> LayerGradients {
        let input = tape.input
        let geometry = Geometry3D(
            window: config.window, spatial: spatialSizes(input, rank: Rank.rank, layer: config.name))
        let gradient = tape.activationGradient(outputGradient, config.activation)
        let (inputs, kernelGradient) = ConvolutionKernels.depthwiseGradients(
            gradient, input: input, kernel: kernel, geometry: geometry, multiplier: config.depthMultiplier,
            inputGradient: inputGradient)
        var weights = [kernelGradient]
        if bias != nil { weights.append(gradient.columnSums(columns: gradient.shape[gradient.rank - 1])) }
        return LayerGradients(inputs: inputs.map { [$0] } ?? [], weights: weights)
    }
}

extension SeparableConvolution: TrainableLayer {
    /// The input, the depthwise stage's output, the output and the pointwise product before
    /// the activation.
    public struct Tape: Sendable {
        let input: Tensor
        let depthwise: Tensor
        let output: Tensor
        let beforeActivation: Tensor
    }

    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        let geometry = Geometry3D(
            window: config.window, spatial: spatialSizes(input, rank: Rank.rank, layer: config.name))
        let outputSpatial = Array(geometry.output.suffix(Rank.rank))
        let depthwise = ConvolutionKernels.depthwise(
            input, kernel: depthwiseKernel, bias: nil, geometry: geometry, multiplier: config.depthMultiplier,
            outputSpatial: outputSpatial)
        let product = MatrixMultiply.dense(
            depthwise, kernel: pointwiseKernel, bias: bias, activation: .linear,
            shape: [input.shape[0]] + outputSpatial + [config.filters])
        let output = config.activation.applied(to: product)
        return (output, Tape(input: input, depthwise: depthwise, output: output, beforeActivation: product))
    }

    /// The pointwise stage as a matrix product, then the depthwise stage.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        let gradient = config.activation.gradient(outputGradient, input: tape.beforeActivation, output: tape.output)
        let (features, filters) = (pointwiseKernel.shape[pointwiseKernel.rank - 2], config.filters)
        let rows = tape.depthwise.scalarCount / max(features, 1)
        let pointwise = tape.depthwise.transposedMatrix(rows: rows, columns: features)
            .matrixProduct(gradient, m: features, k: rows, n: filters).reshaped(to: pointwiseKernel.shape)
        let depthwiseGradient = gradient.matrixProduct(
            pointwiseKernel.transposedMatrix(rows: features, columns: filters), m: rows, k: filters, n: features
        ).reshaped(to: tape.depthwise.shape)
        let geometry = Geometry3D(
            window: config.window, spatial: spatialSizes(tape.input, rank: Rank.rank, layer: config.name))
        let (inputs, depthwiseKernelGradient) = ConvolutionKernels.depthwiseGradients(
            depthwiseGradient, input: tape.input, kernel: depthwiseKernel, geometry: geometry,
            multiplier: config.depthMultiplier, inputGradient: inputGradient)
        var weights = [depthwiseKernelGradient, pointwise]
        if bias != nil { weights.append(gradient.columnSums(columns: filters)) }
        return LayerGradients(inputs: inputs.map { [$0] } ?? [], weights: weights)
    }
}

extension ConvolutionTranspose: TrainableLayer {
    public func trainingCall(_ input: Tensor, context: inout TrainingContext) -> (output: Tensor, tape: ActivatedTape) {
        let tape = ActivatedTape(
            input: input, activation: config.activation, call: { self(input) }, linear: { convolveTransposed(input) })
        return (tape.output, tape)
    }

    /// Every write of the forward pass, read back: ∂x[i, c] = Σ g[o, f] · kernel[tap, f, c] and
    /// ∂kernel[tap, f, c] = Σ g[o, f] · x[i, c] over the (i, tap, o) the layer writes.
    public func backward(_ outputGradient: Tensor, tape: ActivatedTape, inputGradient: Bool) -> LayerGradients {
        let input = tape.input
        let layout = transposeGeometry(spatialSizes(input, rank: Rank.rank, layer: config.name))
        let gradient = tape.activationGradient(outputGradient, config.activation)
        let (batch, channels, filters) = (input.shape[0], input.shape[input.rank - 1], config.filters)
        let (inPositions, outPositions) = (layout.input.reduce(1, *), layout.output.reduce(1, *))
        var kernelGradient = Tensor(shape: kernel.shape, repeating: 0)
        var inputs = Tensor(shape: inputGradient ? input.shape : [0], repeating: 0)
        kernelGradient.withUnsafeMutableScalars { dk in
            inputs.withUnsafeMutableScalars { dx in
                input.withUnsafeScalars { x in
                    kernel.withUnsafeScalars { k in
                        gradient.withUnsafeScalars { g in
                            for n in 0..<batch {
                                layout.forEachWrite { i, tap, o in
                                    let (source, target) = (
                                        (n * inPositions + i) * channels, (n * outPositions + o) * filters
                                    )
                                    for f in 0..<filters {
                                        let weights = (tap * filters + f) * channels
                                        for c in 0..<channels {
                                            dk[weights + c] += g[target + f] * x[source + c]
                                            if inputGradient { dx[source + c] += g[target + f] * k[weights + c] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var weights = [kernelGradient]
        if bias != nil { weights.append(gradient.columnSums(columns: filters)) }
        return LayerGradients(inputs: inputGradient ? [inputs] : [], weights: weights)
    }
}
