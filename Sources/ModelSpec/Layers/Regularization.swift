// Regularization layers: identity at inference.

extension DropoutConfig {
    public func validate() throws {
        guard rate >= 0, rate <= 1 else {
            throw ConfigFieldError(field: "rate", "must be between 0 and 1, found \(rate)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }

    public func warnings(forInputs inputs: [TensorShape]) -> [String] {
        rate == 1 ? ["a Dropout rate of 1 drops every value while training"] : []
    }
}

/// `keras.layers.SpatialDropout1D`.
public typealias SpatialDropout1DConfig = SpatialDropoutConfig<Spatial1D>
/// `keras.layers.SpatialDropout2D`.
public typealias SpatialDropout2DConfig = SpatialDropoutConfig<Spatial2D>
/// `keras.layers.SpatialDropout3D`.
public typealias SpatialDropout3DConfig = SpatialDropoutConfig<Spatial3D>

extension SpatialDropoutConfig {
    package static var spelledTypeName: String { "SpatialDropout\(Rank.suffix)Config" }

    public func validate() throws {
        guard rate >= 0, rate <= 1 else {
            throw ConfigFieldError(field: "rate", "must be between 0 and 1, found \(rate)")
        }
        try checkChannelsLast(dataFormat)
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try spatialInput(input, rank: Rank.rank, layer: Self.className)
        return input
    }
}

extension GaussianDropoutConfig {
    public func validate() throws {
        guard rate >= 0, rate <= 1 else {
            throw ConfigFieldError(field: "rate", "must be between 0 and 1, found \(rate)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}

extension GaussianNoiseConfig {
    public func validate() throws {
        guard stddev >= 0 else { throw ConfigFieldError(field: "stddev", "must not be negative, found \(stddev)") }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}

extension AlphaDropoutConfig {
    public func validate() throws {
        guard rate >= 0, rate <= 1 else {
            throw ConfigFieldError(field: "rate", "must be between 0 and 1, found \(rate)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}
