import Foundation
import ModelRuntime
import Testing

/// One training fixture (`tools/make_training_fixtures.py`, under `Tests/Fixtures/training/`):
/// a generated model type and the check to run on it.
struct TrainingCase: Sendable, CustomTestStringConvertible {
    let name: String
    let check: @Sendable () throws -> Void

    var testDescription: String { name }

    /// A gradient case: one training step against Keras's `jax.grad` of `Σ output · upstream`.
    static func gradients<M: TrainableModel>(_ type: M.Type, _ name: String) -> TrainingCase {
        TrainingCase(name: name) { try TrainingChecks.gradients(M.self, case: name) }
    }

    /// A fit case: two epochs of `fit` against Keras's `model.fit`.
    static func fit<M: TrainableModel>(_ type: M.Type, _ name: String) -> TrainingCase {
        TrainingCase(name: name) { try TrainingChecks.fit(M.self, case: name) }
    }

    static let gradients: [TrainingCase] = [
        .gradients(TrainingGradDenseRelu.self, "dense_relu"),
        .gradients(TrainingGradDenseLinearNoBias.self, "dense_linear_no_bias"),
        .gradients(TrainingGradDenseSoftmax.self, "dense_softmax"),
        .gradients(TrainingGradDenseSigmoid.self, "dense_sigmoid"),
        .gradients(TrainingGradDenseTanh.self, "dense_tanh"),
        .gradients(TrainingGradDense3dInput.self, "dense_3d_input"),
        .gradients(TrainingGradActivationLinear.self, "activation_linear"),
        .gradients(TrainingGradActivationRelu.self, "activation_relu"),
        .gradients(TrainingGradActivationRelu6.self, "activation_relu6"),
        .gradients(TrainingGradActivationLeakyRelu.self, "activation_leaky_relu"),
        .gradients(TrainingGradActivationElu.self, "activation_elu"),
        .gradients(TrainingGradActivationSelu.self, "activation_selu"),
        .gradients(TrainingGradActivationGelu.self, "activation_gelu"),
        .gradients(TrainingGradActivationSigmoid.self, "activation_sigmoid"),
        .gradients(TrainingGradActivationHardSigmoid.self, "activation_hard_sigmoid"),
        .gradients(TrainingGradActivationHardSilu.self, "activation_hard_silu"),
        .gradients(TrainingGradActivationSilu.self, "activation_silu"),
        .gradients(TrainingGradActivationMish.self, "activation_mish"),
        .gradients(TrainingGradActivationTanh.self, "activation_tanh"),
        .gradients(TrainingGradActivationSoftmax.self, "activation_softmax"),
        .gradients(TrainingGradActivationLogSoftmax.self, "activation_log_softmax"),
        .gradients(TrainingGradActivationSoftplus.self, "activation_softplus"),
        .gradients(TrainingGradActivationSoftsign.self, "activation_softsign"),
        .gradients(TrainingGradActivationExponential.self, "activation_exponential"),
        .gradients(TrainingGradBatchNormalizationDense.self, "batch_normalization_dense"),
        .gradients(TrainingGradBatchNormalizationNoCenterNoScale.self, "batch_normalization_no_center_no_scale"),
        .gradients(
            TrainingGradBatchNormalizationMomentum09Epsilon001.self, "batch_normalization_momentum_0_9_epsilon_0_01"),
        .gradients(TrainingGradBatchNormalization4d.self, "batch_normalization_4d"),
        .gradients(TrainingGradFlatten.self, "flatten"),
        .gradients(TrainingGradReshape.self, "reshape"),
        .gradients(TrainingGradAdd.self, "add"),
        .gradients(TrainingGradSubtract.self, "subtract"),
        .gradients(TrainingGradMultiply.self, "multiply"),
        .gradients(TrainingGradAverage.self, "average"),
        .gradients(TrainingGradMaximum.self, "maximum"),
        .gradients(TrainingGradMinimum.self, "minimum"),
        .gradients(TrainingGradConcatenate.self, "concatenate"),
        .gradients(TrainingGradSharedDense.self, "shared_dense"),
        .gradients(TrainingGradTwoOutputs.self, "two_outputs"),
        .gradients(TrainingGradFrozenDense.self, "frozen_dense"),
        .gradients(TrainingGradDenseChainMlp.self, "dense_chain_mlp"),
        .gradients(TrainingGradConv2dSameRelu.self, "conv2d_same_relu"),
        .gradients(TrainingGradConv2dValidStrides2NoBias.self, "conv2d_valid_strides2_no_bias"),
        .gradients(TrainingGradConv2dDilation2.self, "conv2d_dilation2"),
        .gradients(TrainingGradConv2d1x1.self, "conv2d_1x1"),
        .gradients(TrainingGradConv2dSameStrides2Kernel4.self, "conv2d_same_strides2_kernel4"),
        .gradients(TrainingGradMaxPooling2d.self, "max_pooling2d"),
        .gradients(TrainingGradMaxPooling2dSameStrides1.self, "max_pooling2d_same_strides1"),
        .gradients(TrainingGradAveragePooling2d.self, "average_pooling2d"),
        .gradients(TrainingGradAveragePooling2dSame.self, "average_pooling2d_same"),
        .gradients(TrainingGradGlobalAveragePooling2d.self, "global_average_pooling2d"),
        .gradients(TrainingGradGlobalMaxPooling2d.self, "global_max_pooling2d"),
        .gradients(TrainingGradGlobalAveragePooling1d.self, "global_average_pooling1d"),
        .gradients(TrainingGradZeroPadding2d.self, "zero_padding2d"),
        .gradients(TrainingGradReluLayerMax6SlopeThreshold.self, "relu_layer_max6_slope_threshold"),
        .gradients(TrainingGradReluLayerPlain.self, "relu_layer_plain"),
        .gradients(TrainingGradLeakyReluLayer.self, "leaky_relu_layer"),
        .gradients(TrainingGradEluLayer.self, "elu_layer"),
        .gradients(TrainingGradSoftmaxLayer.self, "softmax_layer"),
        .gradients(TrainingGradPrelu.self, "prelu"),
        .gradients(TrainingGradPreluSharedAxes.self, "prelu_shared_axes"),
        .gradients(TrainingGradDepthwiseConv2dSame.self, "depthwise_conv2d_same"),
        .gradients(TrainingGradDepthwiseConv2dStrides2ValidRelu.self, "depthwise_conv2d_strides2_valid_relu"),
        .gradients(TrainingGradSeparableConv2d.self, "separable_conv2d"),
        .gradients(TrainingGradConv1dCausalDilation2.self, "conv1d_causal_dilation2"),
        .gradients(TrainingGradConv2dTransposeSameStrides2.self, "conv2d_transpose_same_strides2"),
        .gradients(TrainingGradLayerNormalization.self, "layer_normalization"),
        .gradients(TrainingGradLayerNormalization3dNoCenter.self, "layer_normalization_3d_no_center"),
        .gradients(TrainingGradEmbedding.self, "embedding"),
        .gradients(TrainingGradUpSampling2d.self, "up_sampling2d"),
        .gradients(TrainingGradCropping2d.self, "cropping2d"),
        .gradients(TrainingGradPermute.self, "permute"),
        .gradients(TrainingGradRepeatVector.self, "repeat_vector"),
        .gradients(TrainingGradMaxPooling1d.self, "max_pooling1d"),
        .gradients(TrainingGradGlobalMaxPooling1d.self, "global_max_pooling1d"),
    ]

