import Foundation
import ModelRuntime
import Testing

/// The Keras documentation's clone_function example, "set every seed to 1337", written as a
/// user would write it.
struct Seed1337: LayerCloner {
    func clone<L: Layer>(_ layer: L, at path: LayerPath) -> L {
        FreshWeights().rebuild(layer, config: layer.config.withSeeds(1337), at: path)
    }
}

@Suite struct CloningTests {
    let input = Tensor(shape: [3, 8], scalars: (0..<24).map { Float($0) / 12 - 1 })

    @Test func defaultCloneKeepsTheConfigAndDrawsNewWeights() {
        let model = Activations1(seed: 5)
        let clone = model.clone()
        #expect(clone.config == model.config)
        #expect(clone.weights.count == model.weights.count)
        for (a, b) in zip(clone.weights, model.weights) where a.scalars.contains(where: { $0 != 0 && $0 != 1 }) {
            #expect(a.shape == b.shape)
            #expect(a != b)
        }
    }

    @Test func freshWeightsWithASeedIsReproducibleAndMatchesInit() {
        let model = QuickStart(seed: 1)
        let first = model.clone(with: FreshWeights(seed: 7))
        let second = model.clone(with: FreshWeights(seed: 7))
        #expect(first.weights == second.weights)
        #expect(first.weights == QuickStart(seed: 7).weights)
        #expect(model.clone(with: FreshWeights(seed: 8)).weights != first.weights)
    }

    @Test func copyingWeightsGivesEqualIndependentWeights() {
        let model = Activations1(seed: 11)
        let copy = model.clone(with: CopyingWeights())
        #expect(copy.weights == model.weights)
        #expect(copy(input) == model(input))
        for (a, b) in zip(copy.weights, model.weights) {
            #expect(!a.sharesStorage(with: b))
        }
    }

    @Test func sharingWeightsSharesStorageUntilAWrite() throws {
        let model = QuickStart(seed: 2)
        var shared = model.clone(with: SharingWeights())
        for (a, b) in zip(shared.weights, model.weights) {
            #expect(a.sharesStorage(with: b))
        }
        var weights = shared.weights
        weights[0] = Tensor(shape: weights[0].shape, repeating: 0.5)
        try shared.setWeights(weights)
        #expect(shared.weights[0] != model.weights[0])
        #expect(shared.weights[1].sharesStorage(with: model.weights[1]))
    }

    @Test func aUserClonerCanRewriteEverySeed() {
        let model = Activations1(seed: 3)
        let a = model.clone(with: Seed1337())
        let b = Activations1(seed: 99).clone(with: Seed1337())
        // Every random initializer now has seed 1337, so the weights no longer depend on the
        // model's seed, and every Dropout seed is 1337 too.
        #expect(a.weights == b.weights)
        let json = a.kerasJSON()
        #expect(!json.contains("\"seed\": null"))
        #expect(json.contains("\"seed\": 1337"))
        #expect(a.config != model.config)
    }

    @Test func setWeightsRejectsMismatchesAndLeavesTheModelUnchanged() {
        var model = QuickStart(seed: 4)
        let before = model.weights
        var wrongShape = before
        wrongShape[2] = Tensor(shape: [31, 1], repeating: 0)
        #expect(throws: WeightError.self) { try model.setWeights(wrongShape) }
        #expect(throws: WeightError.self) { try model.setWeights(Array(before.dropLast())) }
        #expect(throws: WeightError.self) { try model.setWeights(before + [before[3]]) }
        #expect(model.weights == before)
        do {
            try model.setWeights(wrongShape)
        } catch {
            #expect(
                "\(error)"
                    == "QuickStart.setWeights: layer 'dense_1': weight 'kernel' must have shape [32, 1], got [31, 1]")
        }
    }

    @Test func aConfigIsATypedValueToEdit() throws {
        var config = QuickStart.Config()
        config.dense.units = 64
        config.dense.activation = .gelu
        let wider = try QuickStart(config: config, seed: 1)
        #expect(wider.weights.map(\.shape) == [[728, 64], [64], [64, 1], [1]])
        let reloaded = try QuickStart(kerasJSON: wider.kerasJSON())
        #expect(reloaded.config == config)
    }

    @Test func aConfigOfAnotherArchitectureIsALocatedError() throws {
        let json = try Fixtures.spec("activations_1")
        #expect(throws: SpecError.self) { try QuickStart(kerasJSON: json) }
        do {
            _ = try QuickStart.Config(kerasJSON: json)
        } catch {
            #expect(error.location != nil)
            #expect(error.message.contains("this Config expects"))
        }
    }
}
