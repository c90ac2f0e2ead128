// swift-tools-version: 6.0
import PackageDescription

// Weights trained in Keras, shipped with the app: `classifier.keras` is both the spec the
// build plugin reads (its config.json becomes the Swift type `Classifier`) and a resource of the
// target, so `Classifier(resource:in:)` loads its weights in one call.
let package = Package(
    name: "PretrainedWeights",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-model-generator", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "PretrainedWeights",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            resources: [.copy("classifier.keras"), .copy("input.npy"), .copy("keras_output.npy")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        )
    ]
)
