// swift-tools-version: 6.0
import PackageDescription

// An ensemble trained in Swift: `digits.keras` (saved by Keras) becomes the Swift type `Digits`;
// five fresh clones of it train on real handwritten digits and vote.
let package = Package(
    name: "Ensemble",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-model-generator", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "Ensemble",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            resources: [
                .copy("x_train.npy"), .copy("y_train.npy"), .copy("x_test.npy"), .copy("y_test.npy"),
                .copy("keras_reference.json"), .copy("digits.keras"),
            ],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        )
    ]
)
