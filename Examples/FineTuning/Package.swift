// swift-tools-version: 6.0
import PackageDescription

// Fine-tuning in Swift: `pretrained.keras` (trained by Keras on the digits 0-4) becomes the Swift
// type `Pretrained`; its feature layers are frozen and a new head learns the digits 5-9.
let package = Package(
    name: "FineTuning",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-model-generator", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "FineTuning",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            resources: [
                .copy("pretrained.keras"), .copy("x_train.npy"), .copy("y_train.npy"), .copy("x_test.npy"),
                .copy("y_test.npy"), .copy("keras_reference.json"),
            ],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        )
    ]
)
