import ModelRuntime
import Testing

/// `reserved_names.model.json` (written by the root package's `ReservedNameTests`) names its
/// inputs, layers and nested models like the identifiers generated code uses itself: it
/// compiles, builds, clones and round-trips its Keras JSON.
@Test func aModelNamedLikeTheGeneratedCodeBuilds() throws {
    let model = ReservedNames(seed: 1)
    #expect(model.inputShapes.count > 100)
    #expect(model.outputShapes == [TensorShape([nil, model.inputShapes.count])])
    #expect(model.clone().config == model.config)
    #expect(try ReservedNames(kerasJSON: model.kerasJSON()).config == model.config)
}
