import Foundation
import ModelRuntime

// `channel_net.keras` holds a Keras model whose layers Linear, ChannelScale and ResidualDense
// are custom (`@keras.saving.register_keras_serializable(package="Custom")` in Python). Their
// Swift twins are in Layers.swift; model-generator-config.json declares them, and the build
// plugin generated `ChannelNet` with typed properties of those types.
do {
    let model = try ChannelNet(resource: "channel_net.keras", in: .module)
    let scale: ChannelScale = model.scale
    print(
        "1. Loaded channel_net.keras: \(model.weights.count) weights; `scale` is a \(type(of: scale)) with gamma "
            + "\(scale.gamma.shape)"
    )

    // Keras's own output on the same inputs, saved beside them.
    let input = try Tensor(contentsOfNPY: Bundle.module.url(forResource: "input", withExtension: "npy")!)
    let keras = try Tensor(contentsOfNPY: Bundle.module.url(forResource: "keras_output", withExtension: "npy")!)
    let output = model(input)
    let difference = output.maxAbsoluteDifference(to: keras)
    print("2. Output \(output.shape); largest difference to Keras: \(difference)")
    guard difference <= 1e-4 else {
        print("error: the output differs from Keras's")
        exit(1)
    }

    // The clones Keras's clone_model cannot make of subclassed layers without hand-written code.
    let fresh = model.clone(with: FreshWeights(seed: 1))
    let shared = model.clone(with: SharingWeights())
    let copied = model.clone(with: CopyingWeights())
    print(
        "3. Clones: fresh weights: same config \(fresh.config == model.config), same weights "
            + "\(fresh.weights == model.weights);",
        "sharing: shares storage \(zip(shared.weights, model.weights).allSatisfy { $0.sharesStorage(with: $1) });",
        "copying: equal \(copied.weights == model.weights), same output \(copied(input) == output)")

    // The config round-trips through Keras JSON, which Keras loads with the Python layers registered.
    let json = model.kerasJSON()
    let reloaded = try ChannelNet(kerasJSON: json, seed: 1)
    print(
        "4. Keras JSON: \(json.utf8.count) bytes, names Custom>ChannelScale: \(json.contains("Custom>ChannelScale")),",
        "round-trips to the same config: \(reloaded.config == model.config)")

    // A variant from an edited config: the custom layer's own fields are typed too.
    var config = model.config
    config.residual.hiddenUnits = 12
    let wider = try ChannelNet(config: config, seed: 2)
    print(
        "5. Variant with ResidualDense(hidden_units: 12): \(wider.residual.weights.map(\.shape)), output "
            + "\(wider(input).shape)"
    )
} catch {
    print("error: \(error)")
    exit(1)
}
