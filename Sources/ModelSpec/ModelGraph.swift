/// A model's wiring: the calls of its layers in an order where every call comes after the
/// calls it reads from (Keras's nodes). Sequential models are a chain; Functional models any
/// acyclic graph, with shared layers called more than once and nested models as layers.
public struct ModelGraph: Sendable, Equatable {
    /// One output tensor of one call.
    public struct TensorRef: Sendable, Hashable {
        /// The index of the call in `nodes`.
        public var node: Int
        /// Which output of the call (0 but for nested models with several outputs).
        public var index: Int

        /// Output `index` of call `node`.
        public init(_ node: Int, _ index: Int = 0) {
            self.node = node
            self.index = index
        }
    }

    /// How a call passes its inputs, beyond Keras's usual single argument (a tensor or a list).
    public struct CallLayout: Sendable, Hashable {
        /// The `training` flag Keras recorded beside a mask tensor (`training=False` on a masked
        /// RNN call), nil otherwise. Kept so configs round-trip (Keras restores the flag of other
        /// calls itself); the runtime always infers.
        public var training: Bool?
        /// The number of inputs passed as separate positional arguments (`mha(query, value)`), or
        /// nil for the usual single argument.
        public var positional: Int?
        /// The names of the inputs after the positional ones, passed by keyword (`key=`).
        public var keywords: [String]
        /// The call's `use_causal_mask=True`.
        public var useCausalMask: Bool
        /// How many of the inputs, the last ones, are a recurrent layer's `initial_state`.
        public var initialStates: Int
        /// Whether Keras wrote the `initial_state` as one tensor rather than a list.
        public var singleInitialState: Bool
        /// The call's keyword arguments that name mask tensors, in order: `mask` (Keras records
        /// the mask a layer got when it was built), `attention_mask` (MultiHeadAttention). They
        /// are the call's last inputs, after the initial states.
        public var maskKeywords: [String]

        /// The usual call: one argument, a tensor or a list of tensors.
        public static let standard = CallLayout()

        /// A layout; the defaults are the usual call.
        public init(
            positional: Int? = nil, keywords: [String] = [], useCausalMask: Bool = false, initialStates: Int = 0,
            singleInitialState: Bool = false, maskKeywords: [String] = [], training: Bool? = nil
        ) {
            self.positional = positional
            self.keywords = keywords
            self.useCausalMask = useCausalMask
            self.initialStates = initialStates
            self.singleInitialState = singleInitialState
            self.maskKeywords = maskKeywords
            self.training = training
        }
    }

    /// One call of a layer.
    public struct Node: Sendable, Equatable {
        /// The index of the called layer in the model's layers.
        public var layer: Int
        /// What the call reads, in argument order (positional, then by keyword); empty for an
        /// InputLayer.
        public var inputs: [TensorRef]
        /// How the call passes them.
        public var layout: CallLayout

        /// A call of `layer` on `inputs`.
        public init(_ layer: Int, _ inputs: [TensorRef] = [], layout: CallLayout = .standard) {
            self.layer = layer
            self.inputs = inputs
            self.layout = layout
        }

        /// The tensors the layer computes on: the inputs without the initial states and mask.
        public var arguments: ArraySlice<TensorRef> {
            inputs.dropLast(layout.initialStates + layout.maskKeywords.count)
        }
        /// A recurrent layer's initial states (`initial_state`).
        public var initialStateInputs: ArraySlice<TensorRef> {
            inputs.dropLast(layout.maskKeywords.count).suffix(layout.initialStates)
        }
        /// The tensor passed as the mask keyword `keyword` (`mask`, `attention_mask`).
        public func maskInput(_ keyword: String = "mask") -> TensorRef? {
            layout.maskKeywords.firstIndex(of: keyword).map { inputs[inputs.count - layout.maskKeywords.count + $0] }
        }
    }

    /// The calls, each after the calls it reads from.
    public var nodes: [Node]
    /// The InputLayer calls that are the model's inputs, in `input_layers` order.
    public var inputs: [Int]
    /// The model's outputs, in `output_layers` order.
    public var outputs: [TensorRef]

