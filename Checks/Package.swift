// swift-tools-version: 6.0
// Checks that CI runs (`swift test --package-path Checks`), kept out of the root package so that
// its `swift test` stays fast:
//
// - LargeGraphTests: the largest graphs of the fixtures run on a 512 KB stack, in debug on
//   purpose (debug builds are where generated code would need stack in proportion to its number
//   of layers). NASNetMobile alone takes half a minute to compile in debug. With them,
//   `reserved_names` (959 layers named like the generated code's own identifiers, written by the
//   root package's ReservedNameTests) compiles and builds: about a minute of the root tests'
//   build when it was one of their specs. ResNet50 and MobileNetV2 match Keras's outputs
//   (ApplicationTests, from the root's Tests/Fixtures/applications) and train in stages.
// - PublicModels: generated models as a library that commits to its API would ship them:
//   `public` access (model-generator-config.json) in a target built with
//   `InternalImportsByDefault`; PublicModelsTests uses them from another module.
import PackageDescription

let package = Package(
    name: "Checks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "swift-model-generator", path: "..")],
    targets: [
        .target(
            name: "PublicModels",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        ),
        .testTarget(
            name: "PublicModelsTests",
            dependencies: ["PublicModels", .product(name: "ModelRuntime", package: "swift-model-generator")],
            swiftSettings: [.enableUpcomingFeature("InternalImportsByDefault")]
        ),
        .testTarget(
            name: "LargeGraphTests",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
