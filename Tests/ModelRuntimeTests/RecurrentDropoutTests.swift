import Foundation
import Testing

@testable import ModelRuntime

/// SimpleRNN, LSTM and GRU with `dropout` and `recurrent_dropout` in training, against Keras with
/// the same masks: `tools/make_recurrent_dropout_fixtures.py` makes Keras's cells use masks it
/// drew (Keras's own come from its generator, which is not replayed here) and records the
/// training call's output and `jax.grad`'s gradients; the layer here runs with those masks.
@Suite struct RecurrentDropoutTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let className: String
        let config: Data
        let inputMasks: Int
        let recurrentMasks: Int
        var testDescription: String { name }
        var folder: String { "training/recurrent_dropout/\(name)" }
    }

    static let cases: [Case] = {
        guard let data = try? Data(contentsOf: Fixtures.url("training/recurrent_dropout/cases.json")),
            let entries = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        else { return [] }
        return entries.compactMap { entry in
            guard let name = entry["case"] as? String, let className = entry["class_name"] as? String,
                let config = entry["config"], let json = try? JSONSerialization.data(withJSONObject: config)
            else { return nil }
            return Case(
                name: name, className: className, config: json, inputMasks: entry["input_masks"] as? Int ?? 0,
                recurrentMasks: entry["recurrent_masks"] as? Int ?? 0)
        }
    }()

    @Test func fixturesArePresent() {
        #expect(Self.cases.count == 5)
    }

    /// The layer of a case, from Keras's config, with Keras's weights.
    static func layer<Cell: RecurrentCellKind>(_: Cell.Type, _ c: Case) throws -> Recurrent<Cell> {
        let config = try JSONDecoder().decode(RecurrentConfig<Cell>.self, from: c.config)
        let input = try #require(TrainingChecks.arrays(c.folder, "input").first)
        var layer = try Recurrent<Cell>(
            config: config, inputShape: TensorShape([nil] + input.shape.dropFirst().map { $0 }), seed: 0)
        try layer.setWeights(TrainingChecks.arrays(c.folder, "weights"))
        return layer
    }

    static func check<Cell: RecurrentCellKind>(_ cell: Cell.Type, _ c: Case) throws {
        let layer = try layer(cell, c)
        let masks = RecurrentDropout(
            input: try TrainingChecks.arrays(c.folder, "input_mask").map(\.scalars),
            recurrent: try TrainingChecks.arrays(c.folder, "recurrent_mask").map(\.scalars))
        #expect(masks.input.count == c.inputMasks && masks.recurrent.count == c.recurrentMasks)
        let input = try #require(TrainingChecks.arrays(c.folder, "input").first)
        let (output, tape) = layer.trainingCall(input, mask: nil, dropout: masks)
        expectClose(output, try #require(TrainingChecks.arrays(c.folder, "output").first), "\(c.name) output")
        let upstream = try #require(TrainingChecks.arrays(c.folder, "upstream").first)
        let gradients = layer.backward(upstream, tape: tape, inputGradient: true)
        let inputGradient = try #require(TrainingChecks.arrays(c.folder, "input_gradient").first)
        expectClose(try #require(gradients.inputs.first), inputGradient, "\(c.name) input gradient")
        let expected = try TrainingChecks.arrays(c.folder, "gradient")
        #expect(gradients.weights.count == expected.count)
        for (index, (ours, keras)) in zip(gradients.weights, expected).enumerated() {
            expectClose(ours, keras, "\(c.name) gradient \(index)")
        }
        // The masks a training call draws: as many as Keras's cell asks for, of its values.
        var context = TrainingContext(seed: 3)
        let drawn = layer.dropoutMasks(batch: input.shape[0], features: input.shape[2], context: &context)
        #expect(drawn.input.count == c.inputMasks && drawn.recurrent.count == c.recurrentMasks)
        for (masks, rate) in [(drawn.input, layer.config.dropout), (drawn.recurrent, layer.config.recurrentDropout)] {
            let values = Set(masks.flatMap { $0 })
            #expect(values.isSubset(of: [0, Float(1 / (1 - rate))]), "\(c.name): mask values \(values)")
        }
    }

    @Test(arguments: cases)
    func trainingMatchesKerasWithItsMasks(_ c: Case) throws {
        switch c.className {
        case "SimpleRNN": try Self.check(SimpleRNNCell.self, c)
        case "LSTM": try Self.check(LSTMCell.self, c)
        case "GRU": try Self.check(GRUCell.self, c)
        default: Issue.record("no recurrent layer \(c.className)")
        }
    }

    /// A text classifier Keras saved with recurrent dropout (a Bidirectional LSTM with both
    /// kinds, a GRU with `recurrent_dropout`, after Embedding(mask_zero)) trains: the generated
    /// step draws its masks from the fit's seed (the same seed, the same weights), dropout acts
    /// in training only, and the loss falls.
    @Test func aTextModelWithRecurrentDropoutTrains() throws {
        let ids = Tensor(shape: [48, 6]) { out in
            for i in 0..<out.count { out[i] = Float((i * 7 + i / 6) % 12) * (i % 6 < 4 ? 1 : 0) }
        }
        let labels = Tensor(shape: [48]) { out in
            for row in 0..<48 { out[row] = ids.scalars[row * 6] < 6 ? 1 : 0 }
        }
        func train() throws -> (RecurrentDropoutText, [Float]) {
            var model = RecurrentDropoutText(seed: 3)
            var optimizer = Adam(learningRate: 0.02)
            let history = try model.fit(
                x: [ids], y: [labels], loss: .sparseCategoricalCrossentropy(), optimizer: &optimizer,
                batchSize: 16, epochs: 8, seed: 5, verbose: .silent)
            return (model, history.history["loss", default: []])
        }
        let (first, losses) = try train()
        let (second, _) = try train()
        #expect(first.weights == second.weights, "the same seed, the same training")
        #expect(losses.count == 8 && losses[7] < losses[0], "the loss falls: \(losses)")
        var inference = TrainingContext(isTraining: false)
        var training = TrainingContext(isTraining: true, seed: 1)
        var model = first
        let batch = [ids.gatheringRows(0..<8)]
        let outputs = model.outputList(for: batch)
        let step = { (context: inout TrainingContext) -> [Tensor] in
            var seen: [Tensor] = []
            _ = model.trainingStep(batch, &context) { given in
                seen = given
                return given.map { Tensor(shape: $0.shape, repeating: 0) }
            }
            return seen
        }
        // The training step's plain path rounds apart from the call's by a few ulps.
        #expect(step(&inference)[0].maxAbsoluteDifference(to: outputs[0]) < 1e-5, "no dropout outside training")
        #expect(step(&training)[0].maxAbsoluteDifference(to: outputs[0]) > 1e-3, "dropout in training")
    }
}
