// The starter specs of `Templates/`, embedded so `swift-model-generator init` works from any
// install. A test checks they equal the files in `Templates/`.

/// A starter spec that `swift-model-generator init --template NAME` writes into a target.
public struct Template: Sendable {
    /// The template's name, e.g. `mlp`.
    public let name: String
    /// What the model is.
    public let summary: String
    /// The spec's text.
    public let spec: String

    /// Every template, by name.
    public static let all: [Template] = [
        Template(
            name: "mlp",
            summary:
                "A Sequential classifier for flat inputs (MNIST-sized): Dense 256 → Dropout → Dense 128 → Dense 10 "
                + "softmax.",
            spec: #"""
                {"class_name": "Sequential", "config": {"name": "mlp", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 784]}},
                  {"class_name": "Dense", "config": {"units": 256, "activation": "relu"}},
                  {"class_name": "Dropout", "config": {"rate": 0.2}},
                  {"class_name": "Dense", "config": {"units": 128, "activation": "relu"}},
                  {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}}

                """#),
        Template(
            name: "cnn",
            summary:
                "A small image classifier (MNIST-sized): Conv2D 32 → MaxPooling2D → Conv2D 64 → MaxPooling2D → "
                + "Flatten → Dropout → Dense 10 softmax.",
            spec: #"""
                {"class_name": "Sequential", "config": {"name": "cnn", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 28, 28, 1]}},
                  {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": 3, "activation": "relu"}},
                  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
                  {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "activation": "relu"}},
                  {"class_name": "MaxPooling2D", "config": {"pool_size": 2}},
                  {"class_name": "Flatten", "config": {}},
                  {"class_name": "Dropout", "config": {"rate": 0.5}},
                  {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}}

                """#),
        Template(
            name: "residual_mlp",
            summary:
                "A Functional block with a skip connection: Dense expand → Dense project, added to the input, then a "
                + "sigmoid head.",
            spec: #"""
                {"class_name": "Functional", "config": {"name": "residual_mlp",
                  "layers": [
                    {"class_name": "InputLayer", "name": "features", "config": {"batch_shape": [null, 64], "name": \#
                "features"}, "inbound_nodes": []},
                    {"class_name": "Dense", "name": "expand", "config": {"name": "expand", "units": 128, \#
                "activation": "gelu"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 64], \#
                "dtype": "float32", "keras_history": ["features", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Dense", "name": "project", "config": {"name": "project", "units": 64},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 128], \#
                "dtype": "float32", "keras_history": ["expand", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Add", "name": "residual", "config": {"name": "residual"},
                     "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 64], \#
                "dtype": "float32", "keras_history": ["features", 0, 0]}},
                                                  {"class_name": "__keras_tensor__", "config": {"shape": [null, 64], \#
                "dtype": "float32", "keras_history": ["project", 0, 0]}}]], "kwargs": {}}]},
                    {"class_name": "Dense", "name": "head", "config": {"name": "head", "units": 1, "activation": \#
                "sigmoid"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 64], \#
                "dtype": "float32", "keras_history": ["residual", 0, 0]}}], "kwargs": {}}]}],
                  "input_layers": [["features", 0, 0]],
                  "output_layers": [["head", 0, 0]]}}

                """#),
        Template(
            name: "text_classifier",
            summary:
                "A text classifier over 64 token ids: Embedding 10000×64 → Bidirectional LSTM 32 → Dropout → Dense 1 "
                + "sigmoid.",
            spec: #"""
                {"class_name": "Sequential", "config": {"name": "text_classifier", "layers": [
                  {"class_name": "InputLayer", "config": {"batch_shape": [null, 64], "dtype": "int32"}},
                  {"class_name": "Embedding", "config": {"input_dim": 10000, "output_dim": 64}},
                  {"class_name": "Bidirectional", "config": {"layer": {"module": "keras.layers", "class_name": \#
                "LSTM", "config": {"name": "lstm", "units": 32}}}},
                  {"class_name": "Dropout", "config": {"rate": 0.3}},
                  {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}}

                """#),
        Template(
            name: "transformer_block",
            summary:
                "One Transformer encoder block over 16 steps of 64 features: self MultiHeadAttention, residual + "
                + "LayerNormalization, feed-forward, residual + LayerNormalization, pooled into 2 classes.",
            spec: #"""
                {"class_name": "Functional", "config": {"name": "transformer_block",
                  "layers": [
                    {"class_name": "InputLayer", "name": "tokens", "config": {"batch_shape": [null, 16, 64], "name": \#
                "tokens"}, "inbound_nodes": []},
                    {"class_name": "MultiHeadAttention", "name": "attention", "config": {"name": "attention", \#
                "num_heads": 4, "key_dim": 16},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["tokens", 0, 0]}}, {"class_name": "__keras_tensor__", \#
                "config": {"shape": [null, 16, 64], "dtype": "float32", "keras_history": ["tokens", 0, 0]}}], \#
                "kwargs": {}}]},
                    {"class_name": "Dropout", "name": "attention_dropout", "config": {"name": "attention_dropout", \#
                "rate": 0.1},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["attention", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Add", "name": "attention_residual", "config": {"name": "attention_residual"},
                     "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["tokens", 0, 0]}}, {"class_name": "__keras_tensor__", \#
                "config": {"shape": [null, 16, 64], "dtype": "float32", "keras_history": ["attention_dropout", 0, \#
                0]}}]], "kwargs": {}}]},
                    {"class_name": "LayerNormalization", "name": "attention_norm", "config": {"name": \#
                "attention_norm", "epsilon": 1e-6},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["attention_residual", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Dense", "name": "feed_forward", "config": {"name": "feed_forward", "units": 128, \#
                "activation": "relu"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["attention_norm", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Dense", "name": "feed_forward_out", "config": {"name": "feed_forward_out", \#
                "units": 64},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                128], "dtype": "float32", "keras_history": ["feed_forward", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Add", "name": "feed_forward_residual", "config": {"name": "feed_forward_residual"},
                     "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["attention_norm", 0, 0]}}, {"class_name": \#
                "__keras_tensor__", "config": {"shape": [null, 16, 64], "dtype": "float32", "keras_history": \#
                ["feed_forward_out", 0, 0]}}]], "kwargs": {}}]},
                    {"class_name": "LayerNormalization", "name": "output_norm", "config": {"name": "output_norm", \#
                "epsilon": 1e-6},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["feed_forward_residual", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "GlobalAveragePooling1D", "name": "pool", "config": {"name": "pool"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16, \#
                64], "dtype": "float32", "keras_history": ["output_norm", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Dense", "name": "classes", "config": {"name": "classes", "units": 2, \#
                "activation": "softmax"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 64], \#
                "dtype": "float32", "keras_history": ["pool", 0, 0]}}], "kwargs": {}}]}],
                  "input_layers": [["tokens", 0, 0]], "output_layers": [["classes", 0, 0]]}}

                """#),
        Template(
            name: "wide_and_deep",
            summary:
                "Two inputs, two outputs: a wide input joined with a deep tower, a binary score and a 5-way category.",
            spec: #"""
                {"class_name": "Functional", "config": {"name": "wide_and_deep",
                  "layers": [
                    {"class_name": "InputLayer", "name": "wide", "config": {"batch_shape": [null, 20], "name": \#
                "wide"}, "inbound_nodes": []},
                    {"class_name": "InputLayer", "name": "deep", "config": {"batch_shape": [null, 32], "name": \#
                "deep"}, "inbound_nodes": []},
                    {"class_name": "Dense", "name": "deep_hidden", "config": {"name": "deep_hidden", "units": 64, \#
                "activation": "relu"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 32], \#
                "dtype": "float32", "keras_history": ["deep", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Concatenate", "name": "joined", "config": {"name": "joined", "axis": -1},
                     "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 20], \#
                "dtype": "float32", "keras_history": ["wide", 0, 0]}},
                                                  {"class_name": "__keras_tensor__", "config": {"shape": [null, 64], \#
                "dtype": "float32", "keras_history": ["deep_hidden", 0, 0]}}]], "kwargs": {}}]},
                    {"class_name": "Dense", "name": "score", "config": {"name": "score", "units": 1, "activation": \#
                "sigmoid"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 84], \#
                "dtype": "float32", "keras_history": ["joined", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Dense", "name": "category", "config": {"name": "category", "units": 5, \#
                "activation": "softmax"},
                     "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 84], \#
                "dtype": "float32", "keras_history": ["joined", 0, 0]}}], "kwargs": {}}]}],
                  "input_layers": [["wide", 0, 0], ["deep", 0, 0]],
                  "output_layers": [["score", 0, 0], ["category", 0, 0]]}}

                """#),
        Template(
            name: "siamese",
            summary:
                "A shared nested encoder applied to two inputs, compared by cosine similarity (Dot with normalize).",
            spec: #"""
                {"class_name": "Functional", "config": {"name": "siamese",
                  "layers": [
                    {"class_name": "InputLayer", "name": "left", "config": {"batch_shape": [null, 16], "name": \#
                "left"}, "inbound_nodes": []},
                    {"class_name": "InputLayer", "name": "right", "config": {"batch_shape": [null, 16], "name": \#
                "right"}, "inbound_nodes": []},
                    {"class_name": "Sequential", "name": "encoder", "config": {"name": "encoder", "layers": [
                       {"class_name": "InputLayer", "config": {"batch_shape": [null, 16]}},
                       {"class_name": "Dense", "config": {"units": 32, "activation": "relu"}},
                       {"class_name": "Dense", "config": {"units": 8}}]},
                     "inbound_nodes": [
                       {"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16], "dtype": \#
                "float32", "keras_history": ["left", 0, 0]}}], "kwargs": {}},
                       {"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 16], "dtype": \#
                "float32", "keras_history": ["right", 0, 0]}}], "kwargs": {}}]},
                    {"class_name": "Dot", "name": "similarity", "config": {"name": "similarity", "axes": -1, \#
                "normalize": true},
                     "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 8], \#
                "dtype": "float32", "keras_history": ["encoder", 0, 0]}},
                                                  {"class_name": "__keras_tensor__", "config": {"shape": [null, 8], \#
                "dtype": "float32", "keras_history": ["encoder", 1, 0]}}]], "kwargs": {}}]}],
                  "input_layers": [["left", 0, 0], ["right", 0, 0]],
                  "output_layers": [["similarity", 0, 0]]}}

                """#),
    ]

    /// The template named `name`.
    public static func named(_ name: String) -> Template? { all.first { $0.name == name } }
}
