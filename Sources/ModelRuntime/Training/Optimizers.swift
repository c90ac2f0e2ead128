import CModelKernels
import Dispatch
import Foundation

/// A learning rate: a constant, or one of Keras's schedules of the optimizer's step count.
public enum LearningRate: Sendable, Equatable, ExpressibleByFloatLiteral {
    /// The same rate at every step.
    case constant(Float)
    /// `initial · rate^(step / steps)` (the exponent floored when `staircase`): Keras's
    /// `ExponentialDecay`.
    case exponentialDecay(initial: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false)
    /// `initial · ((1 − alpha) · ½(1 + cos(π · min(step, steps) / steps)) + alpha)`: Keras's
    /// `CosineDecay` without warmup.
    case cosineDecay(initial: Float, decaySteps: Int, alpha: Float = 0)

    public init(floatLiteral value: Float) {
        self = .constant(value)
    }

    /// The rate at optimizer step `step` (0 for the first update).
    public func callAsFunction(step: Int) -> Float {
        switch self {
        case .constant(let rate):
            return rate
        case .exponentialDecay(let initial, let steps, let rate, let staircase):
            var exponent = Float(step) / Float(steps)
            if staircase { exponent.round(.down) }
            return initial * pow(rate, exponent)
        case .cosineDecay(let initial, let steps, let alpha):
            let progress = Float(min(step, steps)) / Float(steps)
            return initial * ((1 - alpha) * 0.5 * (1 + cos(Float.pi * progress)) + alpha)
        }
    }
}

/// What every Keras optimizer has: its learning rate, gradient clipping and step count.
public struct OptimizerOptions: Sendable, Equatable {
    /// The learning rate or schedule.
    public var learningRate: LearningRate
    /// Each gradient rescaled to this L2 norm at most (Keras's `clipnorm`).
    public var clipNorm: Float?
    /// Each gradient scalar clipped to ±this (Keras's `clipvalue`).
    public var clipValue: Float?
    /// All gradients rescaled together to this global L2 norm at most (`global_clipnorm`).
    public var globalClipNorm: Float?
    /// The updates applied so far (Keras's `iterations`).
    public var iterations: Int = 0

    /// Options with `learningRate` and the given clipping (at most one of them, as in Keras).
    public init(
        learningRate: LearningRate, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
    ) {
        precondition(
            [clipNorm, clipValue, globalClipNorm].compactMap { $0 }.count <= 1,
            "only one of clipNorm, clipValue and globalClipNorm can be set, as in Keras")
        self.learningRate = learningRate
        self.clipNorm = clipNorm
        self.clipValue = clipValue
        self.globalClipNorm = globalClipNorm
    }

    /// The gradients clipped as Keras's `_clip_gradients` does.
    func clipped(_ gradients: [Tensor]) -> [Tensor] {
        func norm(_ tensor: Tensor) -> Float {
            tensor.withUnsafeScalars { $0.reduce(0) { $0 + $1 * $1 } }.squareRoot()
        }
        if let clip = clipNorm, clip > 0 {
            return gradients.map { gradient in
                let denominator = max(norm(gradient), clip)
                return gradient.mappingScalars { $0 * clip / denominator }
            }
        }
        if let clip = globalClipNorm, clip > 0 {
            let global = gradients.reduce(0) { $0 + norm($1) * norm($1) }.squareRoot()
            let scale = clip * min(1 / global, 1 / clip)
            return gradients.map { $0.mappingScalars { $0 * scale } }
        }
        if let clip = clipValue, clip > 0 {
            return gradients.map { $0.mappingScalars { min(max($0, -clip), clip) } }
        }
        return gradients
    }
}

