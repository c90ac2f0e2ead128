import Foundation
import ModelRuntime
import Testing

@Suite struct RunTimeUseTests {
    /// Models are `Sendable` values: many tasks can run one model at once and get the same
    /// numbers.
    @Test func concurrentInferenceGivesIdenticalResults() async throws {
        var model = MergeLayers(seed: 1)
        try model.setWeights(try Fixtures.weights("merge_layers"))
        let inputs = try Fixtures.tensors("merge_layers", "input")
        let expected = FixtureModel.flatten(model(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], inputs[5]))
        let shared = model
        let results = await withTaskGroup(of: [Tensor].self) { group in
            for _ in 0..<32 {
                group.addTask {
                    FixtureModel.flatten(shared(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], inputs[5]))
                }
            }
            var all: [[Tensor]] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 == expected })
    }

    /// A wrongly shaped input stops the program with a message naming the model, the input and
    /// both shapes.
    @Test func aWronglyShapedInputStopsWithAClearMessage() async {
        await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = TwoInputsTwoOutputs(seed: 1)(Tensor(shape: [2, 6], repeating: 0), Tensor(shape: [2, 5], repeating: 0))
        }.map { result in
            let message = String(decoding: result.standardErrorContent, as: UTF8.self)
            #expect(message.contains("TwoInputsTwoOutputs: input 'context' expects shape (None, 4), got (2, 5)"))
        }
    }
}
