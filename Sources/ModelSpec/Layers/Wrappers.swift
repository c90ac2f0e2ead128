// Wrapper layers: TimeDistributed (any single-input layer over every time step) and
// Bidirectional (a recurrent layer run both ways). Both are generic over what they wrap; the
// registry picks the instantiation from the wrapped layer's `class_name`.

/// A layer config written as a Keras object inside another layer's config (`{"class_name":
/// ..., "config": {...}}`), as wrappers hold the layers they wrap.
public struct KerasLayerObject<Inner: LayerConfig>: ConfigValue, SwiftExpressible {
    /// The wrapped layer's config.
    public var config: Inner

    /// The object holding `config`.
    public init(_ config: Inner) { self.config = config }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        let className = try container.decode(String.self, forKey: ConfigKey("class_name"))
        guard className == Inner.className else {
            throw ConfigErrors.invalid(
                "expected a \(Inner.className) layer, found '\(className)'",
                at: container.codingPath + [ConfigKey("class_name")])
        }
        for key in container.allKeys
        where !["module", "class_name", "config", "registered_name", "build_config"].contains(key.stringValue) {
            throw ConfigErrors.invalid(
                "unknown key '\(key.stringValue)' in the wrapped layer",
                at: container.codingPath + [ConfigKey.offending(key.stringValue)])
        }
        config = try container.decode(Inner.self, forKey: ConfigKey("config"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(Inner.module, forKey: ConfigKey("module"))
        try container.encode(Inner.className, forKey: ConfigKey("class_name"))
        try container.encode(config, forKey: ConfigKey("config"))
        try container.encodeNil(forKey: ConfigKey("registered_name"))
    }

    package var swiftExpression: String { "KerasLayerObject(\(config.swiftExpression))" }
}

/// The `class_name` of the layer a wrapper's config holds under `key`.
func wrappedClassName(_ config: JSONNode, key: String) throws(SpecError) -> String {
    guard let layer = config[key], let name = layer["class_name"]?.value.stringValue else {
        throw SpecError(
            "a wrapper layer needs '\(key)' with the wrapped layer's 'class_name' and 'config'",
            at: config[key]?.location ?? config.location)
    }
    return name
}

extension TimeDistributedConfig {
    package static var spelledTypeName: String { "TimeDistributedConfig<\(Inner.swiftTypeName)>" }
    package static var spelledRuntimeTypeName: String { "TimeDistributed<\(Inner.swiftRuntimeTypeName)>" }

    /// The wrapped layer's config.
    public var layer: Inner {
        get { wrapped.config }
        set { wrapped.config = newValue }
    }

    /// A config wrapping the layer in `layer` (as generated code spells it).
    public init(
        name: String = "time_distributed", trainable: Bool = true, dtype: DTypePolicy = .float32,
        layer: KerasLayerObject<Inner>
    ) {
        self.init(name: name, trainable: trainable, dtype: dtype, layer: layer.config)
    }

    public func validate() throws { try layer.validate() }

    /// The shape of one time step's input to the wrapped layer.
    public func stepShape(for input: TensorShape) throws -> TensorShape {
        guard input.rank >= 3 else {
            throw ShapeError("TimeDistributed needs an input (batch, steps, ...) of rank 3 or more, got \(input)")
        }
        return TensorShape([nil] + input.dimensions.dropFirst(2))
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let inner = try layer.outputShape(for: try stepShape(for: input))
        return TensorShape([input.dimensions[0], input.dimensions[1]] + inner.dimensions.dropFirst())
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        try layer.weights(for: try stepShape(for: input))
    }

    public func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        try layer.kerasWeightPaths(forInputs: [try stepShape(for: inputs[0])]).map { "layer/" + $0 }
    }

    public func warnings(forInputs inputs: [TensorShape]) -> [String] {
        (try? stepShape(for: inputs[0])).map { layer.warnings(forInputs: [$0]) } ?? []
    }
}

/// How `Bidirectional` joins its two directions.
public enum MergeMode: String, ConfigValue, SwiftExpressible, CaseIterable {
    /// Forward and backward outputs side by side on the last axis.
    case concat
    /// Their sum.
    case sum
    /// Their product.
    case mul
    /// Their mean.
    case ave

    package var swiftExpression: String { "." + rawValue }
}

extension BidirectionalConfig {
    package static var spelledTypeName: String { "BidirectionalConfig<\(Cell.className)Cell>" }
    package static var spelledRuntimeTypeName: String { "Bidirectional<\(Cell.className)Cell>" }

