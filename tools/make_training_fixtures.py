"""Makes the training fixtures (backward passes, losses, optimizers, ``fit``) of
swift-model-generator.

Keras is the oracle: every spec, gradient, state update, history value and weight
after training written here comes from Keras 3.15.1 itself on the JAX backend
(float32, CPU).

Setup and run (from anywhere; paths are relative to this file)::

    pip install keras jax numpy h5py    # made with keras 3.15.1, jax 0.10.2, numpy 2.4
    KERAS_BACKEND=jax python tools/make_training_fixtures.py

Deterministic and re-runnable: every case seeds a numpy generator with
``zlib.crc32`` of ``gradients/CASE`` or ``fit/CASE`` and calls
``keras.utils.set_random_seed`` with the same number after
``keras.backend.clear_session()`` (so auto-generated layer names are the same
on every run); Keras's own initializers are never used for values. It removes
what it wrote before (every case folder, i.e. every folder holding an
``arrays.npz``, under ``Tests/Fixtures/training/gradients/`` and
``Tests/Fixtures/training/fit/``, the two ``cases.json`` files, and every
``*.model.json`` in ``Tests/ModelRuntimeTests/Specs/training/``) and writes it
again; a rerun leaves every file byte-identical. It refuses other backends.
Runs in about five minutes. It writes:

* ``Tests/Fixtures/training/gradients/CASE/`` for every gradient case (a
  small model, usually ``Sequential([InputLayer, the layer])``, named CASE):

  - ``arrays.npz`` (``fixture_common.save_arrays``: stored, dated
    1980-01-01), members in this order:

    - ``input.npy`` (or ``input_0.npy``, ``input_1.npy`` in ``model.inputs``
      order): float32, N(0, 1), batch 3 (batch 5 for the BatchNormalization
      cases on a (4,) input and for ``nested_sequential_middle``, so the batch
      statistics are not degenerate). The
      max-pooling cases (``max_pooling2d``, ``max_pooling2d_same_strides1``,
      ``global_max_pooling2d``, ``max_pooling1d``, ``global_max_pooling1d``)
      instead get a random permutation of the n evenly spaced values
      ``-2 + 4 k / n`` (n = the input's size), so no two values in a window
      tie or lie within a finite-difference step;
      ``relu_layer_max6_slope_threshold`` gets the same values shifted by half
      a step, ``-2 + 4 (k + 0.5) / n`` (n = 18: -1.889, -1.667, ..., 1.889),
      so none lies near its kinks at 0.2 and 1.5 (nearest: 0.111 and 0.333;
      1.444 and 1.667). ``embedding`` gets integer token ids in [0, 7) stored
      as float32 (its InputLayer is int32, as in
      ``tools/make_layer_fixtures.py``; the model casts them).
      ``lstm_no_bias_relu`` draws its N(0, 1) inputs again from the case's
      generator (after the weights) until every pre-activation fed to the
      ReLU, the candidate ``z_c`` of every sample, step and unit, lies more
      than 0.05 from 0 (``kink_margin``; the fourth draw does, nearest 0.116),
      so the finite-difference step cannot cross the kink (the carry ``c``,
      also fed to the ReLU, is never negative: see the LSTM formulas below).
      The Embedding(mask_zero=True) cases (``masked_lstm_sequences``,
      ``masked_gru_last``, ``masked_simple_rnn_average``,
      ``masked_lstm_zero_output_sequences``,
      ``masked_bidirectional_simple_rnn_ave``) get token ids in [0, 4), 5 per
      sample, as float32 (InputLayer int32), so the masked id 0 is common
      (2 to 4 of the 15 ids per case); the ids are drawn again from the
      case's generator (after the weights) until no sample is entirely
      masked, i.e. every row holds an id other than 0 (at these seeds the
      first draw already does; a fully masked row would give the RNN's zero
      initial state as output, and a masked mean of 0 / 0).
      ``masking_lstm_last`` gets N(0, 1) values of shape (3, 5, 3) of which,
      per sample in turn, one or two whole time steps (the count uniform in
      {1, 2}, then the steps without repetition, from the case's generator)
      are set exactly to 0.0, which its Masking(mask_value=0.0) masks (here
      step 1 of sample 0, steps 2 and 4 of sample 1, step 1 of sample 2).
      ``nested_frozen_base`` draws its N(0, 1) inputs again from the case's
      generator (after the weights) until every value fed to the base's ReLU
      lies more than 0.01 from 0 (``kink_margin``, checked with the case's
      numpy replay; the second draw does, nearest 0.0107), so the
      finite-difference step (which moves those values by at most 0.0052
      there) cannot cross the kink. ``transformer_encoder_block`` likewise
      draws its inputs again until every value fed to its Conv1D's ReLU lies
      more than 0.02 from 0 (the fifth draw does, nearest 0.0263; the
      finite-difference step moves those values by at most 0.0066), so it
      keeps keras.io's ReLU.
    - ``weights_NN.npy``: ``model.get_weights()`` in order, float32, random
      by the rule of ``tools/make_layer_fixtures.py``: kernels N(0, min(0.5,
      1/sqrt(fan_in))^2) with fan_in = size / last dim, biases and betas
      N(0, 0.5^2), gammas N(1, 0.4^2), PReLU alphas N(0.2, 0.3^2), moving
      means +-U(0.2, 1), moving variances U(0.5, 2); embedding tables and
      recurrent kernels as kernels (a recurrent kernel (units, k units) has
      fan_in = units); a GRU's bias, (2, 3 units) with reset_after, is a
      bias; a Bidirectional's weights are its forward layer's, then its
      backward layer's; a MultiHeadAttention's projection kernels (features,
      heads, size) have fan_in = features * heads, the output kernel (heads,
      value_dim, output) heads * value_dim, and its (heads, size) biases are
      biases; an Attention's scalar ``scale`` and ``concat_score_weight`` and
      an AdditiveAttention's ``scale`` (features,) are drawn as biases,
      N(0, 0.5^2) (checked to lie more than 0.05 from 0 and from 1, the
      scalars' init).
    - ``upstream.npy`` (or ``upstream_N.npy`` in ``model.outputs`` order):
      N(0, 1) of the output's shape. The scalar loss is
      ``L = sum_k sum(output_k * upstream_k)``, so ``upstream_k`` is
      dL/d output_k.
    - ``output.npy`` (or ``output_N.npy``): the forward output with
      ``training=True``.
    - ``input_gradient.npy`` (or ``input_gradient_N.npy``): dL/d input; not
      written for the token-id cases, ``embedding`` and the
      Embedding(mask_zero=True) cases above (token ids have no gradient;
      ``input_gradient`` false in cases.json). For ``masking_lstm_last`` it is
      exactly 0 on the masked steps (Masking outputs ``where(mask, x, 0)``;
      checked) and nonzero elsewhere.
    - ``gradient_NN.npy``: dL/d w for each of ``model.trainable_weights``, in
      that order (``trainable_indices`` in cases.json maps them to
      ``weights_NN``).
    - ``state_after_NN.npy`` (only for models with a BatchNormalization
      anywhere, inside nested models too): the values of
      ``model.non_trainable_variables`` (in that order, see
      ``state_indices``) after that one ``training=True`` call, i.e. the
      updated moving mean and variance; for ``nested_frozen_base`` they are
      the base's six frozen weights (the Conv2D kernel and bias, gamma, beta,
      moving mean and variance), unchanged: its frozen BatchNormalization
      runs in inference mode.

  All of it is computed with ``model.stateless_call(trainable_values,
  non_trainable_values, inputs, training=True)`` under
  ``jax.value_and_grad(..., argnums=(0, 1), has_aux=True)`` (w.r.t. the
  trainable values and the inputs, or the trainable values only for the
  token-id cases; the new non-trainable values are the aux
  output). Checked: a plain ``model(x, training=True)`` gives the same output
  and leaves the same non-trainable values; the call changes exactly the
  moving statistics of the trainable BatchNormalization layers (nested ones
  included) and leaves every other non-trainable value as it was (a frozen
  layer's weights, a frozen BatchNormalization's moving statistics, seed
  states); a central finite difference of L
  along a random direction agrees with the gradients (for
  ``masking_lstm_last`` the direction of the input is 0 on the masked, all-zero
  steps: moving them off 0 would unmask them); for BatchNormalization
  the output and the moving statistics match the formulas in numpy (biased
  batch variance, ``moving = moving * momentum + batch * (1 - momentum)``);
  for the pooling cases the output and the input gradient match numpy (max:
  each window's upstream value goes to its largest input, which leads the
  runner-up by more than 0.01; average: spread evenly over the window's cells
  inside the input, so a "same"-padded edge window divides by its count of
  real cells, not by the pool size; "same" padding puts the smaller half
  before, as TensorFlow does; 1D pooling as 2D pooling of (N, L, 1, C)); for
  the single-layer cases from ``relu_layer_max6_slope_threshold`` on (except
  the pooling cases) the output matches a numpy re-implementation
  (``layer_reference``): ReLU ``x > threshold ? min(x, max_value) :
  negative_slope * (x - threshold)``; LeakyReLU ``x >= 0 ? x : slope * x``;
  ELU ``x > 0 ? x : alpha * (exp(x) - 1)``; Softmax over the last axis; PReLU
  ``max(x, 0) + alpha * min(x, 0)`` (alpha of the input shape without batch,
  1 along ``shared_axes``); LayerNormalization ``(x - mean) / sqrt(var +
  epsilon) * gamma + beta`` over the last axis (biased variance); Embedding
  ``table[int32(ids)]``; DepthwiseConv2D as a dense convolution whose output
  channel ``c * multiplier + m`` is input channel c convolved with
  ``kernel[:, :, c, m]`` (kernel (kh, kw, in, multiplier)); SeparableConv2D
  that depthwise step then the 1x1 ``pointwise_kernel`` (1, 1, in *
  multiplier, filters) and the bias; causal Conv1D ``dilation * (k - 1)``
  zeros before the sequence, then "valid"; Conv2DTranspose (kernel (kh, kw,
  filters, in)) scatters ``x[i, j] @ kernel[a, b].T`` to ``(i s + a, j s +
  b)`` of a ``(in - 1) s + k`` grid and "same" keeps ``in * s`` positions
  from ``floor((k - s) / 2)`` on (for k 3, s 2: the first 6 of 7, dropping
  the last); UpSampling2D repeats rows then columns (nearest); Cropping2D,
  Permute, RepeatVector as slicing, transpose and repeat; LSTM, GRU and
  SimpleRNN as keras/src/layers/rnn/lstm.py, gru.py and simple_rnn.py compute
  them (Keras 3.15.1; cells at their default ``implementation`` 2; on the JAX
  CPU backend an LSTM has no fused path, and a GRU with reset_after and no
  mask runs the backend's ``gru``, a ``lax.scan`` of the same formulas), from
  zero states (``recurrent_reference``):
  LSTM weights ``kernel`` (features, 4 units), ``recurrent_kernel`` (units, 4
  units), ``bias`` (4 units, absent with ``use_bias=False``), whose column
  blocks of ``units`` are the gates i, f, c, o in that order; ``z = x_t @
  kernel + h @ recurrent_kernel + bias``; ``i = recurrent_activation(z_i)``,
  ``f = recurrent_activation(z_f)``, ``o = recurrent_activation(z_o)``
  (recurrent_activation sigmoid by default), ``c = f * c + i *
  activation(z_c)``, ``h = o * activation(c)`` (activation tanh by default);
  SimpleRNN weights ``kernel`` (features, units), ``recurrent_kernel``
  (units, units), ``bias`` (units), ``h = activation(x_t @ kernel + bias + h
  @ recurrent_kernel)``; GRU weights ``kernel`` (features, 3 units),
  ``recurrent_kernel`` (units, 3 units), column blocks z, r, h in that order,
  and ``bias``: (2, 3 units) with ``reset_after=True`` (Keras's default; row
  0 the input bias b_x, row 1 the recurrent bias b_h), (3 units) without
  (b_x only), absent with ``use_bias=False``; ``x_z, x_r, x_h = x_t @ kernel
  + b_x``; with reset_after ``h_z, h_r, h_h = h @ recurrent_kernel + b_h``,
  ``z = recurrent_activation(x_z + h_z)``, ``r = recurrent_activation(x_r +
  h_r)``, ``hh = activation(x_h + r * h_h)``; without reset_after (U_z, U_r,
  U_h the column blocks of recurrent_kernel) ``z = recurrent_activation(x_z
  + h @ U_z)``, ``r = recurrent_activation(x_r + h @ U_r)``, ``hh =
  activation(x_h + (r * h) @ U_h)``; then ``h = z * h + (1 - z) * hh``. The
  output is h of every processed step (``return_sequences=True``, (N, T,
  units)) or of the last processed step (N, units). ``go_backwards=True``
  processes the input steps T - 1, ..., 0, and Keras 3 returns the sequence
  output in processing order, not flipped back: its step k is the state
  after input step T - 1 - k (keras/src/backend/jax/rnn.py: ``lax.scan(...,
  reverse=True)``, then ``jnp.flip``); the last output is the state after
  input step 0. With a Keras mask (N, T) (False = masked), at a step masked
  for a sample the states (h, and c for LSTM) keep their values, and the
  output there is the kept h (the previous processed step's output, or 0,
  the initial state, before the first unmasked step), or 0 with
  ``zero_output_for_mask=True`` (keras/src/backend/jax/rnn.py); the last
  output is the last processed step's output (so a masked final step repeats
  the one before). Bidirectional (``bidirectional_reference``,
  keras/src/layers/rnn/bidirectional.py): a forward layer (the wrapped
  layer's config) and a backward layer (the same config with
  ``go_backwards=True`` and its own weights, after the forward layer's in
  ``get_weights()``) each run on the input and the mask; with
  return_sequences the backward layer's output is flipped along time back
  into input order before merging (step t then holds the backward state
  after input steps T - 1 down to t), without it its last output (after
  input step 0) is used; merge_mode concat ``[forward, backward]`` on the
  last axis, sum, ave ``(forward + backward) / 2``, mul ``forward *
  backward``. Bidirectional sets both layers' ``zero_output_for_mask`` to
  their return_sequences (and the spec's sub-layer configs say so), so a
  masked step of a returned sequence is 0 in both directions, hence 0 after
  merging. For the multi-layer mask cases ``sequence_reference`` replays the
  whole model: Embedding(mask_zero=True) looks up every id (id 0 included)
  and masks the steps whose id is 0; Masking(mask_value=0.0) masks the steps
  whose features are all 0.0 and outputs 0 there; a recurrent layer or
  Bidirectional uses the mask as above and passes it on only with
  return_sequences; GlobalAveragePooling1D with a mask averages over the
  unmasked steps only, ``sum(where(mask, x, 0)) / count(mask)``.

  The gradient cases (CASE: model after the InputLayer, input shape without
  batch):

  - ``dense_relu``, ``dense_linear_no_bias``, ``dense_softmax``,
    ``dense_sigmoid``, ``dense_tanh``: Dense(4, ...) on (5,);
    ``dense_3d_input``: Dense(3, relu) on (2, 5).
  - ``activation_NAME``: Activation(NAME) on (6,) for NAME in linear, relu,
    relu6, leaky_relu, elu, selu, gelu, sigmoid, hard_sigmoid, hard_silu,
    silu, mish, tanh, softmax, log_softmax, softplus, softsign, exponential.
  - ``batch_normalization_dense`` (defaults),
    ``batch_normalization_no_center_no_scale``,
    ``batch_normalization_momentum_0_9_epsilon_0_01``: on (4,), batch 5;
    ``batch_normalization_4d``: defaults on (3, 3, 2).
  - ``flatten`` on (2, 3); ``reshape``: Reshape((2, 3)) on (6,).
  - ``add``, ``subtract``, ``multiply``, ``average``, ``maximum``,
    ``minimum`` (Functional, two (4,) inputs), ``concatenate`` ((4,) and
    (3,)), ``shared_dense`` (one Dense(3, tanh) on two (4,) inputs, added),
    ``two_outputs`` ((4,) -> Dense(3) -> Dense(2) "head_a" and Dense(1)
    "head_b").
  - ``frozen_dense``: Dense(4, relu, trainable=False) -> Dense(2) on (5,);
    ``dense_chain_mlp``: Dense(8, relu) -> Dense(3, softmax) on (5,).
  - ``conv2d_same_relu``: Conv2D(3, 3, padding="same", relu) on (5, 5, 2);
    ``conv2d_valid_strides2_no_bias``: Conv2D(4, 3, strides=2,
    use_bias=False) on (7, 7, 3); ``conv2d_dilation2``: Conv2D(2, 3,
    dilation_rate=2) on (7, 7, 2); ``conv2d_1x1``: Conv2D(5, 1) on (4, 4, 3);
    ``conv2d_same_strides2_kernel4``: Conv2D(3, 4, strides=2, padding="same")
    on (6, 6, 2).
  - ``max_pooling2d``: MaxPooling2D(2) on (4, 4, 2);
    ``max_pooling2d_same_strides1``: MaxPooling2D(3, strides=1,
    padding="same") on (5, 5, 2); ``average_pooling2d``:
    AveragePooling2D(2) on (4, 4, 2); ``average_pooling2d_same``:
    AveragePooling2D(2, padding="same") on (5, 5, 2);
    ``global_average_pooling2d``, ``global_max_pooling2d`` on (3, 3, 4);
    ``global_average_pooling1d`` on (5, 3); ``zero_padding2d``:
    ZeroPadding2D(((1, 0), (2, 1))) on (3, 3, 2).
  - ``relu_layer_max6_slope_threshold``: ReLU(max_value=1.5,
    negative_slope=0.1, threshold=0.2) on (6,) (spread inputs, see above;
    despite the name the cap is 1.5); ``relu_layer_plain``: ReLU();
    ``leaky_relu_layer``: LeakyReLU(negative_slope=0.3); ``elu_layer``:
    ELU(alpha=0.7), all on (6,); ``softmax_layer``: Softmax() on (5,);
    ``prelu``: PReLU() on (4,); ``prelu_shared_axes``:
    PReLU(shared_axes=[1, 2]) on (3, 3, 2) (alpha (1, 1, 2)).
  - ``depthwise_conv2d_same``: DepthwiseConv2D(3, depth_multiplier=2,
    padding="same") on (5, 5, 3); ``depthwise_conv2d_strides2_valid_relu``:
    DepthwiseConv2D(3, strides=2, activation="relu") on (7, 7, 2);
    ``separable_conv2d``: SeparableConv2D(3, 3, padding="same") on (6, 6, 2);
    ``conv1d_causal_dilation2``: Conv1D(3, 3, padding="causal",
    dilation_rate=2) on (7, 2); ``conv2d_transpose_same_strides2``:
    Conv2DTranspose(3, 3, strides=2, padding="same") on (3, 3, 2).
  - ``layer_normalization``: LayerNormalization() on (5,);
    ``layer_normalization_3d_no_center``: LayerNormalization(center=False,
    epsilon=0.01) on (2, 4); ``embedding``: Embedding(7, 3) on (4,) int32
    ids; ``up_sampling2d``: UpSampling2D(2) on (2, 2, 3); ``cropping2d``:
    Cropping2D(((1, 0), (0, 2))) on (5, 5, 2); ``permute``: Permute((2, 1,
    3)) on (2, 3, 4); ``repeat_vector``: RepeatVector(3) on (4,);
    ``max_pooling1d``: MaxPooling1D(2) on (6, 2); ``global_max_pooling1d``
    on (5, 3).
  - Dot: ``dot_last_axes``, ``dot_normalized_sequences``, ``dot_axes_1_2`` and
    ``dot_rank4_axes_1_1`` (see the comment above their definitions).
  - EinsumDense: ``einsum_dense_matrix`` ("ab,bc->ac", output 4, bias "c", tanh, on
    (5,)), ``einsum_dense_sequence_bias_d`` ("abc,cde->abde", output (3, 2, 4), bias
    "d" of shape (2, 1), on (3, 5)), ``einsum_dense_ellipsis_gelu`` ("...b,bc->...c",
    bias "c", gelu, on (2, 3, 5)) and ``einsum_dense_summed_input_axis`` ("abc,cd->ad",
    no bias, on (3, 5): the input's b is summed away).
  - Grouped convolutions: ``conv2d_groups_2`` (Conv2D(4, 3, groups=2,
    padding="same") on (5, 5, 4)) and ``conv1d_groups_3_strides_2`` (Conv1D(6, 2,
    strides=2, groups=3, tanh) on (7, 3)).
  - Resizing and interpolated UpSampling2D: ``resizing_bilinear_up``
    (Resizing(5, 7) on (3, 4, 2)), ``resizing_bicubic_crop`` (Resizing(3, 3,
    bicubic, crop_to_aspect_ratio) on (4, 6, 2)), ``resizing_nearest_pad``
    (Resizing(4, 4, nearest, pad_to_aspect_ratio, fill_value 0.5) on (3, 5, 2)),
    ``resizing_lanczos3_antialias_down`` (Resizing(2, 3, lanczos3, antialias) on
    (5, 6, 1)) and ``up_sampling2d_bilinear`` (UpSampling2D(2, bilinear) on
    (3, 3, 2)).
  - Initial states and state outputs: ``lstm_seq2seq`` (keras.io's lstm_seq2seq:
    LSTM(5, return_state) on the (4, 3) encoder input, its h and c the
    initial_state of LSTM(5, return_sequences, return_state) on the (3, 2)
    decoder input, whose states go unused, then Dense(3, softmax)) and
    ``gru_states_simple_rnn_initial_state`` (GRU(4, return_sequences,
    return_state) of the (4, 3) input, both outputs model outputs; SimpleRNN(3,
    go_backwards) of it from the initial state Dense(3, tanh) of the (2,) input).
  - ``custom_scale_stochastic_depth``: InceptionResNetV2's CustomScaleLayer(0.17) of
    the (3, 4) input and Dense(4) of it through StochasticDepth(0.0).
  - Keras operations in Functional graphs, several outputs each (see the comment
    above their definitions): ``ops_arithmetic_constants`` (+, -, *, /, //, %,
    power with constants on either side), ``ops_binary_broadcast`` ((3, 4) with
    (1, 4): *, -, /, maximum, minimum, where, power), ``ops_unary`` (negative,
    abs, square, sqrt, rsqrt, exp, expm1, log, log1p, reciprocal, erf, sin, cos,
    floor, sign, ceil), ``ops_activations`` (relu ... tanh, gelu both ways,
    leaky_relu and elu with parameters, clip), ``ops_softmax_axes``,
    ``ops_reductions`` (sum, mean, max, min, prod over axes, argmax and a cast
    to float32), ``ops_movement`` (transpose, reshape, expand_dims, squeeze,
    indexing, concatenate, stack), ``ops_matmul`` (batched, with the input's
    own transpose, with a constant numpy matrix) and ``ops_mlp`` (Dense layers
    with ``h * ops.sigmoid(h)``, a scaled residual, a mean and a max).
  - Scaling and normalization without batch statistics: ``identity_dense``
    (Identity -> Dense(3) on (5,)); ``category_encoding_multi_hot``
    (CategoryEncoding(6, "multi_hot") -> Dense(3) on (4,) int32 ids) and
    ``category_encoding_count`` (CategoryEncoding(4, "count") -> Dense(2) on (5,)
    ids; ids have no gradient); ``rescaling_scalar`` (Rescaling(1/127.5,
    offset=-1) -> Dense(3) on (4,)); ``rescaling_per_channel`` (Rescaling of a
    scale and offset per channel on (2, 4)); ``normalization_mean_variance``
    (Normalization with a given mean and variance -> Dense(3) on (4,)) and
    ``normalization_invert``; ``layer_scale`` (ConvNeXt's LayerScale(0.5, 4)
    on (3, 4)); ``unit_normalization`` (-> Dense(3) on (6,)) and
    ``unit_normalization_axes`` (axis [1, 2] on (3, 4)); ``rms_normalization``
    (-> Dense(3) on (6,)) and ``rms_normalization_3d`` (epsilon 0.01 on (3,
    4)); ``group_normalization`` (groups 3 -> Dense(2) on (5, 6)),
    ``group_normalization_2d_no_center`` (groups 2, epsilon 0.01 on (3, 3, 4))
    and ``group_normalization_instance`` (groups -1 on (4, 3)).
  - Recurrent layers (the gradient flows back through every step):
    ``lstm_sequences``: LSTM(4, return_sequences=True) on (4, 3);
    ``lstm_last``: LSTM(4) on (4, 3); ``lstm_no_bias_relu``: LSTM(3,
    activation="relu", use_bias=False, return_sequences=True) on (4, 2)
    (inputs redrawn away from the ReLU's kink, see above; weights kernel and
    recurrent_kernel only); ``simple_rnn_sequences``: SimpleRNN(4,
    return_sequences=True) on (4, 3); ``simple_rnn_last``: SimpleRNN(4) on
    (4, 3).
  - GRU and go_backwards, on (4, 3): ``gru_sequences``: GRU(4,
    return_sequences=True) (reset_after=True, bias (2, 12));
    ``gru_last_no_reset_after``: GRU(4, reset_after=False) (bias (12,));
    ``gru_no_bias_sequences``: GRU(3, use_bias=False, return_sequences=True);
    ``lstm_go_backwards_sequences``: LSTM(4, go_backwards=True,
    return_sequences=True) (output in processing order, see above);
    ``simple_rnn_go_backwards_last``: SimpleRNN(3, go_backwards=True);
    ``gru_go_backwards_last``: GRU(3, go_backwards=True).
  - Keras masks (token ids in [0, 4) on (5,), no sample entirely masked, see
    above): ``masked_lstm_sequences``: Embedding(6, 3, mask_zero=True) ->
    LSTM(4, return_sequences=True); ``masked_gru_last``: Embedding(6, 3,
    mask_zero=True) -> GRU(4); ``masked_simple_rnn_average``: Embedding(6, 3,
    mask_zero=True) -> SimpleRNN(3, return_sequences=True) ->
    GlobalAveragePooling1D() (the masked mean);
    ``masked_lstm_zero_output_sequences``: Embedding(6, 3, mask_zero=True) ->
    LSTM(4, return_sequences=True, zero_output_for_mask=True) (an RNN
    argument every Keras 3 recurrent layer accepts and serializes);
    ``masking_lstm_last``: Masking(mask_value=0.0) -> LSTM(3) on (5, 3)
    (float inputs with zero steps, see above; its input gradient is written).
  - Bidirectional: ``bidirectional_lstm_concat_sequences``:
    Bidirectional(LSTM(3, return_sequences=True)) (merge_mode "concat") on
    (4, 3); ``bidirectional_gru_sum_last``: Bidirectional(GRU(3),
    merge_mode="sum") on (4, 3); ``masked_bidirectional_simple_rnn_ave``:
    Embedding(6, 3, mask_zero=True) -> Bidirectional(SimpleRNN(3,
    return_sequences=True), merge_mode="ave") on (5,) token ids in [0, 4) as
    above (both sub-layers' configs have zero_output_for_mask true);
    ``bidirectional_lstm_mul_last``: Bidirectional(LSTM(2), merge_mode="mul")
    on (4, 3).
  - ``time_distributed_dense_tanh``: TimeDistributed(Dense(3, tanh)) on (4, 5);
    ``time_distributed_batch_normalization``: TimeDistributed(BatchNormalization())
    on (3, 4), batch 5 (per-step statistics; the moving averages move three times).
  - ``deep_residual_bn_mlp``: Dense(6) on (5,), batch 8, then 22 blocks of
    Dense(6, tanh) -> Dense(6) -> Add with the block's input, blocks 3, 10 and
    17 followed by BatchNormalization (71 calls: the generated step runs in
    stages; the three layers' moving statistics are in ``state_after``).
  - Nested models (a Sequential or Functional model used as a layer):
    ``nested_sequential_middle``: Functional, (6,) -> Dense(5, tanh) ->
    Sequential([Input((5,)), Dense(4, tanh), BatchNormalization()],
    name="block") -> Dense(3), batch 5 (the nested BatchNormalization's moving
    statistics, ``weights_06`` and ``weights_07``, are in ``state_after``);
    ``nested_functional_two_inputs``: a Functional "merger" (two (4,) inputs
    -> Add -> Dense(3, tanh)) called as ``merger([Dense(4)(a), Dense(4)(b)])``
    on the outer inputs a, b (4,), then Dense(2);
    ``nested_shared_encoder``: one Sequential "encoder" ([Input((5,)),
    Dense(4, tanh), Dense(3)]) called on both (5,) inputs (siamese; its
    weights are listed once and their gradients sum both calls) ->
    Subtract -> Dense(1); ``nested_frozen_base``: the keras.io
    transfer-learning recipe: a Functional "base" (Input((6, 6, 2)) ->
    Conv2D(3, 3, padding="same") -> BatchNormalization -> ReLU),
    ``base.trainable = False``, ``x = base(inputs, training=False)`` ->
    GlobalAveragePooling2D -> Dense(2) on (6, 6, 2) (trainable: the outer
    Dense's kernel and bias only, ``trainable_indices`` [6, 7];
    ``state_indices`` [0, ..., 5]; inputs redrawn away from the ReLU's kink,
    see above); ``nested_in_nested``: a Sequential (5,) -> Sequential
    "outer_block" ([Input((5,)), Sequential "inner_block" ([Input((5,)),
    Dense(4, tanh), Dense(4)]), Dense(3)]) -> Dense(2) (a Sequential nested
    in a Sequential nested in a Sequential; the other four cases are
    Functional outside).

    How Keras 3.15.1 saves them (``model.to_json``): a nested model is an
    entry of the outer ``layers`` list with its full config inline: a nested
    Sequential as ``{"module": "keras", "class_name": "Sequential",
    "registered_name": null}``, its ``config.layers`` starting with its own
    InputLayer (no ``inbound_nodes`` inside a Sequential), plus
    ``build_input_shape``, ``build_config`` and an empty ``compile_config``;
    a nested Functional as ``{"module": "keras.src.models.functional",
    "class_name": "Functional", "registered_name": "Functional"}`` with its
    own ``layers``, ``input_layers`` (a list of ``[name, 0, 0]`` per input
    for merger) and ``output_layers``, ``build_config`` ``{"input_shape":
    null}``. In a Functional outer model the nested model's entry has
    ``name`` and ``inbound_nodes`` like any layer: one node per call (the
    shared encoder has two, referred to as ``["encoder", 0, 0]`` and
    ``["encoder", 1, 0]``), whose ``args`` hold the input tensor (a list of
    two for merger) and whose ``kwargs`` hold ``"mask": null`` (``[null,
    null]`` for merger) and, for the base, ``"training": false``. Every
    layer inside the frozen base (Conv2D, BatchNormalization, ReLU) and the
    base itself say ``"trainable": false``.

    ``training=False`` on a nested call does not hold in a training call:
    Keras 3.15.1's Functional passes its own ``training`` (when not None) to
    every layer it runs, overriding the node's ``training`` kwarg
    (keras/src/models/functional.py, ``operation_fn``; see
    keras-team/keras#20285), so ``model(x, training=True)`` and ``fit`` run the
    base in training mode. For the frozen base it makes no difference: a
    BatchNormalization whose ``trainable`` is false runs in inference mode
    anyway (``if training and self.trainable`` in
    keras/src/layers/normalization/batch_normalization.py), which the replay
    checks; ``nested_fine_tune_sgd`` below shows the override.

    ``get_weights()`` with nested models: the outer model's layers in the
    order of its config's ``layers`` list (a Functional's: by depth from the
    inputs, then in traversal order), each nested model's weights in its
    place, recursively in the same order, every weight once (a nested model or
    layer used twice contributes its weights at its first place); a
    BatchNormalization's are gamma, beta, moving mean, moving variance. So
    ``nested_sequential_middle``: dense (kernel, bias), block's dense_1
    (kernel, bias) and batch_normalization (gamma, beta, moving_mean,
    moving_variance), dense_2; ``nested_functional_two_inputs``: the Dense on
    a (dense_2), the Dense on b (dense_3), merger's Dense (dense), then the
    last Dense (dense_1: constructed before the two Dense(4), it comes after
    them in the graph, so the order is the graph's, not the names' or the
    construction's). ``model.trainable_weights`` and
    ``model.non_trainable_variables`` keep that relative order
    (``trainable_indices``, ``state_indices``).

    These cases are not covered by ``layer_reference`` (several layers);
    each has its own numpy replay of the whole model (``reference``) instead,
    reading the weights by their ``get_weights()`` index after checking their
    shapes (which pins the order above): the outputs match it (rtol 1e-4,
    atol 1e-5), and for ``nested_sequential_middle`` the nested
    BatchNormalization's batch-statistics output and moving-statistics update
    match it (rtol 1e-5, atol 1e-6); for ``nested_frozen_base`` the base's
    BatchNormalization is replayed in inference mode (moving statistics) and
    the state is unchanged. Gradients are checked by the finite difference
    (and by Keras's own ``model(x, training=True)`` output), not by a numpy
    backward pass.
  - Attention (Functional; MultiHeadAttention, and Attention and
    AdditiveAttention below, on rank-3 inputs: attention over the steps
    axis, no attention or causal mask, dropout 0):
    ``multi_head_attention_self``: MultiHeadAttention(num_heads=2,
    key_dim=3)(x, x) on x (4, 6) (self-attention: query and value the same
    tensor, key = value); ``multi_head_attention_causal``: the same called with
    ``use_causal_mask=True``; ``multi_head_attention_cross_key``:
    MultiHeadAttention(num_heads=2, key_dim=3)(query, value, key=key) on
    query (3, 5), value (4, 6), key (4, 2) (model inputs ``input_a``,
    ``input_b``, ``input_c``, arrays ``input_0.npy`` .. ``input_2.npy``, in
    that order; the key is a call keyword, serialized in the node's
    ``kwargs``; output (3, 3, 5)); ``multi_head_attention_no_bias_output_shape``:
    MultiHeadAttention(num_heads=3, key_dim=2, use_bias=False,
    output_shape=5)(x, x) on x (4, 6): ``output_shape`` is the output's
    size after the batch and query steps (an int becomes the tuple (5,),
    serialized ``[5]``), in place of the query's last size, so the output is
    (3, 4, 5) and the output kernel (3, 2, 5); ``transformer_encoder_block``:
    the encoder block of keras.io's "Timeseries classification with a
    Transformer model" as first published (keras-io's
    examples/timeseries/timeseries_transformer_classification, 2021:
    normalization first; today's timeseries_classification_transformer.py
    normalizes after the attention and after the feed-forward part instead),
    pooled channels_last as today's example pools (the runtime has no
    channels_first GlobalAveragePooling1D), written as there, with head_size 4, num_heads
    2, ff_dim 4, dropout 0, on (6, 4): LayerNormalization(epsilon=1e-6) ->
    MultiHeadAttention(key_dim=4, num_heads=2, dropout=0)(x, x) ->
    Dropout(0) -> ``res = x + inputs`` ->
    LayerNormalization(epsilon=1e-6) -> Conv1D(filters=4, kernel_size=1,
    activation="relu") -> Dropout(0) -> Conv1D(filters=4, kernel_size=1) ->
    ``x + res``, then ``GlobalAveragePooling1D()`` and Dense(3). The two residual sums are written
    ``x + inputs`` and ``x + res`` as in the example, so Keras 3 records them
    as ``keras.src.ops.numpy.Add`` operations (``add``, ``add_1``), not Add
    layers; the saved nodes of the two Dropout(0) calls hold ``"training":
    false`` in their ``kwargs`` and the pooling's ``"mask": null`` (what
    Keras 3.15.1 records for these calls in a Functional model; a training
    call overrides the recorded ``training``, see the nested models above,
    and a rate of 0 drops nothing either way). The pooling averages the 6
    steps, giving (N, 4), which feeds Dense(3) (kernel (4, 3)). Inputs
    redrawn away from the ReLU's kink, see above.

    MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py,
    Keras 3.15.1) has four EinsumDense projections, built and listed in
    ``get_weights()`` in the order query, key, value, attention_output, each a
    kernel then (with use_bias) a bias: query kernel (query features, heads,
    key_dim) and bias (heads, key_dim); key kernel (key features, heads,
    key_dim) and bias (heads, key_dim); value kernel (value features, heads,
    value_dim) and bias (heads, value_dim); output kernel (heads, value_dim,
    output) and bias (output,), output the query's last size or
    ``output_shape`` (8 weights, all named ``kernel`` or ``bias``; 4 kernels
    without bias). ``value_dim`` defaults to key_dim, and ``attention_axes``
    null is serialized as ``[1]`` once the layer is built (rank-3 inputs).
    Each case's numpy replay (``mha_reference``, float64) computes ``q =
    einsum("ntf,fhd->nthd", query, Wq) + bq``, k from the key and v from the
    value likewise, ``q / sqrt(key_dim)``, scores ``einsum("nthd,nshd->nhts",
    q, k)``, a softmax over the key steps s, ``context =
    einsum("nhts,nshd->nthd", p, v)`` and ``einsum("nthd,hdo->nto", context,
    Wo) + bo``; the outputs match it (rtol 1e-4, atol 1e-5), its weight
    shapes pin the order above, and ``transformer_encoder_block``'s replay
    adds the LayerNormalizations (biased variance), the kernel-size-1 Conv1D
    as matrix products per step (kernel (1, 4, 4)), the ReLU, the residual
    sums, the mean over the last axis and the Dense. With dropout 0 and no
    attention scores asked for, Keras runs the attention through
    ``ops.dot_product_attention`` (``jax.nn.dot_product_attention``, XLA),
    the same arithmetic. That fused path also makes Keras 3.15.1 unable to
    call a MultiHeadAttention whose ``value_dim`` differs from key_dim on JAX
    (``jax.nn.dot_product_attention`` wants value heads as wide as key heads,
    and the backend's fallback reshapes the output to the query's shape), so
    no case here has one: ``multi_head_attention_cross_key`` leaves
    ``value_dim`` at key_dim.

    Attention and AdditiveAttention (Functional, inputs ``input_a`` the
    query (3, 4) and ``input_b`` the value (5, 4), batch 3, the layer called
    on a list as ``layer([query, value])``, no masks, dropout 0; output (3,
    3, 4)): ``attention_dot_scale``: Attention(use_scale=True) (score_mode
    "dot"); ``attention_dot_key``: Attention()([query, value, key]) with a
    third input ``input_c``, the key (5, 4) (no weights: only the input
    gradients); ``attention_concat_scale``: Attention(use_scale=True,
    score_mode="concat"); ``additive_attention``: AdditiveAttention()
    (use_scale true by default). The saved node's ``args`` hold the list of
    two (three) tensors and its ``kwargs`` are ``{}``; AdditiveAttention's
    config has no ``score_mode`` (its get_config deletes it), and both save
    ``seed`` (null).

    Their weights (keras/src/layers/attention/attention.py and
    additive_attention.py, Keras 3.15.1), in ``get_weights()`` order:
    Attention builds ``scale`` (shape (), initializer ones) when use_scale,
    then ``concat_score_weight`` (shape (), ones) when score_mode is
    "concat", whatever use_scale says: Attention(score_mode="concat") has
    one weight, concat_score_weight, and Attention() (dot, no scale) none;
    AdditiveAttention builds only ``scale``, of shape (query features,) and
    Glorot-uniform (not ones; none without use_scale). All trainable. The
    replays (``attention_reference``, ``additive_attention_reference``,
    float64; the key is the value when not given) compute the scores (N,
    Tq, Tv): dot ``q_t . k_s``, times ``scale`` with use_scale (no 1 /
    sqrt(dim) factor, unlike MultiHeadAttention); concat
    ``concat_score_weight * sum_f tanh(scale * (q_t + k_s))`` (the scale
    inside the tanh; ``tanh(q_t + k_s)`` without use_scale); additive
    ``sum_f scale[f] * tanh(q_t[f] + k_s[f])`` (the scale outside the tanh;
    1 without use_scale); then a softmax over the value steps s and the
    weighted sum of the value steps. The outputs match them (rtol 1e-4,
    atol 1e-5), and the weight shapes (and names, for the concat case) pin
    the order above.

* ``Tests/Fixtures/training/gradients/cases.json``: per case ``case``,
  ``model`` (Sequential/Functional), ``input_shapes`` and ``output_shapes``
  (batch included), ``weights`` (``[name, shape, trainable]`` in
  ``get_weights()`` order), ``trainable_indices`` (indices into
  ``get_weights()`` of ``model.trainable_weights``, in that order; checked by
  identity), ``state_indices`` (indices into ``get_weights()`` of
  ``model.non_trainable_variables``, in that order; a frozen layer's weights
  are here too, those of frozen nested models included; a recurrent cell's
  SeedGenerator state, a uint32 (2,)
  non-trainable variable that is not a weight, is left out: ``stateless_call``
  is given its value, and with dropout 0 it never changes),
  ``has_state_after``, ``input_gradient`` (whether
  ``input_gradient*.npy`` exist: false only for the token-id cases,
  ``embedding`` and the Embedding(mask_zero=True) cases), ``loss``
  (always ``sum_k sum(output_k * upstream_k)``).

* ``Tests/Fixtures/training/fit/CASE/`` for every fit case:

  - ``arrays.npz``, in this order: ``x.npy`` (or, for a multi-input model,
    ``x_0.npy``, ``x_1.npy``, ... in ``model.inputs`` order, as fit is given
    them: ``shared_two_outputs_*`` has ``x_0`` for input "a" and ``x_1`` for
    "b"; 70 samples, N(0, 1); for ``text_embedding_sgd`` token ids in [0, 20)
    and for ``lstm_text_adam`` in [0, 12) (70 rows of 6), as float32, their
    InputLayer int32; for ``gru_text_masked_adam`` and
    ``bidirectional_lstm_text_sgd`` padded ids for ``mask_zero``
    (``masked_text_ids``): ids uniform in [1, 12), then each row keeps its
    first L ids, L uniform in {2, ..., 6}, the rest becoming 0 (trailing
    zeros), and every kept id but the first becomes 0 with probability 0.2
    (scattered zeros), so the first id is never 0 and no row is entirely
    masked: 195 and 169 of the 420 ids are 0), ``y.npy`` (or ``y_N.npy`` in
    ``model.outputs`` order; targets made by a fixed random linear "teacher"
    from x (flattened for images; for several inputs, the inputs flattened and
    concatenated along the last axis in ``model.inputs`` order) so that the
    loss falls: one-hot float32 rows, 0/1 columns, regression values
    ``2 tanh(teacher) + N(0, 0.1^2)``, for sparse cross-entropy class ids
    stored as float32 of shape (70,), for ``kld_adam`` probability rows
    ``softmax(2 teacher + N(0, 0.5^2))``, for ``cosine_similarity_sgd``
    ``teacher + N(0, 0.3^2)`` of shape (70, 3); for ``text_embedding_sgd``
    class ids (70,) as float32, 1 when at least two of the row's six ids are
    below 5, else 0; for ``lstm_text_adam`` likewise with ids below 3: 34 of
    the 70 rows are class 1; for the padded ids 1 when some id of the row
    other than the padding 0 is 1 or 2, else 0: 26 and 34 of the 70 rows are
    class 1); with a validation split the
    arrays still hold all 70 samples (fit validates on the last ones),
    ``weights_NN.npy`` (the initial ``get_weights()``, random as above),
    ``weights_after_NN.npy`` (``get_weights()`` after ``fit``, moving
    statistics included), and for ``sample_weight_regression_sgd``
    ``sample_weight.npy`` (70 weights, uniform in [0.2, 2), passed to fit's
    ``sample_weight``; split with the samples for validation).
  - ``training.json``: ``weighted_metrics`` (the names passed to compile's
    ``weighted_metrics``) where a case has them, ``sample_weight`` (true when ``sample_weight.npy`` was
    passed to fit) and ``class_weight`` (``{"class id": weight}`` passed to
    fit's ``class_weight``: Keras weighs each training sample by its class,
    the argmax of its one-hot row, and not the validation samples) where a case
    has them; ``loss`` (what ``compile`` was given: the string, or
    ``keras.losses.serialize`` of the loss object, or a dict of those per
    output name; note that Keras 3.15.1 serializes KLDivergence, LogCosh and
    CosineSimilarity with ``name`` and ``reduction`` only, without ``axis``),
    ``loss_weights`` (or null), ``compile_loss`` and ``compile_optimizer``
    (the Python expressions passed to ``compile``), ``metrics`` (the metric
    names passed to ``compile``, or []), ``optimizer`` (``{"class_name",
    "config": optimizer.get_config()}``, every key; a constant
    ``learning_rate`` is the float32 value Keras keeps, e.g.
    0.05000000074505806; a schedule is
    ``keras.saving.serialize_keras_object(schedule)``, i.e. ``{"module":
    "keras.optimizers.schedules", "class_name", "config",
    "registered_name"}``, checked equal), ``batch_size`` 16, ``epochs`` (as
    given to fit: 2, 8 for ``early_stopping_restore``),
    ``samples`` 70, ``validation_split`` (0 when none), ``validation_samples``
    (``70 - floor(70 * (1 - validation_split))``: 14 for 0.2, 18 for 0.25,
    else 0), ``steps`` (the optimizer's iterations after fit: epochs run times
    batches per epoch: 10, or 8 with the 0.2 split: 56 training samples in
    batches of 16, 16, 16, 8; 20 for ``early_stopping_restore``: 5 epochs of
    52 samples in batches of 16, 16, 16, 4), ``shuffle`` false,
    ``jit_compile`` (Keras's default, true), ``callbacks`` (the callbacks
    passed to fit besides the batch-log recorder: [] except for
    ``early_stopping_restore``, ``[{"class_name": "EarlyStopping",
    "monitor": "val_loss", "patience": 1, "min_delta": 0,
    "restore_best_weights": true}]``, the EarlyStopping keyword arguments;
    the others are at their defaults: mode "auto" (here "min"), baseline
    None, start_from_epoch 0), for an EarlyStopping case ``epochs_run`` (the
    epochs fit ran, ``len(history)``), ``stopped_epoch`` and ``best_epoch``
    (the callback's attributes after fit, 0-based: the epoch whose end
    stopped training, and the epoch whose weights were restored), ``history``
    (``history.history``, every key as Keras names it, one float per epoch
    run: ``loss`` (with several outputs the loss_weights-weighted sum of the
    per-output losses), for several outputs ``NAME_loss`` per output name
    (unweighted: ``cls_loss``, ``reg_loss``; ``sum_head_loss``,
    ``cls_head_loss``), each metric under the name given (``accuracy``,
    ``mae``), and with a validation split ``val_`` + each of those) and
    ``batch_logs`` (per epoch run, the ``logs`` of ``on_train_batch_end``
    after each batch: the
    running, sample-weighted mean over the epoch's batches so far of the loss
    and of each metric; no ``val_`` keys), ``compile_config``
    (``model.get_compile_config()``, what ``model.save`` writes into a
    ``.keras`` archive's config.json, which the Swift tests read as a
    ``CompileConfig``) and, for ``mlp_bn_adam`` only,
    ``notes``: its Dense bias feeds
    BatchNormalization, so its exact gradient is 0 and Keras's float32
    gradient is rounding noise that Adam scales up to steps of about the
    learning rate; ``weights_after_01`` there is not reproducible.

  ``model.compile(optimizer=..., loss=...[, loss_weights=...][,
  metrics=[...]])`` then ``model.fit(x, y, batch_size=16, epochs=2,
  shuffle=False, verbose=0[, validation_split=...][, callbacks=[...]])`` (x
  the one array, or the list of ``x_N`` in ``model.inputs`` order; y the one
  array, or a dict of ``y_N`` by output name; ``epochs=8`` with the
  EarlyStopping callback): batches of 16, 16, 16, 16, 6 samples per epoch
  (16, 16, 16, 8 with the 0.2 split, then one validation batch of the last
  14 samples, ``training=False``, after each epoch; 16, 16, 16, 4 with the
  0.25 split, then one validation batch of 18). Checked: an independent
  re-implementation (numpy/jax: the loss and
  metric formulas; the SGD, Adam, AdamW, RMSprop and Adagrad update formulas;
  clipnorm, global_clipnorm and clipvalue; the ExponentialDecay and
  CosineDecay rates at step ``optimizer.iterations`` before the update, i.e.
  0 for the first batch; the weight regularizers and constraints, read from
  each layer's config (``kernel_regularizer``, ``bias_constraint``,
  ``gamma_regularizer``, ...); the history weighting and the validation pass;
  EarlyStopping, see below; with ``stateless_call`` for the forward pass)
  reproduces ``weights_after`` (within 1e-5, except that noise-driven bias),
  ``history`` and every ``batch_logs`` entry (and ``stopped_epoch`` and
  ``best_epoch``). Regularizers and constraints as Keras applies them
  (keras/src/regularizers, keras/src/constraints, Trainer.compute_loss,
  BaseOptimizer.apply): each regularized trainable weight adds its penalty
  (L1 ``l1 sum|w|``, L2 ``l2 sum w^2``, L1L2 both; the string "l2" is
  L2(0.01)) computed on the weights the batch's forward pass uses, i.e.
  before the step, to the batch loss, so the gradient includes it and the
  logged ``loss``, every ``batch_logs`` ``loss`` and ``val_loss`` (with the
  weights at the end of the epoch) include it too; per-output losses and
  metrics do not. After every optimizer step (after clipping, weight decay
  and the update) each constrained weight is replaced by its projection:
  NonNeg ``max(w, 0)``; the norm constraints ``w * desired / (1e-7 +
  norms)``, ``norms`` the L2 norms over ``axis`` (default 0, kept as size-1
  dims), MaxNorm ``desired = clip(norms, 0, max_value)``, UnitNorm ``desired
  = 1``, MinMaxNorm ``desired = rate * clip(norms, min_value, max_value) +
  (1 - rate) * norms``. The initial weights are not projected (Keras does
  not project them either; the replay checks that every constraint moves
  them by more than 0.01, and that the initial penalties exceed 0.01).
  EarlyStopping as Keras 3.15.1 does it (keras/src/callbacks/early_stopping.py,
  monitor_callback.py; mode "min" for a ``loss``/``val_loss`` monitor):
  ``on_train_begin`` sets ``wait`` 0, ``stopped_epoch`` 0, ``best`` None; at
  each epoch's end (after the validation pass), with ``current`` the
  monitored log: if restoring and no weights are saved yet, save the current
  weights (every ``get_weights()`` entry, moving statistics included) and
  set ``best_epoch``; ``wait += 1``; if ``best`` is None or ``current +
  min_delta < best``: ``best = current``, ``best_epoch = epoch``, save the
  weights (when restoring), ``wait = 0``; else if ``wait >= patience`` and
  ``epoch > 0``: ``stopped_epoch = epoch`` and fit stops after this epoch (no
  further epoch starts, so ``epochs_run = stopped_epoch + 1``).
  ``on_train_end`` sets the saved weights (when restoring), so
  ``weights_after`` are the best epoch's. The replay also asserts that no
  comparison of ``current`` with ``best`` is within 1e-4 (float32 rounding
  cannot flip it) and that the restore changes the weights by more than
  1e-3; on Keras's side the script asserts that training stopped before
  epoch 8, that ``best_epoch`` (the argmin of ``val_loss``) comes before
  ``stopped_epoch``, and that ``stopped_epoch == epochs_run - 1``.

  The fit cases (regression = (5,) -> Dense(8, tanh) -> Dense(1);
  classifier(k) = (6,) -> Dense(8, relu) -> Dense(k[, activation])):

  - ``mlp_bn_sgd_momentum`` / ``mlp_bn_adam``: (8,) -> Dense(16) ->
    BatchNormalization -> relu -> Dense(3, softmax), categorical_crossentropy,
    SGD(0.05, momentum=0.9) / Adam(0.01).
  - ``regression_sgd_nesterov``: regression, mean_squared_error, SGD(0.02,
    momentum=0.8, nesterov=True); ``regression_mae_sgd``: regression,
    mean_absolute_error, SGD(0.05); ``huber_adam``: regression,
    Huber(delta=1.0), Adam(0.01).
  - ``binary_logits_adam``: classifier(1) logits,
    BinaryCrossentropy(from_logits=True), Adam(0.005);
    ``binary_sigmoid_adam``: classifier(1, sigmoid), binary_crossentropy,
    Adam(0.005); ``sparse_logits_sgd``: classifier(4) logits,
    SparseCategoricalCrossentropy(from_logits=True), SGD(0.1).
  - ``two_outputs_adam``: (6,) "features" -> Dense(8, relu) -> Dense(3,
    softmax) "cls" and Dense(1) "reg"; {"cls": categorical_crossentropy,
    "reg": mse}, loss_weights {"cls": 1.0, "reg": 0.5}, Adam(0.01).
  - ``rmsprop_momentum_centered``: regression, mse, RMSprop(0.01,
    momentum=0.5, centered=True); ``rmsprop_default``: classifier(3,
    softmax), categorical_crossentropy, RMSprop(0.01); ``adagrad``:
    regression, mse, Adagrad(0.1); ``adamw``: classifier(3, softmax),
    categorical_crossentropy, AdamW(0.01, weight_decay=0.05).
  - ``sgd_clipnorm``: regression, mse, SGD(0.1, clipnorm=0.5);
    ``adam_global_clipnorm``: classifier(3, softmax),
    categorical_crossentropy, Adam(0.01, global_clipnorm=0.3);
    ``sgd_clipvalue``: regression, mse, SGD(0.1, momentum=0.9,
    clipvalue=0.05).
  - ``sgd_exponential_decay``: regression, mse, SGD with
    ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5, staircase=False);
    ``adam_cosine_decay``: classifier(3, softmax), categorical_crossentropy,
    Adam with CosineDecay(0.02, decay_steps=7, alpha=0.1).
  - ``logcosh_sgd``: regression, LogCosh(), SGD(0.1); ``kld_adam``:
    classifier(3, softmax), KLDivergence(), Adam(0.01);
    ``cosine_similarity_sgd``: (5,) -> Dense(8, tanh) -> Dense(3),
    CosineSimilarity(axis=-1), SGD(0.1); ``categorical_logits_smoothing``:
    classifier(3) logits, CategoricalCrossentropy(from_logits=True,
    label_smoothing=0.1), SGD(0.1).
  - ``binary_smoothing_metrics``: classifier(1, sigmoid),
    BinaryCrossentropy(label_smoothing=0.2), Adam(0.005), metrics
    ["accuracy"] (binary accuracy, threshold 0.5, against the unsmoothed
    0/1 targets); ``classifier_metrics_validation``: classifier(3, softmax),
    categorical_crossentropy, Adam(0.01), metrics ["accuracy", "mae"]
    (categorical accuracy, mean absolute error against the one-hot rows),
    validation_split 0.2; ``sparse_probabilities_metrics``: classifier(4,
    softmax), sparse_categorical_crossentropy, SGD(0.1), metrics
    ["accuracy"] (sparse categorical accuracy).
  - ``mlp_dropout_zero``: (8,) -> Dense(16, relu) -> Dropout(0.0) ->
    Dense(3, softmax), categorical_crossentropy, SGD(0.05, momentum=0.9).
  - ``small_cnn_sgd``: (8, 8, 1) -> Conv2D(4, 3, relu, padding="same") ->
    MaxPooling2D(2) -> Conv2D(6, 3, strides=2) -> BatchNormalization ->
    relu -> GlobalAveragePooling2D -> Dense(3, softmax),
    categorical_crossentropy, SGD(0.05, momentum=0.9) (the second Conv2D's
    bias feeds BatchNormalization, so its exact gradient is 0; here Keras's
    float32 gradient is 0 too and ``weights_after_03`` equals ``weights_03``);
    ``small_cnn_adam``: (6, 6, 2) -> Conv2D(3, 2,
    use_bias=False) -> AveragePooling2D(2, padding="same") -> Flatten ->
    Dense(2), mse, Adam(0.01), targets ``2 tanh(teacher) + N(0, 0.1^2)`` of
    shape (70, 2).
  - ``tiny_mobilenet_adam``: (8, 8, 3) -> Conv2D(4, 3, strides=2,
    padding="same", use_bias=False) -> BatchNormalization -> ReLU(6.0) ->
    DepthwiseConv2D(3, padding="same", use_bias=False) ->
    BatchNormalization -> ReLU(6.0) -> Conv2D(6, 1, use_bias=False) ->
    BatchNormalization -> GlobalAveragePooling2D -> Dense(3, softmax),
    categorical_crossentropy, Adam(0.01).
  - ``text_embedding_sgd``: (6,) int32 ids -> Embedding(20, 4) ->
    GlobalAveragePooling1D -> Dense(2, softmax),
    sparse_categorical_crossentropy, SGD(0.5, momentum=0.9).
  - ``layernorm_mlp_rmsprop``: (6,) -> Dense(8) -> LayerNormalization ->
    Activation("gelu") (exact, erf) -> Dense(1), mse, RMSprop(0.01).
  - ``orthogonal_regularizer_sgd``: (5,) -> Dense(6, tanh, OrthogonalRegularizer(0.5,
    "rows")) -> Dense(3, tanh, OrthogonalRegularizer(0.5, "columns")) -> Dense(1), mse,
    SGD(0.05, momentum=0.5), validation_split 0.2 (the penalty counts in val_loss too).
  - ``activity_regularizer_adam``: regression with ``activity_regularizer=L2(0.05)`` on
    the first Dense and ``L1(0.1)`` on the second, mse, Adam(0.01), validation_split 0.2
    (each penalty on the layer's output, divided by the batch size, in loss and val_loss).
  - ``lstm_seq2seq_adam``: keras.io's lstm_seq2seq (see the gradient case
    ``lstm_seq2seq``) on (4, 3) encoder and (3, 2) decoder inputs, targets one-hot
    per decoder step (70, 3, 3), categorical_crossentropy, Adam(0.01).
  - Sample and class weights: ``sample_weight_regression_sgd``: regression,
    mse, SGD(0.05, momentum=0.5), metrics ["mae"], validation_split 0.2, with
    ``sample_weight`` (a batch's loss is ``sum(w * l) / n``; compile's
    ``metrics`` are not weighted); ``weighted_metrics_sgd``: the same with
    metrics ["mae"] and weighted_metrics ["mse"] (``sum(w m) / sum(w)`` over the
    samples seen); ``class_weight_classifier_adam``:
    classifier(3, softmax), categorical_crossentropy, Adam(0.01), metrics
    ["accuracy"], validation_split 0.2, ``class_weight={0: 1.0, 1: 3.0, 2:
    0.5}``.
  - ``normalized_mlp_adam``: (6,) -> Normalization(mean 0.5, variance 2) ->
    Dense(8) -> RMSNormalization -> Activation("relu") -> Reshape((2, 4)) ->
    GroupNormalization(groups=2) -> Flatten -> UnitNormalization -> Dense(3,
    softmax), categorical_crossentropy, Adam(0.01).
  - ``ops_regression_adam``: a Functional model with ``keras.ops`` between its
    layers: (5,) -> Dense(8) -> ``h * ops.sigmoid(h)`` -> ``h + 0.5 *
    Dense(8)(ops.tanh(h))`` -> ``ops.mean(ops.reshape(h, (-1, 2, 4)), axis=1)``
    -> Dense(1), mse, Adam(0.01).
  - Weight regularizers and constraints (see above):
    ``l2_kernel_l1_bias_sgd``: regression with the first Dense
    ``kernel_regularizer=L2(0.01), bias_regularizer=L1(0.001)`` (serialized
    as l1 0.0010000000474974513: L1 keeps its factor as a float32 tensor) and
    the second ``kernel_regularizer="l2"`` (L2(0.01)), mse, SGD(0.05,
    momentum=0.9); ``l1l2_adam_validation``: classifier(3, softmax) with the
    first Dense ``kernel_regularizer=L1L2(l1=0.001, l2=0.01)``,
    categorical_crossentropy, Adam(0.01), validation_split 0.2 (``val_loss``
    includes the penalty); ``max_norm_non_neg_sgd``: regression with the
    first Dense ``kernel_constraint=MaxNorm(0.5)`` (axis 0: each unit's
    incoming weights), ``bias_constraint=NonNeg()`` and the second
    ``kernel_constraint=UnitNorm(axis=0)``, mse, SGD(0.1);
    ``min_max_norm_adam``: classifier(3, softmax) with the first Dense
    ``kernel_constraint=MinMaxNorm(min_value=0.2, max_value=0.6, rate=0.7,
    axis=0), kernel_regularizer=L2(0.005)``, categorical_crossentropy,
    Adam(0.02); ``conv_regularized_rmsprop``: (6, 6, 1) -> Conv2D(3, 3,
    kernel_regularizer=L2(0.01), kernel_constraint=MaxNorm(1.0, axis=[0, 1,
    2])) (each filter's 3x3x1 weights) -> GlobalAveragePooling2D -> Dense(2,
    softmax, bias_regularizer=L2(0.1)), categorical_crossentropy (one-hot
    rows of 2 classes), RMSprop(0.01); ``bn_gamma_regularizer_sgd``: (4,) ->
    Dense(6) -> BatchNormalization(gamma_regularizer=L2(0.05),
    beta_regularizer=L1(0.01)) -> Activation("relu") -> Dense(1), mse,
    SGD(0.05) (regression targets; the Dense bias feeds BatchNormalization,
    whose float32 gradient noise SGD leaves below 1e-5).
  - A shared layer, two inputs, two outputs: ``shared_two_outputs_sgd`` /
    ``shared_two_outputs_adam``: inputs "a" (5,) and "b" (5,); one Dense(6,
    tanh) "shared" called on a and on b (once each; its kernel and bias are
    ``weights_00``, ``weights_01``); "sum_head" Dense(1) on Add()([shared(a),
    shared(b)]) and "cls_head" Dense(3, softmax) on
    Concatenate()([shared(a), shared(b)]); outputs [sum_head, cls_head], so
    ``y_0`` are regression targets (70, 1) and ``y_1`` one-hot rows (70, 3),
    both from the teacher of [a, b]; {"sum_head": mse, "cls_head":
    categorical_crossentropy}, loss_weights {"sum_head": 0.5, "cls_head":
    1.0}, SGD(0.05, momentum=0.9) / Adam(0.01). History keys ``loss``,
    ``sum_head_loss``, ``cls_head_loss``.
  - ``early_stopping_restore``: regression, mse, SGD(0.07, momentum=0.9),
    validation_split 0.25 (52 training, 18 validation samples), epochs 8,
    callbacks [EarlyStopping(monitor="val_loss", patience=1,
    restore_best_weights=True)]: ``val_loss`` falls for four epochs and rises
    in the fifth (0.685, 0.416, 0.307, 0.073, 0.126), so ``epochs_run`` 5,
    ``stopped_epoch`` 4, ``best_epoch`` 3, and ``weights_after`` are the
    weights at the end of epoch 3 (0-based), not those of the last epoch run.
    (At this seed SGD(0.3, momentum=0.9) would stop after two epochs with the
    first epoch best, a weaker test of the restore.)
  - ``lstm_text_adam``: (6,) int32 ids -> Embedding(12, 4) -> LSTM(5) (last
    step; the LSTM formulas above, tanh and sigmoid) -> Dense(2, softmax),
    sparse_categorical_crossentropy, Adam(0.02) (loss 0.769, 0.670).
  - Masked recurrent models on padded ids (see ``x.npy`` above; the padding
    id 0 is masked, so a row's GRU or LSTM skips its zeros and keeps its
    states there): ``gru_text_masked_adam``: (6,) int32 ids -> Embedding(12,
    4, mask_zero=True) -> GRU(5) (last step; the GRU formulas above, with
    reset_after) -> Dense(2, softmax), sparse_categorical_crossentropy,
    Adam(0.02) (loss 0.789, 0.632); ``bidirectional_lstm_text_sgd``: the same
    Embedding -> Bidirectional(LSTM(3)) (merge_mode "concat": the forward
    LSTM's last output, then the backward one's, after input step 0) ->
    Dense(2, softmax), sparse_categorical_crossentropy, SGD(learning_rate=0.1,
    momentum=0.9) (loss 0.783, 0.692); ``attention_text_masked_adam``: the
    same Embedding -> MultiHeadAttention(num_heads=2, key_dim=2)(x, x) (the
    embedding's mask as its query and value masks) -> GlobalAveragePooling1D
    (masked) -> Dense(2, softmax), sparse_categorical_crossentropy,
    Adam(0.02); ``additive_attention_text_masked_sgd``: the same with
    AdditiveAttention()([x, x]) in its place, SGD(learning_rate=0.1,
    momentum=0.9). No output carries a mask (the recurrent layers return their
    last step, the pooling drops it), so the loss is unmasked. The
    replay covers them unchanged, with nothing relaxed: like every fit case
    its forward pass is Keras's ``stateless_call`` (masks included), and
    what it replays independently (loss, gradients through that forward pass,
    Adam and SGD) is as for the other cases; the masked GRU and
    Bidirectional arithmetic itself is checked by the gradient cases' numpy
    replay.
  - Nested models (see the gradient cases ``nested_frozen_base`` for how
    they are saved): ``transfer_frozen_base_adam``: (6, 6, 2) -> the
    Functional "base" (Conv2D(3, 3, padding="same") -> BatchNormalization ->
    ReLU) with ``base.trainable = False``, called with ``training=False`` ->
    GlobalAveragePooling2D -> Dense(3, softmax), categorical_crossentropy,
    Adam(0.01): only the head's kernel and bias (``weights_06``,
    ``weights_07``) train; the base's six weights (``weights_00`` ..
    ``weights_05``, the moving statistics included) end exactly as they began
    (checked), its BatchNormalization in inference mode throughout (loss
    1.432, 1.352); ``nested_fine_tune_sgd``: the same model with
    ``base.trainable = True`` (still called with ``training=False``),
    SGD(0.05, momentum=0.9): everything trains, and the nested
    BatchNormalization uses batch statistics and updates its moving mean
    and variance (``weights_after_04``, ``weights_after_05`` differ from
    ``weights_04``, ``weights_05``; checked), because a training call
    overrides the nested call's ``training=False`` (see the gradient cases;
    contrary to what the keras.io guide says, in Keras 3.15.1 the
    ``training=False`` does not keep an unfrozen base in inference mode
    during ``fit``) (loss 1.304, 1.145). The Conv2D bias feeds
    BatchNormalization, so its exact gradient is 0; Keras's float32 gradient
    is 0 too here and ``weights_after_01`` equals ``weights_01``. The fit
    replay covers both unchanged, with nothing relaxed: its forward pass is
    Keras's ``stateless_call`` of the whole model (nested calls, the
    override and the frozen BatchNormalization included), and the loss,
    gradients and Adam/SGD steps over ``model.trainable_weights`` are
    replayed as for the other cases (weight regularizers and constraints are
    read from the leaf layers, nested models' included). For every fit case
    the script also checks that ``fit`` changes a non-trainable weight
    exactly when it is a moving statistic of a trainable BatchNormalization
    (nested ones included).
  - ``transformer_timeseries_adam``: keras.io's timeseries Transformer
    (``build_model`` with one encoder block, no MLP units): the
    ``transformer_encoder_block`` gradient case's model (the same
    normalization-first block, ``x + inputs`` and ``x + res`` operations,
    MultiHeadAttention(key_dim=4, num_heads=2, dropout=0), dropout 0
    everywhere, ReLU, GlobalAveragePooling1D())
    on (6, 4) float inputs with a Dense(2, softmax) head,
    sparse_categorical_crossentropy (class ids of 2 classes), Adam(1e-3)
    (loss 0.707, 0.659).

* ``Tests/Fixtures/training/fit/cases.json``: per case ``case``, ``loss``,
  ``loss_weights``, ``metrics``, ``optimizer`` (``class_name``, ``config``),
  ``batch_size``, ``epochs``, ``samples``, ``validation_split``,
  ``callbacks`` (as in training.json, [] for most), ``epochs_run``,
  ``stopped_epoch`` and ``best_epoch`` (EarlyStopping cases only),
  ``history`` (and ``notes`` where training.json has them).

* ``Tests/ModelRuntimeTests/Specs/training/training_grad_CASE.model.json``
  and ``training_fit_CASE.model.json``: each case's ``model.to_json(indent=2)``
  (model named CASE; the build plugin turns each into a Swift type, and it is
  the case's only copy of the spec), written only when the text changed; other
  ``*.model.json`` files in that folder are removed.
"""

