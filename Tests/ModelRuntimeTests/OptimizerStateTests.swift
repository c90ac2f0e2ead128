import Foundation
import ModelRuntime
import Testing

/// Optimizer state against Keras 3 (`tools/make_optimizer_state_fixtures.py`): each optimizer
/// trains the same MLP for two epochs as Keras's `fit` does, reads the `.weights.h5` Keras's
/// `save_weights` wrote after one epoch (weights and `optimizer/vars`) and goes on to Keras's
/// weights after two, and writes its state so that reading it back restores it exactly.
@Suite struct OptimizerStateTests {
    static let cases = [
        "sgd_nesterov", "adam", "adamw", "nadam", "rmsprop_centered_momentum", "adagrad", "adam_schedule",
    ]

    struct Case {
        let folder: String
        let optimizer: any Optimizer
        let x: Tensor
        let y: Tensor
        let initial: [Tensor]
        let state: [Tensor]
        let final: [Tensor]
        let losses: [Double]

        init(_ name: String) throws {
            folder = "optimizer_state/\(name)"
            let data = try Data(contentsOf: Fixtures.url("\(folder)/case.json"))
            let entry = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            // The optimizer as compile() saves it, read as a .keras archive's compile_config is.
            let compiled = try JSONSerialization.data(withJSONObject: [
                "optimizer": try #require(entry["optimizer"]), "loss": "categorical_crossentropy",
            ])
            optimizer = try CompileConfig(
                kerasJSON: String(decoding: compiled, as: UTF8.self), outputNames: ["dense_1"]
            )
            .optimizer
            x = try #require(TrainingChecks.arrays(folder, "x").first)
            y = try #require(TrainingChecks.arrays(folder, "y").first)
            initial = try TrainingChecks.arrays(folder, "initial_weights")
            state = try TrainingChecks.arrays(folder, "state")
            final = try TrainingChecks.arrays(folder, "final_weights")
            let history = try #require(entry["history"] as? [String: [Double]])
            losses = try #require(history["loss"])
        }

        func fit(_ model: inout OptimizerStateMlp, _ optimizer: inout some Optimizer, epochs: Int) throws -> [Float] {
            try model.fit(
                x: [x], y: [y], loss: .categoricalCrossentropy(), optimizer: &optimizer, batchSize: 16,
                epochs: epochs, shuffle: false, verbose: .silent
            ).history["loss", default: []]
        }
    }

    /// Two epochs from Keras's initial weights give Keras's weights and losses (Nadam's update
    /// rule among them).
    @Test(arguments: cases)
    func twoEpochsMatchKeras(_ name: String) throws {
        let fixture = try Case(name)
        var model = OptimizerStateMlp(seed: 1)
        try model.setWeights(fixture.initial)
        var optimizer = fixture.optimizer
        let losses = try fixture.fit(&model, &optimizer, epochs: 2)
        for (epoch, (ours, keras)) in zip(losses, fixture.losses).enumerated() {
            #expect(abs(Double(ours) - keras) <= 1e-4 * max(1, abs(keras)), "\(name) loss of epoch \(epoch + 1)")
        }
        for (index, (ours, keras)) in zip(model.weights, fixture.final).enumerated() {
            expectClose(ours, keras, "\(name) weight \(index) after two epochs")
        }
    }

    /// The state Keras saved after one epoch reads into the optimizer (step count, learning
    /// rate, slots in Keras's order), and one more epoch lands on Keras's second.
    @Test(arguments: cases)
    func kerasStateResumesTraining(_ name: String) throws {
        let fixture = try Case(name)
        var model = OptimizerStateMlp(seed: 1)
        var optimizer = fixture.optimizer
        try model.loadWeights(
            from: Fixtures.url("\(fixture.folder)/after_one_epoch.weights.h5"), optimizer: &optimizer)
        let variables = optimizer.kerasVariables(for: model.trainableWeights.map(\.shape))
        #expect(variables.count == fixture.state.count, "\(name): optimizer variable count")
        for (index, (ours, keras)) in zip(variables, fixture.state).enumerated() {
            #expect(ours.shape == keras.shape, "\(name) optimizer variable \(index) shape")
            expectClose(ours.reshaped(to: keras.shape), keras, "\(name) optimizer variable \(index)")
        }
        let losses = try fixture.fit(&model, &optimizer, epochs: 1)
        #expect(abs(Double(losses[0]) - fixture.losses[1]) <= 1e-4 * max(1, fixture.losses[1]), "\(name) loss")
        for (index, (ours, keras)) in zip(model.weights, fixture.final).enumerated() {
            expectClose(ours, keras, "\(name) weight \(index) after resuming")
        }
    }

    /// What `saveWeights(to:optimizer:)` writes reads back into a fresh model and optimizer
    /// as it was, and both train on alike.
    @Test(arguments: cases)
    func savedStateReadsBack(_ name: String) throws {
        let fixture = try Case(name)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID()).weights.h5")
        defer { try? FileManager.default.removeItem(at: url) }
        var model = OptimizerStateMlp(seed: 1)
        try model.setWeights(fixture.initial)
        var optimizer = fixture.optimizer
        _ = try fixture.fit(&model, &optimizer, epochs: 1)
        try model.saveWeights(to: url, optimizer: optimizer)
        // For Keras to read (`tools/make_optimizer_state_fixtures.py --verify DIRECTORY`).
        if let directory = ProcessInfo.processInfo.environment["MODEL_GENERATOR_EXPORT"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let export = URL(fileURLWithPath: directory).appendingPathComponent("\(name).weights.h5")
            try? FileManager.default.removeItem(at: export)
            try FileManager.default.copyItem(at: url, to: export)
        }

        var restored = OptimizerStateMlp(seed: 2)
        var restoredOptimizer = fixture.optimizer
        try restored.loadWeights(from: url, optimizer: &restoredOptimizer)
        let shapes = model.trainableWeights.map(\.shape)
        #expect(restored.weights == model.weights)
        #expect(restoredOptimizer.kerasVariables(for: shapes) == optimizer.kerasVariables(for: shapes))
        _ = try fixture.fit(&model, &optimizer, epochs: 1)
        _ = try fixture.fit(&restored, &restoredOptimizer, epochs: 1)
        #expect(restored.weights == model.weights, "\(name): training goes on alike")
    }

    /// A file without optimizer state, or with another optimizer's, is refused with a message
    /// and changes nothing.
    @Test func stateThatDoesNotFitIsRefused() throws {
        let adam = try Case("adam")
        var model = OptimizerStateMlp(seed: 1)
        let before = model.weights
        var sgd = try Case("sgd_nesterov").optimizer
        let error = #expect(throws: WeightError.self) {
            try model.loadWeights(from: Fixtures.url("\(adam.folder)/after_one_epoch.weights.h5"), optimizer: &sgd)
        }
        #expect(error?.message.contains("optimizer state") == true, "\(String(describing: error))")
        #expect(model.weights == before)
        #expect(sgd.options.iterations == 0)

        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID()).weights.h5")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.saveWeights(to: url)
        var optimizer = adam.optimizer
        let missing = #expect(throws: WeightError.self) { try model.loadWeights(from: url, optimizer: &optimizer) }
        #expect(missing?.message.contains("holds no optimizer state") == true)
    }
}
