import Foundation

// Optimizer state beside the weights, as Keras saves it: `optimizer/vars/0`, `1`, … in
// `optimizer.variables` order (the step count, the learning rate unless it is a schedule, then
// the slots), in the `.weights.h5` of `model.save_weights` and in `.keras` archives.

extension Model {
    /// The shapes of ``trainableWeights``, which the optimizer's slots take.
    var trainableShapes: [[Int]] {
        zip(weights, trainableWeightMask).filter(\.1).map(\.0.shape)
    }

    /// Writes the weights and `optimizer`'s state (Keras's `optimizer/vars`) as `save_weights`
    /// of a compiled Keras model does: Keras's `load_weights` into the same architecture,
    /// compiled with the same optimizer and built, restores both and training goes on where it
    /// stopped. `.safetensors` and `.npz` keep the same names.
    public func saveWeights(to url: URL, optimizer: some Optimizer) throws {
        let variables = optimizer.kerasVariables(for: trainableShapes)
        try saveWeights(
            to: url,
            with: variables.enumerated().map { NamedTensor(name: "optimizer/vars/\($0.offset)", tensor: $0.element) })
    }

    /// Reads the weights and, into `optimizer`, the optimizer state saved beside them (a
    /// `.weights.h5` or `.keras` file Keras wrote after `fit`, or ``saveWeights(to:optimizer:)``).
    /// Throws, changing neither, when the file has no optimizer state or it does not fit
    /// `optimizer` (another optimizer, or other options).
    public mutating func loadWeights(from url: URL, optimizer: inout some Optimizer) throws {
        let format = try WeightFileFormat(of: url)
        let stored = try MappedFile.read(url) { try format.storedWeights($0) }
        guard case .byPath(let tensors) = stored else {
            throw WeightError("\(Self.self): \(url.path) is a legacy Keras 2 file, which keeps no optimizer state")
        }
        var variables: [Int: Tensor] = [:]
        for item in tensors {
            let parts = item.name.split(separator: "/")
            guard parts.count == 3, parts[0] == "optimizer", parts[1] == "vars", let index = Int(parts[2]) else {
                continue
            }
            variables[index] = item.tensor
        }
        guard !variables.isEmpty, variables.keys.sorted() == Array(0..<variables.count) else {
            throw WeightError(
                "\(Self.self): \(url.path) holds no optimizer state (optimizer/vars/0, 1, …): Keras saves it once "
                    + "the model is compiled and trained")
        }
        var model = self
        try model.setWeights(stored, source: url.path)
        var restored = optimizer
        do {
            try restored.setKerasVariables(
                (0..<variables.count).map { variables[$0]! }, for: model.trainableShapes)
        } catch let error as WeightError {
            throw WeightError("\(Self.self): the optimizer state in \(url.path) does not fit: \(error.message)")
        }
        self = model
        optimizer = restored
    }
}