import json
import os
import shutil
import sys
import time
import zlib

os.environ.setdefault("KERAS_BACKEND", "jax")

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402
from keras import ops  # noqa: E402
from keras.src.applications import convnext  # noqa: E402  (LayerScale, as ConvNeXt saves it)
from keras.src.applications import inception_resnet_v2  # noqa: E402  (CustomScaleLayer)

import fixture_common as fc  # noqa: E402

if keras.backend.backend() != "jax":
    sys.exit("make_training_fixtures.py must run with KERAS_BACKEND=jax")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

TRAINING_DIR = os.path.join(fc.FIXTURES_DIR, "training")
GRADIENTS_DIR = os.path.join(TRAINING_DIR, "gradients")
FIT_DIR = os.path.join(TRAINING_DIR, "fit")
TRAINING_SPECS_DIR = os.path.join(fc.SPECS_DIR, "training")

GRAD_BATCH = 3
FIT_SAMPLES = 70
FIT_BATCH = 16
FIT_EPOCHS = 2
LOSS_TEXT = "sum_k sum(output_k * upstream_k)"


# ----------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------


def seed_of(key):
    return zlib.crc32(key.encode())


def fresh_session(key):
    """Clears Keras's session and seeds Keras; returns the case's numpy generator."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed_of(key))
    return np.random.default_rng(seed_of(key))


def random_weight(variable, rng):
    """A random value for ``variable`` by its Keras name (the rule of
    tools/make_layer_fixtures.py, restricted to the layers used here)."""
    name, shape = variable.name, tuple(variable.shape)
    if name == "moving_variance":
        value = rng.uniform(0.5, 2.0, shape)
    elif name == "moving_mean":
        value = rng.uniform(0.2, 1.0, shape) * rng.choice([-1.0, 1.0], shape)
    elif name == "gamma":
        value = rng.normal(1.0, 0.4, shape)
    elif name == "alpha":  # PReLU
        value = rng.normal(0.2, 0.3, shape)
    elif name in ("bias", "beta") or len(shape) < 2:
        value = rng.normal(0.0, 0.5, shape)
    else:  # kernels, embeddings
        fan_in = int(np.prod(shape[:-1]))
        value = rng.normal(0.0, min(0.5, 1.0 / np.sqrt(fan_in)), shape)
    return np.asarray(value, dtype=np.float32)


def randomize(model, rng):
    model.set_weights([random_weight(v, rng) for v in model.weights])
    return model.get_weights()


def model_class_name(model):
    return "Sequential" if isinstance(model, keras.Sequential) else "Functional"


def pack_inputs(model, xs):
    """``xs`` (a list in ``model.inputs`` order) in the structure the model is called with."""
    if isinstance(model, keras.Sequential):
        assert len(xs) == 1
        return xs[0]
    return keras.tree.pack_sequence_as(model.input, list(xs))


def variable_indices(model, variables):
    """Indices into ``model.weights`` (= ``get_weights()`` order) of ``variables``, by identity."""
    ids = [id(v) for v in model.weights]
    assert len(set(ids)) == len(ids)
    indices = [ids.index(id(v)) for v in variables]
    assert [model.weights[i] for i in indices] == list(variables)
    assert all(model.weights[i] is v for i, v in zip(indices, variables))
    return indices


def state_slots(model):
    """For each of ``model.non_trainable_variables``, its index into ``model.weights`` (=
    ``get_weights()`` order), or None for a variable that is not a weight: the SeedGenerator
    state of a recurrent cell (uint32, shape (2,), named ``seed_generator_state``), which
    ``stateless_call`` needs but which dropout 0 never advances."""
    weights = {id(v): i for i, v in enumerate(model.weights)}
    slots = [weights.get(id(v)) for v in model.non_trainable_variables]
    for v, i in zip(model.non_trainable_variables, slots):
        assert i is not None or v.name == "seed_generator_state", v.path
    return slots


def leaf_layers(model):
    """The layers of ``model`` with every nested model (a Sequential or Functional used as a
    layer) replaced by its own layers, recursively, depth first, and a TimeDistributed by the
    layer it wraps; a layer used twice (a shared layer or nested model) is listed once."""
    found, seen = [], set()

    def visit(m):
        for layer in m.layers:
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            if isinstance(layer, keras.Model):
                visit(layer)
            elif isinstance(layer, layers.TimeDistributed):
                found.append(layer.layer)
            else:
                found.append(layer)

    visit(model)
    return found


def moving_statistics(model):
    """The ids of the moving means and variances that a training call of ``model`` updates: those
    of every trainable BatchNormalization, nested ones included. A frozen BatchNormalization
    (``trainable`` false, e.g. inside a frozen nested model) runs in inference mode in Keras 3
    (``if training and self.trainable``) and updates nothing."""
    return {id(v) for layer in leaf_layers(model)
            if isinstance(layer, layers.BatchNormalization) and layer.trainable
            for v in (layer.moving_mean, layer.moving_variance)}


def write_spec(folder, model):
    """The case's spec text (written to Specs/training by ``sync_specs``); makes its folder."""
    os.makedirs(folder, exist_ok=True)
    return model.to_json(indent=2) + "\n"