    static let fits: [TrainingCase] = [
        .fit(TrainingFitMlpBnSgdMomentum.self, "mlp_bn_sgd_momentum"),
        .fit(TrainingFitMlpBnAdam.self, "mlp_bn_adam"),
        .fit(TrainingFitRegressionSgdNesterov.self, "regression_sgd_nesterov"),
        .fit(TrainingFitRegressionMaeSgd.self, "regression_mae_sgd"),
        .fit(TrainingFitBinaryLogitsAdam.self, "binary_logits_adam"),
        .fit(TrainingFitBinarySigmoidAdam.self, "binary_sigmoid_adam"),
        .fit(TrainingFitSparseLogitsSgd.self, "sparse_logits_sgd"),
        .fit(TrainingFitHuberAdam.self, "huber_adam"),
        .fit(TrainingFitTwoOutputsAdam.self, "two_outputs_adam"),
        .fit(TrainingFitRmspropMomentumCentered.self, "rmsprop_momentum_centered"),
        .fit(TrainingFitRmspropDefault.self, "rmsprop_default"),
        .fit(TrainingFitAdagrad.self, "adagrad"),
        .fit(TrainingFitAdamw.self, "adamw"),
        .fit(TrainingFitSgdClipnorm.self, "sgd_clipnorm"),
        .fit(TrainingFitAdamGlobalClipnorm.self, "adam_global_clipnorm"),
        .fit(TrainingFitSgdClipvalue.self, "sgd_clipvalue"),
        .fit(TrainingFitSgdExponentialDecay.self, "sgd_exponential_decay"),
        .fit(TrainingFitAdamCosineDecay.self, "adam_cosine_decay"),
        .fit(TrainingFitLogcoshSgd.self, "logcosh_sgd"),
        .fit(TrainingFitKldAdam.self, "kld_adam"),
        .fit(TrainingFitCosineSimilaritySgd.self, "cosine_similarity_sgd"),
        .fit(TrainingFitCategoricalLogitsSmoothing.self, "categorical_logits_smoothing"),
        .fit(TrainingFitBinarySmoothingMetrics.self, "binary_smoothing_metrics"),
        .fit(TrainingFitClassifierMetricsValidation.self, "classifier_metrics_validation"),
        .fit(TrainingFitSparseProbabilitiesMetrics.self, "sparse_probabilities_metrics"),
        .fit(TrainingFitMlpDropoutZero.self, "mlp_dropout_zero"),
        .fit(TrainingFitSmallCnnSgd.self, "small_cnn_sgd"),
        .fit(TrainingFitSmallCnnAdam.self, "small_cnn_adam"),
        .fit(TrainingFitTinyMobilenetAdam.self, "tiny_mobilenet_adam"),
        .fit(TrainingFitTextEmbeddingSgd.self, "text_embedding_sgd"),
        .fit(TrainingFitLayernormMlpRmsprop.self, "layernorm_mlp_rmsprop"),
        .fit(TrainingFitL2KernelL1BiasSgd.self, "l2_kernel_l1_bias_sgd"),
        .fit(TrainingFitL1l2AdamValidation.self, "l1l2_adam_validation"),
        .fit(TrainingFitMaxNormNonNegSgd.self, "max_norm_non_neg_sgd"),
        .fit(TrainingFitMinMaxNormAdam.self, "min_max_norm_adam"),
        .fit(TrainingFitConvRegularizedRmsprop.self, "conv_regularized_rmsprop"),
        .fit(TrainingFitBnGammaRegularizerSgd.self, "bn_gamma_regularizer_sgd"),
        .fit(TrainingFitSharedTwoOutputsSgd.self, "shared_two_outputs_sgd"),
        .fit(TrainingFitSharedTwoOutputsAdam.self, "shared_two_outputs_adam"),
        .fit(TrainingFitEarlyStoppingRestore.self, "early_stopping_restore"),
    ]
}
