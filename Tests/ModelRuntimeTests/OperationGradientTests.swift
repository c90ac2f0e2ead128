import ModelRuntime
import Testing

@testable import ModelSpec

/// The backward passes of Keras operations on tensors (`x + y`, `x - y`, `x * y` in a
/// Functional model) where the operands broadcast, which no Keras fixture covers: each operand's
/// gradient, summed over the axes it was broadcast along, matches central differences of
/// `Σ output · upstream` (exact up to rounding: the operations are linear in each operand).
@Suite struct OperationGradientTests {
    static func values(_ shape: [Int], _ seed: Int) -> Tensor {
        Tensor(shape: shape) { out in
            for index in out.indices { out[index] = Float((index * 37 + seed * 11) % 23) / 11 - 1 }
        }
    }

    static func check<Kind: DifferentiableOperation>(_ kind: Kind.Type, _ a: [Int], _ b: [Int]) throws {
        let shapes = [a, b].map { TensorShape([nil] + $0.dropFirst().map { $0 }) }
        let operation = try Operation<Kind>(
            config: OperationConfig(name: "op", call: [.tensor, .tensor]), inputShapes: shapes, seed: 0)
        let inputs = [values(a, 1), values(b, 2)]
        var context = TrainingContext()
        let (output, tape) = operation.trainingCall(inputs, context: &context)
        let upstream = values(output.shape, 3)
        let gradients = operation.backward(upstream, tape: tape, inputGradient: true).inputs
        #expect(gradients.map(\.shape) == [a, b], "\(Kind.self): gradient shapes")
        func loss(_ operands: [Tensor]) -> Double {
            zip(operation(operands).scalars, upstream.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        for operand in 0..<2 {
            for index in [0, inputs[operand].scalarCount - 1] {
                var (plus, minus) = (inputs, inputs)
                plus[operand] = Tensor(
                    shape: inputs[operand].shape,
                    scalars: inputs[operand].scalars.enumerated().map {
                        $0.offset == index ? $0.element + 0.5 : $0.element
                    })
                minus[operand] = Tensor(
                    shape: inputs[operand].shape,
                    scalars: inputs[operand].scalars.enumerated().map {
                        $0.offset == index ? $0.element - 0.5 : $0.element
                    })
                let numeric = (loss(plus) - loss(minus)) / 1.0
                let analytic = Double(gradients[operand].scalars[index])
                #expect(
                    abs(numeric - analytic) <= 1e-4 * max(1, abs(numeric)), "\(Kind.self) ∂operand \(operand)[\(index)]"
                )
            }
        }
    }

    @Test func broadcastOperandsGetSummedGradients() throws {
        try Self.check(Ops.Add.self, [2, 3, 4], [2, 1, 4])
        try Self.check(Ops.Subtract.self, [2, 3, 4], [2, 1, 1])
        try Self.check(Ops.Multiply.self, [2, 1, 4], [2, 3, 1])
        try Self.check(Ops.Multiply.self, [2, 3], [2, 3])
    }

    /// `BackwardPasses.swift` lets every operation config train, so the generator writes a
    /// training step for any Functional graph of operations: an operation kind without a
    /// backward pass would be generated code that does not compile.
    @Test func everyOperationKindHasABackwardPass() {
        func differentiable(_ kind: Any) -> Bool { kind is any DifferentiableOperation.Type }
        let missing = Ops.all.filter { !differentiable($0) }.map { "\($0)" }
        #expect(missing.isEmpty, "operations without a backward pass: \(missing)")
        #expect(Ops.all.count > 60)
    }
}
