// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax.

extension ReLUConfig {
    public func validate() throws {
        if let maxValue, maxValue < 0 {
            throw ConfigFieldError(field: "max_value", "must not be negative, found \(maxValue)")
        }
        guard negativeSlope >= 0 else {
            throw ConfigFieldError(field: "negative_slope", "must not be negative, found \(negativeSlope)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}

extension LeakyReLUConfig {
    public func validate() throws {
        guard negativeSlope >= 0 else {
            throw ConfigFieldError(field: "negative_slope", "must not be negative, found \(negativeSlope)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}

extension PReLUConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try alphaShape(for: input)
        return input
    }

    /// The slopes' shape: the input's shape without the batch axis, 1 along shared axes.
    public func alphaShape(for input: TensorShape) throws -> [Int] {
        var shape: [Int] = []
        for axis in 1..<max(input.rank, 1) {
            if sharedAxes?.contains(axis) == true {
                shape.append(1)
            } else {
                guard let size = input.dimensions[axis] else {
                    throw ShapeError("PReLU: axis \(axis) of \(input) must be known or shared")
                }
                shape.append(size)
            }
        }
        return shape
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        [
            WeightSpec(
                name: "alpha", shape: try alphaShape(for: input), initializer: alphaInitializer, trainable: trainable)
        ]
    }
}

extension ELUConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}

extension SoftmaxConfig {
    public func outputShape(for input: TensorShape) throws -> TensorShape {
        _ = try axis.check(input, layer: Self.className)
        return input
    }
}
