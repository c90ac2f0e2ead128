// Attention layers and EinsumDense: EinsumDense, Attention (dot-product, Luong),
// AdditiveAttention (Bahdanau).

/// An einsum equation of two operands, `input,kernel->output`, with an optional leading
/// `...` on the input and output standing for the input's extra leading axes.
public struct EinsumEquation: Sendable, Equatable {
    /// The letters of the input, the kernel and the output (`...` expanded for a given rank).
    public var input: [Character]
    public var kernel: [Character]
    public var output: [Character]

    /// Parses `text`, expanding `...` so that the input has `rank` axes.
    public init(_ text: String, inputRank: Int) throws {
        let compact = text.filter { $0 != " " }
        var parts: [String] = []
        if let arrow = compact.firstRange(of: "->") {
            parts = [String(compact[..<arrow.lowerBound]), String(compact[arrow.upperBound...])]
        }
        let operands =
            parts.first.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        guard parts.count == 2, operands.count == 2 else {
            throw ConfigFieldError(field: "equation", "must have the form 'input,kernel->output', found '\(text)'")
        }
        var input = operands[0]
        var output = parts[1]
        let kernel = operands[1]
        if input.hasPrefix("...") || output.hasPrefix("...") {
            guard input.hasPrefix("..."), output.hasPrefix("...") else {
                throw ConfigFieldError(
                    field: "equation", "'...' must lead both the input and the output, found '\(text)'")
            }
            let explicit = input.count - 3
            let extra = max(inputRank - explicit, 0)
            let spare = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".filter { !text.contains($0) }.prefix(extra)
            input = String(spare) + input.dropFirst(3)
            output = String(spare) + output.dropFirst(3)
        }
        self.input = Array(input)
        self.kernel = Array(kernel)
        self.output = Array(output)
        for (name, letters) in [("input", self.input), ("kernel", self.kernel), ("output", self.output)] {
            guard letters.allSatisfy({ $0.isLetter }), Set(letters).count == letters.count else {
                throw ConfigFieldError(field: "equation", "the \(name) of '\(text)' must be distinct letters")
            }
        }
        for letter in self.output where !self.input.contains(letter) && !self.kernel.contains(letter) {
            throw ConfigFieldError(field: "equation", "output axis '\(letter)' of '\(text)' is in neither operand")
        }
        for letter in self.kernel where !self.input.contains(letter) && !self.output.contains(letter) {
            throw ConfigFieldError(
                field: "equation", "kernel axis '\(letter)' of '\(text)' is in neither the input nor the output")
        }
    }
}

extension EinsumDenseConfig {
    public init(from decoder: any Decoder) throws {
        var config = try Self.decodeFields(from: decoder)
        // Keras accepts an integer output_shape for one axis.
        let container = try decoder.container(keyedBy: ConfigKey.self)
        if let single = try? container.decode(Int.self, forKey: ConfigKey("output_shape")) {
            config.outputShape = TensorShape([single])
        }
        self = config
    }

    public func validate() throws {
        _ = try EinsumEquation(equation, inputRank: 2)
    }

    /// The size of every letter, for an input of `input`'s shape (the batch letter unknown).
    public func sizes(for input: TensorShape) throws -> (equation: EinsumEquation, sizes: [Character: Int?]) {
        let parsed = try EinsumEquation(equation, inputRank: input.rank)
        guard parsed.input.count == input.rank else {
            throw ShapeError(
                "EinsumDense: equation '\(equation)' needs an input of rank \(parsed.input.count), got \(input)")
        }
        var sizes: [Character: Int?] = [:]
        for (letter, size) in zip(parsed.input, input.dimensions) { sizes[letter] = size }
        // output_shape covers the output without its first (batch) axis, aligned from the right.
        let outputDims = outputShape.dimensions
        let offset = parsed.output.count - outputDims.count
        guard offset >= 0 else {
            throw ShapeError("EinsumDense: output_shape \(outputShape) has more axes than '\(equation)' outputs")
        }
        for (index, letter) in parsed.output.enumerated() where index >= offset {
            if let size = outputDims[index - offset] {
                if let known = sizes[letter] ?? nil, known != size {
                    throw ShapeError(
                        "EinsumDense: axis '\(letter)' is \(known) in the input but \(size) in output_shape")
                }
                sizes[letter] = size
            } else if sizes[letter] == nil {
                sizes[letter] = .some(nil)
            }
        }
        for letter in parsed.kernel where (sizes[letter] ?? nil) == nil {
            throw ShapeError("EinsumDense: the size of kernel axis '\(letter)' is unknown for input \(input)")
        }
        return (parsed, sizes)
    }