/// A Keras optimizer: updates a model's trainable weights from their gradients with Keras 3's
/// update rule and defaults.
public protocol Optimizer: Sendable {
    /// The learning rate, clipping and step count.
    var options: OptimizerOptions { get set }
    /// Updates `weight` (trainable weight number `index`) from its clipped `gradient` at
    /// `learningRate`: the optimizer's `update_step`.
    mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate: Float)
    /// Moves state shared by all weights before a step's updates (Nadam's momentum schedule).
    mutating func beginStep()
    /// The optimizer's own variables for trainable weights of `shapes` (momentums, velocities,
    /// …), in Keras's `optimizer.variables` order after the step count and the learning rate.
    func slotVariables(for shapes: [[Int]]) -> [Tensor]
    /// Sets the variables `slotVariables(for:)` lists, in its order; throws when they do not fit.
    mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws
}

extension Optimizer {
    public mutating func beginStep() {}

    /// One optimizer step: clips the gradients, updates each weight, counts the step. Keras's
    /// `apply_gradients`.
    public mutating func apply(_ gradients: [Tensor], to weights: inout [Tensor]) {
        precondition(gradients.count == weights.count, "\(gradients.count) gradients for \(weights.count) weights")
        let rate = options.learningRate(step: options.iterations)
        beginStep()
        for (index, gradient) in options.clipped(gradients).enumerated() {
            update(&weights[index], gradient: gradient, index: index, learningRate: rate)
        }
        options.iterations += 1
    }
}

extension Optimizer {
    /// Keras's `optimizer.variables` for trainable weights of `shapes`: the step count, the
    /// learning rate (unless it is a schedule), then ``slotVariables(for:)`` once a step was
    /// taken (Keras builds them on the first). Saved under `optimizer/vars` by
    /// ``Model/saveWeights(to:optimizer:)``.
    public func kerasVariables(for shapes: [[Int]]) -> [Tensor] {
        var variables = [Tensor(shape: [], scalars: [Float(options.iterations)])]
        if case .constant(let rate) = options.learningRate { variables.append(Tensor(shape: [], scalars: [rate])) }
        return variables + (options.iterations > 0 ? slotVariables(for: shapes) : [])
    }

    /// Sets the state from Keras's `optimizer.variables` (see ``kerasVariables(for:)``):
    /// the step count, the learning rate and the slots. Throws when they do not fit.
    public mutating func setKerasVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        let hasRate: Bool
        if case .constant = options.learningRate { hasRate = true } else { hasRate = false }
        let head = hasRate ? 2 : 1
        guard variables.count >= head, variables[..<head].allSatisfy({ $0.scalarCount == 1 }) else {
            throw WeightError(
                "optimizer: expected the step count\(hasRate ? " and the learning rate" : "") first, "
                    + "got \(variables.prefix(head).map(\.shape))")
        }
        let steps = variables[0].scalars[0]
        guard steps >= 0, steps == steps.rounded() else {
            throw WeightError("optimizer: the step count \(steps) is not a whole number")
        }
        var copy = self
        copy.options.iterations = Int(steps)
        if hasRate { copy.options.learningRate = .constant(variables[1].scalars[0]) }
        if variables.count > head || steps > 0 {
            try copy.setSlotVariables(Array(variables[head...]), for: shapes)
        }
        self = copy
    }
}

/// Slots of optimizer state, one tensor per trainable weight, made on first use.
struct OptimizerSlots: Sendable, Equatable {
    private var tensors: [Tensor?] = []
    let initialValue: Float

    init(initialValue: Float = 0) {
        self.initialValue = initialValue
    }

    /// Moves the slot of weight `index` (made like `weight` on first use) out, so that it is
    /// written in place; `put(_:at:)` gives it back.
    mutating func take(_ index: Int, like weight: Tensor) -> Tensor {
        while tensors.count <= index { tensors.append(nil) }
        guard let slot = tensors[index] else { return Tensor(shape: weight.shape, repeating: initialValue) }
        tensors[index] = nil
        return slot
    }

    /// Puts back the slot `take(_:like:)` moved out.
    mutating func put(_ slot: Tensor, at index: Int) {
        tensors[index] = slot
    }

