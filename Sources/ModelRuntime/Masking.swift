// Keras masks: the layers that make them (Embedding with mask_zero, Masking, merges) and the
// helpers the layers that read them share. A mask is a `Tensor` of 0 and 1 (Keras's `False` and
// `True`), shaped like its tensor without the feature axis: `(batch, steps)` for a sequence.
// Which tensors carry masks is decided when the model is generated (`MaskPlan`).

extension Masking {
    /// The input with its masked steps (every feature equal to `mask_value`) set to 0.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        Self.zeroingMaskedSteps(input, mask: computeMask(input))
    }

    /// `tensor` with every step `mask` masks set to 0 (the call; the gradient, in training).
    static func zeroingMaskedSteps(_ tensor: Tensor, mask: Tensor) -> Tensor {
        let features = tensor.shape[tensor.rank - 1]
        var output = tensor
        output.withUnsafeMutableScalars { values in
            mask.withUnsafeScalars { keep in
                for step in 0..<keep.count where keep[step] == 0 {
                    for k in 0..<features { values[step * features + k] = 0 }
                }
            }
        }
        return output
    }

    /// The mask: 1 where any feature differs from `mask_value`.
    public func computeMask(_ input: Tensor) -> Tensor {
        let features = input.shape[input.rank - 1]
        let value = Float(config.maskValue)
        return Tensor(shape: Array(input.shape.dropLast())) { out in
            input.withUnsafeScalars { x in
                for step in 0..<out.count {
                    var keep: Float = 0
                    for k in 0..<features where x[step * features + k] != value {
                        keep = 1
                        break
                    }
                    out[step] = keep
                }
            }
        }
    }
}

extension Embedding {
    /// The mask of `mask_zero`: 1 where the index is not 0, shaped like the input.
    public func computeMask(_ input: Tensor) -> Tensor {
        Tensor(shape: input.shape) { out in
            input.withUnsafeScalars { x in
                for k in 0..<x.count { out[k] = x[k] != 0 ? 1 : 0 }
            }
        }
    }
}

extension ElementwiseMerge {
    /// The output's mask: the inputs' masks joined by logical or (Keras's `Merge.compute_mask`,
    /// for inputs that are all masked).
    public func computeMask(_ masks: [Tensor]) -> Tensor {
        var result = masks[0]
        for mask in masks.dropFirst() {
            result = Elementwise.map([result, mask]) { a, b, _ in a != 0 || b != 0 ? 1 : 0 }
        }
        return result
    }
}

/// How an element-wise merge's call uses its inputs' Keras masks.
public enum MaskedMergeRule: Sendable {
    /// The masks don't change the values (Add, Subtract, Average).
    case ignoresMasks
    /// Maximum and Minimum: folding over the inputs, a masked position of an input takes the
    /// running result's value and a masked position of the running result the input's
    /// (Keras's `Merge._apply_merge_op_and_or_mask`).
    case replacesMasked
    /// Multiply: masked positions count as 1; when every input is masked, positions masked in
    /// all of them are 0.
    case multipliesKept
}

extension ElementwiseMergeOperation {
    /// Add, Subtract and Average compute on masked positions as on any other.
    public static var maskedMergeRule: MaskedMergeRule { .ignoresMasks }
}
extension MaximumConfig { public static var maskedMergeRule: MaskedMergeRule { .replacesMasked } }
extension MinimumConfig { public static var maskedMergeRule: MaskedMergeRule { .replacesMasked } }
extension MultiplyConfig { public static var maskedMergeRule: MaskedMergeRule { .multipliesKept } }

