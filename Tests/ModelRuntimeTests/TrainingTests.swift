import Foundation
import ModelRuntime
import Testing

/// Generated training steps and `fit` against Keras 3 (JAX): gradients of every layer with a
/// backward pass, and the weights and history after two epochs of `fit`.
@Suite struct TrainingTests {
    @Test(arguments: TrainingCase.gradients)
    func gradientsMatchKeras(_ fixture: TrainingCase) throws {
        try fixture.check()
    }

    @Test(arguments: TrainingCase.fits)
    func fitMatchesKeras(_ fixture: TrainingCase) throws {
        try fixture.check()
    }

    /// A layer frozen by editing the config (as fine-tuning does) gets no gradient, and the
    /// others get the ones they get unfrozen: the generated step reads trainability at run time.
    @Test func layersFrozenInTheConfigGetNoGradients() throws {
        let folder = "training/gradients/dense_chain_mlp"
        var model = TrainingGradDenseChainMlp(seed: 1)
        try model.setWeights(TrainingChecks.arrays(folder, "weights"))
        var config = model.config
        config.dense.trainable = false
        var frozen = try TrainingGradDenseChainMlp(config: config, seed: 1)
        try frozen.setWeights(model.weights)
        let (inputs, upstream) = (
            try TrainingChecks.arrays(folder, "input"), try TrainingChecks.arrays(folder, "upstream")
        )
        var context = TrainingContext()
        let all = model.trainingStep(inputs, &context) { _ in upstream }
        let some = frozen.trainingStep(inputs, &context) { _ in upstream }
        #expect(frozen.trainableWeights.map(\.shape) == [[8, 3], [3]])
        #expect(some.count == 2)
        #expect(some == Array(all.suffix(2)))
        let expected = try TrainingChecks.arrays(folder, "gradient")
        for (ours, keras) in zip(some, expected.suffix(2)) { expectClose(ours, keras, "second Dense, first frozen") }
    }

    /// ModelCheckpoint writes each epoch's weights to its file, in Keras's `.weights.h5`, and
    /// the last file holds the weights fit ended with.
    @Test func checkpointsHoldEachEpochsWeights() throws {
        let folder = "training/fit/regression_sgd_nesterov"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoints-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var model = TrainingFitRegressionSgdNesterov(seed: 1)
        try model.setWeights(TrainingChecks.arrays(folder, "weights"))
        var optimizer = SGD(learningRate: 0.02, momentum: 0.8, nesterov: true)
        let checkpoint = ModelCheckpoint(path: directory.appendingPathComponent("epoch_{epoch:02d}.weights.h5").path)
        try model.fit(
            x: TrainingChecks.arrays(folder, "x"), y: TrainingChecks.arrays(folder, "y"), loss: .meanSquaredError,
            optimizer: &optimizer, batchSize: 16, epochs: 2, shuffle: false, callbacks: [checkpoint], verbose: .silent)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["epoch_01.weights.h5", "epoch_02.weights.h5"])
        var reloaded = TrainingFitRegressionSgdNesterov(seed: 2)
        try reloaded.loadWeights(from: directory.appendingPathComponent("epoch_02.weights.h5"))
        #expect(reloaded.weights == model.weights)
        for (ours, keras) in zip(reloaded.weights, try TrainingChecks.arrays(folder, "weights_after")) {
            expectClose(ours, keras, "checkpoint of the last epoch")
        }
    }

    /// fit refuses sample weights of another count, and sample and class weights together (as
    /// Keras does), before it changes the model.
    @Test func sampleWeightsThatDoNotFitAreRefused() throws {
        let folder = "training/fit/sample_weight_regression_sgd"
        var model = TrainingFitSampleWeightRegressionSgd(seed: 1)
        let before = model.weights
        let (x, y) = (try TrainingChecks.arrays(folder, "x"), try TrainingChecks.arrays(folder, "y"))
        let count = x[0].shape[0]
        var optimizer = SGD(learningRate: 0.01)
        #expect(throws: TrainingError.self) {
            try model.fit(
                x: x, y: y, loss: .meanSquaredError, optimizer: &optimizer,
                sampleWeight: Tensor(shape: [count - 1], repeating: 1), verbose: .silent)
        }
        #expect(throws: TrainingError.self) {
            try model.fit(
                x: x, y: y, loss: .meanSquaredError, optimizer: &optimizer,
                sampleWeight: Tensor(shape: [count], repeating: 1), classWeight: [0: 2], verbose: .silent)
        }
        #expect(model.weights == before)
    }

    /// Keras's OrthogonalRegularizer takes matrices of two or more vectors: fit refuses it on a
    /// kernel of one column (its mean over pairs would divide by zero), before training.
    @Test func anOrthogonalRegularizerOnOneVectorIsRefused() throws {
        let folder = "training/fit/orthogonal_regularizer_sgd"
        var config = TrainingFitOrthogonalRegularizerSgd.Config()
        config.dense2.kernelRegularizer = try KerasObject(
            json: #"{"class_name": "OrthogonalRegularizer", "config": {"factor": 0.5, "mode": "columns"}}"#)
        var model = try TrainingFitOrthogonalRegularizerSgd(config: config, seed: 1)
        let (x, y) = (try TrainingChecks.arrays(folder, "x"), try TrainingChecks.arrays(folder, "y"))
        var optimizer = SGD(learningRate: 0.01)
        let error = #expect(throws: TrainingError.self) {
            try model.fit(x: x, y: y, loss: .meanSquaredError, optimizer: &optimizer, verbose: .silent)
        }
        #expect(error?.description.contains("two or more vectors") == true, "\(String(describing: error))")
    }

    @Test func everyFixtureCaseIsListed() throws {
        for (kind, listed) in [("gradients", TrainingCase.gradients), ("fit", TrainingCase.fits)] {
            let cases = try TrainingChecks.cases(kind).compactMap { $0["case"] as? String }
            #expect(Set(cases) == Set(listed.map(\.name)), "\(kind) cases")
        }
    }
}