jsonable = fc.jsonable


def numbered(kind, arrays):
    return list(zip(fc.io_names(kind, len(arrays)), map(fc.f4, arrays)))


# ----------------------------------------------------------------------------
# Gradient cases
# ----------------------------------------------------------------------------


class GradCase:
    """``build()`` returns the model; ``inputs`` the input shapes without batch;
    ``distinct`` asks for well-separated input values (see ``distinct_values``), shifted by
    ``shift`` steps; ``ids`` (an int) asks for integer token ids in [0, ids) stored as float32,
    which have no input gradient; ``kink_margin`` (for a single ReLU recurrent layer) redraws
    the N(0, 1) inputs from the case's generator until every pre-activation fed to the ReLU lies
    more than ``kink_margin`` from 0 (see ``nearest_relu_input``); ``masked`` is for the Keras-mask
    cases: "ids" redraws the token ids from the case's generator until no sample is entirely
    masked (every row holds an id other than 0), "zero_steps" sets one or two whole time steps of
    every sample (N(0, 1) inputs, see ``zero_some_steps``) exactly to 0.0 for a Masking layer
    and keeps the finite-difference direction of the input at 0 on those steps. ``reference``
    (the nested-model and attention cases) replays the whole model in numpy:
    ``reference(model, weights, xs)``
    gets the ``get_weights()`` list and the inputs and returns ``(outputs, state, relu_inputs)``:
    the expected outputs (a list in ``model.outputs`` order), ``{index into get_weights():
    expected value after the training call}`` for the moving statistics it updates, and the
    values fed to a ReLU (their distance from 0 is checked against ``kink_margin``) or None."""

    def __init__(self, name, build, inputs, batch=GRAD_BATCH, distinct=False, shift=0.0, ids=None,
                 kink_margin=None, masked=None, reference=None):
        assert masked in (None, "ids", "zero_steps") and (masked == "ids") <= bool(ids)
        self.name, self.build, self.inputs, self.batch = name, build, inputs, batch
        self.distinct, self.shift, self.ids = distinct, shift, ids
        self.kink_margin, self.masked, self.reference = kink_margin, masked, reference

    @property
    def input_gradient(self):
        return self.ids is None


GRAD_CASES = []


def add_grad(case):
    assert case.name not in {c.name for c in GRAD_CASES}, case.name
    GRAD_CASES.append(case)


def sequential(name, input_shape, make_layers, batch=GRAD_BATCH, distinct=False, shift=0.0,
               ids=None, kink_margin=None, masked=None, reference=None):
    """``ids``: the InputLayer is int32 (as in tools/make_layer_fixtures.py's Embedding cases)."""
    def build():
        inp = keras.Input(shape=input_shape, dtype="int32" if ids else None)
        return keras.Sequential([inp] + list(make_layers()), name=name)

    add_grad(GradCase(name, build, [input_shape], batch, distinct, shift, ids, kink_margin, masked,
                      reference))


def distinct_values(rng, shape, shift=0.0):
    """A random permutation of the n evenly spaced values ``-2 + 4 (k + shift) / n``, k = 0 ..
    n - 1 (n = the array's size, so any two differ by at least 4 / n): max pooling's argmax then
    survives the finite-difference step and float32 rounding; ``shift`` 0.5 keeps every value
    half a step away from 0 and the other multiples of 4 / n."""
    n = int(np.prod(shape))
    return ((rng.permutation(n).reshape(shape) + shift) * (4.0 / n) - 2.0).astype(np.float32)


def functional(name, input_shapes, make_outputs, batch=GRAD_BATCH, kink_margin=None,
               reference=None):
    """Inputs named ``input_a``, ``input_b``, ...; ``make_outputs(*inputs)`` gives the output(s)."""

    def build():
        ins = [keras.Input(shape=s, name=f"input_{chr(ord('a') + i)}") for i, s in enumerate(input_shapes)]
        outs = make_outputs(*ins)
        if isinstance(outs, tuple):
            outs = list(outs)
        return keras.Model(ins if len(ins) > 1 else ins[0], outs, name=name)

    add_grad(GradCase(name, build, list(input_shapes), batch, kink_margin=kink_margin,
                      reference=reference))


sequential("dense_relu", (5,), lambda: [layers.Dense(4, activation="relu")])
sequential("dense_linear_no_bias", (5,), lambda: [layers.Dense(4, use_bias=False)])
sequential("dense_softmax", (5,), lambda: [layers.Dense(4, activation="softmax")])
sequential("dense_sigmoid", (5,), lambda: [layers.Dense(4, activation="sigmoid")])
sequential("dense_tanh", (5,), lambda: [layers.Dense(4, activation="tanh")])
sequential("dense_3d_input", (2, 5), lambda: [layers.Dense(3, activation="relu")])

ACTIVATIONS = ["linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "sigmoid",
               "hard_sigmoid", "hard_silu", "silu", "mish", "tanh", "softmax", "log_softmax",
               "softplus", "softsign", "exponential"]
for _activation in ACTIVATIONS:
    sequential(f"activation_{_activation}", (6,),
               lambda a=_activation: [layers.Activation(a)])

sequential("batch_normalization_dense", (4,), lambda: [layers.BatchNormalization()], batch=5)
sequential("batch_normalization_no_center_no_scale", (4,),
           lambda: [layers.BatchNormalization(center=False, scale=False)], batch=5)
sequential("batch_normalization_momentum_0_9_epsilon_0_01", (4,),
           lambda: [layers.BatchNormalization(momentum=0.9, epsilon=0.01)], batch=5)
sequential("batch_normalization_4d", (3, 3, 2), lambda: [layers.BatchNormalization()])
sequential("flatten", (2, 3), lambda: [layers.Flatten()])
sequential("reshape", (6,), lambda: [layers.Reshape((2, 3))])

for _name, _cls in [("add", layers.Add), ("subtract", layers.Subtract),
                    ("multiply", layers.Multiply), ("average", layers.Average),
                    ("maximum", layers.Maximum), ("minimum", layers.Minimum)]:
    functional(_name, [(4,), (4,)], lambda a, b, cls=_cls: cls()([a, b]))
functional("concatenate", [(4,), (3,)], lambda a, b: layers.Concatenate()([a, b]))


def _shared_dense(a, b):
    dense = layers.Dense(3, activation="tanh")
    return layers.Add()([dense(a), dense(b)])


functional("shared_dense", [(4,), (4,)], _shared_dense)


def _two_outputs(x):
    h = layers.Dense(3)(x)
    return layers.Dense(2, name="head_a")(h), layers.Dense(1, name="head_b")(h)


functional("two_outputs", [(4,)], _two_outputs)
sequential("frozen_dense", (5,),
           lambda: [layers.Dense(4, activation="relu", trainable=False), layers.Dense(2)])
