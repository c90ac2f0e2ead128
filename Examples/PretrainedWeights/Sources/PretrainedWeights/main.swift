import Foundation
import ModelRuntime

// `classifier.keras` was saved by Keras (`model.save("classifier.keras")`). The build plugin
// generated `Classifier` from the config inside it; here the same archive, shipped as a
// resource, gives the trained weights.
do {
    let model = try Classifier(resource: "classifier.keras", in: .module)
    print(
        "Loaded \(model.weights.count) weights (\(model.weights.map(\.scalarCount).reduce(0, +)) parameters) from "
            + "classifier.keras"
    )

    // Keras's own output on the same inputs, saved beside them.
    let input = try Tensor(contentsOfNPY: Bundle.module.url(forResource: "input", withExtension: "npy")!)
    let keras = try Tensor(contentsOfNPY: Bundle.module.url(forResource: "keras_output", withExtension: "npy")!)
    let output = model(input)
    let difference = output.maxAbsoluteDifference(to: keras)
    print("Output \(output.shape); largest difference to Keras: \(difference)")
    guard difference <= 1e-4 else {
        print("error: the output differs from Keras's")
        exit(1)
    }

    // Weights saved from Swift load back, and Python reads the file too
    // (`safetensors.numpy.load_file`).
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("classifier.safetensors")
    try model.saveWeights(to: url)
    let reloaded = try Classifier(contentsOf: url)
    print("Saved and reloaded \(url.lastPathComponent): weights equal: \(reloaded.weights == model.weights)")
    try? FileManager.default.removeItem(at: url)
} catch {
    print("error: \(error)")
    exit(1)
}