    /// The slot of every weight of `shapes` (the initial value where none was made yet).
    func values(for shapes: [[Int]]) -> [Tensor] {
        shapes.indices.map { index in
            (index < tensors.count ? tensors[index] : nil) ?? Tensor(shape: shapes[index], repeating: initialValue)
        }
    }

    /// Interleaves `kinds`' slots weight by weight, as Keras's `add_optimizer_variables` with
    /// several names orders them.
    static func interleaved(_ kinds: [OptimizerSlots], for shapes: [[Int]]) -> [Tensor] {
        let values = kinds.map { $0.values(for: shapes) }
        return shapes.indices.flatMap { index in values.map { $0[index] } }
    }

    /// Sets `kinds`' slots from `interleaved(_:for:)`'s order (or one kind after another when
    /// not `interleaved`) and returns the variables left over; throws when they do not fit.
    static func set(
        _ kinds: inout [OptimizerSlots], from variables: [Tensor], for shapes: [[Int]], interleaved: Bool = true,
        leaving extra: Int = 0
    ) throws -> ArraySlice<Tensor> {
        let expected = kinds.count * shapes.count
        guard variables.count == expected + extra else {
            throw WeightError("optimizer: expected \(expected + extra) slot variables, got \(variables.count)")
        }
        for kind in kinds.indices {
            var tensors: [Tensor?] = []
            for index in shapes.indices {
                let variable = variables[interleaved ? index * kinds.count + kind : kind * shapes.count + index]
                guard variable.shape == shapes[index] else {
                    throw WeightError(
                        "optimizer: slot variable of shape \(variable.shape) for a weight of shape \(shapes[index])")
                }
                tensors.append(variable)
            }
            kinds[kind].tensors = tensors
        }
        return variables[expected...]
    }
}

/// Runs `body` over `0..<count` in a few chunks on the machine's cores when the count is large
/// enough to pay for it (element-wise work only: each index is written by one chunk).
func splitting(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let chunks = count >= 1 << 16 ? MatrixMultiply.cores : 1
    guard chunks > 1 else { return body(0..<count) }
    let size = (count + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        body((chunk * size)..<min((chunk + 1) * size, count))
    }
}

/// Runs `body` on the scalars of `gradient`, `weight` and each of `slots`, in place.
func updating(
    _ weight: inout Tensor, gradient: Tensor, slots: inout [Tensor],
    _ body: (UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, [UnsafeMutablePointer<Float>]) -> Void
) {
    guard weight.scalarCount > 0 else { return }
    var pointers: [UnsafeMutablePointer<Float>] = []
    // Each slot is moved out while its scalars are written, so that it stays uniquely owned.
    func withSlot(_ index: Int, _ last: () -> Void) {
        guard index < slots.count else { return last() }
        var slot = Tensor(shape: [0], repeating: 0)
        swap(&slot, &slots[index])
        slot.withUnsafeMutableScalars { scalars in
            pointers.append(scalars.baseAddress!)
            withSlot(index + 1, last)
        }
        swap(&slot, &slots[index])
    }
    gradient.withUnsafeScalars { g in
        weight.withUnsafeMutableScalars { w in
            withSlot(0) { body(g, w, pointers) }
        }
    }
}

/// Keras's `SGD`: `w −= lr · g`; with momentum `m = momentum · m − lr · g`, then `w += m`
/// (Nesterov: `w += momentum · m − lr · g`).
public struct SGD: Optimizer {
    public var options: OptimizerOptions
    /// The momentum factor (0: plain gradient descent).
    public var momentum: Float
    /// Whether the update looks ahead (Nesterov momentum).
    public var nesterov: Bool
    private var momentums = OptimizerSlots()