    /// Whether Keras wrote a single input as a list of one (`[["x", 0, 0]]`): the model was
    /// built with `inputs=[x]`, not `inputs=x`. Kept so configs round-trip exactly.
    public var listsSingleInput: Bool
    /// The same for a single output.
    public var listsSingleOutput: Bool

    /// The keys of a model built with dict inputs (`keras.Model({"title": ..., ...}, ...)`), one
    /// per input in spec order; nil for a list.
    public var inputKeys: [String]?
    /// The keys of a model's dict outputs, one per output in spec order; nil for a list.
    public var outputKeys: [String]?

    /// A graph of `nodes` with these inputs and outputs.
    public init(
        nodes: [Node], inputs: [Int], outputs: [TensorRef], listsSingleInput: Bool = false,
        listsSingleOutput: Bool = false, inputKeys: [String]? = nil, outputKeys: [String]? = nil
    ) {
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.listsSingleInput = listsSingleInput
        self.listsSingleOutput = listsSingleOutput
        self.inputKeys = inputKeys
        self.outputKeys = outputKeys
    }

    /// A Sequential model's chain over `layerCount` layers, the first being the InputLayer.
    public static func chain(_ layerCount: Int) -> ModelGraph {
        ModelGraph(
            nodes: (0..<layerCount).map { $0 == 0 ? Node(0) : Node($0, [TensorRef($0 - 1)]) },
            inputs: [0], outputs: [TensorRef(layerCount - 1)])
    }

    /// For each layer, the indices of its calls in `nodes`, in call order.
    public func calls(layerCount: Int) -> [[Int]] {
        var calls = [[Int]](repeating: [], count: layerCount)
        for (index, node) in nodes.enumerated() { calls[node.layer].append(index) }
        return calls
    }

    /// The output shapes of every call: `call(layer, inputShapes, isFirstCall)` gives a call's
    /// output shapes (an InputLayer's call gets no inputs). Throws a `GraphShapeError` naming
    /// the layer whose call doesn't fit.
    public func inferShapes(
        call: (_ layer: Int, _ inputs: [TensorShape], _ firstCall: Bool) throws -> [TensorShape]
    ) throws -> [[TensorShape]] {
        var shapes: [[TensorShape]] = []
        var called = Set<Int>()
        for node in nodes {
            // A recurrent layer's initial states and a recorded mask are checked by the caller.
            let inputs = node.arguments.map { shapes[$0.node][$0.index] }
            let first = called.insert(node.layer).inserted
            do {
                shapes.append(try call(node.layer, inputs, first))
            } catch {
                throw GraphShapeError(layer: node.layer, inputs: inputs, message: "\(error)")
            }
        }
        return shapes
    }
}

/// A layer call in a graph whose inputs don't fit the layer.
public struct GraphShapeError: Error, Sendable, CustomStringConvertible {
    /// The index of the layer.
    public var layer: Int
    /// The shapes it was called on.
    public var inputs: [TensorShape]
    /// Why they don't fit.
    public var message: String

    /// "cannot take input shape (None, 3): …", for prefixing with the layer's name.
    public var description: String {
        let list = inputs.map(\.description).joined(separator: ", ")
        return "cannot take input shape\(inputs.count == 1 ? "" : "s") \(list): \(message)"
    }
}

/// Something a model graph can call: a layer's config or a nested model's config.
public protocol GraphLayerConfig: KerasConfig {
    /// The layer's Keras name.
    var name: String { get }
    /// The output shapes of a call on `inputs`.
    func outputShapes(forInputs inputs: [TensorShape]) throws -> [TensorShape]
}

extension LayerConfig {
    public func outputShapes(forInputs inputs: [TensorShape]) throws -> [TensorShape] {
        guard Self.inputArity.allows(inputs.count) else {
            throw ShapeError("\(Self.className) takes \(Self.inputArity), got \(inputs.count)")
        }
        return [try outputShape(forInputs: inputs)]
    }
}
