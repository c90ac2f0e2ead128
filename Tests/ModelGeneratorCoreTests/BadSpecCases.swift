// Each file of BadSpecs/ and the one located diagnostic it must end in (BadSpecTests.swift).

/// Each bad spec and its exact diagnostic. Messages marked `REPORTED` hold today's text, which
/// could be clearer; update them when the message changes.
let badSpecCases: [(file: String, expected: String)] = [
    // Malformed JSON: located at the offending byte.
    (
        "01-trailing-comma.model.json",
        "01-trailing-comma.model.json:15:21: error: trailing comma before '}'"
    ),
    // REPORTED: "found '\"'" shows a lone quote; naming the string found, and the missing ',',
    // would be clearer.
    (
        "02-missing-comma.model.json",
        "02-missing-comma.model.json:16:11: error: expected ',' or '}' after object member, found '\"'"
    ),
    (
        "03-truncated.model.json",
        "03-truncated.model.json:16:1: error: unexpected end of file, expected '}' to close the object opened at 14:19"
    ),
    (
        "04-single-quotes.model.json",
        "04-single-quotes.model.json:16:25: error: expected a JSON value, found \"'\" (JSON strings use double quotes)"
    ),
    (
        "05-comment.model.json",
        "05-comment.model.json:12:7: error: expected a JSON value, found '/' (JSON has no comments)"
    ),
    (
        "06-python-none.model.json",
        "06-python-none.model.json:9:27: error: expected a JSON value, found 'None'"
    ),
    (
        "07-duplicate-key.model.json",
        "07-duplicate-key.model.json:17:11: error: duplicate key \"units\" (first at 15:11)"
    ),
    (
        "08-empty.model.json",
        "08-empty.model.json:1:1: error: empty file: expected a JSON value"
    ),

    // The model's envelope.
    (
        "09-top-level-array.model.json",
        """
        09-top-level-array.model.json:1:1: error: a model spec must be a JSON object with 'class_name' and 'config', \
        found an array
        """
    ),
    (
        "10-missing-class-name.model.json",
        "10-missing-class-name.model.json:1:1: error: missing 'class_name' at the top of the model spec"
    ),
    (
        "11-missing-config.model.json",
        "11-missing-config.model.json:1:1: error: missing 'config' in the model spec"
    ),
    (
        "12-missing-input-reference.model.json",
        """
        12-missing-input-reference.model.json:8:22: error: reference to layer 'input_layer', which is not a layer of \
        this model
        """
    ),
    (
        "13-unknown-model-class.model.json",
        """
        13-unknown-model-class.model.json:2:17: error: unknown model class 'Sequental'; a spec's top level must be a \
        Sequential or Functional model, or a subclassed model declared under 'customLayers' in the target's \
        model-generator-config.json
        """
    ),
    (
        "43-unknown-top-level-key.model.json",
        """
        43-unknown-top-level-key.model.json:14:3: error: unknown key 'weights' at the top of a model spec; expected \
        'class_name' and 'config'
        """
    ),

    // The layer list.
    (
        "14-layers-not-array.model.json",
        "14-layers-not-array.model.json:5:15: error: expected an array for 'layers', found an object"
    ),
    (
        "15-empty-layers.model.json",
        "15-empty-layers.model.json:5:15: error: a Sequential model needs at least an InputLayer; 'layers' is empty"
    ),
    (
        "16-no-input-layer.model.json",
        """
        16-no-input-layer.model.json:6:7: error: a Sequential spec must start with an InputLayer that fixes the input \
        shape; layer 0 'hidden' (Dense) is not one
        """
    ),
    (
        "17-second-input-layer.model.json",
        """
        17-second-input-layer.model.json:18:7: error: layer 2 (InputLayer): only the first layer of a Sequential model \
        may be an InputLayer
        """
    ),
    (
        "18-unknown-layer-class.model.json",
        """
        18-unknown-layer-class.model.json:13:23: error: layer 1: unknown layer class 'Conv2d' (did you mean \
        'Conv2D'?); the supported layers are listed in the README's supported-layers table (nested Sequential and \
        Functional models work too); a custom layer must be declared under 'customLayers' in the target's \
        model-generator-config.json
        """
    ),
    (
        "19-lambda.model.json",
        """
        19-lambda.model.json:13:23: error: layer 1: Lambda is not supported: a Lambda layer holds Python code, which \
        cannot be translated; express it with built-in layers or as a custom layer written in Swift and declared under \
        'customLayers' in model-generator-config.json
        """
    ),
    (
        "20-layer-not-object.model.json",
        """
        20-layer-not-object.model.json:12:7: error: layer 1: expected an object with 'class_name' and 'config', found \
        a string
        """
    ),
    (
        "21-unknown-layer-key.model.json",
        """
        21-unknown-layer-key.model.json:14:9: error: layer 1 (Dense): unknown key 'confg'; expected 'class_name' and \
        'config'
        """
    ),
    (
        "38-duplicate-layer-names.model.json",
        """
        38-duplicate-layer-names.model.json:22:19: error: layer 2 'hidden' (Dense): duplicate layer name 'hidden' \
        (first at 15:19); layer names must be unique in a model
        """
    ),

    // Dense fields.
    (
        "22-dense-unknown-field.model.json",
        """
        22-dense-unknown-field.model.json:16:11: error: layer 1 'hidden' (Dense): unknown field 'unit' in Dense \
        config; known fields: 'name', 'trainable', 'dtype', 'units', 'activation', 'use_bias', 'kernel_initializer', \
        'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', \
        'bias_constraint'
        """
    ),
    (
        "23-dense-missing-units.model.json",
        """
        23-dense-missing-units.model.json:14:19: error: layer 1 'hidden' (Dense): missing required field 'units' in \
        Dense config
        """
    ),
    (
        "24-units-string.model.json",
        """
        24-units-string.model.json:16:20: error: layer 1 'hidden' (Dense): expected an integer for 'units', found a \
        string \"32\"
        """
    ),
    (
        "25-units-zero.model.json",
        """
        25-units-zero.model.json:16:20: error: layer 1 'hidden' (Dense): invalid 'units' in Dense config: must be a \
        positive integer, found 0
        """
    ),
    (
        "26-units-negative.model.json",
        """
        26-units-negative.model.json:16:20: error: layer 1 'hidden' (Dense): invalid 'units' in Dense config: must be \
        a positive integer, found -8
        """
    ),
    (
        "27-units-fractional.model.json",
        """
        27-units-fractional.model.json:16:20: error: layer 1 'hidden' (Dense): expected an integer for 'units', found \
        3.5
        """
    ),
    (
        "28-unknown-activation.model.json",
        """
        28-unknown-activation.model.json:17:25: error: layer 1 'hidden' (Dense): unknown activation 'rleu'; Keras 3 \
        names supported: linear, relu, relu6, leaky_relu, elu, selu, gelu, gelu_approximate, sigmoid, hard_sigmoid, \
        hard_silu, silu, mish, tanh, softmax, log_softmax, softplus, softsign, exponential, celu, hard_tanh, \
        hard_shrink, soft_shrink, log_sigmoid, sparse_plus, squareplus, tanh_shrink, sparse_sigmoid, sparsemax
        """
    ),
    (
        "29-glu-activation.model.json",
        """
        29-glu-activation.model.json:17:25: error: layer 1 'hidden' (Dense): activation 'glu' is not supported: it \
        halves the last axis, which a layer's activation cannot do here
        """
    ),
    (
        "34-dtype-float16.model.json",
        """
        34-dtype-float16.model.json:17:20: error: layer 1 'hidden' (Dense): dtype policy 'float16' is not supported; \
        the runtime computes in float32
        """
    ),
    (
        "35-dtype-mixed-float16.model.json",
        """
        35-dtype-mixed-float16.model.json:17:20: error: layer 1 'hidden' (Dense): dtype policy 'mixed_float16' is not \
        supported; the runtime computes in float32
        """
    ),
    (
        "42-quantization-config.model.json",
        """
        42-quantization-config.model.json:17:34: error: layer 1 'hidden' (Dense): 'quantization_config' is not \
        supported in Dense (only null), found an object
        """
    ),

    // Initializers.
    (
        "30-unknown-initializer.model.json",
        """
        30-unknown-initializer.model.json:17:33: error: layer 1 'hidden' (Dense): unknown initializer 'xavier_uniform' \
        for 'kernel_initializer'; supported: GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, \
        LecunNormal, VarianceScaling, RandomNormal, RandomUniform, TruncatedNormal, Orthogonal, Identity, Zeros, Ones, \
        Constant (or their snake_case names)
        """
    ),
    (
        "31-variance-scaling-mode.model.json",
        """
        31-variance-scaling-mode.model.json:21:23: error: layer 1 'hidden' (Dense): invalid 'mode' 'fan_sum' of the \
        VarianceScaling in 'kernel_initializer'; expected one of fan_in, fan_out, fan_avg
        """
    ),
    (
        "32-initializer-seed-string.model.json",
        """
        32-initializer-seed-string.model.json:20:23: error: layer 1 'hidden' (Dense): 'seed' of the GlorotUniform in \
        'kernel_initializer' must be an integer or null, found a string
        """
    ),

    // Dropout.
    (
        "33-dropout-rate.model.json",
        """
        33-dropout-rate.model.json:16:19: error: layer 1 'dropout' (Dropout): invalid 'rate' in Dropout config: must \
        be between 0 and 1, found 1.5
        """
    ),

    // InputLayer.
    (
        "36-input-no-shape.model.json",
        """
        36-input-no-shape.model.json:8:19: error: layer 0 'features' (InputLayer): missing required field \
        'batch_shape' (or 'shape') in InputLayer config
        """
    ),
    (
        "37-input-sparse.model.json",
        "37-input-sparse.model.json:10:21: error: layer 0 (InputLayer): sparse inputs are not supported"
    ),

    // Shapes and sizes.
    (
        "39-dense-on-rank-1-batch-shape.model.json",
        """
        39-dense-on-rank-1-batch-shape.model.json:12:7: error: layer 1 'hidden' (Dense) cannot take input shape \
        (None,): Dense needs an input of rank 2 or more with a known last axis
        """
    ),
    (
        "40-dense-on-rank-1-shape.model.json",
        """
        40-dense-on-rank-1-shape.model.json:12:7: error: layer 1 'hidden' (Dense) cannot take input shape (None,): \
        Dense needs an input of rank 2 or more with a known last axis
        """
    ),
    // 10¹² × 10¹² overflows Int: an error, not a trap.
    (
        "41-parameter-overflow.model.json",
        """
        41-parameter-overflow.model.json:12:7: error: layer 1 'huge' (Dense): weight 'kernel' of shape [1000000000000, \
        1000000000000] has more than 2147483648 scalars
        """
    ),
    (
        "44-weight-too-large.model.json",
        """
        44-weight-too-large.model.json:12:7: error: layer 1 'wide' (Dense): weight 'kernel' of shape [100000, 100000] \
        has more than 2147483648 scalars
        """
    ),

    // Functional graphs: cycles.
    (
        "45-cycle-two-layers.model.json",
        """
        45-cycle-two-layers.model.json:35:17: error: the layers 'sum', 'hidden' read from each other in a cycle; a \
        model's graph must be acyclic
        """
    ),
    (
        "46-self-loop.model.json",
        """
        46-self-loop.model.json:35:17: error: layer 1 'accumulate' (Add) reads its own output; a model's graph must be \
        acyclic
        """
    ),
    (
        "68-keras2-self-loop.model.json",
        """
        68-keras2-self-loop.model.json:29:13: error: layer 1 'add' (Add) reads its own output; a model's graph must be \
        acyclic
        """
    ),
    (
        "69-cycle-with-downstream-layer.model.json",
        """
        69-cycle-with-downstream-layer.model.json:35:17: error: the layers 'sum', 'hidden' read from each other in a \
        cycle; a model's graph must be acyclic
        """
    ),
    (
        "70-keras2-keyword-tensor-argument.model.json",
        """
        70-keras2-keyword-tensor-argument.model.json:33:17: error: layer 1 'dense' (Dense): 'inbound_nodes': keyword \
        argument 'mask' of a layer call is not supported (only null or boolean flags)
        """
    ),

    // Functional graphs: references to calls and their outputs.
    (
        "47-inbound-missing-layer.model.json",
        """
        47-inbound-missing-layer.model.json:50:15: error: reference to layer 'hiden', which is not a layer of this \
        model
        """
    ),
    (
        "67-keras2-missing-layer.model.json",
        """
        67-keras2-missing-layer.model.json:30:13: error: reference to layer 'input_2', which is not a layer of this \
        model
        """
    ),
    (
        "48-inbound-call-out-of-range.model.json",
        """
        48-inbound-call-out-of-range.model.json:50:15: error: reference to node 1 of layer 'hidden', which is called 1 \
        time (valid node index: 0)
        """
    ),
    (
        "49-inbound-tensor-out-of-range.model.json",
        """
        49-inbound-tensor-out-of-range.model.json:50:15: error: reference to output 1 of layer 'hidden', which has 1 \
        output (valid tensor index: 0)
        """
    ),
    (
        "50-output-missing-layer.model.json",
        """
        50-output-missing-layer.model.json:65:23: error: reference to layer 'outptu', which is not a layer of this \
        model
        """
    ),
    (
        "51-nested-output-offset.model.json",
        """
        51-nested-output-offset.model.json:81:23: error: reference to node 0 of layer 'encoder', which is called 1 \
        time (valid node index: 1); Keras numbers a nested Functional model's calls from 1 in 'input_layers' and \
        'output_layers' (node 0 is the model's own)
        """
    ),

    // Functional graphs: layers and inputs that are not part of the model.
    (
        "52-layer-never-called.model.json",
        """
        52-layer-never-called.model.json:40:7: error: layer 2 'unused' (Dense): the layer is never called \
        ('inbound_nodes' is empty or missing), so it is not part of the model
        """
    ),
    (
        "53-dangling-branch.model.json",
        """
        53-dangling-branch.model.json:40:7: error: layer 2 'side' (Dense): the layer does not lead to any of the \
        model's outputs
        """
    ),
    (
        "54-input-not-listed.model.json",
        """
        54-input-not-listed.model.json:17:7: error: layer 1 'b' (InputLayer): the model's outputs depend on this \
        input, but 'input_layers' does not list it
        """
    ),
    (
        "55-input-layers-names-dense.model.json",
        "55-input-layers-names-dense.model.json:64:22: error: 'input_layers' must name InputLayers; 'hidden' is a Dense"
    ),
    (
        "56-input-listed-twice.model.json",
        "56-input-listed-twice.model.json:64:35: error: input 'x' is listed twice in 'input_layers'"
    ),

    // Functional layer entries and config.
    (
        "57-functional-duplicate-names.model.json",
        """
        57-functional-duplicate-names.model.json:43:19: error: layer 2 'dense' (Dense): duplicate layer name 'dense' \
        (first at 20:19); layer names must be unique in a model
        """
    ),
    (
        "58-functional-layer-without-name.model.json",
        """
        58-functional-layer-without-name.model.json:17:7: error: layer 1 (Dense): a layer of a Functional model needs \
        a 'name', which other layers refer to
        """
    ),
    (
        "65-entry-name-differs.model.json",
        """
        65-entry-name-differs.model.json:23:17: error: layer 1 (Dense): the entry's name 'dense' differs from its \
        config's name 'hidden'
        """
    ),
    (
        "66-unknown-functional-key.model.json",
        """
        66-unknown-functional-key.model.json:66:5: error: unknown field 'outputs' in the Functional config; known \
        fields: 'name', 'trainable', 'dtype', 'layers', 'input_layers', 'output_layers'
        """
    ),
    (
        "64-mask-wrong-shape.model.json",
        """
        64-mask-wrong-shape.model.json:27:7: error: layer 2 'hidden' (LSTM): the 'mask' must have shape (None, 5) for \
        an input of shape (None, 5, 4), got (None, 4)
        """
    ),

    // Functional graphs: calls whose inputs don't fit the layer.
    (
        "59-add-shape-mismatch.model.json",
        """
        59-add-shape-mismatch.model.json:27:7: error: layer 2 'sum' (Add) cannot take input shapes (None, 4), (None, \
        3): Add inputs have incompatible shapes: (None, 4), (None, 3)
        """
    ),
    (
        "60-subtract-three-inputs.model.json",
        """
        60-subtract-three-inputs.model.json:37:7: error: layer 3 'difference' (Subtract): takes exactly 2 inputs, but \
        a call gives it 3
        """
    ),
    (
        "61-concatenate-rank-mismatch.model.json",
        """
        61-concatenate-rank-mismatch.model.json:27:7: error: layer 2 'joined' (Concatenate) cannot take input shapes \
        (None, 4), (None, 2, 4): Concatenate inputs must have the same rank: (None, 4), (None, 2, 4)
        """
    ),
    (
        "62-shared-dense-feature-mismatch.model.json",
        """
        62-shared-dense-feature-mismatch.model.json:27:7: error: layer 2 'shared' (Dense) cannot take input shape \
        (None, 3): this call needs weights kernel [3, 2], bias [2], but the layer's first call, on (None, 4), made \
        kernel [4, 2], bias [2]; the calls of a shared layer must fit the same weights
        """
    ),
    (
        "63-dot-axes-mismatch.model.json",
        """
        63-dot-axes-mismatch.model.json:27:7: error: layer 2 'similarity' (Dot) cannot take input shapes (None, 4), \
        (None, 3): Dot axis sizes differ: 4 (axis 1 of (None, 4)) != 3 (axis 1 of (None, 3))
        """
    ),
    // Keras operations in Functional graphs and objects `model.save()` writes.
    (
        "71-unsupported-operation.model.json",
        """
        71-unsupported-operation.model.json:20:23: error: layer 1 (Cumsum): the Keras operation 'Cumsum' \
        (keras.src.ops.numpy) is not supported yet; the supported operations are listed in the README's \
        supported-layers table
        """
    ),
    (
        "72-operation-kwargs.model.json",
        """
        72-operation-kwargs.model.json:45:23: error: layer 1 'add' (Add): keyword arguments of an operation's call are \
        not supported; Keras 3 passes an operation's options to its config
        """
    ),
    (
        "73-operation-tensor-index.model.json",
        """
        73-operation-tensor-index.model.json:44:15: error: layer 1 'get_item' (GetItem): a slice's 'start' must be an \
        integer or null, found an object (slicing by tensors is not supported)
        """
    ),
    (
        "74-operation-bad-axis.model.json",
        """
        74-operation-bad-axis.model.json:18:7: error: layer 1 'mean' (Mean) cannot take input shape (None, 3): Mean: \
        axis 3 is out of range for rank 2
        """
    ),
    (
        "75-shared-object-id-string.model.json",
        "75-shared-object-id-string.model.json:26:33: error: expected an integer for 'shared_object_id', found a string"
    ),
    (
        "76-lstm-one-initial-state.model.json",
        """
        76-lstm-one-initial-state.model.json:38:26: error: layer 2 'decoder' (LSTM): 'initial_state' takes 2 tensors \
        (h, c), got 1
        """
    ),
    // Keras masks the runtime can't follow yet.
    (
        "77-mask-into-softmax.model.json",
        """
        77-mask-into-softmax.model.json:46:7: error: layer 2 'softmax' (Softmax) gets a Keras mask (from 'embedding'): \
        Softmax with a Keras mask is not supported yet
        """
    ),
    (
        "78-mask-list.model.json",
        """
        78-mask-list.model.json:104:15: error: layer 3 'concatenate' (Concatenate): a list of masks in a call's 'mask' \
        is not supported yet
        """
    ),
    (
        "79-mask-into-nested-lstm.model.json",
        """
        79-mask-into-nested-lstm.model.json:46:7: error: layer 2 'encoder' (Sequential) gets a Keras mask (from \
        'embedding'): inside, 'lstm' uses the Keras mask given to the model, which a nested model does not support yet
        """
    ),
    (
        "80-query-mask-tensor.model.json",
        """
        80-query-mask-tensor.model.json:64:15: error: layer 2 'attention' (MultiHeadAttention): a mask passed as \
        'query_mask' is not supported yet (masks from Embedding(mask_zero=True) and Masking are)
        """
    ),
    // ConvLSTM: what Keras allows but this version refuses, and what Keras refuses too.
    (
        "81-convlstm-channels-first.model.json",
        """
        81-convlstm-channels-first.model.json:18:26: error: layer 1 'conv_lstm2d' (ConvLSTM2D): invalid 'data_format' \
        in ConvLSTM2D config: 'channels_first' is not supported; only 'channels_last' (Keras's default on CPU)
        """
    ),
    (
        "82-convlstm-stateful.model.json",
        "82-convlstm-stateful.model.json:18:23: error: layer 1 'conv_lstm1d' (ConvLSTM1D): invalid 'stateful' in "
            + "ConvLSTM1D config: is not supported: generated models keep no state between calls"
    ),
    (
        "83-mask-into-convlstm.model.json",
        "83-mask-into-convlstm.model.json:18:7: error: layer 2 'conv_lstm2d' (ConvLSTM2D) gets a Keras mask (from "
            + "'masking'): ConvLSTM2D with a Keras mask is not supported yet"
    ),
    (
        "84-convlstm-unknown-spatial.model.json",
        """
        84-convlstm-unknown-spatial.model.json:12:7: error: layer 1 'conv_lstm2d' (ConvLSTM2D) cannot take input \
        shape (None, None, None, None, 3): ConvLSTM2D needs known spatial sizes (Keras supports only static ones), \
        got (None, None, None, None, 3)
        """
    ),
    (
        "85-convlstm-initial-state-shape.model.json",
        "85-convlstm-initial-state-shape.model.json:50:7: error: layer 3 'conv_lstm2d' (ConvLSTM2D): an initial state "
            + "must have shape (None, 5, 4, 2), got (None, 7, 6, 2)"
    ),
]
