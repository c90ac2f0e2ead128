// Core layers: InputLayer, Dense, Activation.

extension InputLayerConfig {
    public static let inputArity = InputArity.exactly(0)

    /// Also accepts the `shape` + `batch_size` form that `keras.Input` takes.
    public init(from decoder: any Decoder) throws {
        let shapeKeys: Set<String> = ["batch_shape", "shape", "batch_size", "input_shape", "batch_input_shape"]
        let container = try decoder.container(keyedBy: ConfigKey.self)
        let given = container.allKeys.map(\.stringValue)
        var config = try Self.decodeFields(from: decoder, callerKeys: shapeKeys)
        if given.contains("batch_shape") || given.contains("batch_input_shape") {
            let key = ConfigKey(given.contains("batch_shape") ? "batch_shape" : "batch_input_shape")
            config.batchShape = try container.decode(TensorShape.self, forKey: key)
        } else if given.contains("shape") || given.contains("input_shape") {
            let key = ConfigKey(given.contains("shape") ? "shape" : "input_shape")
            let shape = try container.decode(TensorShape.self, forKey: key)
            let batch = try container.decodeIfPresent(Int.self, forKey: ConfigKey("batch_size"))
            config.batchShape = TensorShape([batch] + shape.dimensions)
        } else {
            throw DecodingError.keyNotFound(
                ConfigKey("batch_shape"),
                .init(
                    codingPath: container.codingPath,
                    debugDescription: "missing required field 'batch_shape' (or 'shape') in InputLayer config"))
        }
        for (key, flag) in [("sparse", config.sparse), ("ragged", config.ragged), ("optional", config.optional)]
        where flag {
            throw ConfigErrors.invalid("\(key) inputs are not supported", at: container.codingPath + [ConfigKey(key)])
        }
        // Integer inputs (token indices for an Embedding) are passed as Float32 values.
        if !["float32", "int32", "int64", "uint8", "int8", "int16", "uint16", "uint32"].contains(config.dtype) {
            throw ConfigErrors.invalid(
                "input dtype '\(config.dtype)' is not supported; only float32 and integers (passed as float values)",
                at: container.codingPath + [ConfigKey("dtype")])
        }
        if config.batchShape.rank < 1 {
            throw ConfigErrors.invalid(
                "an input needs at least one axis", at: container.codingPath + [Self.shapeKey(given)])
        }
        if let size = config.batchShape.dimensions.compactMap({ $0 }).first(where: { $0 < 0 || $0 > 1 << 40 }) {
            throw ConfigErrors.invalid(
                "an input axis of \(size) is out of range (0...2^40)", at: container.codingPath + [Self.shapeKey(given)]
            )
        }
        self = config
    }

    private static func shapeKey(_ given: [String]) -> ConfigKey {
        ConfigKey(given.contains("shape") ? "shape" : "batch_shape")
    }

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape { batchShape }
}

extension DenseConfig {
    public func validate() throws {
        try requirePositive(units, "units")
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try inputUnits(input)
        return input.replacingLast(with: units)
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let inputUnits = try inputUnits(input)
        return kernelWeights(
            [inputUnits, units], kernelInitializer, bias: [units], biasInitializer, useBias: useBias,
            trainable: trainable)
    }

    public func warnings(forInputs inputs: [TensorShape]) -> [String] {
        activation.warning(lastAxis: units).map { [$0] } ?? []
    }

    private func inputUnits(_ input: TensorShape) throws -> Int {
        guard input.rank >= 2, let last = input.last else {
            throw ShapeError("Dense needs an input of rank 2 or more with a known last axis")
        }
        return last
    }
}

extension ActivationConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape { input }

    public func warnings(forInputs inputs: [TensorShape]) -> [String] {
        activation.warning(lastAxis: inputs.first?.last).map { [$0] } ?? []
    }
}

extension MaskingConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank >= 2 else { throw ShapeError("Masking needs at least (batch, features), got \(input)") }
        return input
    }
}