    public func outputShape(for input: TensorShape) throws -> TensorShape {
        let (parsed, sizes) = try self.sizes(for: input)
        return TensorShape(parsed.output.map { sizes[$0] ?? nil })
    }

    /// The bias's shape: from the first bias axis to the end of the output, 1 on other axes.
    public func biasShape(for input: TensorShape) throws -> [Int]? {
        guard let biasAxes, !biasAxes.isEmpty else { return nil }
        let (parsed, sizes) = try self.sizes(for: input)
        guard biasAxes.allSatisfy({ parsed.output.contains($0) }) else {
            throw ShapeError("EinsumDense: bias_axes '\(biasAxes)' must be output axes of '\(equation)'")
        }
        let first = parsed.output.firstIndex { biasAxes.contains($0) }!
        return try parsed.output[first...].map { letter in
            guard biasAxes.contains(letter) else { return 1 }
            guard let size = sizes[letter] ?? nil else {
                throw ShapeError("EinsumDense: bias axis '\(letter)' needs a known size")
            }
            return size
        }
    }

    public func weights(for input: TensorShape) throws -> [WeightSpec] {
        let (parsed, sizes) = try self.sizes(for: input)
        var weights = [
            WeightSpec(
                name: "kernel", shape: parsed.kernel.map { (sizes[$0] ?? nil)! }, initializer: kernelInitializer,
                trainable: trainable)
        ]
        if let bias = try biasShape(for: input) {
            weights.append(WeightSpec(name: "bias", shape: bias, initializer: biasInitializer, trainable: trainable))
        }
        return weights
    }
}

/// How `Attention` scores a query against a key.
public enum ScoreMode: String, ConfigValue, SwiftExpressible, CaseIterable {
    /// `q · k` (Luong).
    case dot
    /// `Σ tanh(q + k)` weighted by `concat_score_weight`.
    case concat

    package var swiftExpression: String { "." + rawValue }
}

/// The inputs of `Attention` and `AdditiveAttention`: `[query, value]` or `[query, value, key]`.
func attentionShapes(_ inputs: [TensorShape], layer: String) throws -> (
    query: TensorShape, value: TensorShape, key: TensorShape
) {
    guard inputs.count == 2 || inputs.count == 3 else {
        throw ShapeError("\(layer) takes [query, value] or [query, value, key], got \(inputs.count) inputs")
    }
    let query = inputs[0]
    let value = inputs[1]
    let key = inputs.count == 3 ? inputs[2] : inputs[1]
    for (name, shape) in [("query", query), ("value", value), ("key", key)] where shape.rank != 3 {
        throw ShapeError("\(layer): the \(name) must be (batch, steps, features), got \(shape)")
    }
    guard query.last == key.last else {
        throw ShapeError("\(layer): query \(query) and key \(key) need the same last axis")
    }
    guard value.dimensions[1] == nil || key.dimensions[1] == nil || value.dimensions[1] == key.dimensions[1] else {
        throw ShapeError("\(layer): value \(value) and key \(key) need the same number of steps")
    }
    return (query, value, key)
}

extension AttentionConfig {
    public static let inputArity = InputArity.atLeast(2)

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        guard inputs.count <= 3 else {
            throw ShapeError("Attention takes [query, value] or [query, value, key], got \(inputs.count) inputs")
        }
        let (query, value, _) = try attentionShapes(inputs, layer: Self.className)
        return TensorShape([query.dimensions[0], query.dimensions[1], value.dimensions[2]])
    }

    public func weights(forInputs inputs: [TensorShape]) throws -> [WeightSpec] {
        var weights: [WeightSpec] = []
        if useScale { weights.append(WeightSpec(name: "scale", shape: [], initializer: .ones, trainable: trainable)) }
        if scoreMode == .concat {
            weights.append(WeightSpec(name: "concat_score_weight", shape: [], initializer: .ones, trainable: trainable))
        }
        return weights
    }
}

extension AdditiveAttentionConfig {
    public static let inputArity = InputArity.atLeast(2)

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        guard inputs.count <= 3 else {
            throw ShapeError(
                "AdditiveAttention takes [query, value] or [query, value, key], got \(inputs.count) inputs")
        }
        let (query, value, _) = try attentionShapes(inputs, layer: Self.className)
        return TensorShape([query.dimensions[0], query.dimensions[1], value.dimensions[2]])
    }

    public func weights(forInputs inputs: [TensorShape]) throws -> [WeightSpec] {
        guard useScale else { return [] }
        let (query, _, _) = try attentionShapes(inputs, layer: Self.className)
        guard let dim = query.last else { throw ShapeError("AdditiveAttention needs a known feature axis") }
        return [WeightSpec(name: "scale", shape: [dim], initializer: .glorotUniform(), trainable: trainable)]
    }
}