    /// Keras's defaults: learning rate 0.01, no momentum.
    public init(
        learningRate: LearningRate = 0.01, momentum: Float = 0, nesterov: Bool = false, clipNorm: Float? = nil,
        clipValue: Float? = nil, globalClipNorm: Float? = nil
    ) {
        options = OptimizerOptions(
            learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
        self.momentum = momentum
        self.nesterov = nesterov
    }

    public mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate rate: Float) {
        let (momentum, nesterov) = (momentum, nesterov)
        guard momentum != 0 else {
            var none: [Tensor] = []
            updating(&weight, gradient: gradient, slots: &none) { g, w, _ in
                for i in w.indices { w[i] -= g[i] * rate }
            }
            return
        }
        var slots = [momentums.take(index, like: weight)]
        updating(&weight, gradient: gradient, slots: &slots) { g, w, slot in
            let m = slot[0]
            for i in w.indices { m[i] = m[i] * momentum - g[i] * rate }
            if nesterov {
                for i in w.indices { w[i] += m[i] * momentum - g[i] * rate }
            } else {
                for i in w.indices { w[i] += m[i] }
            }
        }
        momentums.put(slots[0], at: index)
    }

    /// Keras's order: a momentum per weight, when `momentum` is not 0.
    public func slotVariables(for shapes: [[Int]]) -> [Tensor] {
        momentum == 0 ? [] : momentums.values(for: shapes)
    }

    public mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        var kinds = momentum == 0 ? [] : [momentums]
        _ = try OptimizerSlots.set(&kinds, from: variables, for: shapes)
        if let first = kinds.first { momentums = first }
    }
}

/// Keras's `Adam` (and, with `weightDecay`, `AdamW`).
public struct Adam: Optimizer {
    public var options: OptimizerOptions
    /// The decay of the gradients' moving average (Keras's `beta_1`).
    public var beta1: Float
    /// The decay of the squared gradients' moving average (`beta_2`).
    public var beta2: Float
    /// Added to the denominator's square root, for stability.
    public var epsilon: Float
    /// Decoupled weight decay (`w −= w · decay · lr` before the step), as `AdamW` sets it.
    public var weightDecay: Float?
    private var momentums = OptimizerSlots()
    private var velocities = OptimizerSlots()

    /// Keras's defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
    public init(
        learningRate: LearningRate = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        weightDecay: Float? = nil, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
    ) {
        options = OptimizerOptions(
            learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate rate: Float) {
        let step = Float(options.iterations + 1)
        let alpha = rate * (1 - pow(beta2, step)).squareRoot() / (1 - pow(beta1, step))
        let (beta1, beta2, epsilon, decay) = (beta1, beta2, epsilon, weightDecay)
        var slots = [momentums.take(index, like: weight), velocities.take(index, like: weight)]
        updating(&weight, gradient: gradient, slots: &slots) { g, w, slot in
            let count = w.count
            nonisolated(unsafe) let (m, v) = (slot[0], slot[1])
            nonisolated(unsafe) let (g, w) = (g.baseAddress!, w.baseAddress!)
            // Plain loops over pointers, so that the compiler vectorizes them.
            if let decay {
                let factor = decay * rate
                for i in 0..<count { w[i] = w[i] - w[i] * factor }
            }
            let (keep1, keep2) = (1 - beta1, 1 - beta2)
            splitting(count) { range in
                let (start, length) = (range.lowerBound, Int64(range.count))
                cmk_adam_update(length, g + start, m + start, v + start, w + start, keep1, keep2, alpha, epsilon)
            }
        }
        momentums.put(slots[0], at: index)
        velocities.put(slots[1], at: index)
    }

    /// Keras's order: each weight's momentum and velocity.
    public func slotVariables(for shapes: [[Int]]) -> [Tensor] {
        OptimizerSlots.interleaved([momentums, velocities], for: shapes)
    }

    public mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        var kinds = [momentums, velocities]
        _ = try OptimizerSlots.set(&kinds, from: variables, for: shapes)
        (momentums, velocities) = (kinds[0], kinds[1])
    }
}

/// Keras's `AdamW`: Adam with decoupled weight decay (`w −= w · decay · lr` before each step).
public struct AdamW: Optimizer {
    private var adam: Adam

