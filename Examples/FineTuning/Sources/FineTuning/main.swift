import Foundation
import ModelRuntime

// Keras trained `pretrained.keras` on the handwritten digits 0-4 (tools/make_fine_tuning_example.py).
// Here its two feature layers are frozen, its head starts again from zeros, and the head learns
// the digits 5-9 in Swift, with the recipe Keras saved in the archive. Keras ran the same
// fine-tuning from the same weights; its numbers are in keras_reference.json.
func resource(_ name: String, _ kind: String) -> URL { Bundle.module.url(forResource: name, withExtension: kind)! }

do {
    let pretrained = try Pretrained(contentsOf: resource("pretrained", "keras"))
    var config = pretrained.config
    config.features1.trainable = false
    config.features2.trainable = false
    config.head.kernelInitializer = .zeros
    var model = try Pretrained(config: config, seed: 0)
    try model.features1.setWeights(pretrained.features1.weights)
    try model.features2.setWeights(pretrained.features2.weights)
    print("Frozen: features_1, features_2; trainable weights: \(model.trainableWeights.map(\.shape))")

    let (xTrain, yTrain) = (
        try Tensor(contentsOfNPY: resource("x_train", "npy")), try Tensor(contentsOfNPY: resource("y_train", "npy"))
    )
    let (xTest, yTest) = (
        try Tensor(contentsOfNPY: resource("x_test", "npy")), try Tensor(contentsOfNPY: resource("y_test", "npy"))
    )
    var recipe = try Pretrained.compileConfig(contentsOf: resource("pretrained", "keras"))
    let history = try model.fit(
        x: [xTrain], y: [yTrain], compiled: &recipe, batchSize: 32, epochs: 5, shuffle: false, verbose: .epochLines)
    let scores = try model.evaluate(x: [xTest], y: [yTest], loss: recipe.losses[0], metrics: recipe.metrics)

    let reference =
        try JSONSerialization.jsonObject(with: Data(contentsOf: resource("keras_reference", "json")))
        as! [String: Any]
    let kerasLoss = reference["test_loss"] as! Double
    let kerasAccuracy = reference["test_accuracy"] as! Double
    print(
        "Digits 5-9, \(xTest.shape[0]) test images: loss \(String(format: "%.6f", scores["loss"]!)), accuracy "
            + "\(String(format: "%.4f", scores["accuracy"]!)); Keras: loss \(String(format: "%.6f", kerasLoss)), "
            + "accuracy \(String(format: "%.4f", kerasAccuracy))")
    let kerasHistory = (reference["history"] as! [String: [Double]])["loss"]!
    print(
        "Training loss per epoch: \(history.history["loss"]!.map { String(format: "%.5f", $0) }); Keras: "
            + "\(kerasHistory.map { String(format: "%.5f", $0) })")

    // The trained head against Keras's, and the test loss: the same fine-tuning, the same numbers.
    let head = reference["head_after"] as! [String: Any]
    let kerasKernel = (head["kernel"] as! [[Double]]).flatMap { $0 }.map(Float.init)
    let kerasBias = (head["bias"] as! [Double]).map(Float.init)
    let ours = model.head.weights
    let difference = max(
        zip(ours[0].scalars, kerasKernel).map { abs($0 - $1) }.max()!,
        zip(ours[1].scalars, kerasBias).map { abs($0 - $1) }.max()!)
    let scale = max(1, (kerasKernel + kerasBias).map(abs).max()!)
    print("Largest difference from Keras's trained head: \(difference)")
    guard difference <= 1e-4 * scale, abs(Double(scores["loss"]!) - kerasLoss) <= 1e-4 * max(1, kerasLoss) else {
        print("error: the fine-tuned model differs from Keras's")
        exit(1)
    }

    // Weights Keras loads: `python tools/make_fine_tuning_example.py --verify PATH` evaluates them.
    let saved = FileManager.default.temporaryDirectory.appendingPathComponent("fine_tuned.weights.h5")
    try model.saveWeights(to: saved)
    print("Saved \(saved.path)")
} catch {
    print("error: \(error)")
    exit(1)
}