enum TrainingChecks {
    /// The entries of `Tests/Fixtures/training/KIND/cases.json`.
    static func cases(_ kind: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: Fixtures.url("training/\(kind)/cases.json"))
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
    }

    /// The members `PREFIX.npy` or `PREFIX_N.npy` of a fixture folder, in order.
    static func arrays(_ folder: String, _ prefix: String) throws -> [Tensor] {
        try Fixtures.npyFiles(folder).filter { member in
            guard member.name.hasSuffix(".npy") else { return false }
            let stem = member.name.dropLast(4)
            if stem == prefix { return true }
            guard stem.hasPrefix(prefix + "_") else { return false }
            return stem.dropFirst(prefix.count + 1).allSatisfy(\.isNumber)
        }.sorted(by: numberedOrder).map { try Tensor(npyBytes: $0.bytes) }
    }

    static func gradients<M: TrainableModel>(_ type: M.Type, case name: String) throws {
        let folder = "training/gradients/\(name)"
        let entry = try #require(try cases("gradients").first { $0["case"] as? String == name })
        var model = M(seed: 1)
        try model.setWeights(Fixtures.weights(folder))
        let trainable = try #require(entry["trainable_indices"] as? [Int])
        #expect(model.trainableWeightMask.indices.filter { model.trainableWeightMask[$0] } == trainable)

        let upstream = try arrays(folder, "upstream")
        var context = TrainingContext(isTraining: true, computesInputGradients: true)
        var outputs: [Tensor] = []
        let gradients = model.trainingStep(try arrays(folder, "input"), &context) { given in
            outputs = given
            return upstream
        }
        for (index, (ours, keras)) in zip(outputs, try arrays(folder, "output")).enumerated() {
            expectClose(ours, keras, "\(name) output \(index)")
        }
        let expected = try arrays(folder, "gradient")
        #expect(gradients.count == expected.count, "\(name): trainable weight count")
        for (index, (ours, keras)) in zip(gradients, expected).enumerated() {
            expectClose(ours, keras, "\(name) ∂weight \(index)")
        }
        // Token ids (Embedding) have no gradient in Keras; ours is zero.
        guard entry["input_gradient"] as? Bool ?? true else {
            #expect(context.inputGradients.allSatisfy { $0?.scalars.allSatisfy { $0 == 0 } ?? true })
            return
        }
        let inputGradients = try arrays(folder, "input_gradient")
        #expect(context.inputGradients.count == inputGradients.count, "\(name): input gradient count")
        for (index, (ours, keras)) in zip(context.inputGradients, inputGradients).enumerated() {
            expectClose(try #require(ours), keras, "\(name) ∂input \(index)")
        }
        // BatchNormalization's moving statistics after the training call.
        let state = entry["state_indices"] as? [Int] ?? []
        let stateAfter = try arrays(folder, "state_after")
        if !stateAfter.isEmpty {
            let weights = model.weights
            for (index, keras) in zip(state, stateAfter) {
                expectClose(weights[index], keras, "\(name) state of weight \(index)")
            }
        }
    }

    static func fit<M: TrainableModel>(_ type: M.Type, case name: String) throws {
        let folder = "training/fit/\(name)"
        let data = try Data(contentsOf: Fixtures.url("\(folder)/training.json"))
        let training = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var model = M(seed: 1)
        try model.setWeights(arrays(folder, "weights"))
        // What Keras's model.save() writes into a .keras archive's config.json.
        let saved = try JSONSerialization.data(withJSONObject: try #require(training["compile_config"]))
        var compiled = try CompileConfig(kerasJSON: String(decoding: saved, as: UTF8.self), outputNames: M.outputNames)
        // Keras's callbacks, as the case passed them to fit.
        let callbacks: [any TrainingCallback] = (training["callbacks"] as? [[String: Any]] ?? []).map { callback in
            EarlyStopping(
                monitor: callback["monitor"] as? String ?? "val_loss",
                minDelta: Float(callback["min_delta"] as? Double ?? 0), patience: callback["patience"] as? Int ?? 0,
                restoreBestWeights: callback["restore_best_weights"] as? Bool ?? false)
        }
        // fit's sample_weight (sample_weight.npy) or class_weight ({"class id": weight}).
        let sampleWeight = training["sample_weight"] as? Bool == true ? try arrays(folder, "sample_weight").first : nil
        let classWeight = (training["class_weight"] as? [String: Double]).map { weights in
            Dictionary(uniqueKeysWithValues: weights.map { (Int($0.key)!, Float($0.value)) })
        }
        let history = try model.fit(
            x: try arrays(folder, "x"), y: try arrays(folder, "y"), compiled: &compiled,
            batchSize: training["batch_size"] as? Int ?? 32, epochs: training["epochs"] as? Int ?? 1, shuffle: false,
            validationSplit: training["validation_split"] as? Double ?? 0, sampleWeight: sampleWeight,
            classWeight: classWeight, callbacks: callbacks, verbose: .silent)
        if let epochsRun = training["epochs_run"] as? Int {
            #expect(history.epoch.count == epochsRun, "\(name): epochs run before early stopping")
        }
        #expect(compiled.optimizer.options.iterations == training["steps"] as? Int, "\(name): optimizer steps")
        let kerasHistory = try #require(training["history"] as? [String: [Double]])
        for (key, values) in kerasHistory {
            let ours = try #require(history.history[key], "\(name): no history \(key)")
            for (epoch, (mine, keras)) in zip(ours, values).enumerated() {
                #expect(abs(Double(mine) - keras) <= 1e-4 * max(1, abs(keras)), "\(name) \(key) epoch \(epoch)")
            }
        }
        #expect(Set(history.history.keys) == Set(kerasHistory.keys), "\(name): history keys")
        let after = try arrays(folder, "weights_after")
        for (index, (ours, keras)) in zip(model.weights, after).enumerated() {
            if name == "mlp_bn_adam" && index == 1 {
                // The bias before BatchNormalization: its true gradient is 0, Keras's is float32
                // noise that Adam scales up to steps of the learning rate (see the case's notes).
                continue
            }
            expectClose(ours, keras, "\(name) weight \(index) after fit")
        }
    }
}