sequential("dense_chain_mlp", (5,),
           lambda: [layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")])

# Convolution, pooling and padding (the max-pooling cases get well-separated inputs, so no two
# values in a window tie or come within a finite-difference step of each other).
sequential("conv2d_same_relu", (5, 5, 2),
           lambda: [layers.Conv2D(3, 3, padding="same", activation="relu")])
sequential("conv2d_valid_strides2_no_bias", (7, 7, 3),
           lambda: [layers.Conv2D(4, 3, strides=2, use_bias=False)])
sequential("conv2d_dilation2", (7, 7, 2), lambda: [layers.Conv2D(2, 3, dilation_rate=2)])
sequential("conv2d_1x1", (4, 4, 3), lambda: [layers.Conv2D(5, 1)])
sequential("conv2d_same_strides2_kernel4", (6, 6, 2),
           lambda: [layers.Conv2D(3, 4, strides=2, padding="same")])
sequential("max_pooling2d", (4, 4, 2), lambda: [layers.MaxPooling2D(2)], distinct=True)
sequential("max_pooling2d_same_strides1", (5, 5, 2),
           lambda: [layers.MaxPooling2D(3, strides=1, padding="same")], distinct=True)
sequential("average_pooling2d", (4, 4, 2), lambda: [layers.AveragePooling2D(2)])
sequential("average_pooling2d_same", (5, 5, 2),
           lambda: [layers.AveragePooling2D(2, padding="same")])
sequential("global_average_pooling2d", (3, 3, 4), lambda: [layers.GlobalAveragePooling2D()])
sequential("global_max_pooling2d", (3, 3, 4), lambda: [layers.GlobalMaxPooling2D()],
           distinct=True)
sequential("global_average_pooling1d", (5, 3), lambda: [layers.GlobalAveragePooling1D()])
sequential("zero_padding2d", (3, 3, 2), lambda: [layers.ZeroPadding2D(((1, 0), (2, 1)))])

# Activation layers (the thresholded ReLU gets spread values half a step off the grid, so no
# input lies near its kinks at 0.2 (a jump from 0 to 0.2) and 1.5).
sequential("relu_layer_max6_slope_threshold", (6,),
           lambda: [layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)],
           distinct=True, shift=0.5)
sequential("relu_layer_plain", (6,), lambda: [layers.ReLU()])
sequential("leaky_relu_layer", (6,), lambda: [layers.LeakyReLU(negative_slope=0.3)])
sequential("elu_layer", (6,), lambda: [layers.ELU(alpha=0.7)])
sequential("softmax_layer", (5,), lambda: [layers.Softmax()])
sequential("prelu", (4,), lambda: [layers.PReLU()])
sequential("prelu_shared_axes", (3, 3, 2), lambda: [layers.PReLU(shared_axes=[1, 2])])

# More convolutions.
sequential("depthwise_conv2d_same", (5, 5, 3),
           lambda: [layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")])
sequential("depthwise_conv2d_strides2_valid_relu", (7, 7, 2),
           lambda: [layers.DepthwiseConv2D(3, strides=2, activation="relu")])
sequential("separable_conv2d", (6, 6, 2), lambda: [layers.SeparableConv2D(3, 3, padding="same")])
sequential("conv1d_causal_dilation2", (7, 2),
           lambda: [layers.Conv1D(3, 3, padding="causal", dilation_rate=2)])
sequential("conv2d_transpose_same_strides2", (3, 3, 2),
           lambda: [layers.Conv2DTranspose(3, 3, strides=2, padding="same")])

# Normalization, embedding, reshaping, 1D pooling.
sequential("layer_normalization", (5,), lambda: [layers.LayerNormalization()])
sequential("layer_normalization_3d_no_center", (2, 4),
           lambda: [layers.LayerNormalization(center=False, epsilon=0.01)])
sequential("embedding", (4,), lambda: [layers.Embedding(7, 3)], ids=7)

# Scaling and normalization without batch statistics.
sequential("identity_dense", (5,), lambda: [layers.Identity(), layers.Dense(3)])
sequential("category_encoding_multi_hot", (4,),
           lambda: [layers.CategoryEncoding(6, output_mode="multi_hot"), layers.Dense(3)], ids=6)
sequential("category_encoding_count", (5,),
           lambda: [layers.CategoryEncoding(4, output_mode="count"), layers.Dense(2)], ids=4)
sequential("rescaling_scalar", (4,), lambda: [layers.Rescaling(1 / 127.5, offset=-1), layers.Dense(3)])
sequential("rescaling_per_channel", (2, 4),
           lambda: [layers.Rescaling([0.5, -2.0, 1.5, 3.0], offset=[0.1, 0.2, 0.3, 0.4])])
sequential("normalization_mean_variance", (4,),
           lambda: [layers.Normalization(mean=[1.0, 2.0, -3.0, 0.5], variance=[0.5, 2.0, 4.0, 9.0]),
                    layers.Dense(3)])
sequential("normalization_invert", (4,),
           lambda: [layers.Normalization(mean=[1.0, 2.0, -3.0, 0.5], variance=[0.5, 2.0, 4.0, 9.0],
                                         invert=True)])
sequential("layer_scale", (3, 4), lambda: [convnext.LayerScale(0.5, 4)])
sequential("unit_normalization", (6,), lambda: [layers.UnitNormalization(), layers.Dense(3)])
sequential("unit_normalization_axes", (3, 4), lambda: [layers.UnitNormalization(axis=[1, 2])])
sequential("rms_normalization", (6,), lambda: [layers.RMSNormalization(), layers.Dense(3)])
sequential("rms_normalization_3d", (3, 4), lambda: [layers.RMSNormalization(epsilon=0.01)])
sequential("group_normalization", (5, 6), lambda: [layers.GroupNormalization(groups=3), layers.Dense(2)])
sequential("group_normalization_2d_no_center", (3, 3, 4),
           lambda: [layers.GroupNormalization(groups=2, center=False, epsilon=0.01)])
sequential("group_normalization_instance", (4, 3), lambda: [layers.GroupNormalization(groups=-1)])
sequential("up_sampling2d", (2, 2, 3), lambda: [layers.UpSampling2D(2)])
sequential("cropping2d", (5, 5, 2), lambda: [layers.Cropping2D(((1, 0), (0, 2)))])
sequential("permute", (2, 3, 4), lambda: [layers.Permute((2, 1, 3))])
sequential("repeat_vector", (4,), lambda: [layers.RepeatVector(3)])
sequential("max_pooling1d", (6, 2), lambda: [layers.MaxPooling1D(2)], distinct=True)
sequential("global_max_pooling1d", (5, 3), lambda: [layers.GlobalMaxPooling1D()], distinct=True)

# Recurrent layers (the gradient flows back through every step; the ReLU LSTM's inputs are drawn
# again until no ReLU input lies near its kink, see nearest_relu_input).
sequential("lstm_sequences", (4, 3), lambda: [layers.LSTM(4, return_sequences=True)])
sequential("lstm_last", (4, 3), lambda: [layers.LSTM(4)])
sequential("lstm_no_bias_relu", (4, 2),
           lambda: [layers.LSTM(3, activation="relu", use_bias=False, return_sequences=True)],
           kink_margin=0.05)
sequential("simple_rnn_sequences", (4, 3), lambda: [layers.SimpleRNN(4, return_sequences=True)])
sequential("simple_rnn_last", (4, 3), lambda: [layers.SimpleRNN(4)])

# GRU (both reset_after conventions) and go_backwards.
sequential("gru_sequences", (4, 3), lambda: [layers.GRU(4, return_sequences=True)])
sequential("gru_last_no_reset_after", (4, 3), lambda: [layers.GRU(4, reset_after=False)])
sequential("gru_no_bias_sequences", (4, 3),
           lambda: [layers.GRU(3, use_bias=False, return_sequences=True)])
sequential("lstm_go_backwards_sequences", (4, 3),
           lambda: [layers.LSTM(4, go_backwards=True, return_sequences=True)])
sequential("simple_rnn_go_backwards_last", (4, 3), lambda: [layers.SimpleRNN(3, go_backwards=True)])
sequential("gru_go_backwards_last", (4, 3), lambda: [layers.GRU(3, go_backwards=True)])

# Keras masks: token id 0 under Embedding(mask_zero=True) (ids in [0, 4), so 0 is common; no sample
# entirely masked), and zero time steps under Masking.
MASKED_IDS = 4
sequential("masked_lstm_sequences", (5,),
           lambda: [layers.Embedding(6, 3, mask_zero=True), layers.LSTM(4, return_sequences=True)],
           ids=MASKED_IDS, masked="ids")
sequential("masked_gru_last", (5,), lambda: [layers.Embedding(6, 3, mask_zero=True), layers.GRU(4)],
           ids=MASKED_IDS, masked="ids")
sequential("masked_simple_rnn_average", (5,),
           lambda: [layers.Embedding(6, 3, mask_zero=True),
                    layers.SimpleRNN(3, return_sequences=True), layers.GlobalAveragePooling1D()],
           ids=MASKED_IDS, masked="ids")
sequential("masking_lstm_last", (5, 3), lambda: [layers.Masking(mask_value=0.0), layers.LSTM(3)],
           masked="zero_steps")
sequential("masked_lstm_zero_output_sequences", (5,),
           lambda: [layers.Embedding(6, 3, mask_zero=True),
                    layers.LSTM(4, return_sequences=True, zero_output_for_mask=True)],
           ids=MASKED_IDS, masked="ids")

# Bidirectional wrappers (merge modes concat, sum, ave, mul).
sequential("bidirectional_lstm_concat_sequences", (4, 3),
           lambda: [layers.Bidirectional(layers.LSTM(3, return_sequences=True))])
sequential("bidirectional_gru_sum_last", (4, 3),
           lambda: [layers.Bidirectional(layers.GRU(3), merge_mode="sum")])
sequential("masked_bidirectional_simple_rnn_ave", (5,),
           lambda: [layers.Embedding(6, 3, mask_zero=True),
                    layers.Bidirectional(layers.SimpleRNN(3, return_sequences=True),
                                         merge_mode="ave")],
           ids=MASKED_IDS, masked="ids")
sequential("bidirectional_lstm_mul_last", (4, 3),
           lambda: [layers.Bidirectional(layers.LSTM(2), merge_mode="mul")])

# TimeDistributed: the wrapped layer on every step.
# Keras calls the wrapped layer once per step (keras/src/layers/rnn/time_distributed.py): a
# BatchNormalization normalizes each step's batch apart and moves its averages once per step.
sequential("time_distributed_batch_normalization", (3, 4),
           lambda: [layers.TimeDistributed(layers.BatchNormalization())], batch=5)
sequential("time_distributed_dense_tanh", (4, 5),
           lambda: [layers.TimeDistributed(layers.Dense(3, activation="tanh"))])


def _deep_residual(x):
    h = layers.Dense(6)(x)
    for block in range(22):
        y = layers.Dense(6, activation="tanh")(h)
        y = layers.Dense(6)(y)
        h = layers.Add()([h, y])
        if block % 7 == 3:
            h = layers.BatchNormalization()(h)
    return h


# A model of 71 calls: more than the 64 a generated call (and training step) runs in one
# function, so its step runs in stages.
functional("deep_residual_bn_mlp", [(5,)], _deep_residual, batch=8)


# Nested models: a Sequential or Functional model used as a layer inside another model. Each case
# has a numpy replay of the whole model (``reference``) that reads the weights by their index in
# get_weights(), so it also pins that order (nested weights depth first, see the module docstring).
BN_MOMENTUM, BN_EPSILON = 0.99, 1e-3  # BatchNormalization's defaults


def bn_defaults(model):
    """Asserts that every BatchNormalization in ``model`` (nested ones included) has the default
    momentum and epsilon (the replays below use BN_MOMENTUM and BN_EPSILON)."""
    for layer in leaf_layers(model):
        if isinstance(layer, layers.BatchNormalization):
            assert (layer.momentum, layer.epsilon) == (BN_MOMENTUM, BN_EPSILON), layer.name
            assert layer.center and layer.scale and not layer.renorm, layer.name


def bn_training(x, gamma, beta, moving_mean, moving_variance):
    """BatchNormalization in training mode over every axis but the last (biased batch variance):
    the output and the updated moving mean and variance."""
    axes = tuple(range(x.ndim - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    y = (x - mean) / np.sqrt(var + BN_EPSILON) * gamma + beta
    return (y, moving_mean * BN_MOMENTUM + mean * (1 - BN_MOMENTUM),
            moving_variance * BN_MOMENTUM + var * (1 - BN_MOMENTUM))


def bn_inference(x, gamma, beta, moving_mean, moving_variance):
    """BatchNormalization in inference mode: the moving statistics, not updated."""
    return (x - moving_mean) / np.sqrt(moving_variance + BN_EPSILON) * gamma + beta


def f64_weights(weights, shapes):
    """``weights`` (the get_weights() list) as float64, after checking their shapes, which pins
    the get_weights() order the replays rely on."""
    assert [tuple(w.shape) for w in weights] == [tuple(s) for s in shapes], (
        [tuple(w.shape) for w in weights], shapes)
    return [np.asarray(w, np.float64) for w in weights]


def _nested_sequential_middle(x):
    h = layers.Dense(5, activation="tanh")(x)
    block = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4, activation="tanh"),
                              layers.BatchNormalization()], name="block")
    return layers.Dense(3)(block(h))


def _nested_sequential_middle_reference(model, weights, xs):
    bn_defaults(model)
    w = f64_weights(weights, [(6, 5), (5,), (5, 4), (4,), (4,), (4,), (4,), (4,), (4, 3), (3,)])
    h = np.tanh(xs[0] @ w[0] + w[1])
    h = np.tanh(h @ w[2] + w[3])  # block: Dense(4, tanh)
    h, moving_mean, moving_variance = bn_training(h, *w[4:8])  # block: BatchNormalization
    return [h @ w[8] + w[9]], {6: moving_mean, 7: moving_variance}, None


def _nested_functional_two_inputs(a, b):
    left, right = keras.Input(shape=(4,)), keras.Input(shape=(4,))
    merged = layers.Dense(3, activation="tanh")(layers.Add()([left, right]))
    merger = keras.Model([left, right], merged, name="merger")
    return layers.Dense(2)(merger([layers.Dense(4)(a), layers.Dense(4)(b)]))


def _nested_functional_two_inputs_reference(model, weights, xs):
    # get_weights(): the Dense on a ("dense_2"), the Dense on b ("dense_3"), merger's Dense
    # ("dense"), the last Dense ("dense_1", constructed first): the outer model's layer order.
    w = f64_weights(weights, [(4, 4), (4,), (4, 4), (4,), (4, 3), (3,), (3, 2), (2,)])
    a, b = xs[0] @ w[0] + w[1], xs[1] @ w[2] + w[3]
    merged = np.tanh((a + b) @ w[4] + w[5])
    return [merged @ w[6] + w[7]], {}, None


def _nested_shared_encoder(a, b):
    encoder = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4, activation="tanh"),
                                layers.Dense(3)], name="encoder")
    return layers.Dense(1)(layers.Subtract()([encoder(a), encoder(b)]))


def _nested_shared_encoder_reference(model, weights, xs):
    w = f64_weights(weights, [(5, 4), (4,), (4, 3), (3,), (3, 1), (1,)])

    def encoder(x):
        return np.tanh(x @ w[0] + w[1]) @ w[2] + w[3]

    return [(encoder(xs[0]) - encoder(xs[1])) @ w[4] + w[5]], {}, None


def transfer_head(inputs, units, activation=None, base_trainable=False):
    """The keras.io transfer-learning recipe on (6, 6, 2) images: a Functional "base"
    (Conv2D(3, 3, padding="same") -> BatchNormalization -> ReLU), ``base.trainable =
    base_trainable``, called on ``inputs`` with ``training=False``, then GlobalAveragePooling2D
    and Dense(units, activation). Returns the outputs."""
    base_input = keras.Input(shape=(6, 6, 2))
    h = layers.Conv2D(3, 3, padding="same")(base_input)
    h = layers.BatchNormalization()(h)
    h = layers.ReLU()(h)
    base = keras.Model(base_input, h, name="base")
    base.trainable = base_trainable
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    return layers.Dense(units, activation=activation)(x)


def _nested_frozen_base_reference(model, weights, xs):
    # Frozen: the base's six weights are non-trainable, and its BatchNormalization runs in
    # inference mode (moving statistics, not updated) even in a training call.
    bn_defaults(model)
    assert [v.trainable for v in model.weights] == [False] * 6 + [True] * 2
    w = f64_weights(weights, [(3, 3, 2, 3), (3,), (3,), (3,), (3,), (3,), (3, 2), (2,)])
    z = conv_reference(xs[0], w[0], (1, 1), "same") + w[1]
    pre = bn_inference(z, *w[2:6])  # fed to the ReLU
    h = np.maximum(pre, 0.0)
    return [h.mean(axis=(1, 2)) @ w[6] + w[7]], {}, pre


def _nested_in_nested():
    inner = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4, activation="tanh"),
                              layers.Dense(4)], name="inner_block")
    outer = keras.Sequential([keras.Input(shape=(5,)), inner, layers.Dense(3)], name="outer_block")
    return [outer, layers.Dense(2)]


def _nested_in_nested_reference(model, weights, xs):
    w = f64_weights(weights, [(5, 4), (4,), (4, 4), (4,), (4, 3), (3,), (3, 2), (2,)])
    h = np.tanh(xs[0] @ w[0] + w[1]) @ w[2] + w[3]  # inner_block
    h = h @ w[4] + w[5]  # outer_block's Dense(3)
    return [h @ w[6] + w[7]], {}, None


functional("nested_sequential_middle", [(6,)], _nested_sequential_middle, batch=5,
           reference=_nested_sequential_middle_reference)
functional("nested_functional_two_inputs", [(4,), (4,)], _nested_functional_two_inputs,
           reference=_nested_functional_two_inputs_reference)
functional("nested_shared_encoder", [(5,), (5,)], _nested_shared_encoder,
           reference=_nested_shared_encoder_reference)
functional("nested_frozen_base", [(6, 6, 2)], lambda x: transfer_head(x, 2), kink_margin=0.01,
           reference=_nested_frozen_base_reference)
sequential("nested_in_nested", (5,), _nested_in_nested, reference=_nested_in_nested_reference)


# Attention: MultiHeadAttention on rank-3 inputs (attention over the steps axis, no attention or
# causal mask, dropout 0), and the keras.io timeseries Transformer encoder block around it. Each
# case has a numpy replay (``mha_reference``) that reads the weights by their get_weights() index
# after checking their shapes, which pins MultiHeadAttention's weight order.
def mha_layer(model):
    """The model's one MultiHeadAttention, after checking that it runs as ``mha_reference``
    replays it: no dropout, no gate, no sliding window, attention over axis 1 (the steps)."""
    (layer,) = [m for m in leaf_layers(model) if isinstance(m, layers.MultiHeadAttention)]
    assert layer.dropout == 0 and not layer._use_gate and layer._sliding_window is None, layer.name
    assert tuple(layer.attention_axes) == (1,), layer.attention_axes  # set by build
    return layer


def mha_shapes(query_features, key_features, value_features, heads, key_dim, value_dim, output,
               use_bias=True):
    """MultiHeadAttention's get_weights() shapes: the query, key, value and attention_output
    EinsumDense projections in that order, each a kernel and (with use_bias) a bias: query
    kernel (query features, heads, key_dim), bias (heads, key_dim); key kernel (key features,
    heads, key_dim), bias (heads, key_dim); value kernel (value features, heads, value_dim),
    bias (heads, value_dim); output kernel (heads, value_dim, output), bias (output,)."""
    pairs = [((query_features, heads, key_dim), (heads, key_dim)),
             ((key_features, heads, key_dim), (heads, key_dim)),
             ((value_features, heads, value_dim), (heads, value_dim)),
             ((heads, value_dim, output), (output,))]
    return [s for kernel, bias in pairs for s in ((kernel, bias) if use_bias else (kernel,))]


def mha_reference(w, query, value, key=None, causal=False):
    """MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py, Keras 3.15.1) on
    rank-3 ``query`` (N, T, Fq), ``value`` (N, S, Fv) and ``key`` (N, S, Fk; ``value`` when
    None), in numpy (float64), from its weights ``w`` in get_weights() order (8 with use_bias,
    4 without; see ``mha_shapes``): ``q = einsum("ntf,fhd->nthd", query, Wq) + bq``, likewise
    k from key and v from value; ``q / sqrt(key_dim)``; scores ``einsum("nthd,nshd->nhts", q,
    k)``; softmax over the key steps s; ``context = einsum("nhts,nshd->nthd", p, v)``; output
    ``einsum("nthd,hdo->nto", context, Wo) + bo``. With ``causal`` (``use_causal_mask``) query
    step t attends to key steps s <= t only."""
    key = value if key is None else key
    if len(w) == 8:
        wq, bq, wk, bk, wv, bv, wo, bo = w
    else:
        (wq, wk, wv, wo), bq, bk, bv, bo = w, 0.0, 0.0, 0.0, 0.0
    q = np.einsum("ntf,fhd->nthd", query, wq) + bq
    k = np.einsum("nsf,fhd->nshd", key, wk) + bk
    v = np.einsum("nsf,fhd->nshd", value, wv) + bv
    scores = np.einsum("nthd,nshd->nhts", q / np.sqrt(wq.shape[-1]), k)
    if causal:
        steps_t, steps_s = scores.shape[-2:]
        scores = np.where(np.tril(np.ones((steps_t, steps_s), dtype=bool)), scores, -np.inf)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True)
    return np.einsum("nthd,hdo->nto", np.einsum("nhts,nshd->nthd", p, v), wo) + bo


def _mha_self(x):
    return layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x)


def _mha_self_reference(model, weights, xs):
    mha_layer(model)
    w = f64_weights(weights, mha_shapes(6, 6, 6, 2, 3, 3, 6))
    return [mha_reference(w, xs[0], xs[0])], {}, None


def _mha_causal(x):
    return layers.MultiHeadAttention(num_heads=2, key_dim=3)(x, x, use_causal_mask=True)


def _mha_causal_reference(model, weights, xs):
    mha_layer(model)
    w = f64_weights(weights, mha_shapes(6, 6, 6, 2, 3, 3, 6))
    return [mha_reference(w, xs[0], xs[0], causal=True)], {}, None


def _mha_cross_key(query, value, key):
    # value_dim is left at key_dim: with value_dim != key_dim (and dropout 0) Keras 3.15.1 cannot
    # call the layer on JAX (its fused attention path needs value heads as wide as key heads;
    # jax.nn.dot_product_attention refuses them and the backend's fallback reshapes the output
    # to the query's shape).
    return layers.MultiHeadAttention(num_heads=2, key_dim=3)(query, value, key=key)


def _mha_cross_key_reference(model, weights, xs):
    mha_layer(model)
    w = f64_weights(weights, mha_shapes(5, 2, 6, 2, 3, 3, 5))
    return [mha_reference(w, xs[0], xs[1], xs[2])], {}, None


def _mha_no_bias_output_shape(x):
    return layers.MultiHeadAttention(num_heads=3, key_dim=2, use_bias=False, output_shape=5)(x, x)


def _mha_no_bias_output_shape_reference(model, weights, xs):
    layer = mha_layer(model)
    assert layer.value_dim == 2 and layer._output_shape == (5,), layer._output_shape
    w = f64_weights(weights, mha_shapes(6, 6, 6, 3, 2, 2, 5, use_bias=False))
    return [mha_reference(w, xs[0], xs[0])], {}, None


def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
    """The encoder block of keras.io's "Timeseries classification with a Transformer model" as
    first published (keras-io's examples/timeseries/timeseries_transformer_classification, 2021:
    normalization before the attention and before the feed-forward part), as it is written
    there: the residual connections are ``x + inputs`` and ``x + res`` (Keras 3 records them as
    ``keras.src.ops.numpy.Add`` operations, not Add layers)."""
    # Normalization and Attention
    x = layers.LayerNormalization(epsilon=1e-6)(inputs)
    x = layers.MultiHeadAttention(
        key_dim=head_size, num_heads=num_heads, dropout=dropout
    )(x, x)
    x = layers.Dropout(dropout)(x)
    res = x + inputs

    # Feed Forward Part
    x = layers.LayerNormalization(epsilon=1e-6)(res)
    x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(x)
    x = layers.Dropout(dropout)(x)
    x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
    return x + res


def transformer_classifier(inputs, units, activation=None):
    """keras.io's ``build_model`` (as first published) with one encoder block (head_size 4,
    num_heads 2, ff_dim 4, dropout 0) and no MLP units: the block,
    ``GlobalAveragePooling1D()`` (the mean over the steps, (N, features)), then Dense(units,
    activation)."""
    x = transformer_encoder(inputs, head_size=4, num_heads=2, ff_dim=4, dropout=0)
    x = layers.GlobalAveragePooling1D()(x)
    return layers.Dense(units, activation=activation)(x)


def transformer_reference(model, weights, xs, units):
    """``transformer_classifier`` in numpy: LayerNormalization (epsilon 1e-6, biased variance,
    over the features), MultiHeadAttention (``mha_reference``), the residual adds, the two
    kernel-size-1 Conv1D (kernel (1, in, filters): a matrix product per step), ReLU, the mean
    over the steps, Dense. Returns the outputs and the values fed to the ReLU."""
    mha_layer(model)
    norms = [m for m in leaf_layers(model) if isinstance(m, layers.LayerNormalization)]
    assert len(norms) == 2 and all(m.epsilon == 1e-6 and not m.rms_scaling for m in norms)
    (pool,) = [m for m in leaf_layers(model) if isinstance(m, layers.GlobalAveragePooling1D)]
    assert pool.data_format == "channels_last" and not pool.keepdims
    w = f64_weights(weights, [(4,), (4,)] + mha_shapes(4, 4, 4, 2, 4, 4, 4)
                    + [(4,), (4,), (1, 4, 4), (4,), (1, 4, 4), (4,), (4, units), (units,)])

    def layer_norm(x, gamma, beta):
        mean, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + 1e-6) * gamma + beta

    inputs = xs[0]
    x = layer_norm(inputs, w[0], w[1])
    res = mha_reference(w[2:10], x, x) + inputs
    x = layer_norm(res, w[10], w[11])
    fed = x @ w[12][0] + w[13]  # Conv1D(4, 1, relu): the values fed to the ReLU
    x = np.maximum(fed, 0.0) @ w[14][0] + w[15]
    pooled = (x + res).mean(axis=1)  # over the steps, (N, 4)
    return pooled @ w[16] + w[17], fed


def _transformer_encoder_block_reference(model, weights, xs):
    out, fed = transformer_reference(model, weights, xs, 3)
    return [out], {}, fed


functional("multi_head_attention_self", [(4, 6)], _mha_self, reference=_mha_self_reference)
functional("multi_head_attention_causal", [(4, 6)], _mha_causal, reference=_mha_causal_reference)
functional("multi_head_attention_cross_key", [(3, 5), (4, 6), (4, 2)], _mha_cross_key,
           reference=_mha_cross_key_reference)
functional("multi_head_attention_no_bias_output_shape", [(4, 6)], _mha_no_bias_output_shape,
           reference=_mha_no_bias_output_shape_reference)
functional("transformer_encoder_block", [(6, 4)], lambda x: transformer_classifier(x, 3),
           kink_margin=0.02, reference=_transformer_encoder_block_reference)


# Dot (keras/src/layers/merging/dot.py): ``dot_last_axes`` Dot(axes=1) on (5,) and (5,) (one
# value per example, shape (1,)); ``dot_normalized_sequences`` Dot(axes=(2, 2), normalize=True)
# on (3, 4) and (5, 4) (cosine similarities, (3, 5)); ``dot_axes_1_2`` Dot(axes=(1, 2)) on (4,
# 3) and (2, 4) ((3, 2)); ``dot_rank4_axes_1_1`` Dot(axes=(1, 1)) on (3, 2, 4) and (3, 5) ((2,
# 4, 5): the summed axis moves past two others, so its way back is not its way there).

# Attention and AdditiveAttention (keras/src/layers/attention/attention.py and
# additive_attention.py, Keras 3.15.1) on query (3, 4) and value (5, 4), called as
# ``layer([query, value])`` (or ``[query, value, key]``), no masks but the causal one of
# ``attention_dot_causal`` (query and value (4, 3)), dropout 0. Each case's numpy
# replay reads the weights by their get_weights() index after checking their shapes.
def attention_layer(model, cls):
    """The model's one layer of exactly class ``cls`` (Attention or its subclass
    AdditiveAttention), after checking that it runs as ``attention_reference`` replays it: no
    dropout."""
    (layer,) = [m for m in leaf_layers(model) if isinstance(m, layers.Attention)]
    assert type(layer) is cls and layer.dropout == 0, (layer.name, type(layer))
    return layer


def away_from_init(*values):
    """Checks that the randomized scales (initialized to 1, or Glorot-uniform for
    AdditiveAttention's) are neither 0 nor 1 (by more than 0.05), so each one matters to the
    output and a replay that dropped or swapped one would show."""
    for value in values:
        assert np.all(np.abs(value) > 0.05) and np.all(np.abs(value - 1.0) > 0.05), value


def attention_softmax_sum(scores, value, causal=False):
    """The part Attention and AdditiveAttention share: a softmax of the scores (N, Tq, Tv) over
    the value steps Tv, then the weighted sum of the value steps, (N, Tq, value features). With
    ``causal`` (``use_causal_mask``), Keras subtracts 1e9 from the scores of steps s > t."""
    if causal:
        steps_t, steps_s = scores.shape[-2:]
        scores = scores - 1e9 * (1 - np.tril(np.ones((steps_t, steps_s))))
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True)
    return np.einsum("nts,nsf->ntf", p, value)


def attention_reference(query, value, key=None, score_mode="dot", scale=None,
                        concat_score_weight=None, causal=False):
    """Attention (keras/src/layers/attention/attention.py, Keras 3.15.1) in numpy (float64), no
    masks: ``key`` defaults to ``value``; score_mode "dot": ``scores[n, t, s] = q_t . k_s``,
    times ``scale`` when use_scale; "concat": ``concat_score_weight * sum_f tanh(scale * (q_t +
    k_s))`` (``tanh(q_t + k_s)`` without use_scale: the concat mode always has its
    concat_score_weight); then ``attention_softmax_sum``."""
    key = value if key is None else key
    if score_mode == "dot":
        scores = np.einsum("ntf,nsf->nts", query, key)
        if scale is not None:
            scores = scores * scale
    else:
        assert score_mode == "concat" and concat_score_weight is not None
        summed = query[:, :, None, :] + key[:, None, :, :]
        if scale is not None:
            summed = scale * summed
        scores = concat_score_weight * np.tanh(summed).sum(axis=-1)
    return attention_softmax_sum(scores, value, causal)


def additive_attention_reference(query, value, key=None, scale=None):
    """AdditiveAttention (keras/src/layers/attention/additive_attention.py, Keras 3.15.1) in
    numpy (float64), no masks: ``key`` defaults to ``value``; ``scores[n, t, s] = sum_f scale[f]
    * tanh(q_t[f] + k_s[f])`` (scale (features,), outside the tanh; 1 without use_scale); then
    ``attention_softmax_sum``."""
    key = value if key is None else key
    terms = np.tanh(query[:, :, None, :] + key[:, None, :, :])
    scores = (terms * (1.0 if scale is None else scale)).sum(axis=-1)
    return attention_softmax_sum(scores, value)