    /// Keras's defaults: learning rate 0.001, weight decay 0.004, β₁ 0.9, β₂ 0.999, ε 1e-7.
    public init(
        learningRate: LearningRate = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-7, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
    ) {
        adam = Adam(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
            clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
    }

    public var options: OptimizerOptions {
        get { adam.options }
        set { adam.options = newValue }
    }

    public mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate rate: Float) {
        adam.update(&weight, gradient: gradient, index: index, learningRate: rate)
    }

    public func slotVariables(for shapes: [[Int]]) -> [Tensor] { adam.slotVariables(for: shapes) }

    public mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        try adam.setSlotVariables(variables, for: shapes)
    }
}

/// Keras's `RMSprop`.
public struct RMSprop: Optimizer {
    public var options: OptimizerOptions
    /// The decay of the squared gradients' moving average.
    public var rho: Float
    /// The momentum factor (0: none).
    public var momentum: Float
    /// Added to the denominator, for stability.
    public var epsilon: Float
    /// Whether the denominator subtracts the squared mean gradient (centered RMSprop).
    public var centered: Bool
    private var velocities = OptimizerSlots()
    private var averages = OptimizerSlots()
    private var momentums = OptimizerSlots()

    /// Keras's defaults: learning rate 0.001, ρ 0.9, no momentum, ε 1e-7, not centered.
    public init(
        learningRate: LearningRate = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
        centered: Bool = false, clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
    ) {
        options = OptimizerOptions(
            learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
    }

    public mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate rate: Float) {
        let (rho, epsilon, momentum, centered) = (rho, epsilon, momentum, centered)
        var slots = [
            velocities.take(index, like: weight), averages.take(index, like: weight),
            momentums.take(index, like: weight),
        ]
        updating(&weight, gradient: gradient, slots: &slots) { g, w, slot in
            let (v, a, m) = (slot[0], slot[1], slot[2])
            for i in w.indices {
                v[i] = rho * v[i] + (1 - rho) * g[i] * g[i]
                var denominator = v[i] + epsilon
                if centered {
                    a[i] = rho * a[i] + (1 - rho) * g[i]
                    denominator = v[i] - a[i] * a[i] + epsilon
                }
                let increment = rate * g[i] / denominator.squareRoot()
                if momentum > 0 {
                    m[i] = momentum * m[i] + increment
                    w[i] -= m[i]
                } else {
                    w[i] -= increment
                }
            }
        }
        velocities.put(slots[0], at: index)
        averages.put(slots[1], at: index)
        momentums.put(slots[2], at: index)
    }

    /// Keras's order: every weight's velocity, then momentum (when `momentum` > 0), then
    /// average gradient (when `centered`).
    public func slotVariables(for shapes: [[Int]]) -> [Tensor] {
        velocities.values(for: shapes) + (momentum > 0 ? momentums.values(for: shapes) : [])
            + (centered ? averages.values(for: shapes) : [])
    }

    public mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        var kinds = [velocities] + (momentum > 0 ? [momentums] : []) + (centered ? [averages] : [])
        _ = try OptimizerSlots.set(&kinds, from: variables, for: shapes, interleaved: false)
        velocities = kinds[0]
        if momentum > 0 { momentums = kinds[1] }
        if centered { averages = kinds[kinds.count - 1] }
    }
}

/// Keras's `Adagrad`.
public struct Adagrad: Optimizer {
    public var options: OptimizerOptions
    /// Added to the accumulator under the square root, for stability.
    public var epsilon: Float
    private var accumulators: OptimizerSlots

    /// Keras's defaults: learning rate 0.001, accumulators from 0.1, ε 1e-7.
    public init(
        learningRate: LearningRate = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7,
        clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
    ) {
        options = OptimizerOptions(
            learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
        self.epsilon = epsilon
        accumulators = OptimizerSlots(initialValue: initialAccumulatorValue)
    }

    public mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate rate: Float) {
        let epsilon = epsilon
        var slots = [accumulators.take(index, like: weight)]
        updating(&weight, gradient: gradient, slots: &slots) { g, w, slot in
            let a = slot[0]
            for i in w.indices {
                a[i] += g[i] * g[i]
                w[i] -= rate * g[i] / (a[i] + epsilon).squareRoot()
            }
        }
        accumulators.put(slots[0], at: index)
    }

