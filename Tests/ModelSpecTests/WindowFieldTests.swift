import ModelSpec
import Testing

/// A spec may give one size for every spatial axis (`"kernel_size": 3`), as Keras accepts; the
/// config holds one per axis, as Keras's `get_config()` writes them.
@Suite struct WindowFieldTests {
    private func decoded<T: LayerConfig>(_ type: T.Type, _ text: String) throws -> T {
        try SpecDecoder().decode(T.self, from: JSONReader.parse(text))
    }

    @Test func singleSizesAreWrittenOutPerAxis() throws {
        let conv = try decoded(Conv2DConfig.self, #"{"name": "c", "filters": 2, "kernel_size": 3, "strides": 2}"#)
        #expect(conv.kernelSize == [3, 3] && conv.strides == [2, 2] && conv.dilationRate == [1, 1])
        let transpose = try decoded(
            Conv3DTransposeConfig.self,
            #"{"name": "t", "filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1}"#)
        #expect(transpose.kernelSize == [3, 3, 3] && transpose.outputPadding == [1, 1, 1])
        let pooling = try decoded(MaxPooling2DConfig.self, #"{"name": "p", "pool_size": 3, "strides": null}"#)
        #expect(pooling.poolSize == [3, 3] && pooling.strides == nil)
        let upSampling = try decoded(UpSampling3DConfig.self, #"{"name": "u", "size": 2}"#)
        #expect(upSampling.size == [2, 2, 2])
        let convLSTM = try decoded(ConvLSTM2DConfig.self, #"{"name": "l", "filters": 2, "kernel_size": [3, 1]}"#)
        #expect(convLSTM.kernelSize == [3, 1] && convLSTM.strides == [1, 1])
        let depthwise = try decoded(DepthwiseConv1DConfig.self, #"{"name": "d", "kernel_size": 5}"#)
        #expect(depthwise.kernelSize == [5])
    }

    @Test func decodedAndBuiltConfigsAgree() throws {
        let decodedConfig = try decoded(SeparableConv2DConfig.self, #"{"name": "s", "filters": 4, "kernel_size": 3}"#)
        #expect(decodedConfig == SeparableConv2DConfig(name: "s", filters: 4, kernelSize: 3))
    }
}
