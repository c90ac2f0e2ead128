import ModelRuntime

// The Keras documentation's example model, from classifier.model.json:
// Input 728 → Dense 32 relu → Dense 1 sigmoid. The build plugin generated `Classifier`.

/// Keras's "set every seed to 1337" clone function, as a user-written cloner.
struct Seed1337: LayerCloner {
    func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
        FreshWeights().rebuild(layer, config: layer.config.withSeeds(1337), at: path)
    }
}

func describe(_ tensor: Tensor) -> String {
    tensor.scalars.prefix(4).map { String(format4: $0) }.joined(separator: ", ")
}

extension String {
    init(format4 value: Float) {
        let scaled = (Double(value) * 10_000).rounded() / 10_000
        self = String(scaled)
    }
}

// 1. Build: the typed model with fresh weights from the spec's initializers.
let model = Classifier(seed: 42)
print("1. Built \(model.config.model.name): \(model.weights.map(\.shape)) weights")

// 2. Run a batch of 4 samples.
let batch = Tensor(shape: [4, 728], scalars: (0..<(4 * 728)).map { Float(($0 * 37) % 101) / 100 - 0.5 })
let output = model(batch)
print("2. Ran a batch \(batch.shape) → \(output.shape): [\(describe(output))]")

// 3. Clone three ways, as keras.models.clone_model does with different clone functions.
let fresh = model.clone()
let shared = model.clone(with: SharingWeights())
let copied = model.clone(with: CopyingWeights())
let seeded = model.clone(with: Seed1337())
print("3. Clones:")
print(
    "   fresh weights (Keras's default): same config \(fresh.config == model.config), same weights "
        + "\(fresh.weights == model.weights)"
)
print(
    "   sharing weights: shares storage "
        + "\(zip(shared.weights, model.weights).allSatisfy { $0.sharesStorage(with: $1) }), same output "
        + "\(shared(batch) == output)"
)
print(
    "   copying weights: equal \(copied.weights == model.weights), own storage "
        + "\(!copied.weights[0].sharesStorage(with: model.weights[0])), same output \(copied(batch) == output)"
)
print("   seeds set to 1337: reproducible \(seeded.weights == Classifier(seed: 7).clone(with: Seed1337()).weights)")

// 4. Round-trip the architecture through Keras JSON (keras.models.model_from_json loads it).
let json = model.kerasJSON()
let reloaded = try Classifier(kerasJSON: json)
print("4. Keras JSON: \(json.utf8.count) bytes, round-trips to the same config: \(reloaded.config == model.config)")

// 5. Edit the typed config and build a variant; the compiler checks every field.
var config = model.config
config.dense.units = 64
config.dense.activation = .gelu
let wider = try Classifier(config: config, seed: 1)
print("5. Variant with Dense 64 gelu: \(wider.weights.map(\.shape)), output \(wider(batch).shape)")