    /// Keras's order: an accumulator per weight.
    public func slotVariables(for shapes: [[Int]]) -> [Tensor] { accumulators.values(for: shapes) }

    public mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        var kinds = [accumulators]
        _ = try OptimizerSlots.set(&kinds, from: variables, for: shapes)
        accumulators = kinds[0]
    }
}

/// Keras's `Nadam`: Adam with Nesterov momentum, its momentum factor warming up as
/// `β₁ (1 − 0.5 · 0.96^t)` and its bias correction the product of those factors.
public struct Nadam: Optimizer {
    public var options: OptimizerOptions
    /// The decay of the gradients' moving average (`beta_1`).
    public var beta1: Float
    /// The decay of the squared gradients' moving average (`beta_2`).
    public var beta2: Float
    /// Added to the denominator's square root, for stability.
    public var epsilon: Float
    private var momentums = OptimizerSlots()
    private var velocities = OptimizerSlots()
    /// The product of the momentum factors so far (Keras's `_u_product`, from 1).
    private var momentumProduct: Float = 1

    /// Keras's defaults: learning rate 0.001, β₁ 0.9, β₂ 0.999, ε 1e-7.
    public init(
        learningRate: LearningRate = 0.001, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        clipNorm: Float? = nil, clipValue: Float? = nil, globalClipNorm: Float? = nil
    ) {
        options = OptimizerOptions(
            learningRate: learningRate, clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// The momentum factor of step `step` (from 1).
    private func momentumFactor(_ step: Float) -> Float { beta1 * (1 - 0.5 * pow(0.96, step)) }

    public mutating func beginStep() {
        momentumProduct *= momentumFactor(Float(options.iterations + 1))
    }

    public mutating func update(_ weight: inout Tensor, gradient: Tensor, index: Int, learningRate rate: Float) {
        let step = Float(options.iterations + 1)
        let (factor, nextFactor) = (momentumFactor(step), momentumFactor(step + 1))
        let (product, nextProduct) = (momentumProduct, momentumProduct * nextFactor)
        let (beta1, beta2, epsilon) = (beta1, beta2, epsilon)
        let correction = 1 - pow(beta2, step)
        var slots = [momentums.take(index, like: weight), velocities.take(index, like: weight)]
        updating(&weight, gradient: gradient, slots: &slots) { g, w, slot in
            let (m, v) = (slot[0], slot[1])
            for i in w.indices {
                m[i] += (g[i] - m[i]) * (1 - beta1)
                v[i] += (g[i] * g[i] - v[i]) * (1 - beta2)
                let mHat = nextFactor * m[i] / (1 - nextProduct) + (1 - factor) * g[i] / (1 - product)
                let vHat = v[i] / correction
                w[i] -= mHat * rate / (vHat.squareRoot() + epsilon)
            }
        }
        momentums.put(slots[0], at: index)
        velocities.put(slots[1], at: index)
    }

    /// Keras's order: each weight's momentum and velocity, then the momentum factors' product.
    public func slotVariables(for shapes: [[Int]]) -> [Tensor] {
        OptimizerSlots.interleaved([momentums, velocities], for: shapes)
            + [Tensor(shape: [], scalars: [momentumProduct])]
    }

    public mutating func setSlotVariables(_ variables: [Tensor], for shapes: [[Int]]) throws {
        var kinds = [momentums, velocities]
        let rest = try OptimizerSlots.set(&kinds, from: variables, for: shapes, leaving: 1)
        guard let product = rest.first, product.scalarCount == 1 else {
            throw WeightError("optimizer: expected Nadam's momentum product last")
        }
        (momentums, velocities, momentumProduct) = (kinds[0], kinds[1], product.scalars[0])
    }
}
