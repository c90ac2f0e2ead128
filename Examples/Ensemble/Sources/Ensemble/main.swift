import Foundation
import ModelRuntime

// Keras's `clone_model` exists so that a fresh copy of an architecture can be trained: here five
// clones of `Digits` (generated from `digits.keras`), each with its own fresh weights, train in
// Swift on scikit-learn's handwritten digits (`tools/make_ensemble_example.py`) and vote by
// averaging their probabilities.
func array(_ name: String) throws -> Tensor {
    try Tensor(contentsOfNPY: Bundle.module.url(forResource: name, withExtension: "npy")!)
}

func accuracy(_ probabilities: Tensor, _ labels: Tensor) -> Double {
    let classes = probabilities.shape[1]
    let p = probabilities.scalars
    let y = labels.scalars
    var hits = 0
    for row in y.indices {
        let scores = p[(row * classes)..<((row + 1) * classes)]
        if scores.firstIndex(of: scores.max()!)! - row * classes == Int(y[row]) { hits += 1 }
    }
    return Double(hits) / Double(y.count)
}

do {
    let (xTrain, yTrain, xTest, yTest) = try (array("x_train"), array("y_train"), array("x_test"), array("y_test"))
    print("Digits: \(xTrain.shape[0]) training and \(xTest.shape[0]) test images of 8×8 pixels")
    // The recipe Keras saved with the model: `model.compile(optimizer=Adam(0.01),
    // loss="sparse_categorical_crossentropy", metrics=["accuracy"])`.
    let recipe = try Digits.compileConfig(contentsOf: Bundle.module.url(forResource: "digits", withExtension: "keras")!)
    print(
        "From digits.keras: \(type(of: recipe.optimizer)), loss \(recipe.losses[0]), metrics "
            + "\(recipe.metrics.map(\.name))")
    let base = Digits(seed: 0)
    var sum = Tensor(shape: [xTest.shape[0], 10], repeating: 0)
    var members: [Double] = []
    let start = Date()
    for member in 0..<5 {
        // A fresh clone: the same architecture, new weights from its own seed.
        var model = base.clone(with: FreshWeights(seed: UInt64(100 + member)))
        var compiled = recipe  // a fresh optimizer for each member
        let history = try model.fit(
            x: [xTrain], y: [yTrain], compiled: &compiled, batchSize: 32, epochs: 15, seed: UInt64(member),
            verbose: member == 0 ? .epochLines : .silent)
        let probabilities = model.predict(x: [xTest])[0]
        members.append(accuracy(probabilities, yTest))
        let loss = history.history["loss"]!.last!
        print(
            "Member \(member + 1): final training loss \(String(format: "%.4f", loss)), test accuracy "
                + String(format: "%.4f", members.last!))
        sum = Tensor(shape: sum.shape, scalars: zip(sum.scalars, probabilities.scalars).map { $0 + $1 })
    }
    let ensemble = accuracy(sum, yTest)
    print(
        "Ensemble of 5: test accuracy \(String(format: "%.4f", ensemble)) (trained in "
            + String(format: "%.1f", Date().timeIntervalSince(start)) + " s)")
    let reference =
        try JSONSerialization.jsonObject(
            with: Data(contentsOf: Bundle.module.url(forResource: "keras_reference", withExtension: "json")!))
        as! [String: Any]
    print("Keras, same recipe: members \(reference["member_accuracies"]!), ensemble \(reference["ensemble_accuracy"]!)")
    guard ensemble >= 0.9, ensemble >= members.min()! else {
        print("error: the ensemble did not learn the digits")
        exit(1)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
