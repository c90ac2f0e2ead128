/// Where a layer sits in a model: the Keras names from the outermost model down, e.g.
/// `encoder/dense_1` for a layer of a nested model.
public struct LayerPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The layer names from the outermost model down.
    public var components: [String]

    /// A path through these layer names.
    public init(_ components: [String]) { self.components = components }
    public init(stringLiteral value: String) { components = value.split(separator: "/").map(String.init) }

    /// The path of a layer named `name` inside this one.
    public func appending(_ name: String) -> LayerPath { LayerPath(components + [name]) }

    /// The layer's own name.
    public var name: String { components.last ?? "" }
    public var description: String { components.joined(separator: "/") }
}

/// Makes the layers of a clone, like the `clone_function` of Keras's `clone_model`. The
/// method is generic, so every clone keeps its layer's static type.
///
/// A cloner may change a layer's config (see `KerasConfig.withSeeds(_:)`), but the clone must
/// still take the same input and give the same output shape; `clone(with:)` stops with a
/// message naming the layer otherwise.
///
/// ```swift
/// /// Keras's "set every seed to 1337" clone function.
/// struct Seed1337: LayerCloner {
///     func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
///         FreshWeights().rebuild(layer, config: layer.config.withSeeds(1337), at: path)
///     }
/// }
/// ```
public protocol LayerCloner {
    /// The clone of `layer`, found at `path` in the model being cloned.
    func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L
}

/// Keras's default clone: the same config, new weights (`from_config(get_config())`). The
/// same seed gives the same weights, equal to those of `init(seed:)` with that seed.
public struct FreshWeights: LayerCloner, Sendable {
    /// The model-level seed; `nil` draws a random one per clone.
    public let seed: UInt64?

    /// A cloner drawing weights from `seed` (random when `nil`).
    public init(seed: UInt64? = nil) { self.seed = seed }

    public func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
        rebuild(layer, config: layer.config, at: path)
    }

    /// `layer` rebuilt from `config` with fresh weights drawn from this cloner's seed, stopping
    /// with a message naming the layer when `config` cannot take the layer's input.
    public func rebuild<L: Layer>(_ layer: L, config: L.Config, at path: LayerPath) -> L {
        let base = seed ?? Seeds.fresh()
        do {
            // Folding the path's names gives a nested layer the seed `init(seed:)` gives it.
            let layerSeed = path.components.reduce(base) { Seeds.derive($0, $1) }
            return try layer.rebuilt(config: config, seed: layerSeed)
        } catch {
            preconditionFailure("cloning layer '\(path)': the cloned config does not build: \(error)")
        }
    }
}

/// Keras's `clone_function=lambda layer: layer`: the clone uses the same weights. Tensors are
/// copy-on-write values, so the two models share weight storage until one of them changes a
/// weight; then only that one changes (in Keras, both would).
public struct SharingWeights: LayerCloner, Sendable {
    /// A cloner that shares weights.
    public init() {}
    public func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L { layer }
}

/// The `get_weights()`/`set_weights()` recipe: the clone has equal weights in storage of its
/// own.
public struct CopyingWeights: LayerCloner, Sendable {
    /// A cloner that copies weights.
    public init() {}
    public func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
        var copy = layer
        do {
            try copy.setWeights(layer.weights.map { $0.independentCopy() })
        } catch {
            preconditionFailure("copying the weights of layer '\(path)' failed: \(error)")
        }
        return copy
    }
}

extension LayerCloner {
    /// Clones `layer` and checks that the clone still fits the model: same input and output
    /// shapes. Generated `clone(with:)` calls this for each layer.
    public func cloneLayer<L: UnaryLayer>(_ layer: L, at path: LayerPath, in model: String) -> L {
        let clone = clone(layer, at: path)
        checkShapes([clone.inputShape], [clone.outputShape], [layer.inputShape], [layer.outputShape], path, model)
        return clone
    }

    /// Clones a merge layer, checking its shapes.
    public func cloneLayer<L: MergeLayer>(_ layer: L, at path: LayerPath, in model: String) -> L {
        let clone = clone(layer, at: path)
        checkShapes(clone.inputShapes, [clone.outputShape], layer.inputShapes, [layer.outputShape], path, model)
        return clone
    }

