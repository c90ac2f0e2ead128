import Foundation
import ModelRuntime
import Testing

/// The training-mode noise layers (and ConvNeXt's StochasticDepth) against what Keras's own
/// training calls do (`tools/make_noise_layer_fixtures.py`): Keras's draws come from its
/// generator, ours from the context's seed, so the figures compared are the ones that do not
/// depend on the draws (the factors, the shared axes, AlphaDropout's correction, the gradient's
/// values), and the fractions and spreads within their sampling error.
@Suite struct NoiseLayerTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let facts: [String: JSONValue]
        var testDescription: String { facts["case"]?.stringValue ?? "?" }
        var className: String { facts["class_name"]?.stringValue ?? "" }
        var shape: [Int] { (facts["input_shape"]?.arrayElements ?? []).compactMap { $0.value.intValue } }
        func double(_ key: String) -> Double? { facts[key]?.doubleValue }
        func config(_ key: String) -> JSONValue? { facts["config"]?[key]?.value }
    }

    static let cases: [Case] = {
        guard let bytes = try? Data(contentsOf: Fixtures.url("training/noise_layers.json")),
            let json = try? JSONReader.parse([UInt8](bytes)).value
        else { return [] }
        return (json["cases"]?.value.arrayElements ?? []).map { node in
            Case(
                facts: Dictionary(
                    uniqueKeysWithValues: (node.value.objectMembers ?? []).map { ($0.key, $0.value.value) }))
        }
    }()

    /// The script's input: (1 + (i mod 7) / 4), negated where i mod 3 is 0; never zero.
    static func input(_ shape: [Int]) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = (1 + Float(i % 7) * 0.25) * (i % 3 == 0 ? -1 : 1) }
        }
    }

    /// The layer of a case, built from Keras's config, and its training call and backward pass.
    static func layer(_ c: Case) throws -> (
        call: (Tensor, inout TrainingContext) -> Tensor, backward: (Tensor, Tensor, inout TrainingContext) -> Tensor
    ) {
        let shape = TensorShape(c.shape.map { Int?($0) })
        let rate = (c.config("rate") ?? c.config("drop_path_rate"))?.doubleValue ?? 0
        let noiseShape = c.config("noise_shape")?.arrayElements.map { TensorShape($0.map { $0.value.intValue }) }
        func wrap<L: TrainableLayer>(_ layer: L) -> (
            call: (Tensor, inout TrainingContext) -> Tensor, backward: (Tensor, Tensor, inout TrainingContext) -> Tensor
        ) {
            (
                { x, context in layer.trainingCall(x, context: &context).output },
                { x, gradient, context in
                    let tape = layer.trainingCall(x, context: &context).tape
                    return layer.backward(gradient, tape: tape, inputGradient: true).inputs[0]
                }
            )
        }
        switch c.className {
        case "Dropout":
            return wrap(
                try Dropout(config: DropoutConfig(rate: rate, noiseShape: noiseShape), inputShape: shape, seed: 0))
        case "SpatialDropout1D":
            return wrap(try SpatialDropout1D(config: .init(rate: rate), inputShape: shape, seed: 0))
        case "SpatialDropout2D":
            return wrap(try SpatialDropout2D(config: .init(rate: rate), inputShape: shape, seed: 0))
        case "SpatialDropout3D":
            return wrap(try SpatialDropout3D(config: .init(rate: rate), inputShape: shape, seed: 0))
        case "GaussianDropout":
            return wrap(try GaussianDropout(config: GaussianDropoutConfig(rate: rate), inputShape: shape, seed: 0))
        case "GaussianNoise":
            let stddev = try #require(c.config("stddev")?.doubleValue)
            return wrap(try GaussianNoise(config: GaussianNoiseConfig(stddev: stddev), inputShape: shape, seed: 0))
        case "AlphaDropout":
            return wrap(
                try AlphaDropout(
                    config: AlphaDropoutConfig(rate: rate, noiseShape: noiseShape), inputShape: shape, seed: 0))
        case "StochasticDepth":
            return wrap(
                try StochasticDepth(config: StochasticDepthConfig(dropPathRate: rate), inputShape: shape, seed: 0))
        default:
            Issue.record("no noise layer \(c.className)")
            throw CancellationError()
        }
    }

    /// The axes along which `kept` never varies.
    static func sharedAxes(_ kept: [Bool], shape: [Int]) -> [Int] {
        (0..<shape.count).filter { axis in
            guard shape[axis] > 1 else { return false }
            let inner = shape[(axis + 1)...].reduce(1, *)
            return kept.indices.allSatisfy { i in kept[i] == kept[i - (i / inner % shape[axis]) * inner] }
        }
    }

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 10)
    }

    @Test(arguments: cases)
    func trainingCallsDoWhatKerasDoes(_ c: Case) throws {
        let (call, backward) = try Self.layer(c)
        let x = Self.input(c.shape)
        var inference = TrainingContext(isTraining: false)
        #expect(call(x, &inference) == x, "the identity outside training")
        var context = TrainingContext(seed: 42)
        let out = call(x, &context)
        let (xs, ys) = (x.scalars, out.scalars)
        let n = Double(xs.count)
        var ones = TrainingContext(seed: 42)
        let gradient = backward(x, Tensor(shape: x.shape, repeating: 1), &ones).scalars
        let what = c.testDescription
        switch c.className {
        case "GaussianDropout":
            let factors = zip(ys, xs).map { Double($0 / $1) }
            let mean = factors.reduce(0, +) / n
            let spread = (factors.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
            let kerasMean = try #require(c.double("factor_mean"))
            let kerasSpread = try #require(c.double("factor_std"))
            // Both means are within 5 standard errors of each other; the spreads within 10%.
            #expect(abs(mean - kerasMean) < 5 * 2.squareRoot() * kerasSpread / n.squareRoot(), "\(what) mean")
            #expect(abs(spread - kerasSpread) < 0.1 * kerasSpread, "\(what) spread \(spread) vs \(kerasSpread)")
            #expect(zip(gradient, factors).allSatisfy { abs(Double($0) - $1) < 1e-5 }, "\(what): ∂y/∂x is the factor")
        case "GaussianNoise":
            let noise = zip(ys, xs).map { Double($0 - $1) }
            let mean = noise.reduce(0, +) / n
            let spread = (noise.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
            let kerasSpread = try #require(c.double("noise_std"))
            #expect(abs(mean - (c.double("noise_mean") ?? .nan)) < 5 * 2.squareRoot() * kerasSpread / n.squareRoot())
            #expect(abs(spread - kerasSpread) < 0.1 * kerasSpread, "\(what) spread \(spread) vs \(kerasSpread)")
        default:
            // Dropout's family and AlphaDropout: a kept fraction, shared axes, exact values.
            let alpha = c.className == "AlphaDropout"
            let dropped = Float(c.double("dropped_value") ?? 0)
            let kept = ys.map { alpha ? abs($0 - dropped) > 1e-5 : $0 != 0 }
            #expect(
                Self.sharedAxes(kept, shape: c.shape)
                    == (c.facts["shared_axes"]?.arrayElements ?? []).map { $0.value.intValue })
            // The draws that decide: one per element of the noise shape.
            let shared = Set((c.facts["shared_axes"]?.arrayElements ?? []).compactMap { $0.value.intValue })
            let draws = Double(c.shape.indices.filter { !shared.contains($0) }.map { c.shape[$0] }.reduce(1, *))
            let fraction = Double(kept.filter { $0 }.count) / n
            let kerasFraction = try #require(c.double("kept_fraction"))
            let rate = (c.config("rate") ?? c.config("drop_path_rate"))?.doubleValue ?? 0
            let error = (rate * (1 - rate) / draws).squareRoot()
            #expect(
                abs(fraction - kerasFraction) < 5 * 2.squareRoot() * error,
                "\(what): kept \(fraction) vs \(kerasFraction)")
            if alpha {
                let (a, b) = (try #require(c.double("a")), try #require(c.double("b")))
                for (y, (x, k)) in zip(ys, zip(xs, kept)) where k {
                    #expect(abs(Double(y) - (a * Double(x) + b)) < 1e-5, "\(what): a kept scalar is a · x + b")
                }
            } else {
                let factor = try #require(c.double("kept_factor"))
                #expect(zip(ys, zip(xs, kept)).allSatisfy { y, p in !p.1 || abs(Double(y / p.0) - factor) < 1e-5 })
            }
            let kerasValues = (c.facts["gradient_factors"]?.arrayElements ?? []).compactMap { $0.value.doubleValue }
            let ours = Set(gradient.map { (Double($0) * 1e4).rounded() / 1e4 })
            #expect(ours.count == kerasValues.count, "\(what): gradient values \(ours) vs \(kerasValues)")
            for value in ours {
                #expect(kerasValues.contains { abs($0 - value) < 1e-4 * max(1, abs(value)) }, "\(what): \(value)")
            }
        }
    }

    /// The backward pass is the derivative of the same training call (the same seed draws the same
    /// noise): central differences of Σ y · w.
    @Test(arguments: cases)
    func backwardIsTheCallsDerivative(_ c: Case) throws {
        let (call, backward) = try Self.layer(c)
        let x = Self.input(c.shape)
        let weights = Tensor(shape: x.shape) { out in
            for i in 0..<out.count { out[i] = Float(i % 11) / 5 - 1 }
        }
        var context = TrainingContext(seed: 7)
        let gradient = backward(x, weights, &context).scalars
        func loss(_ x: Tensor) -> Double {
            var context = TrainingContext(seed: 7)
            return zip(call(x, &context).scalars, weights.scalars).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        for position in stride(from: 0, to: x.scalarCount, by: max(1, x.scalarCount / 7)) {
            var (up, down) = (x.scalars, x.scalars)
            up[position] += 0.01
            down[position] -= 0.01
            let numeric =
                (loss(Tensor(shape: x.shape, scalars: up)) - loss(Tensor(shape: x.shape, scalars: down))) / 0.02
            #expect(abs(numeric - Double(gradient[position])) < 1e-2, "\(c.testDescription) at \(position)")
        }
    }

    /// Attention's and AdditiveAttention's dropout on the attention weights (Keras's draws are
    /// not replayed, so no Keras fixture has it): the backward pass is the derivative of the same
    /// training call, with masks and the causal mask too, and outside training nothing drops.
    @Test(arguments: ["dot", "concat", "additive"])
    func attentionDropoutBackwardIsItsDerivative(_ kind: String) throws {
        let shapes: [TensorShape] = [[2, 3, 4], [2, 5, 4]]
        let (query, value) = (
            Tensor(shape: [2, 3, 4]) { out in for i in 0..<out.count { out[i] = Float((i * 7) % 13) / 6 - 1 } },
            Tensor(shape: [2, 5, 4]) { out in for i in 0..<out.count { out[i] = Float((i * 5) % 11) / 5 - 1 } }
        )
        let valueMask = Tensor(shape: [2, 5], scalars: [1, 1, 1, 0, 0, 1, 1, 1, 1, 0])
        let queryMask = Tensor(shape: [2, 3], scalars: [1, 1, 0, 1, 1, 1])
        typealias Run = (_ inputs: [Tensor], _ context: inout TrainingContext) -> (Tensor, (Tensor) -> [Tensor])
        let run: Run
        if kind == "additive" {
            let layer = try AdditiveAttention(config: .init(dropout: 0.4), inputShapes: shapes, seed: 1)
            run = { inputs, context in
                let (output, tape) = layer.trainingCall(
                    inputs, masks: [queryMask, valueMask], useCausalMask: true, context: &context)
                return (output, { layer.backward($0, tape: tape, inputGradient: true).inputs })
            }
        } else {
            let config = AttentionConfig(useScale: true, scoreMode: kind == "dot" ? .dot : .concat, dropout: 0.4)
            let layer = try Attention(config: config, inputShapes: shapes, seed: 1)
            run = { inputs, context in
                let (output, tape) = layer.trainingCall(
                    inputs, masks: [queryMask, valueMask], useCausalMask: true, context: &context)
                return (output, { layer.backward($0, tape: tape, inputGradient: true).inputs })
            }
        }
        var inference = TrainingContext(isTraining: false)
        var training = TrainingContext(seed: 3)
        #expect(run([query, value], &inference).0 != run([query, value], &training).0, "dropout draws in training")
        let upstream = Tensor(shape: [2, 3, 4]) { out in for i in 0..<out.count { out[i] = Float(i % 5) / 2 - 1 } }
        func loss(_ inputs: [Tensor]) -> Double {
            var context = TrainingContext(seed: 3)
            return zip(run(inputs, &context).0.scalars, upstream.scalars).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        var context = TrainingContext(seed: 3)
        let gradients = run([query, value], &context).1(upstream)
        for (which, x) in [query, value].enumerated() {
            for position in stride(from: 0, to: x.scalarCount, by: 3) {
                var (up, down) = ([query, value], [query, value])
                var (a, b) = (x.scalars, x.scalars)
                a[position] += 1e-2
                b[position] -= 1e-2
                up[which] = Tensor(shape: x.shape, scalars: a)
                down[which] = Tensor(shape: x.shape, scalars: b)
                let numeric = (loss(up) - loss(down)) / 2e-2
                let analytic = Double(gradients[which].scalars[position])
                #expect(abs(numeric - analytic) < 2e-3 * max(1, abs(numeric)), "\(kind) input \(which) at \(position)")
            }
        }
    }

    /// A Sequential of every noise layer, as Keras saved it, trains: the generated step draws its
    /// noise from the fit's seed (the same seed, the same weights) and the loss falls.
    @Test func aModelOfNoiseLayersTrains() throws {
        let x = Tensor(shape: [48, 10, 6]) { out in
            for i in 0..<out.count { out[i] = Float((i * 37) % 19) / 9 - 1 }
        }
        let y = Tensor(shape: [48, 3]) { out in
            for row in 0..<48 {
                for k in 0..<3 { out[row * 3 + k] = k == row % 3 ? 1 : 0 }
            }
        }
        func train() throws -> (NoiseLayersMlp, [Float]) {
            var model = NoiseLayersMlp(seed: 3)
            var optimizer = Adam(learningRate: 0.01)
            let history = try model.fit(
                x: [x], y: [y], loss: .categoricalCrossentropy(), optimizer: &optimizer, batchSize: 16, epochs: 8,
                seed: 5, verbose: .silent)
            return (model, history.history["loss", default: []])
        }
        let (first, losses) = try train()
        let (second, _) = try train()
        #expect(first.weights == second.weights, "the same seed, the same training")
        #expect(losses.count == 8 && losses[7] < losses[0], "the loss falls: \(losses)")
    }
}