extension ElementwiseMerge {
    /// The merge of `inputs` whose Keras masks are `masks` (nil for an unmasked input), as
    /// Keras's Maximum, Minimum and Multiply use them; other merges ignore them.
    public func callAsFunction(_ inputs: [Tensor], masks: [Tensor?]) -> Tensor {
        precondition(
            masks.count == inputs.count,
            "\(Config.className) '\(config.name)': \(inputs.count) inputs, \(masks.count) masks")
        // Each mask spread over its input's shape (Keras's `broadcast_to(expand_dims(mask, -1))`).
        let spread: [Tensor?] = zip(inputs, masks).map { input, mask in
            mask.map {
                Elementwise.map([$0.reshaped(to: $0.shape + [1]), Tensor(shape: input.shape, repeating: 0)]) {
                    m, _, _ in m
                }
            }
        }
        func select(_ mask: Tensor, _ kept: Tensor, _ other: Tensor) -> Tensor {
            Elementwise.map([mask, kept, other]) { m, a, b in m != 0 ? a : b }
        }
        func or(_ a: Tensor, _ b: Tensor) -> Tensor {
            Elementwise.map([a, b]) { a, b, _ in a != 0 || b != 0 ? 1 : 0 }
        }
        switch Config.maskedMergeRule {
        case .ignoresMasks:
            return self(inputs)
        case .replacesMasked:
            var output = inputs[0]
            var outputMask = spread[0]
            for (input, mask) in zip(inputs, spread).dropFirst() {
                var x = input
                if let mask { x = select(mask, x, output) }
                if let outputMask { output = select(outputMask, output, x) }
                outputMask = mask.flatMap { mask in outputMask.map { or($0, mask) } }
                output = self([output, x])
            }
            return output
        case .multipliesKept:
            let allMasked = spread.allSatisfy { $0 != nil }
            var output: Tensor?
            var outputMask: Tensor?
            for (input, mask) in zip(inputs, spread) {
                var x = input
                if let mask {
                    x = Elementwise.map([mask, x]) { m, a, _ in m != 0 ? a : 1 }
                    if allMasked { outputMask = outputMask.map { or($0, mask) } ?? mask }
                }
                output = output.map { self([$0, x]) } ?? x
            }
            guard let output else { return self(inputs) }
            return outputMask.map { select($0, output, Tensor(shape: [], repeating: 0)) } ?? output
        }
    }
}

extension Concatenate {
    /// The output's mask (Keras's `Concatenate.compute_mask`): each input's mask (all 1 for an
    /// unmasked input) spread over the input's shape, joined along `axis`, then reduced by
    /// logical or over the last axis.
    public func computeMask(_ inputs: [Tensor], masks: [Tensor?]) -> Tensor {
        let full = zip(inputs, masks).map { input, mask -> Tensor in
            guard let mask else { return Tensor(shape: input.shape, repeating: 1) }
            guard mask.rank < input.rank else { return mask }
            return Elementwise.map([mask.reshaped(to: mask.shape + [1]), Tensor(shape: input.shape, repeating: 0)]) {
                a, b, _ in
                a != 0 || b != 0 ? 1 : 0
            }
        }
        let joined = self(full)
        let features = joined.shape[joined.rank - 1]
        return Tensor(shape: Array(joined.shape.dropLast())) { out in
            joined.withUnsafeScalars { x in
                for row in 0..<out.count {
                    var any: Float = 0
                    for k in 0..<features where x[row * features + k] != 0 {
                        any = 1
                        break
                    }
                    out[row] = any
                }
            }
        }
    }
}

/// Whether step `step` of sample `sample` is kept by a `(batch, steps)` mask (nil keeps all).
@inline(__always)
func isKept(_ mask: UnsafeBufferPointer<Float>?, sample: Int, step: Int, steps: Int) -> Bool {
    guard let mask else { return true }
    return mask[sample * steps + step] != 0
}

extension Optional where Wrapped == Tensor {
    /// Runs `body` on the mask's scalars, or on nil without a mask; checks the mask is
    /// `(batch, steps)`.
    func withMaskScalars<R>(batch: Int, steps: Int, layer: String, _ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
        guard let mask = self else { return body(nil) }
        precondition(
            mask.shape == [batch, steps],
            "\(layer): a mask of shape \(mask.shape) does not fit (batch, steps) = (\(batch), \(steps))")
        return mask.withUnsafeScalars { body($0) }
    }
}
