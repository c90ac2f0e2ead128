import ModelRuntime
import Testing

/// A large batch runs each recurrent step in blocks of samples, one per core (`RecurrentRun`).
/// A block must give the bits its samples get when they run as a batch of their own, which is
/// one block (whose matrix product is split over the cores by columns instead). With 32 samples
/// of 128 units, the whole batch is two blocks on a machine with two cores or more.
@Suite struct RecurrentBlockTests {
    static let (batch, steps, features) = (32, 5, 8)

    /// Deterministic values in [-1, 1) for `count` scalars.
    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float((($0 &* 2_654_435_761 &+ seed) >> 7) % 2000) / 1000 - 1 }
    }

    /// Rows `rows` of a tensor whose first axis is the batch.
    static func rows(_ tensor: Tensor, _ rows: Range<Int>) -> Tensor {
        let width = tensor.scalarCount / tensor.shape[0]
        let scalars = tensor.scalars
        return Tensor(
            shape: [rows.count] + tensor.shape.dropFirst(),
            scalars: Array(scalars[(rows.lowerBound * width)..<(rows.upperBound * width)]))
    }

    /// Runs `layer` on the whole batch and on each half, and checks every output and state.
    static func checkHalves<Cell: RecurrentCellKind>(_ layer: Recurrent<Cell>, masked: Bool) {
        let input = Tensor(shape: [batch, steps, features], scalars: values(batch * steps * features, seed: 3))
        // A mask that drops a different step of every third sample (and every step of sample 5).
        let mask = Tensor(
            shape: [batch, steps],
            scalars: (0..<(batch * steps)).map { ($0 / steps) == 5 || ($0 / steps % 3 == 0 && $0 % steps == 2) ? 0 : 1 }
        )
        let initial =
            [Tensor(shape: [batch, layer.config.units], scalars: values(batch * layer.config.units, seed: 9))]
            + (Cell.gates == 4
                ? [Tensor(shape: [batch, layer.config.units], scalars: values(batch * layer.config.units, seed: 11))]
                : [])
        let whole = layer.outputs(input, initialState: initial, mask: masked ? mask : nil)
        let halves = [0..<(batch / 2), (batch / 2)..<batch].map { half in
            layer.outputs(
                rows(input, half), initialState: initial.map { rows($0, half) }, mask: masked ? rows(mask, half) : nil)
        }
        #expect(whole.count == halves[0].count && whole.count == 1 + (layer.config.returnState ? initial.count : 0))
        for (index, output) in whole.enumerated() {
            let expected = halves[0][index].scalars + halves[1][index].scalars
            let differing = zip(output.scalars, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(
                output.scalarCount == expected.count && differing == 0,
                "output \(index): \(differing) of \(expected.count) scalars differ from the halves run alone")
        }
    }

    @Test(arguments: [false, true]) func lstm(masked: Bool) throws {
        let config = LSTMConfig(returnSequences: true, returnState: true, units: 128)
        let layer = try LSTM(config: config, inputShape: [nil, Self.steps, Self.features], seed: 1)
        Self.checkHalves(layer, masked: masked)
    }

    @Test(arguments: [false, true]) func gruResetAfter(masked: Bool) throws {
        // The recurrent half of the bias goes into the block's matrix product.
        let config = GRUConfig(returnSequences: true, returnState: true, units: 128, biasInitializer: .randomNormal())
        let layer = try GRU(config: config, inputShape: [nil, Self.steps, Self.features], seed: 2)
        Self.checkHalves(layer, masked: masked)
    }

    @Test func gruAndSimpleRNN() throws {
        let gru = GRUConfig(returnState: true, goBackwards: true, units: 128, resetAfter: false)
        Self.checkHalves(try GRU(config: gru, inputShape: [nil, Self.steps, Self.features], seed: 3), masked: true)
        let simple = SimpleRNNConfig(returnSequences: true, units: 256)
        Self.checkHalves(
            try SimpleRNN(config: simple, inputShape: [nil, Self.steps, Self.features], seed: 4), masked: true)
    }
}
