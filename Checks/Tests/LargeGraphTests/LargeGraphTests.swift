import Foundation
import ModelRuntime
import Testing

/// The largest graphs of the fixtures, built in debug, do everything a model offers on a
/// thread whose stack is 512 KB (a Dispatch worker thread's on Apple platforms): generated code
/// needs no stack in proportion to its number of layers. NASNetMobile (771 layers,
/// `nasnet_mobile.keras`: the config Keras saved, without weights, from
/// `tools/make_large_graph_specs.py`) is the largest; ResNet50 and MobileNetV2 (the Keras
/// configs `tools/make_layer_fixtures.py` writes here, beside its arrays in
/// `Tests/Fixtures/applications`) are checked against Keras in `ApplicationTests`.
@Suite struct LargeGraphTests {
    static let stackSize = 512 * 1024

    /// What a run on the small stack found.
    struct Report: Sendable {
        var loadedWeightsMatch = false
        var outputShape: [Int] = []
        var outputIsFinite = false
        var loadedModelComputesTheSame = false
        var copyingCloneComputesTheSame = false
        var freshCloneKeepsTheConfig = false
        var freshCloneHasNewWeights = false
        var kerasJSONRoundTrips = false
    }

    /// Runs `body` on a new thread with a `stackSize` stack and returns what it returns.
    static func onSmallStack<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let outcome = ThreadOutcome<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.result = Result(catching: body)
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        done.wait()
        return try outcome.result!.get()
    }

    /// `init`, `saveWeights`/`loadWeights`, the call, both clones, `config` and `kerasJSON()`.
    static func exercise<M: Model>(_ type: M.Type, input shape: [Int], call: @escaping @Sendable (M, Tensor) -> Tensor)
        throws -> Report
    {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("large-graph-\(M.self)-\(ProcessInfo.processInfo.processIdentifier).weights.h5")
        defer { try? FileManager.default.removeItem(at: url) }
        return try onSmallStack {
            var report = Report()
            let model = M(seed: 1)
            try model.saveWeights(to: url)
            var loaded = M(seed: 2)
            try loaded.loadWeights(from: url)
            report.loadedWeightsMatch = loaded.weights == model.weights
            let input = Tensor(shape: shape) { out in
                for index in out.indices { out[index] = Float((index * 7919) % 255) / 255 }
            }
            let output = call(model, input)
            report.outputShape = output.shape
            report.outputIsFinite = output.scalars.allSatisfy(\.isFinite)
            report.loadedModelComputesTheSame = call(loaded, input) == output
            report.copyingCloneComputesTheSame = call(model.clone(with: CopyingWeights()), input) == output
            let fresh = model.clone()
            report.freshCloneKeepsTheConfig = fresh.config == model.config
            report.freshCloneHasNewWeights = fresh.weights != model.weights
            report.kerasJSONRoundTrips = try M(kerasJSON: model.kerasJSON(), seed: 3).config == model.config
            return report
        }
    }

    static func check(_ report: Report, outputShape: [Int]) {
        #expect(report.loadedWeightsMatch)
        #expect(report.outputShape == outputShape)
        #expect(report.outputIsFinite)
        #expect(report.loadedModelComputesTheSame)
        #expect(report.copyingCloneComputesTheSame)
        #expect(report.freshCloneKeepsTheConfig)
        #expect(report.freshCloneHasNewWeights)
        #expect(report.kerasJSONRoundTrips)
    }

    @Test func nasNetMobileRunsOnASmallStack() throws {
        Self.check(try Self.exercise(NasnetMobile.self, input: [2, 32, 32, 3]) { $0($1) }, outputShape: [2, 10])
        #expect(MemoryLayout<NasnetMobile>.size == MemoryLayout<AnyObject>.size)
    }

    @Test func resNet50RunsOnASmallStack() throws {
        Self.check(try Self.exercise(Resnet50.self, input: [1, 64, 64, 3]) { $0($1) }, outputShape: [1, 1000])
    }

    @Test func mobileNetV2RunsOnASmallStack() throws {
        Self.check(try Self.exercise(MobilenetV2.self, input: [1, 96, 96, 3]) { $0($1) }, outputShape: [1, 1000])
    }
}

/// The result of a body run on another thread, read after the thread signalled it is done.
private final class ThreadOutcome<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// keras.applications' models train in Swift: their generated steps run in stages of 64 calls
/// (`StagedTrainableModel`). On a small stack, the staged training call in inference mode
/// computes what the call computes (every stage reads the right values); a training step gives
/// one finite gradient per trainable weight and moves BatchNormalization's moving statistics;
/// the classifier's bias gets the softmax's gradient of the loss. (Keras's gradients of these
/// layers are checked in the root package's TrainingTests.)
@Suite struct LargeModelTrainingTests {
    static func check<M: StagedTrainableModel>(_ type: M.Type, input shape: [Int]) throws {
        let problems = try LargeGraphTests.onSmallStack { () -> [String] in
            var problems: [String] = []
            let model = M(seed: 1)
            let input = Tensor(shape: shape) { out in
                for index in out.indices { out[index] = Float((index * 7919) % 255) / 127.5 - 1 }
            }
            let classes = 1000
            let upstream = Tensor(shape: [shape[0], classes]) { out in
                for index in out.indices { out[index] = Float((index * 104_729) % 17) / 8 - 1 }
            }
            var inference = TrainingContext(isTraining: false)
            let staged = model.trainingCall([input], context: &inference).outputs[0]
            let called = model.outputList(for: [input])[0]
            if staged.maxAbsoluteDifference(to: called) > 1e-5 { problems.append("staged call differs from the call") }

            var trained = model
            var context = TrainingContext()
            var probabilities: [Float] = []
            let gradients = trained.trainingStep([input], &context) { outputs in
                probabilities = outputs[0].scalars
                return [upstream]
            }
            if gradients.map(\.shape) != model.trainableWeights.map(\.shape) { problems.append("gradient shapes") }
            if !gradients.allSatisfy({ $0.scalars.allSatisfy(\.isFinite) }) { problems.append("non-finite gradients") }
            if trained.weights == model.weights { problems.append("no moving statistics moved") }
            // Softmax: ∂(Σ p · u)/∂z = p ∘ (u − Σ p u), summed over the batch for the bias.
            var expected = [Float](repeating: 0, count: classes)
            let u = upstream.scalars
            for n in 0..<shape[0] {
                let row = n * classes
                var dot: Float = 0
                for c in 0..<classes { dot += probabilities[row + c] * u[row + c] }
                for c in 0..<classes { expected[c] += probabilities[row + c] * (u[row + c] - dot) }
            }
            let bias = gradients[gradients.count - 1].scalars
            if zip(bias, expected).contains(where: { abs($0 - $1) > 1e-6 }) { problems.append("classifier bias") }
            return problems
        }
        #expect(problems.isEmpty, "\(M.self): \(problems)")
    }

    @Test func resNet50TrainsInStages() throws {
        try Self.check(Resnet50.self, input: [2, 64, 64, 3])
    }

    @Test func mobileNetV2TrainsInStages() throws {
        try Self.check(MobilenetV2.self, input: [2, 96, 96, 3])
    }
}
