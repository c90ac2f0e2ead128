// Values shared by the layers over spatial axes (convolution, pooling, padding, resizing):
// tuples of one size per axis, padding modes, the rank markers of the 1D/2D/3D classes, and
// Keras's output-length arithmetic.

/// One integer per spatial axis, as Keras's `kernel_size`, `strides` and `dilation_rate`:
/// a spec may give one integer for every axis (`3`), Keras writes a list (`[3, 3]`).
public struct IntTuple: ConfigValue, SwiftExpressible, ExpressibleByArrayLiteral, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// The values, one per axis once expanded to the layer's rank.
    public var values: [Int]

    /// The largest window, stride or dilation accepted (larger ones are mistakes, and their
    /// arithmetic could overflow).
    public static let maximum = 1 << 20

    /// The tuple `values`.
    public init(_ values: [Int]) { self.values = values }
    public init(arrayLiteral elements: Int...) { values = elements }
    public init(integerLiteral value: Int) { values = [value] }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let single = try? container.decode(Int.self) {
            values = [single]
        } else {
            values = try container.decode([Int].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    package var swiftExpression: String { values.swiftExpression }
    public var description: String { "(" + values.map(String.init).joined(separator: ", ") + ")" }

    /// The tuple with one value per axis of `rank` axes: a single value repeated.
    public func expanded(to rank: Int) -> IntTuple {
        values.count == 1 && rank != 1 ? IntTuple(Array(repeating: values[0], count: rank)) : self
    }

    /// Checks that there is one value per axis (or one for all) and each is at least `minimum`.
    func check(_ field: String, rank: Int, minimum: Int = 1) throws {
        guard values.count == rank || values.count == 1 else {
            throw ConfigFieldError(
                field: field, "needs \(rank) value\(rank == 1 ? "" : "s"), one per spatial axis, found \(values.count)")
        }
        guard values.allSatisfy({ $0 >= minimum }) else {
            throw ConfigFieldError(field: field, "values must be at least \(minimum), found \(description)")
        }
        guard values.allSatisfy({ $0 <= Self.maximum }) else {
            throw ConfigFieldError(field: field, "values must be at most \(Self.maximum), found \(description)")
        }
    }
}

/// How a convolution or pooling window treats the input's edges.
public enum Padding: String, ConfigValue, SwiftExpressible, CaseIterable {
    /// No padding: windows lie wholly inside the input.
    case valid
    /// Zero padding so that the output has `ceil(input / stride)` positions; an odd total pad
    /// puts the extra element after.
    case same
    /// Padding before the sequence only, so no output sees later inputs (1D convolutions).
    case causal

    package var swiftExpression: String { "." + rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Padding(rawValue: text.lowercased()) else {
            throw ConfigErrors.invalid(
                "unknown padding '\(text)'; expected 'valid', 'same' or 'causal'", at: decoder.codingPath)
        }
        self = value
    }
}

/// The number of spatial axes of a 1D, 2D or 3D layer class.
public protocol SpatialRank: Sendable {
    /// 1, 2 or 3.
    static var rank: Int { get }
}

/// Marks the 1D layer classes (`Conv1D`, `MaxPooling1D`, ...).
public enum Spatial1D: SpatialRank { public static let rank = 1 }
/// Marks the 2D layer classes (`Conv2D`, `MaxPooling2D`, ...).
public enum Spatial2D: SpatialRank { public static let rank = 2 }
/// Marks the 3D layer classes (`Conv3D`, `MaxPooling3D`, ...).
public enum Spatial3D: SpatialRank { public static let rank = 3 }

extension SpatialRank {
    /// `1D`, `2D` or `3D`, as in Keras's class names.
    public static var suffix: String { "\(rank)D" }
}

/// Keras's spatial output-length arithmetic (`compute_conv_output_shape`).
public enum SpatialArithmetic {
    /// The output length of a window of `kernel` (dilated by `dilation`) sliding by `stride`
    /// over `length` positions; nil when unknown or when the window doesn't fit.
    public static func outputLength(_ length: Int?, kernel: Int, stride: Int, dilation: Int = 1, padding: Padding)
        -> Int?
    {
        guard let length else { return nil }
        let span = (kernel - 1) * dilation + 1
        switch padding {
        case .same, .causal: return (length + stride - 1) / stride
        case .valid: return length >= span ? (length - span) / stride + 1 : 0
        }
    }

    /// The zeros added before and after an axis of `length` (JAX's `SAME` convention: an odd
    /// total puts the extra zero after; `causal` pads before only).
    public static func padding(_ length: Int, kernel: Int, stride: Int, dilation: Int = 1, padding: Padding) -> (
        before: Int, after: Int
    ) {
        let span = (kernel - 1) * dilation + 1
        switch padding {
        case .valid: return (0, 0)
        case .causal: return (span - 1, 0)
        case .same:
            let output = (length + stride - 1) / stride
            let total = max((output - 1) * stride + span - length, 0)
            return (total / 2, total - total / 2)
        }
    }

    /// The output length of a transposed convolution (Keras's
    /// `compute_conv_transpose_output_length`).
    public static func transposeOutputLength(
        _ length: Int?, kernel: Int, stride: Int, dilation: Int, padding: Padding,
        outputPadding: Int?
    ) -> Int? {
        guard let length else { return nil }
        let span = (kernel - 1) * dilation + 1
        guard let outputPadding else {
            return padding == .valid ? length * stride + max(span - stride, 0) : length * stride
        }
        let pad = padding == .same ? span / 2 : 0
        return (length - 1) * stride + span - 2 * pad + outputPadding
    }

    /// The zeros JAX pads the stride-dilated input with, before and after, for Keras's
    /// transposed convolution (`_convert_conv_transpose_padding_args_from_keras_to_jax`).
    public static func transposePadding(kernel: Int, stride: Int, dilation: Int, padding: Padding, outputPadding: Int?)
        -> (before: Int, after: Int)
    {
        let span = (kernel - 1) * dilation + 1
        if padding == .valid {
            let extra = outputPadding ?? (max(span, stride) - span)
            return (span - 1, span - 1 + extra)
        }
        let total = outputPadding.map { span + span % 2 - 2 + $0 } ?? (stride + span - 2)
        let before = min(total / 2 + total % 2, span - 1)
        return (before, total - before)
    }
}

/// Checks Keras's `data_format`: only `channels_last` is supported.
func checkChannelsLast(_ dataFormat: String) throws {
    guard dataFormat == "channels_last" else {
        if dataFormat == "channels_first" {
            throw ConfigFieldError(
                field: "data_format", "'channels_first' is not supported; only 'channels_last' (Keras's default on CPU)"
            )
        }
        throw ConfigFieldError(
            field: "data_format", "must be 'channels_last' or 'channels_first', found '\(dataFormat)'")
    }
}

/// The input of a layer over `rank` spatial axes: `(batch, spatial..., channels)` with known
/// channels.
func spatialInput(_ input: TensorShape, rank: Int, layer: String) throws -> (spatial: [Int?], channels: Int) {
    guard input.rank == rank + 2 else {
        throw ShapeError(
            "\(layer) needs an input of rank \(rank + 2) (batch, \(rank == 1 ? "steps" : "\(rank) spatial axes"), "
                + "channels), got \(input)"
        )
    }
    guard let channels = input.last else { throw ShapeError("\(layer) needs a known channel axis, got \(input)") }
    return (Array(input.dimensions[1...rank]), channels)
}

/// The product of `sizes`, or a shape error naming `layer` when it overflows.
func checkedProduct(_ sizes: [Int], layer: String) throws -> Int {
    var product = 1
    for size in sizes {
        let (next, overflow) = product.multipliedReportingOverflow(by: size)
        guard !overflow else { throw ShapeError("\(layer): the shape \(sizes) has more values than can be counted") }
        product = next
    }
    return product
}

/// A config whose layer slides a dilated kernel over `Rank` spatial axes: every convolution and
/// ConvLSTM. Their window fields are expanded, checked and made a window here, once.
protocol DilatedWindowFields {
    associatedtype Rank: SpatialRank
    var kernelSize: IntTuple { get set }
    var strides: IntTuple { get set }
    var dilationRate: IntTuple { get set }
    var padding: Padding { get }
    var dataFormat: String { get }
}

extension DilatedWindowFields {
    /// Throws unless `kernel_size`, `strides` and `dilation_rate` hold one positive value or one
    /// per axis and the data are channels-last.
    func checkWindowFields() throws {
        try kernelSize.check("kernel_size", rank: Rank.rank)
        try strides.check("strides", rank: Rank.rank)
        try dilationRate.check("dilation_rate", rank: Rank.rank)
        try checkChannelsLast(dataFormat)
    }

    /// `checkWindowFields()`, then throws for `causal` padding and for strides and dilation above
    /// 1 together: the window rules of depthwise and separable convolutions.
    func checkNonCausalWindow() throws {
        try checkWindowFields()
        guard padding != .causal else { throw ConfigFieldError(field: "padding", "must be 'valid' or 'same'") }
        try checkStridesOrDilation()
    }

    /// Throws when a stride above 1 meets a dilation above 1, which Keras refuses.
    func checkStridesOrDilation() throws {
        if strides.values.contains(where: { $0 > 1 }), dilationRate.values.contains(where: { $0 > 1 }) {
            throw ConfigFieldError(
                field: "dilation_rate",
                "strides greater than 1 cannot be combined with a dilation rate greater than 1 (Keras refuses it)")
        }
    }

    /// The output shape of the window slid over `input`: the batch, the window's output sizes
    /// and `channels(inputChannels)` channels; throws when the input is not spatial or the window
    /// does not fit it.
    func slidOutputShape(for input: TensorShape, layer: String, channels: (Int) -> Int) throws -> TensorShape {
        let (spatial, inputChannels) = try spatialInput(input, rank: Rank.rank, layer: layer)
        let window = dilatedWindow
        try window.checkFits(spatial, layer: layer)
        return TensorShape([input.dimensions[0]] + window.outputSizes(spatial) + [channels(inputChannels)])
    }

    /// The sliding window.
    var dilatedWindow: SpatialWindow {
        SpatialWindow(
            size: kernelSize.expanded(to: Rank.rank).values, strides: strides.expanded(to: Rank.rank).values,
            dilation: dilationRate.expanded(to: Rank.rank).values, padding: padding)
    }
}