    /// Clones a nested model: as one layer, or, when `recursive`, layer by layer with this
    /// cloner. Checks its shapes.
    public func cloneLayer<M: Model>(_ model: M, at path: LayerPath, in outer: String, recursive: Bool) -> M {
        let clone = recursive ? model.clone(with: self, recursive: true, at: path) : clone(model, at: path)
        checkShapes(clone.inputShapes, clone.outputShapes, model.inputShapes, model.outputShapes, path, outer)
        return clone
    }

    private func checkShapes(
        _ inputs: [TensorShape], _ outputs: [TensorShape], _ expectedInputs: [TensorShape],
        _ expectedOutputs: [TensorShape], _ path: LayerPath, _ model: String
    ) {
        precondition(
            inputs == expectedInputs && outputs == expectedOutputs,
            "\(model).clone(with:): layer '\(path)' was cloned with shapes \(inputs) → \(outputs), but the model "
                + "needs \(expectedInputs) → \(expectedOutputs)"
        )
    }
}

/// Sees every layer call of a model run and may replace its output: the run-time answer to
/// the `call_function` of Keras's `clone_model` (Monte Carlo dropout, recording activations,
/// clipping). Pass one to a generated model's `callAsFunction(_:intercepting:)`.
///
/// ```swift
/// /// Records every layer's output, by path.
/// final class Recorder: CallInterceptor {
///     var outputs: [LayerPath: Tensor] = [:]
///     func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
///         outputs[path()] = output
///         return output
///     }
/// }
/// ```
public protocol CallInterceptor {
    /// Called after `layer`, found at `path`, computed `output`; returns what the model
    /// continues with. Nested models are entered: their layers are intercepted too, and then
    /// the nested model's own output.
    func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor
}

extension CallInterceptor {
    /// Runs `layer` on `input` and hands the output to `intercept(_:at:output:)`, the layer's
    /// path being its name under `path`: what a generated call writes for a plain layer call,
    /// reading the layer once.
    @inlinable
    public func call<L: UnaryLayer>(_ layer: L, _ input: Tensor, at path: () -> LayerPath) -> Tensor {
        intercept(layer, at: path().appending(layer.config.name), output: layer(input))
    }

    /// Runs the merge layer `layer` on `inputs` and hands the output to
    /// `intercept(_:at:output:)`; see the unary layers' overload.
    @inlinable
    public func call<L: MergeLayer>(_ layer: L, _ inputs: [Tensor], at path: () -> LayerPath) -> Tensor {
        intercept(layer, at: path().appending(layer.config.name), output: layer(inputs))
    }

    /// `call(_:_:at:)` for an input the model gives up (its last use, `consume x`): the layer
    /// may write its output into the input's scalars when no other tensor shares them.
    @inlinable
    public func call<L: UnaryLayer>(_ layer: L, reusing input: consuming Tensor, at path: () -> LayerPath) -> Tensor {
        intercept(layer, at: path().appending(layer.config.name), output: layer(reusing: consume input))
    }

    /// `call(_:_:at:)` for merge inputs some of which the model gives up (`consume x`): the layer
    /// may write its output into the scalars of one no other tensor shares.
    @inlinable
    public func call<L: MergeLayer>(_ layer: L, reusing inputs: consuming [Tensor], at path: () -> LayerPath)
        -> Tensor
    {
        intercept(layer, at: path().appending(layer.config.name), output: layer(reusing: consume inputs))
    }
}

/// The interceptor of a plain call: changes nothing and costs nothing.
public struct NoInterception: CallInterceptor {
    /// The no-op interceptor.
    @inlinable public init() {}
    @inlinable @inline(__always)
    public func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
        output
    }
}

extension Model {
    /// Keras's `clone_model(model, input_tensors=…)`: a clone built for other input shapes (in
    /// `input_layers` order), e.g. a fixed batch size or another feature size. With
    /// `FreshWeights` (the default) the layers get new weights of whatever shapes the new inputs
    /// need; with any other cloner the clone keeps the weights that cloner gives, which must
    /// still fit. Throws, naming the layer and the shapes, when a layer cannot take its new
    /// input or a kept weight no longer fits.
    public func clone(inputShapes: [TensorShape], with cloner: some LayerCloner = FreshWeights()) throws -> Self {
        let source = clone(with: cloner)
        let config = try source.config.withInputShapes(inputShapes)
        let fresh = cloner as? FreshWeights
        var clone = try Self(config: config, seed: fresh.map { $0.seed ?? Seeds.fresh() })
        if fresh == nil {
            try clone.setWeights(source.weights)
        }
        return clone
    }
}
