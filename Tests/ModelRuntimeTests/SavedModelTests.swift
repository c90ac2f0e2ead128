import Foundation
import ModelRuntime
import Testing

/// A model as users save it, with `model.save()`: the generated type of `Specs/NAME.keras`
/// (or of a legacy Keras 2 `Specs/NAME.h5`), its inputs and Keras's outputs in
/// `Fixtures/NAME.json`.
struct SavedModel: Sendable, CustomTestStringConvertible {
    /// The path of the spec and the fixture, without extension: `keras_operations`, `wild/unet`.
    let name: String
    /// The spec's extension: `keras`, or `h5` for a file tf.keras 2.x saved.
    var fileExtension = "keras"
    var spec: URL { Fixtures.specs.appendingPathComponent(name + "." + fileExtension) }
    var io: String { name + ".json" }
    /// The model's `kerasJSON()`.
    let kerasJSON: @Sendable () -> String
    /// Loads the weights of the `.keras` file and runs the inputs.
    let run: @Sendable (URL, [Tensor]) throws -> [Tensor]
    /// Whether `init(kerasJSON:)` of the model's `kerasJSON()` gives the same config.
    let roundTrips: @Sendable () throws -> Bool
    /// Whether a fresh clone keeps the config, and a copying clone the outputs.
    let clones: @Sendable (URL, [Tensor]) throws -> Bool
    /// `MemoryLayout.size` of the model and of its config.
    let sizes: (model: Int, config: Int)

    var testDescription: String { name }

    static func of<M: Model>(
        _ type: M.Type, _ name: String, fileExtension: String = "keras",
        call: @escaping @Sendable (M, [Tensor]) -> Any
    ) -> SavedModel {
        SavedModel(
            name: name, fileExtension: fileExtension, kerasJSON: { M(seed: 1).kerasJSON() },
            run: { url, inputs in
                var model = M(seed: 1)
                try model.loadWeights(from: url)
                return FixtureModel.flatten(call(model, inputs))
            },
            roundTrips: {
                let model = M(seed: 2)
                return try M(kerasJSON: model.kerasJSON(), seed: 2).config == model.config
            },
            clones: { url, inputs in
                var model = M(seed: 1)
                try model.loadWeights(from: url)
                let fresh = model.clone(with: FreshWeights(seed: 5))
                let copy = model.clone(with: CopyingWeights())
                return fresh.config == model.config
                    && FixtureModel.flatten(call(copy, inputs)) == FixtureModel.flatten(call(model, inputs))
            },
            sizes: (MemoryLayout<M>.size, MemoryLayout<M.Config>.size))
    }

