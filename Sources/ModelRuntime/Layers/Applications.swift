// Layers that keras.applications defines for its own models: LayerScale, StochasticDepth,
// CustomScaleLayer.

extension LayerScale {
    public func callAsFunction(_ input: Tensor) -> Tensor {
        Elementwise.map([input, gamma]) { x, scale, _ in x * scale }
    }
}

extension StochasticDepth {
    public func callAsFunction(_ input: Tensor) -> Tensor { input }
}

extension CustomScaleLayer {
    public func callAsFunction(_ inputs: [Tensor]) -> Tensor {
        let scale = Float(config.scale)
        return Elementwise.map([inputs[0], inputs[1]]) { shortcut, residual, _ in shortcut + residual * scale }
    }
}
