// swift-tools-version: 6.0
// The largest graphs of the fixtures, kept out of the root package's tests so that `swift test`
// stays fast: NASNetMobile alone takes half a minute to compile in debug. CI runs this package
// (`swift test --package-path Checks/LargeGraphs`), in debug on purpose: debug builds are where
// generated code would need stack in proportion to its number of layers.
import PackageDescription

let package = Package(
    name: "LargeGraphs",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "swift-model-generator", path: "../..")],
    targets: [
        .testTarget(
            name: "LargeGraphTests",
            dependencies: [.product(name: "ModelRuntime", package: "swift-model-generator")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
