// The backward pass of Dot: per example, the product of x (its summed axis last) and y (its
// summed axis first), each optionally L2-normalized along that axis first (`normalize`).

extension Dot: TrainableMerge {
    /// The inputs with their summed axes moved (x's last, y's after the batch), as used in
    /// the product: normalized when the layer normalizes, with each row's or column's scale.
    public struct Tape: Sendable {
        let shapes: [[Int]]
        let orders: [[Int]]
        let x: [Float]
        let y: [Float]
        let xScales: [Float]
        let yScales: [Float]
        let sizes: (batch: Int, m: Int, k: Int, n: Int)
    }

    public func trainingCall(_ inputs: [Tensor], context: inout TrainingContext) -> (output: Tensor, tape: Tape) {
        let (a0, a1) = config.axes.resolved(ranks: (inputs[0].rank, inputs[1].rank))
        let x = Dot.moving(axis: a0, toEnd: true, inputs[0])
        let y = Dot.moving(axis: a1, toEnd: false, inputs[1])
        let (batch, k) = (x.shape[0], x.shape[x.rank - 1])
        let (m, n) = (x.scalarCount / max(batch * k, 1), y.scalarCount / max(batch * k, 1))
        var (xs, ys) = (x.scalars, y.scalars)
        var (xScales, yScales): ([Float], [Float]) = ([], [])
        if config.normalize {
            xScales = (0..<(batch * m)).map { row in Dot.scale((0..<k).map { xs[row * k + $0] }) }
            yScales = (0..<(batch * n)).map { column in
                let (b, j) = (column / n, column % n)
                return Dot.scale((0..<k).map { ys[b * k * n + $0 * n + j] })
            }
            for index in xs.indices { xs[index] *= xScales[index / k] }
            for index in ys.indices { ys[index] *= yScales[index / (k * n) * n + index % n] }
        }
        let orders = [a0, a1].enumerated().map { input, axis in
            var order = Array(0..<inputs[input].rank)
            order.remove(at: axis)
            if input == 0 { order.append(axis) } else { order.insert(axis, at: 1) }
            return order
        }
        let tape = Tape(
            shapes: inputs.map(\.shape), orders: orders, x: xs, y: ys, xScales: xScales, yScales: yScales,
            sizes: (batch, m, k, n))
        return (self(inputs), tape)
    }

    /// Keras's normalization scale of one vector: min(1 / ‖v‖, 1e7).
    static func scale(_ values: [Float]) -> Float {
        min(1 / values.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e7)
    }

    /// ∂x̂ = G · ŷᵀ and ∂ŷ = x̂ᵀ · G per example; through the normalization (∂v = s · (∂v̂ −
    /// v̂ · (v̂ · ∂v̂)), or s · ∂v̂ where the scale is clamped); then each moved axis back.
    public func backward(_ outputGradient: Tensor, tape: Tape, inputGradient: Bool) -> LayerGradients {
        guard inputGradient else { return LayerGradients(inputs: []) }
        let (batch, m, k, n) = tape.sizes
        let g = outputGradient.scalars
        var dx = [Float](repeating: 0, count: batch * m * k)
        var dy = [Float](repeating: 0, count: batch * k * n)
        for b in 0..<batch {
            for i in 0..<m {
                for j in 0..<n {
                    let gij = g[(b * m + i) * n + j]
                    guard gij != 0 else { continue }
                    for p in 0..<k {
                        dx[(b * m + i) * k + p] += gij * tape.y[(b * k + p) * n + j]
                        dy[(b * k + p) * n + j] += gij * tape.x[(b * m + i) * k + p]
                    }
                }
            }
        }
        if config.normalize {
            for row in 0..<(batch * m) {
                let s = tape.xScales[row]
                let dot = s < 1e7 ? (0..<k).reduce(Float(0)) { $0 + tape.x[row * k + $1] * dx[row * k + $1] } : 0
                for p in 0..<k { dx[row * k + p] = s * (dx[row * k + p] - tape.x[row * k + p] * dot) }
            }
            for column in 0..<(batch * n) {
                let (b, j, s) = (column / n, column % n, tape.yScales[column])
                let at = { (p: Int) in (b * k + p) * n + j }
                let dot = s < 1e7 ? (0..<k).reduce(Float(0)) { $0 + tape.y[at($1)] * dy[at($1)] } : 0
                for p in 0..<k { dy[at(p)] = s * (dy[at(p)] - tape.y[at(p)] * dot) }
            }
        }
        let gradients = [dx, dy].enumerated().map { input, scalars in
            let order = tape.orders[input]
            let moved = Tensor(shape: order.map { tape.shapes[input][$0] }, scalars: scalars)
            var inverse = [Int](repeating: 0, count: order.count)
            for (position, axis) in order.enumerated() { inverse[axis] = position }
            return order == Array(0..<order.count) ? moved : moved.transposed(inverse)
        }
        return LayerGradients(inputs: gradients)
    }
}
