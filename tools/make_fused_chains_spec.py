# The reference spec Tests/ModelGeneratorCoreTests/References/Specs/fused_chains.model.json:
# convolution, normalization and activation chains that generated calls run through
# interceptChain, and chains cut short. pip install keras jax; KERAS_BACKEND=jax.
import os
os.environ["KERAS_BACKEND"] = "jax"
import keras
from keras import layers
x = keras.Input((16, 16, 3), name="image")
a = layers.Conv2D(8, 3, padding="same", name="stem_conv")(x)
a = layers.BatchNormalization(name="stem_bn")(a)
a = layers.ReLU(6.0, name="stem_relu")(a)
b = layers.DepthwiseConv2D(3, padding="same", name="dw")(a)
b = layers.BatchNormalization(name="dw_bn")(b)
b = layers.Activation("relu", name="dw_relu")(b)
c = layers.Conv2D(8, 1, name="project")(b)
c = layers.BatchNormalization(name="project_bn")(c)
s = layers.Add(name="add")([a, c])
# side_conv and side_bn fuse without side_relu (the normalization is read twice); head does not
# fuse with head_bn (its output is a model output).
d = layers.Conv2D(4, 1, name="side_conv")(s)
e = layers.BatchNormalization(name="side_bn")(d)
f = layers.Activation("relu", name="side_relu")(e)
g = layers.Multiply(name="gate")([e, f])
h = layers.Conv2D(4, 1, name="head")(g)
m = keras.Model(x, [h, layers.BatchNormalization(name="head_bn")(h)], name="fused_chains")
open(os.path.join(os.path.dirname(__file__), "..", "Tests/ModelGeneratorCoreTests/References/Specs/fused_chains.model.json"), "w").write(m.to_json(indent=2))
