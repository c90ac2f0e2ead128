// swift-tools-version: 6.0
import PackageDescription

// Benchmarks over generated models, in release builds: `tools/benchmark.py` builds and runs
// this executable and the same work in Keras (JAX backend) and NumPy, and prints the ratios.
let package = Package(
    name: "Benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "swift-model-generator", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["PeakFLOPS", .product(name: "ModelRuntime", package: "swift-model-generator")],
            plugins: [.plugin(name: "ModelGeneratorPlugin", package: "swift-model-generator")]
        ),
        // The machine's fused multiply-add peak (`Benchmarks --peak`), for "achieved of peak".
        .target(name: "PeakFLOPS"),
    ]
)
