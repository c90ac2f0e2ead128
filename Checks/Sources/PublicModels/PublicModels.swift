public import ModelRuntime

/// Every model type this target generates from its specs (ModelGeneratorPlugin, `public`
/// access through `model-generator-config.json`). Its specs are linked from the root
/// package's reference and application specs.
public var allModelTypes: [any Model.Type] {
    [Classifier.self, Siamese.self, LargeModel.self, HostileFunctional.self, MobilenetV2.self]
}