def _attention_dot_scale_reference(model, weights, xs):
    layer = attention_layer(model, layers.Attention)
    assert layer.use_scale and layer.score_mode == "dot"
    (scale,) = f64_weights(weights, [()])
    away_from_init(scale)
    return [attention_reference(xs[0], xs[1], scale=scale)], {}, None


def _attention_dot_causal_reference(model, weights, xs):
    layer = attention_layer(model, layers.Attention)
    assert layer.use_scale and layer.score_mode == "dot"
    (scale,) = f64_weights(weights, [()])
    away_from_init(scale)
    return [attention_reference(xs[0], xs[1], scale=scale, causal=True)], {}, None


def _attention_dot_key_reference(model, weights, xs):
    layer = attention_layer(model, layers.Attention)
    assert not layer.use_scale and layer.score_mode == "dot"
    f64_weights(weights, [])
    return [attention_reference(xs[0], xs[1], xs[2])], {}, None


def _attention_concat_scale_reference(model, weights, xs):
    layer = attention_layer(model, layers.Attention)
    assert layer.use_scale and layer.score_mode == "concat"
    scale, concat_score_weight = f64_weights(weights, [(), ()])
    assert [v.name for v in model.weights] == ["scale", "concat_score_weight"]
    away_from_init(scale, concat_score_weight)
    return [attention_reference(xs[0], xs[1], score_mode="concat", scale=scale,
                                concat_score_weight=concat_score_weight)], {}, None


def _additive_attention_reference(model, weights, xs):
    layer = attention_layer(model, layers.AdditiveAttention)
    assert layer.use_scale
    (scale,) = f64_weights(weights, [(4,)])
    away_from_init(scale)
    return [additive_attention_reference(xs[0], xs[1], scale=scale)], {}, None


functional("attention_dot_scale", [(3, 4), (5, 4)],
           lambda query, value: layers.Attention(use_scale=True)([query, value]),
           reference=_attention_dot_scale_reference)
functional("dot_last_axes", [(5,), (5,)], lambda a, b: layers.Dot(axes=1)([a, b]))
functional("dot_normalized_sequences", [(3, 4), (5, 4)],
           lambda a, b: layers.Dot(axes=(2, 2), normalize=True)([a, b]))
functional("dot_axes_1_2", [(4, 3), (2, 4)], lambda a, b: layers.Dot(axes=(1, 2))([a, b]))
functional("dot_rank4_axes_1_1", [(3, 2, 4), (3, 5)], lambda a, b: layers.Dot(axes=(1, 1))([a, b]))
functional("attention_dot_causal", [(4, 3), (4, 3)],
           lambda query, value: layers.Attention(use_scale=True)([query, value], use_causal_mask=True),
           reference=_attention_dot_causal_reference)
functional("attention_dot_key", [(3, 4), (5, 4), (5, 4)],
           lambda query, value, key: layers.Attention()([query, value, key]),
           reference=_attention_dot_key_reference)
functional("attention_concat_scale", [(3, 4), (5, 4)],
           lambda query, value: layers.Attention(use_scale=True, score_mode="concat")(
               [query, value]),
           reference=_attention_concat_scale_reference)
functional("additive_attention", [(3, 4), (5, 4)],
           lambda query, value: layers.AdditiveAttention()([query, value]),
           reference=_additive_attention_reference)

