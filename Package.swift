// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "swift-model-generator",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ModelRuntime", targets: ["ModelRuntime"]),
        .executable(name: "swift-model-generator", targets: ["swift-model-generator"]),
        .plugin(name: "ModelGeneratorPlugin", targets: ["ModelGeneratorPlugin"]),
        .plugin(name: "GenerateModelCode", targets: ["GenerateModelCode"]),
    ],
    targets: [
        // The vocabulary shared by generator and runtime: located JSON, typed layer configs,
        // shape inference, the Keras JSON writer. No kernels. The layer configs' fields are
        // written once, in Layers/Schema; tools/generate-layer-configs.sh writes the structs
        // of Layers/Generated from it (checked in; LayerSchemaTests checks them).
        .target(name: "ModelSpec"),
        // The innermost SIMD loops (AVX-512 or AVX2/FMA chosen at run time on x86-64, NEON on
        // arm64, a portable fallback); C because Swift cannot target those instruction sets
        // without per-package compiler flags, which dependencies forbid.
        .target(name: "CModelKernels"),
        // What generated code imports: Tensor, layers, initializers, cloning.
        .target(name: "ModelRuntime", dependencies: ["ModelSpec", "CModelKernels"]),
        // Naming, translation and rendering of generated code. Underscored: not API.
        .target(name: "_ModelGeneratorCore", dependencies: ["ModelSpec"]),
        .executableTarget(name: "swift-model-generator", dependencies: ["_ModelGeneratorCore"]),
        // Fuzz targets (bytes in, must never crash) and their libFuzzer driver / replay tool;
        // see tools/fuzz.sh. Not products.
        .target(name: "ModelFuzzTargets", dependencies: ["_ModelGeneratorCore", "ModelRuntime", "ModelSpec"]),
        .executableTarget(name: "model-fuzz", dependencies: ["ModelFuzzTargets"]),
        .plugin(
            name: "ModelGeneratorPlugin",
            capability: .buildTool(),
            dependencies: ["swift-model-generator"]
        ),
        .plugin(
            name: "GenerateModelCode",
            capability: .command(
                intent: .custom(
                    verb: "generate-model-code",
                    description: "Generate Swift model types from the model specs in a target, into the package."
                ),
                permissions: [
                    .writeToPackageDirectory(reason: "Writes the generated model sources into the target's directory.")
                ]
            ),
            dependencies: ["swift-model-generator"]
        ),
        .testTarget(name: "ModelSpecTests", dependencies: ["ModelSpec"]),
        .testTarget(
            name: "ModelRuntimeTests",
            dependencies: ["ModelRuntime", "CModelKernels"],
            plugins: ["ModelGeneratorPlugin"]
        ),
        .testTarget(
            name: "ModelGeneratorCoreTests",
            dependencies: ["_ModelGeneratorCore", "ModelRuntime", "ModelFuzzTargets"],
            // The specs are inputs of the tests; the references generated from them are compiled.
            exclude: ["References/Specs", "BadSpecs"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
