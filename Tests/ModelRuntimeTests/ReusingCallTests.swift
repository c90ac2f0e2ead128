import ModelRuntime
import Testing

/// A generated call gives up each local at its last use (`interceptor.call(_:reusing:at:)`):
/// `Add` and `Activation` then write their output into an input's scalars when no other tensor
/// shares them, with the same values as a call that allocates.
@Suite struct ReusingCallTests {
    static let shape: TensorShape = [nil, 5, 7]

    static func tensor(_ offset: Float) -> Tensor {
        Tensor(shape: [2, 5, 7], scalars: (0..<70).map { Float($0) * 0.37 - 11 + offset })
    }

    @Test func addWritesIntoTheInputItsCallerGaveUp() throws {
        let add = try Add(config: AddConfig(), inputShapes: [Self.shape, Self.shape], seed: 0)
        let kept = Self.tensor(0.5)
        let expected = add([Self.tensor(0), kept])
        // The first input is given up and unshared: the sum is written into it.
        let given = Self.tensor(0)
        let probe = given.withUnsafeScalars { $0.baseAddress }
        let sum = add(reusing: [consume given, kept])
        #expect(sum.withUnsafeScalars { $0.baseAddress } == probe)
        #expect(sum == expected)
        #expect(kept == Self.tensor(0.5))
        // Only the second is unshared: the sum goes there (the same bits: addition commutes).
        let other = Self.tensor(0)
        let swapped = add(reusing: [other, Self.tensor(0.5)])
        #expect(swapped == expected && !swapped.sharesStorage(with: other))
        #expect(other == Self.tensor(0))
    }

    @Test func sharedInputsAreNeverWritten() throws {
        let add = try Add(config: AddConfig(), inputShapes: [Self.shape, Self.shape], seed: 0)
        let a = Self.tensor(0)
        let b = Self.tensor(1)
        let sum = add(reusing: [a, b])
        #expect(!sum.sharesStorage(with: a) && !sum.sharesStorage(with: b))
        #expect(a == Self.tensor(0) && b == Self.tensor(1))
        #expect(sum == add([a, b]))
    }

    @Test func activationRunsInPlaceOnAnUnsharedInput() throws {
        let relu = try Activation(config: ActivationConfig(activation: .relu), inputShape: Self.shape, seed: 0)
        let expected = relu(Self.tensor(0))
        let given = Self.tensor(0)
        let probe = given.withUnsafeScalars { $0.baseAddress }
        let output = relu(reusing: consume given)
        #expect(output.withUnsafeScalars { $0.baseAddress } == probe)
        #expect(output == expected)
        let shared = Self.tensor(0)
        let copy = relu(reusing: shared)
        #expect(!copy.sharesStorage(with: shared) && shared == Self.tensor(0) && copy == expected)
    }

    @Test func interceptorsThatKeepOutputsSeeThemUnchanged() throws {
        // A recorder keeps the Add's output; the Activation after it must not write over it.
        final class Recorder: CallInterceptor, @unchecked Sendable {
            var outputs: [Tensor] = []
            func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
                outputs.append(output)
                return output
            }
        }
        let add = try Add(config: AddConfig(), inputShapes: [Self.shape, Self.shape], seed: 0)
        let relu = try Activation(config: ActivationConfig(activation: .relu), inputShape: Self.shape, seed: 0)
        let recorder = Recorder()
        let sum = recorder.call(add, reusing: [Self.tensor(0), Self.tensor(0.5)], at: { LayerPath([]) })
        let activated = recorder.call(relu, reusing: consume sum, at: { LayerPath([]) })
        #expect(recorder.outputs[0] == add([Self.tensor(0), Self.tensor(0.5)]))
        #expect(activated == relu(recorder.outputs[0]))
        #expect(!activated.sharesStorage(with: recorder.outputs[0]))
    }

    /// A generated call (`ResidualBlock`: dense, dense, add with the model's input, ReLU) gives up
    /// its locals: the caller's input is never written, and what an interceptor kept (the sum
    /// before the ReLU) is not overwritten by the in-place activation after it.
    @Test func aGeneratedCallLeavesItsInputAndWhatInterceptorsKept() throws {
        final class Recorder: CallInterceptor, @unchecked Sendable {
            var sum: Tensor?
            func intercept<L: Layer>(_ layer: L, at path: @autoclosure () -> LayerPath, output: Tensor) -> Tensor {
                if L.self == Add.self { sum = output }
                return output
            }
        }
        let model = ResidualBlock(seed: 3)
        let x = Tensor(shape: [4, 8], scalars: (0..<32).map { Float($0) * 0.21 - 3.3 })
        let before = x.scalars
        let plain = model(x)
        #expect(x.scalars == before)
        let recorder = Recorder()
        let intercepted = model(x, intercepting: recorder)
        #expect(intercepted == plain && x.scalars == before)
        let sum = try #require(recorder.sum)
        #expect(sum.scalars.contains { $0 < 0 }, "the recorded sum is the one before the ReLU")
        #expect(sum.scalars.map { max($0, 0) } == plain.scalars)
    }
}