    static let all: [SavedModel] = [
        .of(KerasOperations.self, "keras_operations") { $0($1[0], $1[1], $1[2]) },
        .of(SavedRecurrent.self, "saved_recurrent") { $0($1[0]) },
        .of(ApplicationsLayers.self, "applications_layers") { $0($1[0]) },
        .of(AugmentationLayers.self, "augmentation_layers") { $0($1[0]) },
        // Keras masks (the `masking` group of tools/make_saved_model_fixtures.py).
        .of(MaskingEmbeddingLstm.self, "masking_embedding_lstm") { $0($1[0]) },
        .of(MaskingLayer.self, "masking_layer") { $0($1[0]) },
        .of(MaskingBidirectional.self, "masking_bidirectional") { $0($1[0]) },
        .of(MaskingRnnDirections.self, "masking_rnn_directions") { $0($1[0]) },
        .of(MaskingMerges.self, "masking_merges") { $0($1[0], $1[1]) },
        .of(MaskingTransformer.self, "masking_transformer") { $0($1[0]) },
        .of(MaskingAttention.self, "masking_attention") { $0($1[0], $1[1]) },
        .of(MaskingSeq2seq.self, "masking_seq2seq") { $0($1[0], $1[1]) },
        // The in-the-wild corpus of tools/make_wild_corpus.py: models written as keras.io
        // examples and everyday code write them.
        .of(StructuredMlp.self, "wild/structured_mlp") { $0($1[0]) },
        .of(StructuredMixedInputs.self, "wild/structured_mixed_inputs") { $0($1[0], $1[1], $1[2]) },
        .of(MnistConvnet.self, "wild/mnist_convnet") { $0($1[0]) },
        .of(CnnBatchnormGap.self, "wild/cnn_batchnorm_gap") { $0($1[0]) },
        .of(ResidualSeparable.self, "wild/residual_separable") { $0($1[0]) },
        .of(UnetSmall.self, "wild/unet_small") { $0($1[0]) },
        .of(PositionEmbeddingConstant.self, "wild/position_embedding_constant") { $0($1[0]) },
        .of(Mobilenetv3Block.self, "wild/mobilenetv3_block") { $0($1[0]) },
        .of(OpsReshapeTranspose.self, "wild/ops_reshape_transpose") { $0($1[0]) },
        .of(OpsArithmetic.self, "wild/ops_arithmetic") { $0($1[0]) },
        .of(SlicingRnn.self, "wild/slicing_rnn") { $0($1[0]) },
        .of(ManualMaskedMean.self, "wild/manual_masked_mean") { $0($1[0]) },
        .of(BilinearMatmul.self, "wild/bilinear_matmul") { $0($1[0], $1[1]) },
        .of(TicketClassifier.self, "wild/ticket_classifier") { $0($1[0], $1[1], $1[2]) },
        .of(SiameseNestedSequential.self, "wild/siamese_nested_sequential") { $0($1[0], $1[1]) },
        .of(TimeDistributedModel.self, "wild/time_distributed") { $0($1[0]) },
        .of(TextCnn.self, "wild/text_cnn") { $0($1[0]) },
        .of(ConvAutoencoder.self, "wild/conv_autoencoder") { $0($1[0]) },
        .of(VaeEncoder.self, "wild/vae_encoder") { $0($1[0]) },
        .of(WideAndDeep.self, "wild/wide_and_deep") { $0($1[0], $1[1]) },
        .of(AttentionQueryValue.self, "wild/attention_query_value") { $0($1[0], $1[1]) },
        .of(StackedRnn.self, "wild/stacked_rnn") { $0($1[0]) },
        .of(EfficientnetBlock.self, "wild/efficientnet_block") { $0($1[0]) },
        .of(LstmSeq2seq.self, "wild/lstm_seq2seq") { $0($1[0], $1[1]) },
        .of(GruSeq2seq.self, "wild/gru_seq2seq") { $0($1[0], $1[1]) },
        .of(AugmentationConvnet.self, "wild/augmentation_convnet") { $0($1[0]) },
        .of(CategoryEncodingModel.self, "wild/category_encoding") { $0($1[0], $1[1], $1[2]) },
        .of(ReshapePermuteRepeat.self, "wild/reshape_permute_repeat") { $0($1[0]) },
        .of(TransformerText.self, "wild/transformer_text") { $0($1[0]) },
        .of(TextBilstmMasked.self, "wild/text_bilstm_masked") { $0($1[0]) },
        .of(TextMaskedAverage.self, "wild/text_masked_average") { $0($1[0]) },
        .of(MaskingLstm.self, "wild/masking_lstm") { $0($1[0]) },
        // Dict inputs and outputs: labeled arguments and tuple labels named by Keras's keys; the
        // fixture lists inputs and outputs in sorted key order, as Keras flattens dicts.
        .of(TicketClassifierDict.self, "wild/ticket_classifier_dict") { model, inputs in
            let result = model(title: inputs[2], body: inputs[0], tags: inputs[1])
            return (result.department, result.priority)
        },
        .of(Convlstm1d.self, "wild/convlstm1d") { $0($1[0]) },
        .of(ConvlstmNextFrame.self, "wild/convlstm_next_frame") { $0($1[0]) },
        // The models of Keras's own clone tests (tools/make_cloning_test_fixtures.py; their
        // cloning is checked in KerasCloningTestCases). The subclassed one is left out: Keras
        // loads its class only from the script that defines it.
        .of(CloningMlpFunctional.self, "cloning/cloning_mlp_functional") { $0($1[0]) },
        .of(CloningMlpShared.self, "cloning/cloning_mlp_shared") { $0($1[0]) },
        .of(CloningCnnFunctional.self, "cloning/cloning_cnn_functional") { $0($1[0]) },
        .of(CloningSequential.self, "cloning/cloning_sequential") { $0($1[0]) },
        .of(CloningDeferredSequential.self, "cloning/cloning_deferred_sequential") { $0($1[0]) },
        .of(CloningCnnSequential.self, "cloning/cloning_cnn_sequential") { $0($1[0]) },
        .of(CloningCnnSequentialNoInput.self, "cloning/cloning_cnn_sequential_no_input") { $0($1[0]) },
        .of(CloningStructuredIo.self, "cloning/cloning_structured_io") { model, inputs in
            model(x: inputs[0], y: inputs[1])
        },
        .of(CloningNestedFunctional.self, "cloning/cloning_nested_functional") { $0($1[0]) },
        .of(CloningNestedSequential.self, "cloning/cloning_nested_sequential") { $0($1[0]) },
        .of(CloningDoublyNestedFunctional.self, "cloning/cloning_doubly_nested_functional") { $0($1[0]) },
        .of(CloningDoublyNestedSequential.self, "cloning/cloning_doubly_nested_sequential") { $0($1[0]) },
        .of(CloningCompiled.self, "cloning/cloning_compiled") { $0($1[0]) },
        // Legacy full-model .h5 files of tf.keras 2.15 (tools/make_legacy_h5_fixtures.py): the
        // spec is the file's model_config, the weights its model_weights group.
        .of(Keras2Sequential.self, "keras2_sequential", fileExtension: "h5") { $0($1[0]) },
        .of(Keras2Functional.self, "keras2_functional", fileExtension: "h5") { $0($1[0], $1[1]) },
    ]
}

