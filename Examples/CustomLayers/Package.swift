// swift-tools-version: 6.0
import PackageDescription

// Custom layers written in Swift, used by a model Keras saved: `channel_net.keras` was saved
// from a Keras model using the same layers written in Python (tools/custom_layers.py). The
// target's model-generator-config.json maps their Keras names to the Swift types in
// Layers.swift, so the build plugin generates `ChannelNet` from the archive's config.json.
let package = Package(
    name: "CustomLayers",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-model-generator", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "CustomLayers",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            resources: [.copy("channel_net.keras"), .copy("input.npy"), .copy("keras_output.npy")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        )
    ]
)
