import ModelRuntime
import Testing

/// `References/large_model.model.swift` is generated as a large model is (lists of 3 layers
/// and stages of 4 calls instead of 16 and 64, so that the reference stays short: the call in
/// stages that pass their live values on, the graph, the configs and the layer types in
/// several functions);
/// `large_model_unsplit` is the same spec in one piece. Both are compiled into this target: they
/// must agree in everything.
@Suite struct LargeModelTests {
    static let image = Tensor(shape: [2, 8, 8, 3]) { out in
        for index in out.indices { out[index] = Float((index * 37) % 101) / 50 - 1 }
    }
    /// Token ids with padding (0) at the end, which the Embedding masks for the LSTM.
    static let tokens = Tensor(shape: [2, 6], scalars: [3, 7, 1, 19, 0, 0, 5, 2, 0, 0, 0, 0])

    @Test func theSplitModelComputesWhatTheWholeOneDoes() throws {
        let split = LargeModel(seed: 7)
        let whole = LargeModelUnsplit(seed: 7)
        #expect(split.weights == whole.weights)
        let a = split(Self.image, Self.tokens)
        let b = whole(Self.image, Self.tokens)
        #expect(a.head == b.head && a.aux == b.aux && a.heads == b.heads)
        #expect(a.head.shape == [2, 3] && a.aux.shape == [2, 1] && a.heads.shape == [2, 4])
        #expect(split.kerasJSON() == whole.kerasJSON())
    }

    @Test func weightsConfigsAndClonesGoThroughTheTables() throws {
        let model = LargeModel(seed: 1)
        var other = LargeModel(seed: 2)
        #expect(other.weights != model.weights)
        try other.setWeights(model.weights)
        #expect(other.weights == model.weights)
        #expect(other(Self.image, Self.tokens).head == model(Self.image, Self.tokens).head)
        #expect(throws: (any Error).self) { try other.setWeights(Array(model.weights.dropLast())) }
        #expect(other.weights == model.weights)

        #expect(model.config == LargeModel.Config())
        #expect(try LargeModel.Config(kerasJSON: model.kerasJSON()) == model.config)
        var config = model.config
        config.head.units = 5
        config.lstm.units = 6
        let variant = try LargeModel(config: config, seed: 1)
        #expect(variant(Self.image, Self.tokens).head.shape == [2, 5])
        #expect(model.config.head.units == 3)

        let copy = model.clone(with: CopyingWeights())
        #expect(copy.weights == model.weights)
        let fresh = model.clone(with: FreshWeights(seed: 9))
        #expect(fresh.config == model.config)
        #expect(fresh.weights != model.weights)
        #expect(fresh.weights == model.clone(with: FreshWeights(seed: 9)).weights)
    }

    /// Both clone a nested model as one layer, or layer by layer when `recursive`, alike, and
    /// throw for Keras JSON whose layer is of another class.
    @Test func nestedModelsCloneAsTheWholeModelsDo() throws {
        let split = LargeModel(seed: 3)
        let whole = LargeModelUnsplit(seed: 3)
        for recursive in [false, true] {
            let a = split.clone(with: FreshWeights(seed: 11), recursive: recursive)
            let b = whole.clone(with: FreshWeights(seed: 11), recursive: recursive)
            #expect(a.weights == b.weights)
            #expect(a.heads.weights == b.heads.weights)
            #expect(a.weights != split.weights)
        }
        let json = split.kerasJSON().replacingOccurrences(of: "\"GlobalAveragePooling2D\"", with: "\"Flatten\"")
        #expect(throws: (any Error).self) { try LargeModel(kerasJSON: json) }
    }

    /// Changing a layer of a copy leaves the original alone (the layers are copy-on-write).
    @Test func copiesAreIndependentValues() throws {
        let model = LargeModel(seed: 1)
        var copy = model
        try copy.head.setWeights(model.head.weights.map { Tensor(shape: $0.shape, repeating: 0) })
        #expect(copy.head.weights != model.head.weights)
        #expect(copy.denseA.weights == model.denseA.weights)
        #expect(model.head.weights == LargeModel(seed: 1).head.weights)
        #expect(MemoryLayout<LargeModel>.size == MemoryLayout<AnyObject>.size)
        #expect(MemoryLayout<LargeModel.Config>.size == MemoryLayout<AnyObject>.size)
    }
}
