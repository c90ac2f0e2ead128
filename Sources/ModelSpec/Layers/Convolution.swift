// Convolution layers: Conv1D/2D/3D, their transposes, depthwise and separable convolutions.
// One generic config per kind, over the number of spatial axes; `Conv2DConfig` and friends
// are the names Keras users know.

/// `keras.layers.Conv1D`.
public typealias Conv1DConfig = ConvConfig<Spatial1D>
/// `keras.layers.Conv2D`.
public typealias Conv2DConfig = ConvConfig<Spatial2D>
/// `keras.layers.Conv3D`.
public typealias Conv3DConfig = ConvConfig<Spatial3D>
/// `keras.layers.Conv1DTranspose`.
public typealias Conv1DTransposeConfig = ConvTransposeConfig<Spatial1D>
/// `keras.layers.Conv2DTranspose`.
public typealias Conv2DTransposeConfig = ConvTransposeConfig<Spatial2D>
/// `keras.layers.Conv3DTranspose`.
public typealias Conv3DTransposeConfig = ConvTransposeConfig<Spatial3D>
/// `keras.layers.DepthwiseConv1D`.
public typealias DepthwiseConv1DConfig = DepthwiseConvConfig<Spatial1D>
/// `keras.layers.DepthwiseConv2D`.
public typealias DepthwiseConv2DConfig = DepthwiseConvConfig<Spatial2D>
/// `keras.layers.SeparableConv1D`.
public typealias SeparableConv1DConfig = SeparableConvConfig<Spatial1D>
/// `keras.layers.SeparableConv2D`.
public typealias SeparableConv2DConfig = SeparableConvConfig<Spatial2D>

/// The window of a convolution or pooling layer over its spatial axes.
public struct SpatialWindow: Sendable, Equatable {
    /// Kernel (or pool) size per axis.
    public var size: [Int]
    /// Step per axis.
    public var strides: [Int]
    /// Dilation per axis (1 for pooling).
    public var dilation: [Int]
    /// How edges are padded.
    public var padding: Padding

    /// The output's spatial sizes for `input`'s.
    public func outputSizes(_ input: [Int?]) -> [Int?] {
        input.indices.map {
            SpatialArithmetic.outputLength(
                input[$0], kernel: size[$0], stride: strides[$0], dilation: dilation[$0], padding: padding)
        }
    }

    /// Throws when a known output size is zero (the window does not fit the input).
    func checkFits(_ input: [Int?], layer: String) throws {
        for (axis, length) in outputSizes(input).enumerated() where length == 0 {
            throw ShapeError(
                "\(layer): a window of \(size[axis]) (dilation \(dilation[axis])) does not fit "
                    + "\(input[axis].map(String.init) ?? "?") positions on spatial axis \(axis + 1) with 'valid' "
                    + "padding"
            )
        }
    }
}

extension ConvConfig: DilatedWindowFields {
    package static var spelledTypeName: String { "Conv\(Rank.suffix)Config" }

    public func validate() throws {
        try requirePositive(filters, "filters")
        try checkWindowFields()
        if padding == .causal, Rank.rank != 1 {
            throw ConfigFieldError(field: "padding", "'causal' padding is only for 1D convolutions")
        }
        try checkStridesOrDilation()
        guard groups > 0, filters % groups == 0 else {
            throw ConfigFieldError(
                field: "groups", "must be a positive divisor of filters (\(filters)), found \(groups)")
        }
    }

    /// The sliding window.
    public var window: SpatialWindow { dilatedWindow }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        guard channels % groups == 0 else {
            throw ShapeError("\(Self.className): \(channels) input channels cannot be split into \(groups) groups")
        }
        return try slidOutputShape(for: input, layer: Self.className) { _ in filters }
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        return kernelWeights(
            window.size + [channels / groups, filters], kernelInitializer, bias: [filters], biasInitializer,
            useBias: useBias, trainable: trainable)
    }
}

extension ConvTransposeConfig: DilatedWindowFields {
    package static var spelledTypeName: String { "Conv\(Rank.suffix)TransposeConfig" }

    public func validate() throws {
        try requirePositive(filters, "filters")
        try checkWindowFields()
        guard padding != .causal else {
            throw ConfigFieldError(field: "padding", "must be 'valid' or 'same' for a transposed convolution")
        }
        if let outputPadding {
            try outputPadding.check("output_padding", rank: Rank.rank, minimum: 0)
            let strides = strides.expanded(to: Rank.rank).values
            for (axis, extra) in outputPadding.expanded(to: Rank.rank).values.enumerated() where extra >= strides[axis]
            {
                throw ConfigFieldError(
                    field: "output_padding",
                    "each value must be smaller than the stride, found \(extra) for a stride of \(strides[axis])")
            }
        }
    }

    /// The output's spatial sizes for `input`'s.
    public func outputSizes(_ input: [Int?]) -> [Int?] {
        let kernel = kernelSize.expanded(to: Rank.rank).values
        let stride = strides.expanded(to: Rank.rank).values
        let dilation = dilationRate.expanded(to: Rank.rank).values
        let extra = outputPadding?.expanded(to: Rank.rank).values
        return input.indices.map {
            SpatialArithmetic.transposeOutputLength(
                input[$0], kernel: kernel[$0], stride: stride[$0], dilation: dilation[$0],
                padding: padding, outputPadding: extra?[$0])
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (spatial, _) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        let sizes = outputSizes(spatial)
        guard sizes.allSatisfy({ ($0 ?? 1) > 0 }) else {
            throw ShapeError("\(Self.className): the output would be empty for input \(input)")
        }
        return TensorShape([input.dimensions[0]] + sizes + [filters])
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        return kernelWeights(
            kernelSize.expanded(to: Rank.rank).values + [filters, channels], kernelInitializer, bias: [filters],
            biasInitializer, useBias: useBias, trainable: trainable)
    }
}

extension DepthwiseConvConfig: DilatedWindowFields {
    package static var spelledTypeName: String { "DepthwiseConv\(Rank.suffix)Config" }

    public func validate() throws {
        try requirePositive(depthMultiplier, "depth_multiplier")
        try checkNonCausalWindow()
    }

    /// The sliding window.
    public var window: SpatialWindow { dilatedWindow }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        try slidOutputShape(for: input, layer: Self.className) { $0 * depthMultiplier }
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        return kernelWeights(
            window.size + [channels, depthMultiplier], depthwiseInitializer, bias: [channels * depthMultiplier],
            biasInitializer, useBias: useBias, trainable: trainable)
    }
}

extension SeparableConvConfig: DilatedWindowFields {
    package static var spelledTypeName: String { "SeparableConv\(Rank.suffix)Config" }

    public func validate() throws {
        try requirePositive(filters, "filters")
        try requirePositive(depthMultiplier, "depth_multiplier")
        try checkNonCausalWindow()
    }

    /// The depthwise step's sliding window.
    public var window: SpatialWindow { dilatedWindow }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        try slidOutputShape(for: input, layer: Self.className) { _ in filters }
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (_, channels) = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        let weights = [
            WeightSpec(
                name: "depthwise_kernel", shape: window.size + [channels, depthMultiplier],
                initializer: depthwiseInitializer,
                trainable: trainable),
            WeightSpec(
                name: "pointwise_kernel",
                shape: Array(repeating: 1, count: Rank.rank) + [channels * depthMultiplier, filters],
                initializer: pointwiseInitializer, trainable: trainable),
        ]
        return weights + optionalBias(useBias, shape: [filters], biasInitializer, trainable: trainable)
    }
}
