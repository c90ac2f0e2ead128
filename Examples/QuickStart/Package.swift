// swift-tools-version: 6.0
import PackageDescription

// A downstream package using swift-model-generator exactly as a user does: the build plugin
// turns Sources/QuickStart/classifier.model.json into the Swift type `Classifier`.
let package = Package(
    name: "QuickStart",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-model-generator", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "QuickStart",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        )
    ]
)