# EinsumDense (keras/src/layers/core/einsum_dense.py), as its docstring's examples use it.
sequential("einsum_dense_matrix", (5,), lambda: [
    layers.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c", activation="tanh")])
sequential("einsum_dense_sequence_bias_d", (3, 5), lambda: [
    layers.EinsumDense("abc,cde->abde", output_shape=(3, 2, 4), bias_axes="d")])
sequential("einsum_dense_ellipsis_gelu", (2, 3, 5), lambda: [
    layers.EinsumDense("...b,bc->...c", output_shape=4, bias_axes="c", activation="gelu")])
sequential("einsum_dense_summed_input_axis", (3, 5), lambda: [
    layers.EinsumDense("abc,cd->ad", output_shape=(4,))])

# Grouped convolutions (each group of channels convolved with its own filters).
sequential("conv2d_groups_2", (5, 5, 4), lambda: [layers.Conv2D(4, 3, groups=2, padding="same")])
sequential("conv1d_groups_3_strides_2", (7, 3), lambda: [
    layers.Conv1D(6, 2, strides=2, groups=3, activation="tanh")])

# Resizing and interpolated UpSampling2D: the image resize's adjoint (jax.image.resize is linear).
sequential("resizing_bilinear_up", (3, 4, 2), lambda: [layers.Resizing(5, 7)])
sequential("resizing_bicubic_crop", (4, 6, 2), lambda: [
    layers.Resizing(3, 3, interpolation="bicubic", crop_to_aspect_ratio=True)])
sequential("resizing_nearest_pad", (3, 5, 2), lambda: [
    layers.Resizing(4, 4, interpolation="nearest", pad_to_aspect_ratio=True, fill_value=0.5)])
sequential("resizing_lanczos3_antialias_down", (5, 6, 1), lambda: [
    layers.Resizing(2, 3, interpolation="lanczos3", antialias=True)])
sequential("up_sampling2d_bilinear", (3, 3, 2), lambda: [
    layers.UpSampling2D(2, interpolation="bilinear")])

# Recurrent layers with initial states and state outputs, as keras.io's "Character-level
# recurrent sequence-to-sequence model" (lstm_seq2seq) writes them: the encoder's final states
# start the decoder; the decoder's own states (return_state) are left unused.
def _lstm_seq2seq(encoder_inputs, decoder_inputs):
    encoder = layers.LSTM(5, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    encoder_states = [state_h, state_c]
    decoder_lstm = layers.LSTM(5, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    return layers.Dense(3, activation="softmax")(decoder_outputs)


def _gru_states(a, b):
    """A GRU's sequence and final state both as outputs; a SimpleRNN started from a Dense of the
    other input (its initial state's gradient flows into the Dense); go_backwards."""
    sequence, state = layers.GRU(4, return_sequences=True, return_state=True)(a)
    start = layers.Dense(3, activation="tanh")(b)
    last = layers.SimpleRNN(3, go_backwards=True)(a, initial_state=start)
    return sequence, state, last


def _dense_reference(layer, x):
    w = {v.name: np.asarray(v.numpy(), np.float64) for v in layer.weights}
    y = x @ w["kernel"] + w.get("bias", 0.0)
    if layer.activation.__name__ == "softmax":
        e = np.exp(y - y.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return {"tanh": np.tanh, "linear": lambda v: v}[layer.activation.__name__](y)


def _lstm_seq2seq_reference(model, weights, xs):
    encoder, decoder = [layer for layer in model.layers if isinstance(layer, layers.LSTM)]
    (dense,) = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    assert encoder.return_state and decoder.return_state and not encoder.return_sequences
    final = []
    recurrent_reference(encoder, xs[0], final=final)
    decoded, _ = recurrent_reference(decoder, xs[1], initial=final[0])
    return [_dense_reference(dense, decoded)], {}, None


def _gru_states_reference(model, weights, xs):
    (gru,) = [layer for layer in model.layers if isinstance(layer, layers.GRU)]
    (rnn,) = [layer for layer in model.layers if isinstance(layer, layers.SimpleRNN)]
    (dense,) = [layer for layer in model.layers if isinstance(layer, layers.Dense)]
    final = []
    sequence, _ = recurrent_reference(gru, xs[0], final=final)
    last, _ = recurrent_reference(rnn, xs[0], initial=(_dense_reference(dense, xs[1]),))
    return [sequence, final[0][0], last], {}, None


functional("lstm_seq2seq", [(4, 3), (3, 2)], _lstm_seq2seq, reference=_lstm_seq2seq_reference)
functional("gru_states_simple_rnn_initial_state", [(4, 3), (2,)], _gru_states,
           reference=_gru_states_reference)

# InceptionResNetV2's residual sum ``shortcut + residual * scale`` (CustomScaleLayer), the
# residual through ConvNeXt's StochasticDepth (rate 0: the identity in training too; its draws
# are Keras's, see tools/make_noise_layer_fixtures.py for a rate above 0).
functional("custom_scale_stochastic_depth", [(3, 4)],
           lambda x: inception_resnet_v2.CustomScaleLayer(scale=0.17)(
               [x, convnext.StochasticDepth(0.0)(layers.Dense(4)(x))]))


# Keras operations in Functional graphs (keras/src/ops): written as models write them
# (``x * 2.0 + 1.0``, ``ops.mean(x, axis=1)``, ``x[:, -1]``), each recorded as an operation
# node with its Python constants in the call. JAX differentiates them; each case has several
# outputs, one per operation (or short chain), so that every operation's gradient adds to the
# input's. Positive arguments for the functions defined on them (``ops.abs(x) + 1.0``).
functional("ops_arithmetic_constants", [(4,), (4,)],
           lambda a, b: [a * 2.0 + 1.0, 3.0 - b, a / (ops.abs(b) + 1.0), 2.0 / (a * a + 1.0),
                         ops.power(a, 2), ops.power(ops.abs(b) + 0.5, 1.5),
                         ops.power(2.0, a), (a + 3.0) % 2.0, a // 2.0 * b])
functional("ops_binary_broadcast", [(3, 4), (1, 4)],
           lambda a, b: [a * b, a - b, a / (b * b + 1.0), ops.maximum(a, b), ops.minimum(a, b),
                         ops.where(ops.greater(a, b), a, b * 2.0),
                         ops.power(ops.abs(a) + 0.5, b)])
functional("ops_unary", [(6,)],
           lambda x: [ops.negative(x), ops.abs(x), ops.square(x), ops.sqrt(ops.abs(x) + 1.0),
                      ops.rsqrt(ops.square(x) + 1.0), ops.exp(x), ops.expm1(x),
                      ops.log(ops.square(x) + 1.0), ops.log1p(ops.abs(x)),
                      ops.reciprocal(ops.square(x) + 1.0), ops.erf(x), ops.sin(x), ops.cos(x),
                      ops.floor(x) * x, ops.sign(x) * x, ops.ceil(x) + x])
functional("ops_activations", [(6,)],
           lambda x: [ops.relu(x), ops.relu6(x * 4.0), ops.sigmoid(x), ops.silu(x),
                      ops.hard_sigmoid(x * 3.0), ops.hard_silu(x * 3.0), ops.softplus(x),
                      ops.softsign(x), ops.selu(x), ops.gelu(x), ops.gelu(x, approximate=False),
                      ops.leaky_relu(x, negative_slope=0.1), ops.elu(x, alpha=0.5), ops.tanh(x),
                      ops.clip(x, -0.5, 0.5)])
functional("ops_softmax_axes", [(3, 4)],
           lambda x: [ops.softmax(x, axis=1), ops.log_softmax(x, axis=-1), ops.softmax(x)])
functional("ops_reductions", [(3, 4)],
           lambda x: [ops.sum(x, axis=1), ops.mean(x, axis=[1, 2]), ops.max(x, axis=-1, keepdims=True),
                      ops.min(x, axis=1), ops.prod(x, axis=-1),
                      x * ops.expand_dims(ops.cast(ops.argmax(x, axis=-1), "float32"), -1),
                      ops.cast(x, "float32") * ops.cast(ops.greater(x, 0.0), "float32")])
functional("ops_movement", [(2, 3, 4)],
           lambda x: [ops.transpose(x, axes=(0, 2, 1, 3)), ops.reshape(x, (-1, 6, 4)) * 2.0,
                      ops.squeeze(ops.expand_dims(x, 2), axis=2) - 1.0, x[:, 1, ::2], x[:, -1, :, 1:3],
                      ops.concatenate([x, x * 2.0], axis=-1), ops.stack([x, ops.exp(x)], axis=1)])
functional("ops_matmul", [(3, 4), (4, 2)],
           lambda a, b: [ops.matmul(a, b), ops.matmul(a, ops.transpose(a, axes=(0, 2, 1))),
                         ops.matmul(a, np.linspace(-1.0, 1.0, 8, dtype="float32").reshape(4, 2))])


def _ops_mlp(x):
    """A Dense block with activations and a residual written with ``keras.ops``, as keras.io's
    newer examples write them (``x * ops.sigmoid(x)``, ``x + ...``)."""
    h = layers.Dense(6)(x)
    h = h * ops.sigmoid(h)
    h = h + layers.Dense(6)(ops.tanh(h)) * 0.5
    return layers.Dense(3)(ops.mean(ops.reshape(h, (-1, 2, 3)), axis=1) + ops.max(h, axis=-1, keepdims=True))


functional("ops_mlp", [(5,)], _ops_mlp)


def check_bn(model, x, outputs, state_after, ntv):
    """BatchNormalization's training output and moving-statistics update, in numpy."""
    (bn,) = [layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)]
    x = np.asarray(x, np.float64)
    axes = tuple(range(x.ndim - 1))
    mean, var = x.mean(axis=axes), x.var(axis=axes)  # biased
    y = (x - mean) / np.sqrt(var + bn.epsilon)
    if bn.scale:
        y = y * np.asarray(bn.gamma.numpy(), np.float64)
    if bn.center:
        y = y + np.asarray(bn.beta.numpy(), np.float64)
    assert np.allclose(outputs[0], y, rtol=1e-4, atol=1e-5), "BatchNormalization output"
    moving_mean, moving_var = (np.asarray(v, np.float64) for v in ntv)
    assert np.allclose(state_after[0], moving_mean * bn.momentum + mean * (1 - bn.momentum),
                       rtol=1e-5, atol=1e-6), "moving_mean update"
    assert np.allclose(state_after[1], moving_var * bn.momentum + var * (1 - bn.momentum),
                       rtol=1e-5, atol=1e-6), "moving_variance update"


POOLING_LAYERS = (layers.MaxPooling2D, layers.AveragePooling2D, layers.GlobalMaxPooling2D,
                  layers.GlobalAveragePooling2D, layers.GlobalAveragePooling1D,
                  layers.MaxPooling1D, layers.GlobalMaxPooling1D)
MAX_POOLING_LAYERS = (layers.MaxPooling2D, layers.GlobalMaxPooling2D, layers.MaxPooling1D,
                      layers.GlobalMaxPooling1D)


def pool_windows(x, pool, strides, padding):
    """The windows of a 2D pooling of ``x`` (N, H, W, C): ``(values, positions)`` of shape
    (N, OH, OW, C, k) and (OH, OW, k, 2); padded cells are nan (TensorFlow's "same": the
    smaller half of the padding before)."""
    n, h, w, c = x.shape
    starts, positions = [], []
    for size, p, s in zip((h, w), pool, strides):
        out = -(-size // s) if padding == "same" else (size - p) // s + 1
        before = max((out - 1) * s + p - size, 0) // 2 if padding == "same" else 0
        starts.append([o * s - before for o in range(out)])
    values = np.full((n, len(starts[0]), len(starts[1]), c, pool[0] * pool[1]), np.nan)
    cells = np.full((len(starts[0]), len(starts[1]), pool[0] * pool[1], 2), -1)
    for i, r0 in enumerate(starts[0]):
        for j, c0 in enumerate(starts[1]):
            for k, (dr, dc) in enumerate(np.ndindex(*pool)):
                r, q = r0 + dr, c0 + dc
                if 0 <= r < h and 0 <= q < w:
                    values[:, i, j, :, k] = x[:, r, q, :]
                    cells[i, j, k] = (r, q)
    return values, cells


def check_pooling(model, x, outputs, upstream, input_gradient):
    """A pooling layer's output and input gradient, in numpy: max pooling routes each window's
    upstream value to the window's largest input (asserted unique by a margin), average
    pooling spreads it evenly over the window's cells inside the input (padding not counted)."""
    (layer,) = model.layers
    x = np.asarray(x, np.float64)
    is_max = isinstance(layer, MAX_POOLING_LAYERS)
    if isinstance(layer, (layers.GlobalAveragePooling1D, layers.GlobalAveragePooling2D,
                          layers.GlobalMaxPooling2D, layers.GlobalMaxPooling1D)):
        flat = x.reshape(len(x), -1, x.shape[-1])
        values = flat[:, None, None, :, :].transpose(0, 1, 2, 4, 3)  # (N, 1, 1, C, k)
        cells = np.array([[[(k, 0) for k in range(flat.shape[1])]]])
        expected_out = values.max(axis=-1) if is_max else values.mean(axis=-1)
        rows = flat.shape[1]
        grid = (rows, 1)
    elif isinstance(layer, layers.MaxPooling1D):  # as 2D pooling of (N, L, 1, C)
        values, cells = pool_windows(x[:, :, None, :], layer.pool_size + (1,),
                                     layer.strides + (1,), layer.padding)
        expected_out = np.nanmax(values, axis=-1)
        grid = (x.shape[1], 1)
    else:
        values, cells = pool_windows(x, layer.pool_size, layer.strides, layer.padding)
        expected_out = np.nanmax(values, axis=-1) if is_max else np.nanmean(values, axis=-1)
        grid = x.shape[1:3]
    expected_out = expected_out.reshape(outputs[0].shape)
    assert np.allclose(outputs[0], expected_out, rtol=1e-5, atol=1e-6), "pooling output"
    up = np.asarray(upstream, np.float64).reshape(values.shape[:4])
    grad = np.zeros((len(x),) + tuple(grid) + (x.shape[-1],))
    for i, j in np.ndindex(*values.shape[1:3]):
        window = values[:, i, j]  # (N, C, k)
        if is_max:
            ranked = np.sort(np.where(np.isnan(window), -np.inf, window), axis=-1)
            gap = float(np.min(ranked[..., -1] - ranked[..., -2]))
            assert gap > 1e-2, ("max pooling window tie", model.name, gap)
            share = (window == np.nanmax(window, axis=-1, keepdims=True)).astype(np.float64)
        else:
            share = ~np.isnan(window) / np.sum(~np.isnan(window), axis=-1, keepdims=True)
        for k, (r, q) in enumerate(cells[i, j]):
            if r >= 0:
                grad[:, r, q, :] += share[..., k] * up[:, i, j, :]
    assert np.allclose(input_gradient[0], grad.reshape(x.shape), rtol=1e-5, atol=1e-6), (
        "pooling input gradient")


def conv_reference(x, kernel, strides, padding, dilation=(1, 1)):
    """2D cross-correlation of ``x`` (N, H, W, C) with ``kernel`` (kh, kw, C, F), in numpy;
    "same" pads the smaller half before, as TensorFlow does."""
    n = x.shape[0]
    pads, sizes = [], []
    for size, k, s, d in zip(x.shape[1:3], kernel.shape[:2], strides, dilation):
        span = (k - 1) * d + 1
        out = -(-size // s) if padding == "same" else (size - span) // s + 1
        total = max((out - 1) * s + span - size, 0) if padding == "same" else 0
        pads.append((total // 2, total - total // 2))
        sizes.append(out)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    y = np.zeros((n, sizes[0], sizes[1], kernel.shape[3]))
    for i, j in np.ndindex(*kernel.shape[:2]):
        r, c = i * dilation[0], j * dilation[1]
        patch = xp[:, r:r + (sizes[0] - 1) * strides[0] + 1:strides[0],
                   c:c + (sizes[1] - 1) * strides[1] + 1:strides[1], :]
        y += patch @ kernel[i, j]
    return y


def grouped_as_full_kernel(kernel, groups):
    """A grouped convolution's kernel (..., C / groups, F) as a dense (..., C, F) kernel:
    output channel f of group g = f // (F / groups) reads only that group's input channels."""
    *window, cg, f = kernel.shape
    fg = f // groups
    full = np.zeros(tuple(window) + (cg * groups, f))
    for g in range(groups):
        full[..., g * cg:(g + 1) * cg, g * fg:(g + 1) * fg] = kernel[..., g * fg:(g + 1) * fg]
    return full


def depthwise_as_full_kernel(kernel):
    """DepthwiseConv2D's kernel (kh, kw, C, M) as a dense (kh, kw, C, C * M) kernel: output
    channel c * M + m is input channel c convolved with ``kernel[:, :, c, m]``."""
    kh, kw, c, m = kernel.shape
    full = np.zeros((kh, kw, c, c * m))
    for ci in range(c):
        full[:, :, ci, ci * m:(ci + 1) * m] = kernel[:, :, ci, :]
    return full


RNN_ACTIVATIONS = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0),
                   "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)), "linear": lambda v: v}


def recurrent_reference(layer, x, mask=None, initial=None, final=None):
    """An LSTM's, GRU's or SimpleRNN's output on ``x`` (N, T, F), in numpy (float64), from zero
    states, and the pre-activations fed to its ``activation`` at every processed step (for LSTM
    the candidate ``z_c``; the carry ``c``, also fed to it, is never negative, see
    nearest_relu_input), as in keras/src/layers/rnn/lstm.py, gru.py and simple_rnn.py (Keras
    3.15.1; cells at their default ``implementation`` 2; the JAX backend's fused ``gru``, which
    it uses for a GRU with reset_after and no mask, computes the same): LSTM ``z = x_t @ kernel
    + h @ recurrent_kernel + bias`` split in four column blocks of ``units`` in the order i, f,
    c, o; ``i, f, o = recurrent_activation(z_i, z_f, z_o)``, ``c = f * c + i *
    activation(z_c)``, ``h = o * activation(c)``. SimpleRNN ``h = activation(x_t @ kernel +
    bias + h @ recurrent_kernel)``. GRU: kernel (F, 3 units), recurrent_kernel (units, 3 units),
    column blocks z, r, h in that order; ``x_z, x_r, x_h = x_t @ kernel + input_bias``; with
    reset_after (bias (2, 3 units): row 0 the input bias, row 1 the recurrent bias) ``h_z, h_r,
    h_h = h @ recurrent_kernel + recurrent_bias``, ``z = recurrent_activation(x_z + h_z)``, ``r
    = recurrent_activation(x_r + h_r)``, ``hh = activation(x_h + r * h_h)``; without reset_after
    (bias (3 units), the input bias only) ``z = recurrent_activation(x_z + h @ U_z)``, ``r =
    recurrent_activation(x_r + h @ U_r)``, ``hh = activation(x_h + (r * h) @ U_h)`` (U_z, U_r,
    U_h the column blocks of recurrent_kernel); no bias without use_bias; then ``h = z * h + (1
    - z) * hh``. The output is h of every processed step (``return_sequences``) or of the last
    one. ``go_backwards`` processes the input steps T - 1, ..., 0, and the sequence output is in
    processing order (its step k is the state after input step T - 1 - k; JAX ``lax.scan(...,
    reverse=True)`` then ``jnp.flip`` in keras/src/backend/jax/rnn.py); the last output is after
    input step 0. ``mask`` (N, T) bool, or None: at a step masked for a sample (False) the
    states (h, and c for LSTM) keep their values and the output is the kept h (the previous
    processed step's output, 0 before the first unmasked step), or 0 with
    ``zero_output_for_mask`` (keras/src/backend/jax/rnn.py: ``where(is_masked, states[0] or 0,
    output_t)``); the last output is the last processed step's output either way. ``initial``
    (h, and c for LSTM) starts the states instead of zeros (``initial_state``); ``final``, a
    list, receives the final ``(h, c)`` (``return_state``)."""
    cell = layer.cell
    w = {v.name: np.asarray(v.numpy(), np.float64) for v in layer.weights}
    act = RNN_ACTIVATIONS[cell.activation.__name__]
    assert not cell.dropout and not cell.recurrent_dropout and not layer.unroll
    n, steps, units = x.shape[0], x.shape[1], cell.units
    h, c = np.zeros((n, units)), np.zeros((n, units))
    if initial is not None:
        h = np.asarray(initial[0], np.float64)
        c = np.asarray(initial[1], np.float64) if len(initial) > 1 else c
    outputs, fed = [], []
    for t in (range(steps - 1, -1, -1) if layer.go_backwards else range(steps)):
        if isinstance(layer, layers.GRU):
            rec = RNN_ACTIVATIONS[cell.recurrent_activation.__name__]
            kernel, recurrent = w["kernel"], w["recurrent_kernel"]
            bias = w.get("bias")
            if bias is None:
                input_bias = recurrent_bias = np.zeros(3 * units)
            elif cell.reset_after:
                assert bias.shape == (2, 3 * units)
                input_bias, recurrent_bias = bias[0], bias[1]
            else:
                assert bias.shape == (3 * units,)
                input_bias, recurrent_bias = bias, None
            x_z, x_r, x_h = np.split(x[:, t] @ kernel + input_bias, 3, axis=-1)
            u_z, u_r, u_h = np.split(recurrent, 3, axis=-1)
            if cell.reset_after:
                h_z, h_r, h_h = np.split(h @ recurrent + recurrent_bias, 3, axis=-1)
                z, r = rec(x_z + h_z), rec(x_r + h_r)
                pre = x_h + r * h_h
            else:
                z, r = rec(x_z + h @ u_z), rec(x_r + h @ u_r)
                pre = x_h + (r * h) @ u_h
            new_h, new_c = z * h + (1 - z) * act(pre), c
        else:
            z = x[:, t] @ w["kernel"] + h @ w["recurrent_kernel"] + w.get("bias", 0.0)
            if isinstance(layer, layers.LSTM):
                rec = RNN_ACTIVATIONS[cell.recurrent_activation.__name__]
                z_i, z_f, pre, z_o = np.split(z, 4, axis=-1)
                new_c = rec(z_f) * c + rec(z_i) * act(pre)
                new_h = rec(z_o) * act(new_c)
            else:
                assert isinstance(layer, layers.SimpleRNN)
                pre = z
                new_h, new_c = act(z), c
        if mask is None:
            h, c, out = new_h, new_c, new_h
        else:
            keep = mask[:, t][:, None]
            out = np.where(keep, new_h, 0.0 if layer.zero_output_for_mask else h)
            h, c = np.where(keep, new_h, h), np.where(keep, new_c, c)
        fed.append(pre)
        outputs.append(out)
    out = np.stack(outputs, axis=1) if layer.return_sequences else outputs[-1]
    if final is not None:
        final.append((h, c))
    return out, np.stack(fed)


def bidirectional_reference(layer, x, mask=None):
    """A Bidirectional's output on ``x`` (N, T, F) with ``mask`` (N, T) or None, in numpy, as in
    keras/src/layers/rnn/bidirectional.py: ``forward_layer`` (the wrapped layer's config) and
    ``backward_layer`` (the same config with go_backwards, its own weights; get_weights() lists
    the forward layer's weights, then the backward layer's) each run on the input and mask
    (recurrent_reference); with return_sequences the backward output is flipped along time
    back into input order (its step t is then the backward state after input steps T - 1 down
    to t), without it the backward output is its last output (after input step 0); merged by
    ``merge_mode``: concat ``[forward, backward]`` on the last axis, sum, ave ``(forward +
    backward) / 2``, mul. Bidirectional sets both layers' ``zero_output_for_mask`` to their
    return_sequences (the spec's sub-layer configs say so): masked steps of a returned sequence
    are 0 in both directions. The fused backend paths (bidirectional_lstm, bidirectional_gru)
    raise NotImplementedError on the JAX CPU backend, and Keras runs the two layers."""
    fwd, bwd = layer.forward_layer, layer.backward_layer
    assert not fwd.go_backwards and bwd.go_backwards
    assert fwd.return_sequences == bwd.return_sequences == layer.return_sequences
    assert fwd.zero_output_for_mask == bwd.zero_output_for_mask == layer.return_sequences
    y = recurrent_reference(fwd, x, mask)[0]
    y_rev = recurrent_reference(bwd, x, mask)[0]
    if layer.return_sequences:
        y_rev = y_rev[:, ::-1]
    merge = {"concat": lambda a, b: np.concatenate([a, b], axis=-1), "sum": lambda a, b: a + b,
             "ave": lambda a, b: (a + b) / 2, "mul": lambda a, b: a * b}
    return merge[layer.merge_mode](y, y_rev)


RECURRENT_LAYERS = (layers.LSTM, layers.GRU, layers.SimpleRNN)


def sequence_reference(model, x):
    """The output of a Sequential of Embedding, Masking, recurrent, Bidirectional and
    GlobalAveragePooling1D layers on ``x``, in numpy (float64), Keras masks included, or None
    for a model with other layers. The mask: Embedding(mask_zero=True) masks the steps whose
    id is 0 (the output still holds the id-0 row of the table); Masking(mask_value=v) masks the
    steps whose features all equal v and outputs 0 there; a recurrent layer or Bidirectional
    uses it (recurrent_reference, bidirectional_reference) and passes it on with
    return_sequences (else no mask); GlobalAveragePooling1D with a mask averages over the
    unmasked steps only (``sum(where(mask, x, 0)) / count(mask)``), and passes no mask on."""
    mask = None
    for layer in model.layers:
        if isinstance(layer, layers.Embedding):
            ids = x.astype(np.int32)
            x = np.asarray(layer.embeddings.numpy(), np.float64)[ids]
            mask = (ids != 0) if layer.mask_zero else None
        elif isinstance(layer, layers.Masking):
            mask = np.any(x != layer.mask_value, axis=-1)
            x = np.where(mask[..., None], x, 0.0)
        elif isinstance(layer, RECURRENT_LAYERS):
            x = recurrent_reference(layer, x, mask)[0]
            mask = mask if layer.return_sequences else None
        elif isinstance(layer, layers.Bidirectional):
            x = bidirectional_reference(layer, x, mask)
            mask = mask if layer.return_sequences else None
        elif isinstance(layer, layers.GlobalAveragePooling1D):
            assert layer.data_format == "channels_last" and not layer.keepdims
            if mask is None:
                x = x.mean(axis=1)
            else:
                x = np.where(mask[..., None], x, 0.0).sum(axis=1) / mask.sum(axis=1)[:, None]
            mask = None
        else:
            return None
    return x


def nearest_relu_input(layer, x):
    """For a ReLU recurrent layer, the distance from 0 of the nearest pre-activation fed to the
    ReLU (an LSTM's candidate ``z_c``, a SimpleRNN's ``z``) on ``x``; None for other layers.
    An LSTM's carry ``c = f c + i relu(z_c)`` (from 0, f and i in (0, 1)) is never negative,
    so ``relu(c) = c`` for every weight and input: no kink there; c is exactly 0 only while
    every candidate of that unit so far was negative, and then every gradient path through it
    is multiplied by a zero value, so ReLU's derivative at 0 does not matter."""
    if not isinstance(layer, (layers.LSTM, layers.SimpleRNN)):
        return None
    if layer.cell.activation.__name__ != "relu":
        return None
    _, fed = recurrent_reference(layer, np.asarray(x, np.float64))
    return float(np.abs(fed).min())


def layer_reference(layer, x):
    """The output of the new single-layer cases' ``layer`` on ``x``, in numpy (float64), or None
    for layers checked elsewhere (or not at all)."""
    w = {v.name: np.asarray(v.numpy(), np.float64) for v in layer.weights}
    activation = {"relu": lambda v: np.maximum(v, 0.0), "linear": lambda v: v, "tanh": np.tanh}
    if isinstance(layer, layers.ReLU):
        top = x if layer.max_value is None else np.minimum(x, layer.max_value)
        return np.where(x > layer.threshold, top, layer.negative_slope * (x - layer.threshold))
    if isinstance(layer, layers.LeakyReLU):
        return np.where(x >= 0, x, layer.negative_slope * x)
    if isinstance(layer, layers.ELU):
        return np.where(x > 0, x, layer.alpha * np.expm1(np.minimum(x, 0.0)))
    if isinstance(layer, layers.Softmax):
        e = np.exp(x - x.max(axis=layer.axis, keepdims=True))
        return e / e.sum(axis=layer.axis, keepdims=True)
    if isinstance(layer, layers.PReLU):  # alpha broadcasts over the batch (and shared axes)
        return np.maximum(x, 0.0) + w["alpha"] * np.minimum(x, 0.0)
    if isinstance(layer, layers.LayerNormalization):
        assert layer.axis in ([-1], [x.ndim - 1]) and not layer.rms_scaling
        mean, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)  # biased
        y = (x - mean) / np.sqrt(var + layer.epsilon)
        return y * w.get("gamma", 1.0) + w.get("beta", 0.0)
    if isinstance(layer, layers.Embedding):  # ids cast to int32 (truncation)
        return w["embeddings"][x.astype(np.int32)]
    if isinstance(layer, layers.DepthwiseConv2D):
        y = conv_reference(x, depthwise_as_full_kernel(w["kernel"]), layer.strides, layer.padding,
                           layer.dilation_rate) + w.get("bias", 0.0)
        return activation[layer.activation.__name__](y)
    if isinstance(layer, layers.SeparableConv2D):
        y = conv_reference(x, depthwise_as_full_kernel(w["depthwise_kernel"]), layer.strides,
                           layer.padding, layer.dilation_rate)
        y = y @ w["pointwise_kernel"][0, 0] + w.get("bias", 0.0)
        return activation[layer.activation.__name__](y)
    if isinstance(layer, layers.Conv1D):  # "causal": dilation * (k - 1) zeros before, "valid"
        (k,), (d,) = layer.kernel_size, layer.dilation_rate
        xp = np.pad(x, ((0, 0), (d * (k - 1), 0), (0, 0))) if layer.padding == "causal" else x
        y = conv_reference(xp[:, :, None, :], grouped_as_full_kernel(w["kernel"], layer.groups)[:, None],
                           layer.strides + (1,),
                           "valid", layer.dilation_rate + (1,))[:, :, 0, :]
        return activation[layer.activation.__name__](y + w.get("bias", 0.0))
    if isinstance(layer, layers.Conv2DTranspose):
        # Scatter every input pixel times kernel[a, b] (F, C) to (i s + a, j s + b); "same" keeps
        # in * s of the (in - 1) s + k positions, dropping floor((k - s) / 2) before.
        kernel = w["kernel"]
        (kh, kw), (sh, sw) = kernel.shape[:2], layer.strides
        n, h, wd, _ = x.shape
        full = np.zeros((n, (h - 1) * sh + kh, (wd - 1) * sw + kw, kernel.shape[2]))
        for i, j, a, b in np.ndindex(h, wd, kh, kw):
            full[:, i * sh + a, j * sw + b] += x[:, i, j] @ kernel[a, b].T
        assert layer.padding == "same" and layer.output_padding is None
        top, left = (kh - sh) // 2, (kw - sw) // 2
        y = full[:, top:top + h * sh, left:left + wd * sw] + w.get("bias", 0.0)
        return activation[layer.activation.__name__](y)
    if isinstance(layer, layers.UpSampling2D):
        if layer.interpolation != "nearest":
            return None  # jax.image.resize's kernels: jax.grad alone is the reference
        return np.repeat(np.repeat(x, layer.size[0], axis=1), layer.size[1], axis=2)
    if isinstance(layer, layers.Cropping2D):
        (t, b), (left, r) = layer.cropping
        return x[:, t:x.shape[1] - b, left:x.shape[2] - r]
    if isinstance(layer, layers.Permute):
        return x.transpose((0,) + tuple(layer.dims))
    if isinstance(layer, layers.RepeatVector):
        return np.repeat(x[:, None, :], layer.n, axis=1)
    if isinstance(layer, RECURRENT_LAYERS):
        return recurrent_reference(layer, x)[0]
    if isinstance(layer, layers.Bidirectional):
        return bidirectional_reference(layer, x)
    return None


def zero_some_steps(rng, x):
    """``x`` (N, T, F) with, per sample, one or two whole time steps (their count, then the
    steps without repetition, drawn from ``rng`` sample by sample) set exactly to 0.0."""
    x = x.copy()
    for i in range(len(x)):
        count = int(rng.integers(1, 3))
        x[i, rng.choice(x.shape[1], size=count, replace=False)] = 0.0
    return x


def write_grad_case(case):
    rng = fresh_session("gradients/" + case.name)
    model = case.build()
    weights = randomize(model, rng)
    def draw_ids():
        return [rng.integers(0, case.ids, (case.batch,) + tuple(s)).astype(np.float32)
                for s in case.inputs]

    draws = 1
    if case.ids:
        xs = draw_ids()
        # Keras masks: no sample may be entirely masked (all ids 0).
        while case.masked == "ids" and any(np.any(np.all(x == 0, axis=1)) for x in xs):
            xs = draw_ids()
            draws += 1
    elif case.distinct:
        xs = [distinct_values(rng, (case.batch,) + tuple(s), case.shift) for s in case.inputs]
    else:
        xs = [rng.normal(0.0, 1.0, (case.batch,) + tuple(s)).astype(np.float32) for s in case.inputs]
        if case.masked == "zero_steps":
            xs = [zero_some_steps(rng, x) for x in xs]
    if len(model.layers) == 1 and nearest_relu_input(model.layers[0], xs[0]) is not None:
        assert case.kink_margin, (case.name, "a ReLU recurrent case needs kink_margin")
        while nearest_relu_input(model.layers[0], xs[0]) <= case.kink_margin:
            xs = [rng.normal(0.0, 1.0, (case.batch,) + tuple(s)).astype(np.float32)
                  for s in case.inputs]
            draws += 1
    if case.reference is not None and case.kink_margin:
        def nearest_kink():
            relu_inputs = case.reference(model, weights, [np.asarray(x, np.float64) for x in xs])[2]
            return float(np.abs(relu_inputs).min())

        while nearest_kink() <= case.kink_margin:
            xs = [rng.normal(0.0, 1.0, (case.batch,) + tuple(s)).astype(np.float32)
                  for s in case.inputs]
            draws += 1

    trainable = list(model.trainable_weights)
    state = list(model.non_trainable_variables)  # seed generator states included
    assert trainable == list(model.trainable_variables)
    trainable_indices = variable_indices(model, trainable)
    state_indices = variable_indices(model, [v for v, i in zip(state, state_slots(model))
                                             if i is not None])
    assert sorted(trainable_indices + state_indices) == list(range(len(weights)))
    # BatchNormalization anywhere, nested models included: state_after is written.
    has_bn = any(isinstance(layer, layers.BatchNormalization) for layer in leaf_layers(model))
    moving = moving_statistics(model)

    tv = [jnp.asarray(v.value) for v in trainable]
    ntv = [jnp.asarray(v.value) for v in state]
    shapes, _ = model.stateless_call(tv, ntv, pack_inputs(model, xs), training=True)
    ups = [rng.normal(0.0, 1.0, tuple(o.shape)).astype(np.float32) for o in keras.tree.flatten(shapes)]

    def loss_fn(tv, xs):
        outs, new_ntv = model.stateless_call(tv, ntv, pack_inputs(model, xs), training=True)
        outs = keras.tree.flatten(outs)
        loss = sum(jnp.sum(o * u) for o, u in zip(outs, ups))
        return loss, (outs, new_ntv)

    # Token ids (cast to int32 by the model) have no gradient: only the weights are differentiated.
    argnums = (0, 1) if case.input_gradient else (0,)
    grad_fn = jax.value_and_grad(loss_fn, argnums=argnums, has_aux=True)
    (loss, (outs, new_ntv)), grads = grad_fn(tv, [jnp.asarray(x) for x in xs])
    g_tv, g_x = grads[0], (grads[1] if case.input_gradient else [])
    outs = [np.asarray(o, np.float32) for o in outs]
    g_tv = [np.asarray(g, np.float32) for g in g_tv]
    g_x = [np.asarray(g, np.float32) for g in g_x]
    new_ntv = [np.asarray(v) for v in new_ntv]  # float32, or uint32 seed states
    for a in outs + g_tv + g_x:
        assert np.all(np.isfinite(a)), case.name
    assert len(outs) == len(model.outputs) and len(g_tv) == len(trainable)

    # Finite-difference check of the whole gradient along one random direction.
    check = np.random.default_rng(seed_of("check/" + case.name))
    d_tv = [check.normal(size=t.shape).astype(np.float32) for t in tv]
    if case.input_gradient:
        d_x = [check.normal(size=x.shape).astype(np.float32) for x in xs]
    else:
        d_x = [np.zeros_like(x) for x in xs]
    if case.masked == "zero_steps":
        # Moving a masked (all-zero) step off 0 would unmask it: the direction is 0 there.
        d_x = [d * np.any(x != 0, axis=-1, keepdims=True) for d, x in zip(d_x, xs)]
    eps = 1e-3

    def shifted(sign):
        return float(loss_fn([t + sign * eps * d for t, d in zip(tv, d_tv)],
                             [x + sign * eps * d for x, d in zip(xs, d_x)])[0])

    numeric = (shifted(1) - shifted(-1)) / (2 * eps)
    analytic = sum(float(np.sum(g.astype(np.float64) * d)) for g, d in zip(g_tv + g_x, d_tv + d_x))
    assert abs(numeric - analytic) <= 2e-3 * (1 + abs(analytic) + abs(float(loss))), (
        case.name, numeric, analytic)

    # A plain training call gives the same output and the same state update.
    plain = keras.tree.flatten(model(pack_inputs(model, xs), training=True))
    for p, o in zip(plain, outs):
        assert np.allclose(np.asarray(p), o, rtol=1e-6, atol=1e-6), case.name
    for v, n in zip(model.non_trainable_variables, new_ntv):
        assert np.allclose(np.asarray(v.value), n, rtol=1e-6, atol=1e-6), case.name
    if len(model.layers) == 1 and isinstance(model.layers[0], POOLING_LAYERS):
        check_pooling(model, xs[0], outs, ups[0], g_x)
    if len(model.layers) == 1:
        expected = layer_reference(model.layers[0], np.asarray(xs[0], np.float64))
        nearest = nearest_relu_input(model.layers[0], np.asarray(xs[0], np.float64))
        if nearest is not None:
            assert nearest > case.kink_margin, (case.name, "ReLU input near its kink", nearest)
            print(f"  gradient {case.name}: inputs drawn {draws} times; nearest ReLU input "
                  f"to 0: {nearest:.4f}")
    else:  # the masked recurrent cases
        expected = sequence_reference(model, np.asarray(xs[0], np.float64))
    if any(isinstance(layer, RECURRENT_LAYERS + (layers.Bidirectional,)) for layer in model.layers):
        # A layer's or sequence's replay, or the case's own for the whole model (checked below).
        assert expected is not None or case.reference is not None, (case.name, "no numpy replay")
    if expected is not None:
        assert np.allclose(outs[0], expected, rtol=1e-4, atol=1e-5), (case.name, "numpy output")
    if case.masked == "ids":
        print(f"  gradient {case.name}: ids drawn {draws} times; "
              f"{int(np.sum(xs[0] == 0))} of {xs[0].size} steps masked")
    if case.masked == "zero_steps":
        masked = np.all(xs[0] == 0, axis=-1)
        assert np.all(masked.sum(axis=1) >= 1) and np.all(masked.sum(axis=1) <= 2), case.name
        # Masking outputs 0 on a masked step (where(mask, x, 0)): no gradient reaches it.
        assert np.all(g_x[0][masked] == 0), (case.name, "gradient on a masked step")
        assert np.all(g_x[0][~masked] != 0), (case.name, "no gradient on an unmasked step")
    if has_bn and isinstance(model.layers[0], layers.BatchNormalization) and len(model.layers) == 1:
        check_bn(model, xs[0], outs, new_ntv, [np.asarray(v) for v in ntv])
    # The training call updates exactly the moving statistics of the trainable BatchNormalization
    # layers (nested ones included); every other non-trainable value (a frozen layer's weights, a
    # frozen BatchNormalization's moving statistics, a seed state) stays as it was.
    for v, old, new in zip(state, ntv, new_ntv):
        if id(v) in moving:
            assert not np.array_equal(np.asarray(old), new), (case.name, v.path, "not updated")
        else:
            assert np.array_equal(np.asarray(old), new), (case.name, v.path, "changed")
    if has_bn:  # state_after_NN is new_ntv[NN], the weight state_indices[NN]
        assert None not in state_slots(model), case.name
    if case.reference is not None:
        xs64 = [np.asarray(x, np.float64) for x in xs]
        expected_outs, expected_state, relu_inputs = case.reference(model, weights, xs64)
        assert len(expected_outs) == len(outs), case.name
        for o, e in zip(outs, expected_outs):
            assert np.allclose(o, e, rtol=1e-4, atol=1e-5), (case.name, "numpy replay output")
        slots = state_slots(model)
        assert sorted(expected_state) == sorted(slots[k] for k, v in enumerate(state)
                                                if id(v) in moving), case.name
        for index, value in expected_state.items():
            new = new_ntv[slots.index(index)]
            assert np.allclose(new, value, rtol=1e-5, atol=1e-6), (case.name, "moving statistics")
        if relu_inputs is not None:
            nearest = float(np.abs(relu_inputs).min())
            assert case.kink_margin and nearest > case.kink_margin, (case.name, nearest)
            print(f"  gradient {case.name}: inputs drawn {draws} times; nearest ReLU input "
                  f"to 0: {nearest:.4f}")

    folder = os.path.join(GRADIENTS_DIR, case.name)
    spec = write_spec(folder, model)
    arrays = (numbered("input", xs)
              + [(f"weights_{i:02d}", fc.f4(w)) for i, w in enumerate(weights)]
              + numbered("upstream", ups)
              + numbered("output", outs)
              + numbered("input_gradient", g_x)
              + [(f"gradient_{i:02d}", fc.f4(g)) for i, g in enumerate(g_tv)])
    if has_bn:
        arrays += [(f"state_after_{i:02d}", fc.f4(v)) for i, v in enumerate(new_ntv)]
    fc.save_arrays(folder, arrays)

    entry = {
        "case": case.name,
        "model": model_class_name(model),
        "input_shapes": [list(x.shape) for x in xs],
        "output_shapes": [list(o.shape) for o in outs],
        "weights": [[v.name, list(v.shape), bool(v.trainable)] for v in model.weights],
        "trainable_indices": trainable_indices,
        "state_indices": state_indices,
        "has_state_after": has_bn,
        "input_gradient": case.input_gradient,
        "loss": LOSS_TEXT,
    }
    return entry, spec


# ----------------------------------------------------------------------------
# Fit cases
# ----------------------------------------------------------------------------


class FitCase:
    """``build()`` the model, ``make_y(x, rng)`` the targets (a list in outputs
    order), ``loss()``/``optimizer()`` the objects passed to compile, and
    ``loss_text``/``optimizer_text`` those expressions as written;
    ``noise_weights`` the get_weights() indices whose exact gradient is 0 (checked
    loosely against the replay), ``notes`` a remark for training.json, ``metrics``
    the metric names passed to compile, ``validation_split`` that argument of fit,
    ``make_x(rng)`` the inputs when not N(0, 1). ``input_shape`` is one shape (without batch),
    or a list of them in ``model.inputs`` order for a multi-input model; ``make_y`` then gets
    the inputs flattened and concatenated along the last axis. ``epochs`` the epochs asked
    of fit; ``early_stopping`` the keyword arguments of a ``keras.callbacks.EarlyStopping``
    passed to fit (monitor, patience, min_delta, restore_best_weights), or None;
    ``sample_weight(features, rng)`` the per-sample weights passed to fit, or None;
    ``class_weight`` the ``{class: weight}`` passed to fit, or None; ``weighted_metrics`` the
    names passed to compile's ``weighted_metrics``."""

    def __init__(self, name, build, input_shape, make_y, loss, loss_text, optimizer,
                 optimizer_text, loss_weights=None, noise_weights=(), notes=None,
                 metrics=(), validation_split=0.0, make_x=None, epochs=FIT_EPOCHS,
                 early_stopping=None, sample_weight=None, class_weight=None, weighted_metrics=()):
        self.name, self.build, self.make_y = name, build, make_y
        self.input_shapes = list(input_shape) if isinstance(input_shape, list) else [input_shape]
        self.make_x = make_x
        self.loss, self.loss_text = loss, loss_text
        self.optimizer, self.optimizer_text = optimizer, optimizer_text
        self.loss_weights = loss_weights
        self.noise_weights, self.notes = noise_weights, notes
        self.metrics, self.validation_split = list(metrics), validation_split
        self.epochs, self.early_stopping = epochs, early_stopping
        self.sample_weight, self.class_weight = sample_weight, class_weight
        self.weighted_metrics = list(weighted_metrics)

    def callbacks_json(self):
        """The callbacks passed to fit (besides the batch-log recorder), as training.json
        lists them."""
        if not self.early_stopping:
            return []
        return [{"class_name": "EarlyStopping", **self.early_stopping}]


FIT_CASES = []


def add_fit(case):
    assert case.name not in {c.name for c in FIT_CASES}, case.name
    FIT_CASES.append(case)


def teacher(x, rng, units):
    """A fixed random linear map of ``x`` (the targets' source; images are flattened)."""
    x = x.reshape(len(x), -1)
    w = rng.normal(0.0, 1.0 / np.sqrt(x.shape[1]), (x.shape[1], units))
    return x.astype(np.float64) @ w


def one_hot_y(x, rng, classes):
    ids = np.argmax(teacher(x, rng, classes) + rng.normal(0.0, 0.3, (len(x), classes)), axis=1)
    return np.eye(classes, dtype=np.float32)[ids]


def sequence_one_hot_y(x, rng, steps, classes):
    """One-hot rows per step, (N, steps, classes): a noisy teacher's argmax at each step."""
    logits = teacher(x, rng, steps * classes) + rng.normal(0.0, 0.3, (len(x), steps * classes))
    ids = np.argmax(logits.reshape(len(x), steps, classes), axis=-1)
    return np.eye(classes, dtype=np.float32)[ids]


def regression_y(x, rng, units=1):
    return (np.tanh(teacher(x, rng, units)) * 2.0
            + rng.normal(0.0, 0.1, (len(x), units))).astype(np.float32)


def soft_y(x, rng, classes):
    """Probability rows: softmax of noisy teacher logits."""
    logits = 2.0 * teacher(x, rng, classes) + rng.normal(0.0, 0.5, (len(x), classes))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def direction_y(x, rng, units):
    """Target directions for the cosine-similarity loss: a noisy teacher output."""
    return (teacher(x, rng, units) + rng.normal(0.0, 0.3, (len(x), units))).astype(np.float32)


def binary_y(x, rng):
    return (teacher(x, rng, 1) + rng.normal(0.0, 0.3, (len(x), 1)) > 0).astype(np.float32)


def sparse_y(x, rng, classes):
    return np.argmax(one_hot_y(x, rng, classes), axis=1).astype(np.float32)


def mlp_bn(name):
    def build():
        return keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16), layers.BatchNormalization(),
                                 layers.Activation("relu"), layers.Dense(3, activation="softmax")],
                                name=name)
    return build


def regression(name, first=dict, second=dict):
    """``first()``/``second()``: extra keyword arguments of the two Dense layers (regularizers,
    constraints), made afresh for each build."""
    def build():
        return keras.Sequential([keras.Input(shape=(5,)),
                                 layers.Dense(8, activation="tanh", **first()),
                                 layers.Dense(1, **second())], name=name)
    return build


def small_classifier(name, units, activation=None, first=dict, second=dict):
    """``first()``/``second()`` as in ``regression``."""
    def build():
        return keras.Sequential([keras.Input(shape=(6,)),
                                 layers.Dense(8, activation="relu", **first()),
                                 layers.Dense(units, activation=activation, **second())],
                                name=name)
    return build


def small_regression(name, units=3):
    def build():
        return keras.Sequential([keras.Input(shape=(5,)), layers.Dense(8, activation="tanh"),
                                 layers.Dense(units)], name=name)
    return build


def mlp_dropout(name):
    def build():
        return keras.Sequential([keras.Input(shape=(8,)), layers.Dense(16, activation="relu"),
                                 layers.Dropout(0.0), layers.Dense(3, activation="softmax")],
                                name=name)
    return build


def small_cnn(name):
    def build():
        return keras.Sequential([keras.Input(shape=(8, 8, 1)),
                                 layers.Conv2D(4, 3, activation="relu", padding="same"),
                                 layers.MaxPooling2D(2),
                                 layers.Conv2D(6, 3, strides=2, padding="valid"),
                                 layers.BatchNormalization(), layers.Activation("relu"),
                                 layers.GlobalAveragePooling2D(),
                                 layers.Dense(3, activation="softmax")], name=name)
    return build


def small_cnn_regression(name):
    def build():
        return keras.Sequential([keras.Input(shape=(6, 6, 2)),
                                 layers.Conv2D(3, 2, padding="valid", use_bias=False),
                                 layers.AveragePooling2D(2, padding="same"), layers.Flatten(),
                                 layers.Dense(2)], name=name)
    return build


def tiny_mobilenet(name):
    def build():
        return keras.Sequential([keras.Input(shape=(8, 8, 3)),
                                 layers.Conv2D(4, 3, strides=2, padding="same", use_bias=False),
                                 layers.BatchNormalization(), layers.ReLU(6.0),
                                 layers.DepthwiseConv2D(3, padding="same", use_bias=False),
                                 layers.BatchNormalization(), layers.ReLU(6.0),
                                 layers.Conv2D(6, 1, use_bias=False),
                                 layers.BatchNormalization(), layers.GlobalAveragePooling2D(),
                                 layers.Dense(3, activation="softmax")], name=name)
    return build


TEXT_VOCABULARY = 20


def text_embedding(name):
    def build():
        return keras.Sequential([keras.Input(shape=(6,), dtype="int32"),
                                 layers.Embedding(TEXT_VOCABULARY, 4),
                                 layers.GlobalAveragePooling1D(),
                                 layers.Dense(2, activation="softmax")], name=name)
    return build


def text_ids(rng, vocabulary=TEXT_VOCABULARY):
    """70 rows of 6 token ids in [0, vocabulary), as float32."""
    return rng.integers(0, vocabulary, (FIT_SAMPLES, 6)).astype(np.float32)


def text_y(x, rng, below=5):
    """Class 1 when at least two of the row's ids are below ``below``, else 0 (a threshold on a
    linear function of the id counts, so the average of the embeddings can separate it)."""
    return (np.sum(x < below, axis=1) >= 2).astype(np.float32)


LSTM_TEXT_VOCABULARY = 12


def lstm_text(name):
    def build():
        return keras.Sequential([keras.Input(shape=(6,), dtype="int32"),
                                 layers.Embedding(LSTM_TEXT_VOCABULARY, 4), layers.LSTM(5),
                                 layers.Dense(2, activation="softmax")], name=name)
    return build


def masked_text_ids(rng, vocabulary=LSTM_TEXT_VOCABULARY):
    """70 rows of 6 token ids, as float32, with padding for ``mask_zero``: ids uniform in
    [1, vocabulary); then each row keeps its first L ids, L uniform in {2, ..., 6}, and the rest
    become 0 (trailing zeros), and every kept id but the first becomes 0 with probability 0.2
    (scattered zeros); the first id of every row is never 0, so no row is entirely masked."""
    ids = rng.integers(1, vocabulary, (FIT_SAMPLES, 6))
    lengths = rng.integers(2, 7, FIT_SAMPLES)
    ids[np.arange(6)[None, :] >= lengths[:, None]] = 0
    scattered = rng.random((FIT_SAMPLES, 6)) < 0.2
    scattered[:, 0] = False
    ids[scattered] = 0
    return ids.astype(np.float32)


def masked_text_y(x, rng, below=3):
    """Class 1 when some id of the row other than 0 (the padding) is below ``below``, else 0."""
    return np.any((x > 0) & (x < below), axis=1).astype(np.float32)


def additive_attention_text_masked(name):
    """Padded token ids -> Embedding(mask_zero=True) -> AdditiveAttention()([x, x]) (the
    embedding's mask as its query and value masks: masked key steps get 1e9 subtracted, masked
    query steps output zeros) -> GlobalAveragePooling1D (masked) -> Dense(2, softmax)."""
    def build():
        ids = keras.Input(shape=(6,), dtype="int32")
        x = layers.Embedding(LSTM_TEXT_VOCABULARY, 4, mask_zero=True)(ids)
        x = layers.AdditiveAttention()([x, x])
        x = layers.GlobalAveragePooling1D()(x)
        return keras.Model(ids, layers.Dense(2, activation="softmax")(x), name=name)
    return build


def attention_text_masked(name):
    """Padded token ids -> Embedding(mask_zero=True) -> MultiHeadAttention(x, x) (Keras turns
    the embedding's mask into the query and value masks) -> GlobalAveragePooling1D (masked) ->
    Dense(2, softmax)."""
    def build():
        ids = keras.Input(shape=(6,), dtype="int32")
        x = layers.Embedding(LSTM_TEXT_VOCABULARY, 4, mask_zero=True)(ids)
        x = layers.MultiHeadAttention(num_heads=2, key_dim=2)(x, x)
        x = layers.GlobalAveragePooling1D()(x)
        return keras.Model(ids, layers.Dense(2, activation="softmax")(x), name=name)
    return build


def gru_text_masked(name):
    def build():
        return keras.Sequential([keras.Input(shape=(6,), dtype="int32"),
                                 layers.Embedding(LSTM_TEXT_VOCABULARY, 4, mask_zero=True),
                                 layers.GRU(5), layers.Dense(2, activation="softmax")], name=name)
    return build


def bidirectional_lstm_text(name):
    def build():
        return keras.Sequential([keras.Input(shape=(6,), dtype="int32"),
                                 layers.Embedding(LSTM_TEXT_VOCABULARY, 4, mask_zero=True),
                                 layers.Bidirectional(layers.LSTM(3)),
                                 layers.Dense(2, activation="softmax")], name=name)
    return build


def layernorm_mlp(name):
    def build():
        return keras.Sequential([keras.Input(shape=(6,)), layers.Dense(8),
                                 layers.LayerNormalization(), layers.Activation("gelu"),
                                 layers.Dense(1)], name=name)
    return build


def normalized_mlp(name):
    """keras.io's preprocessing-in-the-model style: a Normalization layer with known statistics,
    then Dense layers separated by RMSNormalization and GroupNormalization."""
    def build():
        return keras.Sequential([keras.Input(shape=(6,)),
                                 layers.Normalization(mean=[0.5] * 6, variance=[2.0] * 6),
                                 layers.Dense(8), layers.RMSNormalization(), layers.Activation("relu"),
                                 layers.Reshape((2, 4)), layers.GroupNormalization(groups=2),
                                 layers.Flatten(), layers.UnitNormalization(),
                                 layers.Dense(3, activation="softmax")], name=name)
    return build


def ops_regression(name):
    """A Functional model with ``keras.ops`` between its layers, as keras.io's newer examples
    write them: a SiLU by hand (``h * ops.sigmoid(h)``), a residual sum with a scaled branch,
    and a mean over groups of features."""
    def build():
        x = keras.Input(shape=(5,))
        h = layers.Dense(8)(x)
        h = h * ops.sigmoid(h)
        h = h + 0.5 * layers.Dense(8)(ops.tanh(h))
        h = ops.mean(ops.reshape(h, (-1, 2, 4)), axis=1)
        return keras.Model(x, layers.Dense(1)(h), name=name)
    return build


def regularized_cnn(name):
    def build():
        return keras.Sequential([keras.Input(shape=(6, 6, 1)),
                                 layers.Conv2D(3, 3, kernel_regularizer=keras.regularizers.L2(0.01),
                                               kernel_constraint=keras.constraints.MaxNorm(
                                                   1.0, axis=[0, 1, 2])),
                                 layers.GlobalAveragePooling2D(),
                                 layers.Dense(2, activation="softmax",
                                              bias_regularizer=keras.regularizers.L2(0.1))],
                                name=name)
    return build


def bn_regularized(name):
    def build():
        return keras.Sequential([keras.Input(shape=(4,)), layers.Dense(6),
                                 layers.BatchNormalization(
                                     gamma_regularizer=keras.regularizers.L2(0.05),
                                     beta_regularizer=keras.regularizers.L1(0.01)),
                                 layers.Activation("relu"), layers.Dense(1)], name=name)
    return build


def two_outputs_fit(name):
    def build():
        x = keras.Input(shape=(6,), name="features")
        h = layers.Dense(8, activation="relu")(x)
        cls = layers.Dense(3, activation="softmax", name="cls")(h)
        reg = layers.Dense(1, name="reg")(h)
        return keras.Model(x, [cls, reg], name=name)
    return build


def shared_two_outputs(name):
    """Two (5,) inputs through one shared Dense(6, tanh); their sum feeds a regression head,
    their concatenation a 3-class softmax head."""
    def build():
        a, b = keras.Input(shape=(5,), name="a"), keras.Input(shape=(5,), name="b")
        shared = layers.Dense(6, activation="tanh", name="shared")
        ha, hb = shared(a), shared(b)
        out_sum = layers.Dense(1, name="sum_head")(layers.Add()([ha, hb]))
        out_cls = layers.Dense(3, activation="softmax", name="cls_head")(
            layers.Concatenate()([ha, hb]))
        return keras.Model([a, b], [out_sum, out_cls], name=name)
    return build


def transfer_classifier(name, base_trainable):
    """``transfer_head`` (the keras.io transfer-learning recipe: the nested "base" called with
    ``training=False``) on a (6, 6, 2) input with a Dense(3, softmax) head; the base frozen
    (``base.trainable = False``) or fine-tuned (``base.trainable = True``)."""
    def build():
        inputs = keras.Input(shape=(6, 6, 2))
        outputs = transfer_head(inputs, 3, "softmax", base_trainable=base_trainable)
        return keras.Model(inputs, outputs, name=name)
    return build


BIAS_BEFORE_BN_NOTE = (
    "weights_01 (dense/bias) feeds BatchNormalization, so its exact gradient is 0 and Keras's "
    "float32 gradient is rounding noise; Adam divides by sqrt(v) + 1e-7 and turns that noise into "
    "steps of up to ~learning_rate, so weights_after_01 is not reproducible (an independent replay "
    "of this fit differs there by up to 6e-4, everywhere else by < 1e-5): compare it loosely or not at all.")

add_fit(FitCase("mlp_bn_sgd_momentum", mlp_bn("mlp_bn_sgd_momentum"), (8,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                "keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)"))
add_fit(FitCase("mlp_bn_adam", mlp_bn("mlp_bn_adam"), (8,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(learning_rate=0.01),
                "keras.optimizers.Adam(learning_rate=0.01)",
                noise_weights=(1,), notes=BIAS_BEFORE_BN_NOTE))
add_fit(FitCase("regression_sgd_nesterov", regression("regression_sgd_nesterov"), (5,),
                lambda x, rng: [regression_y(x, rng)],
                lambda: "mean_squared_error", '"mean_squared_error"',
                lambda: keras.optimizers.SGD(learning_rate=0.02, momentum=0.8, nesterov=True),
                "keras.optimizers.SGD(learning_rate=0.02, momentum=0.8, nesterov=True)"))
add_fit(FitCase("regression_mae_sgd", regression("regression_mae_sgd"), (5,),
                lambda x, rng: [regression_y(x, rng)],
                lambda: "mean_absolute_error", '"mean_absolute_error"',
                lambda: keras.optimizers.SGD(learning_rate=0.05),
                "keras.optimizers.SGD(learning_rate=0.05)"))
add_fit(FitCase("binary_logits_adam", small_classifier("binary_logits_adam", 1), (6,),
                lambda x, rng: [binary_y(x, rng)],
                lambda: keras.losses.BinaryCrossentropy(from_logits=True),
                "keras.losses.BinaryCrossentropy(from_logits=True)",
                lambda: keras.optimizers.Adam(learning_rate=0.005),
                "keras.optimizers.Adam(learning_rate=0.005)"))
add_fit(FitCase("binary_sigmoid_adam", small_classifier("binary_sigmoid_adam", 1, "sigmoid"), (6,),
                lambda x, rng: [binary_y(x, rng)],
                lambda: "binary_crossentropy", '"binary_crossentropy"',
                lambda: keras.optimizers.Adam(learning_rate=0.005),
                "keras.optimizers.Adam(learning_rate=0.005)"))
add_fit(FitCase("sparse_logits_sgd", small_classifier("sparse_logits_sgd", 4), (6,),
                lambda x, rng: [sparse_y(x, rng, 4)],
                lambda: keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
                lambda: keras.optimizers.SGD(learning_rate=0.1),
                "keras.optimizers.SGD(learning_rate=0.1)"))
add_fit(FitCase("huber_adam", regression("huber_adam"), (5,),
                lambda x, rng: [regression_y(x, rng)],
                lambda: keras.losses.Huber(delta=1.0), "keras.losses.Huber(delta=1.0)",
                lambda: keras.optimizers.Adam(learning_rate=0.01),
                "keras.optimizers.Adam(learning_rate=0.01)"))
add_fit(FitCase("two_outputs_adam", two_outputs_fit("two_outputs_adam"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3), regression_y(x, rng)],
                lambda: {"cls": "categorical_crossentropy", "reg": "mse"},
                '{"cls": "categorical_crossentropy", "reg": "mse"}',
                lambda: keras.optimizers.Adam(learning_rate=0.01),
                "keras.optimizers.Adam(learning_rate=0.01)",
                loss_weights={"cls": 1.0, "reg": 0.5}))

# More optimizers, gradient clipping, learning-rate schedules.
add_fit(FitCase("rmsprop_momentum_centered", regression("rmsprop_momentum_centered"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
                "keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True)"))
add_fit(FitCase("rmsprop_default", small_classifier("rmsprop_default", 3, "softmax"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.RMSprop(0.01), "keras.optimizers.RMSprop(0.01)"))
add_fit(FitCase("adagrad", regression("adagrad"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.Adagrad(learning_rate=0.1),
                "keras.optimizers.Adagrad(learning_rate=0.1)"))
add_fit(FitCase("adamw", small_classifier("adamw", 3, "softmax"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.05),
                "keras.optimizers.AdamW(learning_rate=0.01, weight_decay=0.05)"))
add_fit(FitCase("sgd_clipnorm", regression("sgd_clipnorm"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.1, clipnorm=0.5),
                "keras.optimizers.SGD(0.1, clipnorm=0.5)"))
add_fit(FitCase("adam_global_clipnorm", small_classifier("adam_global_clipnorm", 3, "softmax"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.01, global_clipnorm=0.3),
                "keras.optimizers.Adam(0.01, global_clipnorm=0.3)"))
add_fit(FitCase("sgd_clipvalue", regression("sgd_clipvalue"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.1, momentum=0.9, clipvalue=0.05),
                "keras.optimizers.SGD(0.1, momentum=0.9, clipvalue=0.05)"))
add_fit(FitCase("sgd_exponential_decay", regression("sgd_exponential_decay"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay(
                    0.1, decay_steps=3, decay_rate=0.5, staircase=False)),
                "keras.optimizers.SGD(learning_rate=keras.optimizers.schedules.ExponentialDecay("
                "0.1, decay_steps=3, decay_rate=0.5, staircase=False))"))
add_fit(FitCase("adam_cosine_decay", small_classifier("adam_cosine_decay", 3, "softmax"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(learning_rate=keras.optimizers.schedules.CosineDecay(
                    0.02, decay_steps=7, alpha=0.1)),
                "keras.optimizers.Adam(learning_rate=keras.optimizers.schedules.CosineDecay("
                "0.02, decay_steps=7, alpha=0.1))"))

# More losses and metrics.
add_fit(FitCase("logcosh_sgd", regression("logcosh_sgd"), (5,),
                lambda x, rng: [regression_y(x, rng)],
                lambda: keras.losses.LogCosh(), "keras.losses.LogCosh()",
                lambda: keras.optimizers.SGD(0.1), "keras.optimizers.SGD(0.1)"))
add_fit(FitCase("kld_adam", small_classifier("kld_adam", 3, "softmax"), (6,),
                lambda x, rng: [soft_y(x, rng, 3)],
                lambda: keras.losses.KLDivergence(), "keras.losses.KLDivergence()",
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)"))
add_fit(FitCase("cosine_similarity_sgd", small_regression("cosine_similarity_sgd", 3), (5,),
                lambda x, rng: [direction_y(x, rng, 3)],
                lambda: keras.losses.CosineSimilarity(axis=-1),
                "keras.losses.CosineSimilarity(axis=-1)",
                lambda: keras.optimizers.SGD(0.1), "keras.optimizers.SGD(0.1)"))
add_fit(FitCase("categorical_logits_smoothing", small_classifier("categorical_logits_smoothing", 3),
                (6,), lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
                "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)",
                lambda: keras.optimizers.SGD(0.1), "keras.optimizers.SGD(0.1)"))
add_fit(FitCase("binary_smoothing_metrics",
                small_classifier("binary_smoothing_metrics", 1, "sigmoid"), (6,),
                lambda x, rng: [binary_y(x, rng)],
                lambda: keras.losses.BinaryCrossentropy(label_smoothing=0.2),
                "keras.losses.BinaryCrossentropy(label_smoothing=0.2)",
                lambda: keras.optimizers.Adam(0.005), "keras.optimizers.Adam(0.005)",
                metrics=["accuracy"]))
add_fit(FitCase("classifier_metrics_validation",
                small_classifier("classifier_metrics_validation", 3, "softmax"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)",
                metrics=["accuracy", "mae"], validation_split=0.2))
add_fit(FitCase("sparse_probabilities_metrics",
                small_classifier("sparse_probabilities_metrics", 4, "softmax"), (6,),
                lambda x, rng: [sparse_y(x, rng, 4)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.SGD(0.1), "keras.optimizers.SGD(0.1)",
                metrics=["accuracy"]))

# More architectures.
add_fit(FitCase("mlp_dropout_zero", mlp_dropout("mlp_dropout_zero"), (8,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.SGD(0.05, momentum=0.9),
                "keras.optimizers.SGD(0.05, momentum=0.9)"))
add_fit(FitCase("small_cnn_sgd", small_cnn("small_cnn_sgd"), (8, 8, 1),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.SGD(0.05, momentum=0.9),
                "keras.optimizers.SGD(0.05, momentum=0.9)"))
add_fit(FitCase("small_cnn_adam", small_cnn_regression("small_cnn_adam"), (6, 6, 2),
                lambda x, rng: [regression_y(x, rng, 2)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)"))
add_fit(FitCase("tiny_mobilenet_adam", tiny_mobilenet("tiny_mobilenet_adam"), (8, 8, 3),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)"))
add_fit(FitCase("text_embedding_sgd", text_embedding("text_embedding_sgd"), (6,),
                lambda x, rng: [text_y(x, rng)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.SGD(0.5, momentum=0.9),
                "keras.optimizers.SGD(0.5, momentum=0.9)", make_x=text_ids))
add_fit(FitCase("layernorm_mlp_rmsprop", layernorm_mlp("layernorm_mlp_rmsprop"), (6,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.RMSprop(0.01), "keras.optimizers.RMSprop(0.01)"))
add_fit(FitCase("normalized_mlp_adam", normalized_mlp("normalized_mlp_adam"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)], lambda: "categorical_crossentropy",
                '"categorical_crossentropy"', lambda: keras.optimizers.Adam(0.01),
                "keras.optimizers.Adam(0.01)"))
add_fit(FitCase("ops_regression_adam", ops_regression("ops_regression_adam"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)"))

def orthogonal_mlp(name):
    """Dense(6, tanh) with OrthogonalRegularizer(0.5, "rows") on its (5, 6) kernel, Dense(3,
    tanh) with OrthogonalRegularizer(0.5, "columns") on its (6, 3) kernel, then Dense(1)."""
    def build():
        return keras.Sequential([
            keras.Input(shape=(5,)),
            layers.Dense(6, activation="tanh",
                         kernel_regularizer=keras.regularizers.OrthogonalRegularizer(0.5, mode="rows")),
            layers.Dense(3, activation="tanh",
                         kernel_regularizer=keras.regularizers.OrthogonalRegularizer(0.5, mode="columns")),
            layers.Dense(1)], name=name)
    return build


add_fit(FitCase("orthogonal_regularizer_sgd", orthogonal_mlp("orthogonal_regularizer_sgd"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.05, momentum=0.5),
                "keras.optimizers.SGD(0.05, momentum=0.5)", validation_split=0.2))

add_fit(FitCase("activity_regularizer_adam",
                regression("activity_regularizer_adam",
                           first=lambda: {"activity_regularizer": keras.regularizers.L2(0.05)},
                           second=lambda: {"activity_regularizer": keras.regularizers.L1(0.1)}),
                (5,), lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)",
                validation_split=0.2))

# keras.io's lstm_seq2seq (see the gradient case): the encoder's states start the decoder.
def lstm_seq2seq_model(name):
    def build():
        encoder_inputs = keras.Input(shape=(4, 3), name="encoder_inputs")
        decoder_inputs = keras.Input(shape=(3, 2), name="decoder_inputs")
        outputs = _lstm_seq2seq(encoder_inputs, decoder_inputs)
        return keras.Model([encoder_inputs, decoder_inputs], outputs, name=name)
    return build


add_fit(FitCase("lstm_seq2seq_adam", lstm_seq2seq_model("lstm_seq2seq_adam"), [(4, 3), (3, 2)],
                lambda x, rng: [sequence_one_hot_y(x, rng, 3, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)"))

# Sample and class weights (fit's sample_weight and class_weight).
add_fit(FitCase("sample_weight_regression_sgd", regression("sample_weight_regression_sgd"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.05, momentum=0.5),
                "keras.optimizers.SGD(0.05, momentum=0.5)", metrics=["mae"], validation_split=0.2,
                sample_weight=lambda x, rng: rng.uniform(0.2, 2.0, len(x))))
add_fit(FitCase("weighted_metrics_sgd", regression("weighted_metrics_sgd"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.05), "keras.optimizers.SGD(0.05)",
                metrics=["mae"], weighted_metrics=["mse"], validation_split=0.2,
                sample_weight=lambda x, rng: rng.uniform(0.2, 2.0, len(x))))
add_fit(FitCase("class_weight_classifier_adam",
                small_classifier("class_weight_classifier_adam", 3, "softmax"), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)",
                metrics=["accuracy"], validation_split=0.2, class_weight={0: 1.0, 1: 3.0, 2: 0.5}))

# Weight regularizers (their penalties join the loss) and constraints (projections after each
# optimizer step).
add_fit(FitCase("l2_kernel_l1_bias_sgd",
                regression("l2_kernel_l1_bias_sgd",
                           first=lambda: dict(kernel_regularizer=keras.regularizers.L2(0.01),
                                              bias_regularizer=keras.regularizers.L1(0.001)),
                           second=lambda: dict(kernel_regularizer="l2")), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.05, momentum=0.9),
                "keras.optimizers.SGD(0.05, momentum=0.9)"))
add_fit(FitCase("l1l2_adam_validation",
                small_classifier("l1l2_adam_validation", 3, "softmax",
                                 first=lambda: dict(kernel_regularizer=keras.regularizers.L1L2(
                                     l1=0.001, l2=0.01))), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)",
                validation_split=0.2))
add_fit(FitCase("max_norm_non_neg_sgd",
                regression("max_norm_non_neg_sgd",
                           first=lambda: dict(kernel_constraint=keras.constraints.MaxNorm(0.5),
                                              bias_constraint=keras.constraints.NonNeg()),
                           second=lambda: dict(kernel_constraint=keras.constraints.UnitNorm(axis=0))),
                (5,), lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.1), "keras.optimizers.SGD(0.1)"))
add_fit(FitCase("min_max_norm_adam",
                small_classifier("min_max_norm_adam", 3, "softmax",
                                 first=lambda: dict(
                                     kernel_constraint=keras.constraints.MinMaxNorm(
                                         min_value=0.2, max_value=0.6, rate=0.7, axis=0),
                                     kernel_regularizer=keras.regularizers.L2(0.005))), (6,),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.02), "keras.optimizers.Adam(0.02)"))
add_fit(FitCase("conv_regularized_rmsprop", regularized_cnn("conv_regularized_rmsprop"), (6, 6, 1),
                lambda x, rng: [one_hot_y(x, rng, 2)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.RMSprop(0.01), "keras.optimizers.RMSprop(0.01)"))
add_fit(FitCase("bn_gamma_regularizer_sgd", bn_regularized("bn_gamma_regularizer_sgd"), (4,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.05), "keras.optimizers.SGD(0.05)"))


# A shared layer, two inputs and two outputs.
for _name, _optimizer, _optimizer_text in [
        ("shared_two_outputs_sgd", lambda: keras.optimizers.SGD(0.05, momentum=0.9),
         "keras.optimizers.SGD(0.05, momentum=0.9)"),
        ("shared_two_outputs_adam", lambda: keras.optimizers.Adam(0.01),
         "keras.optimizers.Adam(0.01)")]:
    add_fit(FitCase(_name, shared_two_outputs(_name), [(5,), (5,)],
                    lambda x, rng: [regression_y(x, rng), one_hot_y(x, rng, 3)],
                    lambda: {"sum_head": "mse", "cls_head": "categorical_crossentropy"},
                    '{"sum_head": "mse", "cls_head": "categorical_crossentropy"}',
                    _optimizer, _optimizer_text,
                    loss_weights={"sum_head": 0.5, "cls_head": 1.0}))

# Callbacks: early stopping on val_loss, restoring the best epoch's weights.
add_fit(FitCase("early_stopping_restore", regression("early_stopping_restore"), (5,),
                lambda x, rng: [regression_y(x, rng)], lambda: "mse", '"mse"',
                lambda: keras.optimizers.SGD(0.07, momentum=0.9),
                "keras.optimizers.SGD(0.07, momentum=0.9)", validation_split=0.25, epochs=8,
                early_stopping=dict(monitor="val_loss", patience=1, min_delta=0,
                                    restore_best_weights=True)))

# A recurrent model: token ids -> Embedding -> LSTM (last step) -> softmax.
add_fit(FitCase("lstm_text_adam", lstm_text("lstm_text_adam"), (6,),
                lambda x, rng: [text_y(x, rng, below=3)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.02), "keras.optimizers.Adam(0.02)",
                make_x=lambda rng: text_ids(rng, LSTM_TEXT_VOCABULARY)))

# Masked recurrent models: padded token ids -> Embedding(mask_zero=True) -> GRU / Bidirectional.
add_fit(FitCase("gru_text_masked_adam", gru_text_masked("gru_text_masked_adam"), (6,),
                lambda x, rng: [masked_text_y(x, rng)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.02), "keras.optimizers.Adam(0.02)",
                make_x=masked_text_ids))
add_fit(FitCase("attention_text_masked_adam", attention_text_masked("attention_text_masked_adam"), (6,),
                lambda x, rng: [masked_text_y(x, rng)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.02), "keras.optimizers.Adam(0.02)",
                make_x=masked_text_ids))
add_fit(FitCase("additive_attention_text_masked_sgd",
                additive_attention_text_masked("additive_attention_text_masked_sgd"), (6,),
                lambda x, rng: [masked_text_y(x, rng)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                "keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)",
                make_x=masked_text_ids))
add_fit(FitCase("bidirectional_lstm_text_sgd",
                bidirectional_lstm_text("bidirectional_lstm_text_sgd"), (6,),
                lambda x, rng: [masked_text_y(x, rng)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                "keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)",
                make_x=masked_text_ids))

# Nested models: transfer learning with a frozen nested base, and fine-tuning it.
add_fit(FitCase("transfer_frozen_base_adam",
                transfer_classifier("transfer_frozen_base_adam", base_trainable=False), (6, 6, 2),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.Adam(0.01), "keras.optimizers.Adam(0.01)"))
add_fit(FitCase("nested_fine_tune_sgd",
                transfer_classifier("nested_fine_tune_sgd", base_trainable=True), (6, 6, 2),
                lambda x, rng: [one_hot_y(x, rng, 3)],
                lambda: "categorical_crossentropy", '"categorical_crossentropy"',
                lambda: keras.optimizers.SGD(0.05, momentum=0.9),
                "keras.optimizers.SGD(0.05, momentum=0.9)"))


# The keras.io timeseries Transformer (one encoder block, MultiHeadAttention inside) with a
# softmax head.
def transformer_timeseries(name):
    def build():
        inputs = keras.Input(shape=(6, 4))
        return keras.Model(inputs, transformer_classifier(inputs, 2, "softmax"), name=name)
    return build


add_fit(FitCase("transformer_timeseries_adam",
                transformer_timeseries("transformer_timeseries_adam"), (6, 4),
                lambda x, rng: [sparse_y(x, rng, 2)],
                lambda: "sparse_categorical_crossentropy", '"sparse_categorical_crossentropy"',
                lambda: keras.optimizers.Adam(1e-3), "keras.optimizers.Adam(1e-3)"))


# Independent reference: the formulas of keras/src/losses, keras/src/metrics,
# keras/src/optimizers, keras/src/optimizers/schedules, keras/src/regularizers and
# keras/src/constraints.

EPSILON = 1e-7  # keras.config.epsilon()


def reference_loss(loss_text, y, p):
    """Per-sample loss (reduced over the last axis), as keras.losses computes it."""
    name = loss_text.strip('"')
    if name == "categorical_crossentropy":
        q = jnp.clip(p / jnp.sum(p, axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
        return -jnp.sum(y * jnp.log(q), axis=-1)
    if name in ("mean_squared_error", "mse"):
        return jnp.mean(jnp.square(y - p), axis=-1)
    if name == "mean_absolute_error":
        return jnp.mean(jnp.abs(y - p), axis=-1)
    if name == "binary_crossentropy":
        q = jnp.clip(p, EPSILON, 1 - EPSILON)
        return jnp.mean(-(y * jnp.log(q) + (1 - y) * jnp.log(1 - q)), axis=-1)
    if name == "keras.losses.BinaryCrossentropy(from_logits=True)":
        return jnp.mean(-y * jax.nn.log_sigmoid(p) - (1 - y) * jax.nn.log_sigmoid(-p), axis=-1)
    if name == "keras.losses.SparseCategoricalCrossentropy(from_logits=True)":
        logp = jax.nn.log_softmax(p, axis=-1)
        return -jnp.take_along_axis(logp, y.astype(jnp.int32)[:, None], axis=-1)[:, 0]
    if name == "sparse_categorical_crossentropy":
        q = jnp.clip(p / jnp.sum(p, axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
        return -jnp.log(jnp.take_along_axis(q, y.astype(jnp.int32)[:, None], axis=-1)[:, 0])
    if name == "keras.losses.Huber(delta=1.0)":
        e = jnp.abs(p - y)
        return jnp.mean(jnp.where(e <= 1.0, 0.5 * e * e, 1.0 * e - 0.5), axis=-1)
    if name == "keras.losses.LogCosh()":
        e = p - y  # log(cosh(e)) = log((exp(e) + exp(-e)) / 2)
        return jnp.mean(jnp.logaddexp(e, -e) - np.log(2.0), axis=-1)
    if name == "keras.losses.KLDivergence()":
        t, q = jnp.clip(y, EPSILON, 1.0), jnp.clip(p, EPSILON, 1.0)
        return jnp.sum(t * jnp.log(t / q), axis=-1)
    if name == "keras.losses.CosineSimilarity(axis=-1)":
        def unit(v):
            return v / jnp.maximum(jnp.sqrt(jnp.sum(v * v, axis=-1, keepdims=True)), EPSILON)
        return -jnp.sum(unit(y) * unit(p), axis=-1)
    if name == "keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)":
        t = y * (1 - 0.1) + 0.1 / y.shape[-1]
        return -jnp.sum(t * jax.nn.log_softmax(p, axis=-1), axis=-1)
    if name == "keras.losses.BinaryCrossentropy(label_smoothing=0.2)":
        t = y * (1 - 0.2) + 0.5 * 0.2
        q = jnp.clip(p, EPSILON, 1 - EPSILON)
        return jnp.mean(-(t * jnp.log(q) + (1 - t) * jnp.log(1 - q)), axis=-1)
    raise ValueError(loss_text)


def reference_metric(name, y, p):
    """Per-sample metric values. "accuracy" is binary accuracy (threshold 0.5) for one
    output unit, sparse categorical accuracy for class-id targets of lower rank, else
    categorical accuracy (argmax against argmax); the targets are the unsmoothed y."""
    if name == "accuracy":
        if p.shape[-1] == 1:
            return jnp.mean(((p > 0.5) == (y > 0.5)).astype(jnp.float32), axis=-1)
        if y.ndim < p.ndim:
            return (jnp.argmax(p, axis=-1) == y.astype(jnp.int32)).astype(jnp.float32)
        return (jnp.argmax(p, axis=-1) == jnp.argmax(y, axis=-1)).astype(jnp.float32)
    if name == "mae":
        return jnp.mean(jnp.abs(y - p), axis=-1)
    if name == "mse":
        return jnp.mean(jnp.square(y - p), axis=-1)
    raise ValueError(name)


def reference_learning_rate(config, step):
    """The learning rate of 0-based step ``step`` (``optimizer.iterations`` before it)."""
    lr = config["learning_rate"]
    if not isinstance(lr, dict):
        return float(np.float32(lr))
    c = lr["config"]
    if lr["class_name"] == "ExponentialDecay":
        p = step / c["decay_steps"]
        return c["initial_learning_rate"] * c["decay_rate"] ** (np.floor(p) if c["staircase"] else p)
    if lr["class_name"] == "CosineDecay":
        assert c["warmup_target"] is None and c["warmup_steps"] == 0
        done = min(step, c["decay_steps"]) / c["decay_steps"]
        return c["initial_learning_rate"] * ((1 - c["alpha"]) * 0.5 * (1 + np.cos(np.pi * done))
                                             + c["alpha"])
    raise ValueError(lr["class_name"])


def reference_clip(config, grads):
    """Gradient clipping (one of clipnorm, global_clipnorm, clipvalue), before the update."""
    if config["clipnorm"]:
        c = config["clipnorm"]
        return [g * c / jnp.maximum(jnp.sqrt(jnp.sum(g * g)), c) for g in grads]
    if config["global_clipnorm"]:
        c = config["global_clipnorm"]
        norm = jnp.sqrt(sum(jnp.sum(g * g) for g in grads))
        return [g * (c / jnp.maximum(norm, c)) for g in grads]
    if config["clipvalue"]:
        v = config["clipvalue"]
        return [jnp.clip(g, -v, v) for g in grads]
    return grads


def weight_rules(model):
    """Per ``model.trainable_weights`` entry, ``(regularizer, constraint)`` as the owning layer's
    config serializes them (``config[NAME + "_regularizer"]``, ``config[NAME + "_constraint"]``
    for the weight named NAME: kernel, bias, gamma, beta, ...), or None; checked against the
    variable's own ``regularizer``/``constraint``."""
    rules = {}
    for layer in leaf_layers(model):  # nested models' layers included
        config = layer.get_config()
        for v in layer.trainable_weights:
            rules[id(v)] = (config.get(v.name + "_regularizer"), config.get(v.name + "_constraint"))
            assert (rules[id(v)][0] is None) == (v.regularizer is None), v.path
            assert (rules[id(v)][1] is None) == (v.constraint is None), v.path
    return [rules[id(v)] for v in model.trainable_weights]


def reference_penalty(config, w):
    """A weight regularizer's penalty: L1 ``l1 sum|w|``, L2 ``l2 sum w^2``, L1L2 both (a zero
    factor's term left out), factors cast to float32; OrthogonalRegularizer (keras/src/
    regularizers/regularizers.py): the rows (mode "rows") or columns of the matrix, each times
    ``min(1 / norm, 1 / 1e-7)``, their Gram matrix P, and ``factor * sum over i != j of |P_ij|
    / (size * (size - 1))``."""
    kind, c = config["class_name"], config["config"]
    if kind == "OrthogonalRegularizer":
        v = w if c["mode"] == "rows" else w.T
        inv = jnp.minimum(1.0 / jnp.sqrt(jnp.sum(jnp.square(v), axis=1, keepdims=True)), 1e7)
        n = v * inv
        p = n @ n.T
        size = v.shape[0]
        off = jnp.sum(jnp.abs(p)) - jnp.sum(jnp.abs(jnp.diagonal(p)))
        return np.float32(c["factor"]) * off / (size * (size - 1.0))
    if kind not in ("L1", "L2", "L1L2"):
        raise ValueError(kind)
    total = jnp.zeros((), jnp.float32)
    if c.get("l1", 0.0):
        total = total + np.float32(c["l1"]) * jnp.sum(jnp.abs(w))
    if c.get("l2", 0.0):
        total = total + np.float32(c["l2"]) * jnp.sum(jnp.square(w))
    return total


def reference_constraint(config, w):
    """A weight constraint's projection, applied after each optimizer step: NonNeg ``max(w,
    0)``; the norm constraints scale w by ``desired / (1e-7 + norms)``, ``norms`` the L2 norms
    over ``axis`` (kept): MaxNorm ``desired = clip(norms, 0, max_value)``, UnitNorm ``desired
    = 1``, MinMaxNorm ``desired = rate clip(norms, min_value, max_value) + (1 - rate) norms``."""
    kind, c = config["class_name"], config["config"]
    if kind == "NonNeg":
        return jnp.maximum(w, 0.0)
    axis = tuple(c["axis"]) if isinstance(c["axis"], list) else c["axis"]
    norms = jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))
    if kind == "MaxNorm":
        desired = jnp.clip(norms, 0.0, c["max_value"])
    elif kind == "UnitNorm":
        desired = 1.0
    elif kind == "MinMaxNorm":
        desired = (c["rate"] * jnp.clip(norms, c["min_value"], c["max_value"])
                   + (1 - c["rate"]) * norms)
    else:
        raise ValueError(kind)
    return w * (desired / (EPSILON + norms))


class ReferenceOptimizer:
    """SGD, Adam, AdamW, RMSprop and Adagrad steps, per their update formulas."""

    def __init__(self, class_name, config, tv):
        self.kind, self.config, self.step = class_name, config, 0
        first = config.get("initial_accumulator_value", 0.0) if class_name == "Adagrad" else 0.0
        self.slots = [[jnp.full_like(t, first) for t in tv], [jnp.zeros_like(t) for t in tv],
                      [jnp.zeros_like(t) for t in tv]]

    def apply(self, tv, grads):
        c, (s0, s1, s2) = self.config, self.slots
        lr = reference_learning_rate(c, self.step)
        t = self.step + 1
        grads = reference_clip(c, grads)
        new_tv = []
        for i, (w, g) in enumerate(zip(tv, grads)):
            if c["weight_decay"]:  # decoupled: w -= w * weight_decay * lr, before the step
                w = w - w * c["weight_decay"] * lr
            if self.kind in ("Adam", "AdamW"):
                b1, b2, eps = c["beta_1"], c["beta_2"], c["epsilon"]
                alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
                s0[i] = s0[i] + (g - s0[i]) * (1 - b1)  # m
                s1[i] = s1[i] + (jnp.square(g) - s1[i]) * (1 - b2)  # v
                new_tv.append(w - s0[i] * alpha / (jnp.sqrt(s1[i]) + eps))
            elif self.kind == "RMSprop":
                rho, mu, eps = c["rho"], c["momentum"], c["epsilon"]
                s0[i] = rho * s0[i] + (1 - rho) * jnp.square(g)  # velocity
                if c["centered"]:
                    s2[i] = rho * s2[i] + (1 - rho) * g  # average gradient
                    increment = lr * g / jnp.sqrt(s0[i] - jnp.square(s2[i]) + eps)
                else:
                    increment = lr * g / jnp.sqrt(s0[i] + eps)
                if mu > 0:
                    s1[i] = mu * s1[i] + increment  # momentum
                    increment = s1[i]
                new_tv.append(w - increment)
            elif self.kind == "Adagrad":
                s0[i] = s0[i] + jnp.square(g)  # accumulator, from initial_accumulator_value
                new_tv.append(w - lr * g / jnp.sqrt(s0[i] + c["epsilon"]))
            elif self.kind == "SGD":
                mu = c["momentum"]
                if mu:
                    s0[i] = s0[i] * mu - g * lr
                    new_tv.append(w + (s0[i] * mu - g * lr if c["nesterov"] else s0[i]))
                else:
                    new_tv.append(w - g * lr)
            else:
                raise ValueError(self.kind)
        self.step += 1
        return new_tv


def split_samples(case):
    """(training samples, validation samples): fit trains on the first
    ``floor(samples * (1 - validation_split))`` samples and validates on the rest."""
    train = int(np.floor(FIT_SAMPLES * (1.0 - case.validation_split)))
    return train, FIT_SAMPLES - train


def class_weights_of(y, class_weight):
    """Keras's per-sample weights for ``class_weight`` (data_adapter_utils.
    class_weight_to_sample_weights): each sample's class is the argmax of a one-hot row (the
    value of a single column or of class ids), rounded; a class not listed weighs 1."""
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else np.squeeze(y, axis=-1)
    return np.asarray([class_weight.get(int(c), 1.0) for c in np.round(y).astype("int32")], np.float32)


def reference_fit(case, model, weights, xs, ys, sample_weight=None):
    """Replays fit with the documented formulas; returns (weights after, history, batch logs,
    early stopping ``(stopped_epoch, best_epoch)`` or None). With sample weights (given, or from
    ``class_weight`` for the training samples only), a batch's loss is ``sum(w * l) / n`` over
    its n samples (the "sum_over_batch_size" reduction of the weighted losses) and the epoch's
    loss the batch losses' mean weighted by n; compile's ``metrics`` are not weighted (only its
    ``weighted_metrics`` would be)."""
    trainable_idx = variable_indices(model, model.trainable_weights)
    state_idx = state_slots(model)  # None: a seed generator state, not a weight
    tv = [jnp.asarray(weights[i]) for i in trainable_idx]
    ntv = [jnp.asarray(weights[i] if i is not None else v.value)
           for i, v in zip(state_idx, model.non_trainable_variables)]
    losses = case.loss()
    if isinstance(losses, dict):  # per output, in model.outputs order, logged as NAME_loss
        weights_of = case.loss_weights or {}
        parts = [(losses[name], weights_of.get(name, 1.0), name + "_loss")
                 for name in model.output_names]
    else:
        parts = [(case.loss_text, 1.0, None)]
    optimizer = case.optimizer()
    reference = ReferenceOptimizer(type(optimizer).__name__, optimizer.get_config(), tv)
    rules = weight_rules(model)
    train, _ = split_samples(case)
    keys = ["loss"] + [key for _, _, key in parts if key] + list(case.metrics) + case.weighted_metrics

    def penalty(tv):
        """The weight regularizers' penalties on the current (pre-step) trainable values."""
        return sum((reference_penalty(r, w) for (r, _), w in zip(rules, tv) if r),
                   jnp.zeros((), jnp.float32))

    def constrain(tv):
        return [reference_constraint(c, w) if c else w for (_, c), w in zip(rules, tv)]

    if any(r for r, _ in rules):  # the penalties are large enough for the loss checks to see
        assert float(penalty(tv)) > 1e-2, (case.name, float(penalty(tv)))
    for (_, c), w in zip(rules, tv):  # every constraint moves the initial weights
        assert not c or float(jnp.max(jnp.abs(reference_constraint(c, w) - w))) > 1e-2, case.name

    def weighted_mean(values, bw):
        """``sum(w * v) / v.size``, the weights broadcast over the axes after the batch."""
        if bw is None:
            return jnp.mean(values)
        w = jnp.reshape(bw, (-1,) + (1,) * (values.ndim - 1))
        return jnp.sum(values * w) / values.size

    activity = [layer for layer in leaf_layers(model) if layer.activity_regularizer is not None]
    # The activity penalties come from the call's losses, which then hold nothing else.
    assert not activity or not any(r for r, _ in rules), case.name

    def evaluate(tv, ntv, bx, by, bw, training):
        if activity:
            outs, new_ntv, added = model.stateless_call(
                tv, ntv, pack_inputs(model, bx), training=training, return_losses=True)
            assert len(added) == len(activity), (case.name, len(added))
        else:
            outs, new_ntv = model.stateless_call(tv, ntv, pack_inputs(model, bx), training=training)
            added = []
        outs = keras.tree.flatten(outs)
        values = [weighted_mean(reference_loss(t, y, o), bw) for (t, _, _), y, o in zip(parts, by, outs)]
        # The loss (trained on, and logged as "loss" and "val_loss") includes the penalties and
        # the activity regularizers' (each its regularizer on the layer's output over the batch
        # size, keras/src/layers/layer.py); the per-output losses and the metrics do not.
        total = sum(w * v for (_, w, _), v in zip(parts, values)) + penalty(tv) + sum(added)
        logs = {"loss": total}
        for (_, _, key), v in zip(parts, values):
            if key:
                logs[key] = v
        for name in case.metrics:  # compile's `metrics` ignore the sample weights
            logs[name] = jnp.mean(reference_metric(name, by[0], outs[0]))
        for name in case.weighted_metrics:  # its `weighted_metrics`: sum(w m) and sum(w)
            m = reference_metric(name, by[0], outs[0])
            w = jnp.ones(m.shape, m.dtype) if bw is None else jnp.broadcast_to(
                jnp.reshape(jnp.asarray(bw, m.dtype), (-1,) + (1,) * (m.ndim - 1)), m.shape)
            logs[name] = (jnp.sum(m * w), jnp.sum(w))
        return total, (logs, new_ntv)

    weights_all = sample_weight
    if case.class_weight is not None:
        assert sample_weight is None and len(ys) == 1, case.name
        weights_all = class_weights_of(ys[0], case.class_weight)

    def run_epoch(tv, ntv, first, last, training):
        """Logs over batches of FIT_BATCH of samples first..last-1: the losses' means weighted by
        batch size, the metrics' weighted sums over their weights."""
        sums, count, running = {k: 0.0 for k in keys}, 0, []
        weight_sums = {k: 0.0 for k in case.weighted_metrics}
        # class_weight weighs the training samples only; sample_weight is split with them.
        use = weights_all if (training or case.class_weight is None) else None
        for start in range(first, last, FIT_BATCH):
            bx = [x[start:min(start + FIT_BATCH, last)] for x in xs]
            by = [y[start:min(start + FIT_BATCH, last)] for y in ys]
            bw = None if use is None else jnp.asarray(use[start:min(start + FIT_BATCH, last)])
            n = len(bx[0])
            if training:
                (_, (logs, ntv)), grads = jax.value_and_grad(evaluate, has_aux=True)(
                    tv, ntv, bx, by, bw, True)
                tv = constrain(reference.apply(tv, grads))
            else:
                _, (logs, _) = evaluate(tv, ntv, bx, by, bw, False)
            for k in keys:
                if k in weight_sums:  # a weighted metric: its weighted mean over the samples seen
                    sums[k] += float(logs[k][0])
                    weight_sums[k] += float(logs[k][1])
                else:
                    sums[k] += float(logs[k]) * n
            count += n
            running.append({k: sums[k] / (weight_sums[k] if k in weight_sums else count) for k in keys})
        return tv, ntv, running

    history = {k: [] for k in keys}
    if case.validation_split:
        history.update({"val_" + k: [] for k in keys})
    batch_logs = []
    # EarlyStopping (keras/src/callbacks/early_stopping.py, mode "min" for a loss): at each
    # epoch's end, the first epoch's weights are the best so far; wait += 1; an improvement
    # (current + min_delta < best, or no best yet) records the epoch and its weights and resets
    # wait; otherwise training stops once wait >= patience (and epoch > 0). At the end of
    # training the best epoch's weights (moving statistics included) are restored.
    stop = case.early_stopping
    best = best_state = None
    best_epoch = stopped_epoch = wait = 0
    for epoch in range(case.epochs):
        tv, ntv, running = run_epoch(tv, ntv, 0, train, True)
        batch_logs.append(running)
        for k in keys:
            history[k].append(running[-1][k])
        if case.validation_split:
            _, _, val = run_epoch(tv, ntv, train, FIT_SAMPLES, False)
            for k in keys:
                history["val_" + k].append(val[-1][k])
        if not stop:
            continue
        assert stop["monitor"].removeprefix("val_") == "loss", stop  # mode "min"
        current = history[stop["monitor"]][-1]
        if stop["restore_best_weights"] and best_state is None:
            best_state, best_epoch = (tv, ntv), epoch
        wait += 1
        if best is not None:  # the decision must not hinge on float32 rounding
            assert abs(current + stop["min_delta"] - best) > 1e-4, (case.name, epoch, current, best)
        if best is None or current + stop["min_delta"] < best:
            best, best_epoch, wait = current, epoch, 0
            if stop["restore_best_weights"]:
                best_state = (tv, ntv)
        elif wait >= stop["patience"] and epoch > 0:
            stopped_epoch = epoch
            break
    if stop and stop["restore_best_weights"] and best_state is not None:
        if best_epoch < epoch:  # the restore really changes the weights
            assert max(float(jnp.max(jnp.abs(a - b))) for a, b in zip(tv, best_state[0])) > 1e-3
        tv, ntv = best_state
    after = [None] * len(weights)
    for i, w in zip(trainable_idx, tv):
        after[i] = np.asarray(w)
    for i, w in zip(state_idx, ntv):
        if i is not None:
            after[i] = np.asarray(w)
    return after, history, batch_logs, (stopped_epoch, best_epoch) if stop else None


class BatchLogs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs.append([])

    def on_train_batch_end(self, batch, logs=None):
        self.epochs[-1].append({k: float(v) for k, v in (logs or {}).items()})


def write_fit_case(case):
    rng = fresh_session("fit/" + case.name)
    model = case.build()
    weights = randomize(model, rng)
    if case.make_x:
        xs = [np.asarray(case.make_x(rng), np.float32)]
    else:
        xs = [rng.normal(0.0, 1.0, (FIT_SAMPLES,) + shape).astype(np.float32)
              for shape in case.input_shapes]
    assert len(xs) == len(model.inputs) == len(case.input_shapes)
    assert all(x.shape == (FIT_SAMPLES,) + shape for x, shape in zip(xs, case.input_shapes))
    features = xs[0] if len(xs) == 1 else np.concatenate([x.reshape(FIT_SAMPLES, -1) for x in xs],
                                                         axis=-1)
    ys = [np.asarray(y, np.float32) for y in case.make_y(features, rng)]
    assert len(ys) == len(model.outputs)
    sample_weight = (np.asarray(case.sample_weight(features, rng), np.float32)
                     if case.sample_weight else None)

    loss = case.loss()
    optimizer = case.optimizer()
    model.compile(optimizer=optimizer, loss=loss, loss_weights=case.loss_weights,
                  metrics=case.metrics or None, weighted_metrics=case.weighted_metrics or None)
    y_arg = ys[0] if len(ys) == 1 else {name: y for name, y in zip(model.output_names, ys)}
    logger = BatchLogs()
    callbacks = [logger]
    if case.early_stopping:
        stopper = keras.callbacks.EarlyStopping(**case.early_stopping)
        callbacks.append(stopper)
    history = model.fit(pack_inputs(model, xs), y_arg, batch_size=FIT_BATCH, epochs=case.epochs,
                        shuffle=False, verbose=0, callbacks=callbacks,
                        validation_split=case.validation_split, sample_weight=sample_weight,
                        class_weight=case.class_weight)
    after = model.get_weights()
    # fit changes the non-trainable weights only where a trainable BatchNormalization (nested ones
    # included) updates its moving statistics; a frozen layer's weights (and a frozen
    # BatchNormalization's moving statistics) stay exactly as they were.
    moving = moving_statistics(model)
    for i, v in enumerate(model.weights):
        if id(v) in moving:
            assert not np.array_equal(after[i], weights[i]), (case.name, v.path, "not updated")
        elif not v.trainable:
            assert np.array_equal(after[i], weights[i]), (case.name, v.path, "changed")
    hist = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    epochs_run = len(hist["loss"])
    assert all(len(v) == epochs_run for v in hist.values()), hist
    if case.early_stopping:  # it really stops early and restores an epoch before the last
        assert 1 < epochs_run < case.epochs, (case.name, epochs_run)
        assert stopper.stopped_epoch == epochs_run - 1, (case.name, stopper.stopped_epoch)
        assert stopper.best_epoch < stopper.stopped_epoch, (case.name, stopper.best_epoch)
        best = hist[case.early_stopping["monitor"]]
        assert stopper.best_epoch == int(np.argmin(best)), (case.name, best)
    else:
        assert epochs_run == case.epochs
    train_samples, validation_samples = split_samples(case)
    steps_per_epoch = -(-train_samples // FIT_BATCH)
    assert int(optimizer.iterations.numpy()) == epochs_run * steps_per_epoch
    assert hist["loss"][1] < hist["loss"][0], (case.name, hist)
    schedule = optimizer._learning_rate
    if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
        assert optimizer.get_config()["learning_rate"] == keras.saving.serialize_keras_object(schedule)

    # The independent replay must agree.
    ref_after, ref_hist, ref_batch_logs, ref_stopping = reference_fit(case, model, weights, xs, ys,
                                                                      sample_weight)
    if case.early_stopping:
        assert ref_stopping == (stopper.stopped_epoch, stopper.best_epoch), (case.name, ref_stopping)
    for i, (a, r) in enumerate(zip(after, ref_after)):
        # A weight whose exact gradient is 0 moves by Adam-normalized rounding noise.
        atol = 1e-2 if i in case.noise_weights else 1e-5
        assert np.allclose(a, r, rtol=1e-4, atol=atol), (case.name, i, float(np.max(np.abs(a - r))))
    assert sorted(ref_hist) == sorted(hist), (ref_hist.keys(), hist.keys())
    for k in hist:
        assert np.allclose(hist[k], ref_hist[k], rtol=1e-5, atol=1e-6), (case.name, k, hist[k], ref_hist[k])
    assert len(logger.epochs) == epochs_run == len(ref_batch_logs)
    for epoch_logs, ref_logs, final in zip(logger.epochs, ref_batch_logs, hist["loss"]):
        assert len(epoch_logs) == steps_per_epoch == len(ref_logs)
        assert abs(epoch_logs[-1]["loss"] - final) <= 1e-6 * max(1.0, abs(final))
        for logs, ref in zip(epoch_logs, ref_logs):
            assert sorted(logs) == sorted(ref), (case.name, logs, ref)
            for k in logs:
                assert np.isclose(logs[k], ref[k], rtol=1e-5, atol=1e-6), (case.name, k, logs[k], ref[k])

    folder = os.path.join(FIT_DIR, case.name)
    spec = write_spec(folder, model)
    fc.save_arrays(folder, numbered("x", xs) + numbered("y", ys)
                   + [(f"weights_{i:02d}", fc.f4(w)) for i, w in enumerate(weights)]
                   + [(f"weights_after_{i:02d}", fc.f4(w)) for i, w in enumerate(after)]
                   + ([("sample_weight", fc.f4(sample_weight))] if sample_weight is not None else []))

    if isinstance(loss, dict):
        loss_json = {k: (v if isinstance(v, str) else keras.losses.serialize(v)) for k, v in loss.items()}
    elif isinstance(loss, str):
        loss_json = loss
    else:
        loss_json = keras.losses.serialize(loss)
    optimizer_json = {"class_name": type(optimizer).__name__, "config": jsonable(optimizer.get_config())}
    training = {
        "loss": jsonable(loss_json),
        "loss_weights": case.loss_weights,
        "compile_loss": case.loss_text,
        "metrics": case.metrics,
        "optimizer": optimizer_json,
        "compile_optimizer": case.optimizer_text,
        "batch_size": FIT_BATCH,
        "epochs": case.epochs,
        "samples": FIT_SAMPLES,
        "validation_split": case.validation_split or 0,
        "validation_samples": validation_samples,
        "steps": int(optimizer.iterations.numpy()),
        "shuffle": False,
        "jit_compile": bool(model.jit_compile),
        "callbacks": case.callbacks_json(),
    }
    if case.early_stopping:
        training.update({"epochs_run": epochs_run, "stopped_epoch": int(stopper.stopped_epoch),
                         "best_epoch": int(stopper.best_epoch)})
    if case.weighted_metrics:  # compile's weighted_metrics (also in compile_config)
        training["weighted_metrics"] = case.weighted_metrics
    if sample_weight is not None:  # the weights are arrays.npz's sample_weight.npy
        training["sample_weight"] = True
    if case.class_weight is not None:  # JSON keys are strings: the class ids
        training["class_weight"] = {str(k): v for k, v in case.class_weight.items()}
    training.update({
        "history": hist,
        "batch_logs": logger.epochs,
        "compile_config": jsonable(model.get_compile_config()),
    })
    if case.notes:
        training["notes"] = case.notes
    fc.write_json(os.path.join(folder, "training.json"), training)
    entry = {
        "case": case.name,
        "loss": training["loss"],
        "loss_weights": case.loss_weights,
        "metrics": case.metrics,
        "optimizer": optimizer_json,
        "batch_size": FIT_BATCH,
        "epochs": case.epochs,
        "samples": FIT_SAMPLES,
        "validation_split": case.validation_split or 0,
        "callbacks": case.callbacks_json(),
    }
    if case.early_stopping:
        entry.update({k: training[k] for k in ("epochs_run", "stopped_epoch", "best_epoch")})
    entry["history"] = hist
    if case.notes:
        entry["notes"] = case.notes
    return entry, spec


# ----------------------------------------------------------------------------


def folder_size(path):
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def clear_outputs():
    """Removes what an earlier run wrote (case folders, cases.json, training specs), nothing else."""
    for parent in (GRADIENTS_DIR, FIT_DIR):
        os.makedirs(parent, exist_ok=True)
        for name in sorted(os.listdir(parent)):
            path = os.path.join(parent, name)
            if os.path.isdir(path) and (os.path.exists(os.path.join(path, "arrays.npz"))
                                        or os.path.exists(os.path.join(path, "spec.json"))):
                shutil.rmtree(path)
            elif name == "cases.json":
                os.remove(path)


def sync_specs(specs):
    """Writes ``Specs/training/NAME.model.json`` for ``specs`` ({NAME: text}) when the text
    changed and removes the folder's other ``*.model.json`` files."""
    os.makedirs(TRAINING_SPECS_DIR, exist_ok=True)
    for name, text in specs.items():
        target = os.path.join(TRAINING_SPECS_DIR, name + fc.SPEC_SUFFIX)
        if not os.path.exists(target) or open(target, encoding="utf-8").read() != text:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
    wanted = {name + fc.SPEC_SUFFIX for name in specs}
    for name in sorted(os.listdir(TRAINING_SPECS_DIR)):
        if name.endswith(fc.SPEC_SUFFIX) and name not in wanted:
            os.remove(os.path.join(TRAINING_SPECS_DIR, name))


def main():
    start = time.time()
    clear_outputs()
    specs = {}
    grad_entries = []
    for case in GRAD_CASES:
        entry, spec = write_grad_case(case)
        grad_entries.append(entry)
        specs[f"training_grad_{case.name}"] = spec
    fc.write_json(os.path.join(GRADIENTS_DIR, "cases.json"), grad_entries)
    fit_entries = []
    for case in FIT_CASES:
        entry, spec = write_fit_case(case)
        fit_entries.append(entry)
        specs[f"training_fit_{case.name}"] = spec
        print(f"  fit {case.name}: loss {' -> '.join(f'{v:.4f}' for v in entry['history']['loss'])}")
    fc.write_json(os.path.join(FIT_DIR, "cases.json"), fit_entries)
    sync_specs(specs)
    print(f"{len(grad_entries)} gradient cases, {len(fit_entries)} fit cases; "
          f"training/ {folder_size(TRAINING_DIR) / 1e6:.3f} MB, "
          f"Specs/training {folder_size(TRAINING_SPECS_DIR) / 1e6:.3f} MB; {time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