extension Fixtures {
    /// The inputs and outputs of an `io.json` fixture (`tools/fixture_common.write_io_json`).
    static func io(_ path: String) throws -> (inputs: [Tensor], outputs: [(name: String, tensor: Tensor)]) {
        let data = try Data(contentsOf: url(path))
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let inputs = document["inputs"] as? [[String: Any]], let outputs = document["outputs"] as? [[String: Any]]
        else { throw CocoaError(.fileReadCorruptFile) }
        func tensor(_ entry: [String: Any]) throws -> Tensor {
            guard let shape = entry["shape"] as? [Int], let data = entry["data"] as? [NSNumber] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return Tensor(shape: shape, scalars: data.map(\.floatValue))
        }
        return (try inputs.map(tensor), try outputs.map { ($0["name"] as? String ?? "?", try tensor($0)) })
    }
}

@Suite("Models saved with model.save()")
struct SavedModelTests {
    @Test("matches Keras, with the weights of its own .keras or .h5 file", arguments: SavedModel.all)
    func matchesKeras(_ model: SavedModel) throws {
        let io = try Fixtures.io(model.io)
        let outputs = try model.run(model.spec, io.inputs)
        #expect(outputs.count == io.outputs.count)
        for (output, expected) in zip(outputs, io.outputs) {
            expectClose(output, expected.tensor, "\(model.name): \(expected.name)")
        }
    }

    @Test("round-trips its Keras JSON and clones", arguments: SavedModel.all)
    func roundTripsAndClones(_ model: SavedModel) throws {
        #expect(try model.roundTrips())
        let io = try Fixtures.io(model.io)
        #expect(try model.clones(model.spec, io.inputs))
    }

    /// A generated model holds one reference to its layers and a config one to the layers'
    /// configs (`CopyOnWrite`), whatever the number of layers: copies are cheap and need no
    /// stack in proportion to the model.
    @Test("is one reference, whatever its number of layers", arguments: SavedModel.all)
    func isOneReference(_ model: SavedModel) {
        #expect(model.sizes.model == MemoryLayout<AnyObject>.size)
        #expect(model.sizes.config == MemoryLayout<AnyObject>.size)
    }
}
