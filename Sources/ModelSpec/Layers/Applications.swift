// Layers that keras.applications defines for its own models: ConvNeXt's LayerScale and
// StochasticDepth, InceptionResNetV2's CustomScaleLayer. They ship with Keras, so specs use
// them without declaring them; Keras writes them with their defining module.

extension LayerScaleConfig {
    public static let module = "keras.src.applications.convnext"
    public static let registeredName: String? = "LayerScale"

    public func validate() throws {
        guard projectionDim > 0 else {
            throw ConfigFieldError(field: "projection_dim", "must be positive, got \(projectionDim)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        guard let channels = input.last, channels == projectionDim else {
            throw ShapeError(
                "LayerScale's projection_dim \(projectionDim) must equal the input's last axis, got \(input)")
        }
        return input
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        [
            WeightSpec(
                name: "gamma", shape: [projectionDim], initializer: .constant(value: initValues), trainable: trainable)
        ]
    }
}

extension StochasticDepthConfig {
    public static let module = "keras.src.applications.convnext"
    public static let registeredName: String? = "StochasticDepth"

    public func validate() throws {
        guard (0..<1).contains(dropPathRate) else {
            throw ConfigFieldError(field: "drop_path_rate", "must be in [0, 1), got \(dropPathRate)")
        }
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape { input }
}

extension CustomScaleLayerConfig {
    public static let module = "keras.src.applications.inception_resnet_v2"
    public static let registeredName: String? = "CustomScaleLayer"
    public static let inputArity = InputArity.exactly(2)

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        guard inputs.count == 2, inputs[0].isCompatible(with: inputs[1]) else {
            throw ShapeError(
                "CustomScaleLayer takes two inputs of one shape, got "
                    + "\(inputs.map(\.description).joined(separator: ", "))"
            )
        }
        return inputs[0]
    }
}
