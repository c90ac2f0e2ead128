import ModelRuntime
import PublicModels
import Testing

/// The generated models of `PublicModels`, used from another module as an app uses a library
/// that ships them: only their public API is visible here, and both modules build with
/// `InternalImportsByDefault`, so generated code must import ModelRuntime publicly.
@Suite struct PublicModelsTests {
    /// What every model offers: fresh weights from a seed, clones, its config and Keras JSON.
    static func checkModelAPI<M: Model>(_ type: M.Type) throws {
        let model = M(seed: 7)
        #expect(M(seed: 7).weights == model.weights, "\(M.self): the same seed must give the same weights")
        #expect(model.clone(with: CopyingWeights()).weights == model.weights)
        let fresh = model.clone()
        #expect(fresh.config == model.config)
        let rebuilt = try M(kerasJSON: model.kerasJSON(), seed: 7)
        #expect(rebuilt.config == model.config)
        #expect(rebuilt.weights == model.weights)
        var loaded = M(seed: 8)
        try loaded.setWeights(model.weights)
        #expect(loaded.weights == model.weights)
    }

    @Test func everyModelHasThePublicModelAPI() throws {
        #expect(allModelTypes.count == 5)
        for type in allModelTypes {
            try Self.checkModelAPI(type)
        }
    }

    @Test func publicCallsRunAndCanBeReconfigured() throws {
        let classifier = Classifier(seed: 1)
        #expect(classifier(Tensor(shape: [4, 728], repeating: 0.5)).shape == [4, 1])
        #expect(
            Siamese(seed: 1)(Tensor(shape: [2, 5], repeating: 1), Tensor(shape: [2, 5], repeating: 2)).shape == [2, 1])
        let outputs = HostileFunctional(seed: 1)(
            Tensor(shape: [2, 3], repeating: 1), Tensor(shape: [2, 3], repeating: 2))
        #expect([outputs.ete.shape, outputs.selfLayer.shape, outputs.encoder.shape] == [[2, 1], [2, 4], [2, 2]])
        #expect(MobilenetV2(seed: 1)(Tensor(shape: [1, 96, 96, 3], repeating: 0.5)).shape == [1, 1000])

        // A variant through the public typed config: the first Dense of the classifier widened.
        var config = Classifier.Config()
        config.dense.units = 64
        let wider = try Classifier(config: config, seed: 1)
        #expect(wider.weights.map(\.shape) == [[728, 64], [64], [64, 1], [1]])
    }
}