    /// A config from the two layers as Keras writes them (as generated code spells it).
    public init(
        name: String = "bidirectional", trainable: Bool = true, dtype: DTypePolicy = .float32,
        mergeMode: MergeMode? = .concat,
        layer: KerasLayerObject<RecurrentConfig<Cell>>, backwardLayer: KerasLayerObject<RecurrentConfig<Cell>>? = nil
    ) {
        self.init(
            name: name, trainable: trainable, dtype: dtype, mergeMode: mergeMode, layer: layer.config,
            backwardLayer: backwardLayer?.config)
    }

    /// The backward layer's config: the given one, or Keras's copy of the forward layer.
    public var backwardLayer: RecurrentConfig<Cell> {
        if let backward { return backward.config }
        var config = forward.config
        config.goBackwards.toggle()
        let base = config.name.hasPrefix("forward_") ? String(config.name.dropFirst("forward_".count)) : config.name
        config.name = "backward_" + base
        return config
    }

    public func validate() throws {
        try forward.config.validate()
        try backwardLayer.validate()
        guard forward.config.returnSequences == backwardLayer.returnSequences,
            forward.config.returnState == backwardLayer.returnState
        else {
            throw ConfigFieldError(
                field: "backward_layer", "must return sequences and states exactly when the forward layer does")
        }
    }

    public var outputCount: Int {
        (mergeMode == nil ? 2 : 1) + (forward.config.returnState ? 2 * RecurrentConfig<Cell>.stateCount : 0)
    }

    public func outputShapes(forInputs inputs: [TensorShape]) throws -> [TensorShape] {
        guard inputs.count == 1 else { throw ShapeError("Bidirectional takes one input, got \(inputs.count)") }
        let states =
            try Array(forward.config.outputShapes(forInputs: inputs).dropFirst())
            + Array(backwardLayer.outputShapes(forInputs: inputs).dropFirst())
        if mergeMode == nil {
            return [try forward.config.outputShape(for: inputs[0]), try backwardLayer.outputShape(for: inputs[0])]
                + states
        }
        return [try outputShape(for: inputs[0])] + states
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let forwardShape = try forward.config.outputShape(for: input)
        let backwardShape = try backwardLayer.outputShape(for: input)
        if mergeMode == .concat || mergeMode == nil {
            return forwardShape.replacingLast(
                with: forwardShape.last.flatMap { a in backwardShape.last.map { a + $0 } })
        }
        guard forwardShape == backwardShape else {
            throw ShapeError(
                "Bidirectional: the forward output \(forwardShape) and the backward output \(backwardShape) cannot "
                    + "be merged with \(mergeMode!.rawValue)"
            )
        }
        return forwardShape
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        try forward.config.weights(for: input) + backwardLayer.weights(for: input)
    }

    public func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        try forward.config.kerasWeightPaths(forInputs: inputs).map { "forward_layer/" + $0 }
            + backwardLayer.kerasWeightPaths(forInputs: inputs).map { "backward_layer/" + $0 }
    }
}

/// The wrapper configs' instantiation for a spec, by the wrapped layer's class.
enum Wrappers {
    static func timeDistributed(_ config: JSONNode) throws(SpecError) -> any LayerConfig.Type {
        let name = try wrappedClassName(config, key: "layer")
        guard let kind = LayerRegistry.kind(forClassName: name),
            let inner = kind.configType as? any UnaryLayerConfig.Type,
            kind.resolveConfigType == nil
        else {
            throw SpecError(
                "TimeDistributed can wrap a single-input built-in layer; '\(name)' is not one",
                at: config["layer"]?.location ?? config.location)
        }
        return wrap(inner)
    }

    private static func wrap<Inner: UnaryLayerConfig>(_ inner: Inner.Type) -> any LayerConfig.Type {
        TimeDistributedConfig<Inner>.self
    }

    static func bidirectional(_ config: JSONNode) throws(SpecError) -> any LayerConfig.Type {
        switch try wrappedClassName(config, key: "layer") {
        case "SimpleRNN": return BidirectionalConfig<SimpleRNNCell>.self
        case "LSTM": return BidirectionalConfig<LSTMCell>.self
        case "GRU": return BidirectionalConfig<GRUCell>.self
        case let other:
            throw SpecError(
                "Bidirectional can wrap SimpleRNN, LSTM or GRU, not '\(other)'",
                at: config["layer"]?.location ?? config.location)
        }
    }
}
