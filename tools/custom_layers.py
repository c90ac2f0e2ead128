"""The Python side of the custom layers in the Swift tests and Examples/CustomLayers.

Each class here has a Swift twin (Tests/ModelRuntimeTests/CustomLayers.swift and
Examples/CustomLayers/Sources/CustomLayers/ChannelScale.swift) with the same config keys,
weights and computation. They are registered under the package ``Custom``, so Keras writes
them with ``"registered_name": "Custom>NAME"``. Import this module before loading a model
that uses them (``tools/check_keras_json.py`` does).
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="Custom")
class ChannelScale(keras.layers.Layer):
    """A learnable scale per channel (last axis): ``x * gamma``, gamma starting at ``init_value``."""

    def __init__(self, init_value=1.0, **kwargs):
        super().__init__(**kwargs)
        self.init_value = init_value

    def build(self, input_shape):
        self.gamma = self.add_weight(
            name="gamma",
            shape=(input_shape[-1],),
            initializer=keras.initializers.Constant(self.init_value),
        )

    def call(self, x):
        return x * self.gamma

    def get_config(self):
        config = super().get_config()
        config.update({"init_value": self.init_value})
        return config


@keras.saving.register_keras_serializable(package="Custom")
class Linear(keras.layers.Layer):
    """``x · kernel (+ bias)`` over the last axis, the Keras guide's first custom layer."""

    def __init__(self, units=32, use_bias=True, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.use_bias = use_bias

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform"
        )
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, x):
        y = ops.matmul(x, self.kernel)
        return y + self.bias if self.use_bias else y

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "use_bias": self.use_bias})
        return config

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)


@keras.saving.register_keras_serializable(package="Custom")
class ResidualDense(keras.layers.Layer):
    """A residual block as one layer: ``x + outer(relu(inner(x)))``, two Dense sublayers."""

    def __init__(self, hidden_units=16, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units

    def build(self, input_shape):
        self.inner = keras.layers.Dense(self.hidden_units, activation="relu", name="inner")
        self.outer = keras.layers.Dense(input_shape[-1], name="outer")
        self.inner.build(input_shape)
        self.outer.build(tuple(input_shape[:-1]) + (self.hidden_units,))

    def call(self, x):
        return x + self.outer(self.inner(x))

    def get_config(self):
        config = super().get_config()
        config.update({"hidden_units": self.hidden_units})
        return config


@keras.saving.register_keras_serializable(package="Custom")
class ScaledMLP(keras.Model):
    """A subclassed model: ``head(gain(body(x)))`` with a ChannelScale between two Dense layers.

    Keras saves a subclassed model's sublayers under their attribute names (``body/vars/0``,
    ``gain/vars/0``, ``head/vars/0``), and ``get_config`` gives only the constructor's arguments;
    ``build_config`` records the input shape it was built for.
    """

    def __init__(self, hidden=8, classes=3, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.classes = classes
        self.body = keras.layers.Dense(hidden, activation="relu", name="body")
        self.gain = ChannelScale(0.5, name="gain")
        self.head = keras.layers.Dense(classes, name="head")

    def call(self, x):
        return self.head(self.gain(self.body(x)))

    def get_config(self):
        config = super().get_config()
        config.update({"hidden": self.hidden, "classes": self.classes})
        return config
