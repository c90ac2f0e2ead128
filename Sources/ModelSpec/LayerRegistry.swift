/// A built-in Keras layer class: its typed config and the runtime type that computes it.
public struct LayerKind: Sendable {
    /// The typed config, e.g. `DenseConfig`.
    public let configType: any LayerConfig.Type
    /// The layer family (one file per family in ModelSpec and ModelRuntime).
    public let family: String
    /// One line for the supported-layers table.
    public let summary: String

    /// Keras's class name, e.g. `Dense`.
    public var className: String { configType.className }
    /// The Swift config type name, e.g. `DenseConfig`.
    public var configTypeName: String { String(describing: configType) }
    /// The runtime layer type name, e.g. `Dense`: Keras's class name.
    public var runtimeTypeName: String { className }
    /// The Keras name prefix for unnamed layers, e.g. `dense`.
    public var defaultNamePrefix: String { Naming.snakeCase(className) }
}

/// The layers this version supports, by Keras class name.
public enum LayerRegistry {
    /// Every supported built-in layer.
    public static let builtIn: [LayerKind] = [
        LayerKind(configType: InputLayerConfig.self, family: "Core", summary: "The model input: `batch_shape` or `shape`."),
        LayerKind(configType: DenseConfig.self, family: "Core", summary: "`activation(x · kernel + bias)` on the last axis."),
        LayerKind(configType: ActivationConfig.self, family: "Core", summary: "Any Keras 3 activation by name."),
        LayerKind(configType: DropoutConfig.self, family: "Regularization", summary: "Identity at inference."),
        LayerKind(configType: AddConfig.self, family: "Merging", summary: "Element-wise sum, with Keras's broadcasting."),
        LayerKind(configType: SubtractConfig.self, family: "Merging", summary: "First input minus the second, with broadcasting."),
        LayerKind(configType: MultiplyConfig.self, family: "Merging", summary: "Element-wise product, with broadcasting."),
        LayerKind(configType: AverageConfig.self, family: "Merging", summary: "Element-wise mean, with broadcasting."),
        LayerKind(configType: MaximumConfig.self, family: "Merging", summary: "Element-wise maximum, with broadcasting."),
        LayerKind(configType: MinimumConfig.self, family: "Merging", summary: "Element-wise minimum, with broadcasting."),
        LayerKind(configType: ConcatenateConfig.self, family: "Merging", summary: "Joins inputs along any `axis` but the batch axis."),
        LayerKind(configType: DotConfig.self, family: "Merging", summary: "Per-sample dot product over `axes`, optionally `normalize`d."),
    ]

    /// Keras layers refused on purpose, with the reason.
    public static let refused: [String: String] = [
        "Lambda": "a Lambda layer holds Python code, which cannot be translated; express it with built-in layers (custom Swift layers are not supported yet)",
        "TFSMLayer": "a TFSMLayer wraps a TensorFlow SavedModel, which cannot be translated",
    ]

    /// The layer for a Keras class name.
    public static func kind(forClassName name: String) -> LayerKind? {
        builtIn.first { $0.className == name }
    }
}

/// Name conversions shared by the parser and the generator.
public enum Naming {
    /// Keras's `to_snake_case`: `InputLayer` → `input_layer`, `Conv2D` → `conv2d`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        let scalars = Array(name.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let isUpper = scalar.properties.isUppercase
            if isUpper, index > 0 {
                let previous = scalars[index - 1]
                let nextIsLower = index + 1 < scalars.count && scalars[index + 1].properties.isLowercase
                if previous.properties.isLowercase || (previous.properties.isUppercase && nextIsLower) {
                    out += "_"
                }
            }
            out += String(scalar).lowercased()
        }
        return out
    }
}