/// The attention layers: they may be called with several positional tensors, tensors by
/// keyword and `use_causal_mask` (see `ModelGraph.CallLayout`).
public protocol AttentionLayerConfig: LayerConfig {}

extension AttentionConfig: AttentionLayerConfig {}
extension AdditiveAttentionConfig: AttentionLayerConfig {}

extension MultiHeadAttentionConfig {
    public static let inputArity = InputArity.atLeast(2)

    public func validate() throws {
        try requirePositive(numHeads, "num_heads", upToPowerOfTwo: 20)
        try requirePositive(keyDim, "key_dim", upToPowerOfTwo: 20)
        if let valueDim, valueDim <= 0 {
            throw ConfigFieldError(field: "value_dim", "must be a positive integer, found \(valueDim)")
        }
        guard !useGate else { throw ConfigFieldError(field: "use_gate", "is not supported yet") }
        guard slidingWindow == nil else { throw ConfigFieldError(field: "sliding_window", "is not supported yet") }
        if let attentionAxes, attentionAxes.values != [1] && attentionAxes.values != [-2] {
            throw ConfigFieldError(
                field: "attention_axes",
                "attention over axes other than the steps axis ([1]) is not supported yet, found \(attentionAxes)")
        }
        if let outputShape, outputShape.values.count != 1 {
            throw ConfigFieldError(
                field: "output_shape", "several output axes are not supported yet, found \(outputShape)")
        }
    }

    /// Each head's value size.
    public var headValueDim: Int { valueDim ?? keyDim }

    /// The query, value and key shapes of a call.
    func shapes(_ inputs: [TensorShape]) throws -> (query: TensorShape, value: TensorShape, key: TensorShape) {
        guard inputs.count == 2 || inputs.count == 3 else {
            throw ShapeError("MultiHeadAttention takes query, value and optionally key, got \(inputs.count) inputs")
        }
        let query = inputs[0]
        let value = inputs[1]
        let key = inputs.count == 3 ? inputs[2] : inputs[1]
        for (name, shape) in [("query", query), ("value", value), ("key", key)] {
            guard shape.rank == 3, shape.last != nil else {
                throw ShapeError(
                    "MultiHeadAttention: the \(name) must be (batch, steps, features) with known features, got \(shape)"
                )
            }
        }
        guard value.dimensions[1] == nil || key.dimensions[1] == nil || value.dimensions[1] == key.dimensions[1] else {
            throw ShapeError("MultiHeadAttention: value \(value) and key \(key) need the same number of steps")
        }
        return (query, value, key)
    }

    public func outputShape(forInputs inputs: [TensorShape]) throws -> TensorShape {
        let (query, _, _) = try shapes(inputs)
        return TensorShape([query.dimensions[0], query.dimensions[1], outputShape?.values[0] ?? query.last])
    }

    public func weights(forInputs inputs: [TensorShape]) throws -> [WeightSpec] {
        let (query, value, key) = try shapes(inputs)
        let out = outputShape?.values[0] ?? query.last!
        var weights: [WeightSpec] = []
        func projection(_ input: Int, _ size: Int) {
            weights.append(
                WeightSpec(
                    name: "kernel", shape: [input, numHeads, size], initializer: kernelInitializer, trainable: trainable
                ))
            if useBias {
                weights.append(
                    WeightSpec(
                        name: "bias", shape: [numHeads, size], initializer: biasInitializer, trainable: trainable))
            }
        }
        projection(query.last!, keyDim)
        projection(key.last!, keyDim)
        projection(value.last!, headValueDim)
        weights.append(
            WeightSpec(
                name: "kernel", shape: [numHeads, headValueDim, out], initializer: kernelInitializer,
                trainable: trainable))
        return weights + optionalBias(useBias, shape: [out], biasInitializer, trainable: trainable)
    }

    public func kerasWeightPaths(forInputs inputs: [TensorShape]) throws -> [String] {
        let perProjection = useBias ? 2 : 1
        return ["query_dense", "key_dense", "value_dense", "output_dense"].flatMap { group in
            (0..<perProjection).map { "\(group)/vars/\($0)" }
        }
    }
}
