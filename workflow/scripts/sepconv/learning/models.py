"""The paper's small CNNs, in Keras 3 only (no backend-specific code).

Two blocks of [conv -> batch norm -> activation -> max-pool], dropout, a dense softmax layer.
The convolution is ``standard`` (``Conv2D``: one 3-D filter across all channels) or
``separable`` (``SeparableConv2D``: one 2-D filter per channel, then a 1x1 pointwise mix).
Conv and dense kernels carry L1 + L2 penalties; convolutions have no bias (batch norm follows).

Keras is imported inside the functions that build models: call
:func:`sepconv.learning.backend.configure` first.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ..config import defaults, model_epochs

CONVS = ("standard", "separable")


@dataclass(frozen=True)
class ModelSpec:
    """A model of config ``models:``: a representation, a convolution and hyper-parameters."""

    representation: str
    conv: str
    filters: tuple[int, ...]
    kernel: tuple[int, int]
    pool: tuple[int, int]
    activation: str
    l1: float
    l2: float
    dropout: float
    optimizer: str
    learning_rate: float
    batch_size: int
    epochs: int

    @classmethod
    def from_config(cls, entry: dict, default_epochs: int | None = None) -> ModelSpec:
        """Build from a ``models:`` entry; keys it lacks take the schema's defaults, and
        ``epochs: null`` takes ``default_epochs`` (else the top-level default)."""
        names = {f.name for f in fields(cls)}
        given = {k: v for k, v in entry.items() if v is not None}
        values = {k: v for k, v in {**defaults("model"), **given}.items() if k in names}
        for key in ("filters", "kernel", "pool"):
            values[key] = tuple(int(v) for v in values[key])
        values["epochs"] = model_epochs(entry, default_epochs)
        if values["conv"] not in CONVS:
            raise ValueError(f"conv must be one of {CONVS}, got {values['conv']!r}")
        return cls(**values)


def conv_layer(
    conv: str, filters: int, kernel, l1: float = 0.0, l2: float = 0.0, name=None, seeds=(None, None)
):
    """A bias-free ``standard`` or ``separable`` 2-D convolution with L1+L2 kernel penalties;
    its Glorot-uniform kernels seeded with ``seeds`` (standard: the first; separable: depthwise,
    pointwise)."""
    import keras

    reg = keras.regularizers.L1L2(l1=l1, l2=l2)
    glorot = [keras.initializers.GlorotUniform(seed=seed) for seed in seeds]
    if conv == "standard":
        return keras.layers.Conv2D(
            filters,
            kernel,
            padding="same",
            use_bias=False,
            kernel_initializer=glorot[0],
            kernel_regularizer=reg,
            name=name,
        )
    if conv == "separable":
        return keras.layers.SeparableConv2D(
            filters,
            kernel,
            padding="same",
            use_bias=False,
            depthwise_initializer=glorot[0],
            pointwise_initializer=glorot[1],
            depthwise_regularizer=reg,
            pointwise_regularizer=reg,
            name=name,
        )
    raise ValueError(f"conv must be one of {CONVS}, got {conv!r}")


def build_model(
    input_shape: tuple[int, int, int], n_classes: int, spec: ModelSpec, seed: int | None = None
):
    """The CNN for inputs of ``input_shape`` (n_mels, n_frames, channels), uncompiled.

    With a ``seed``, every random initialiser and the dropout draw from seeds derived from it
    (``numpy.random.SeedSequence``), so the same seed builds the same model whatever ran
    before; without one they follow Keras's global random state."""
    import keras

    if seed is None:
        seeds = [None] * (2 * len(spec.filters) + 2)
    else:
        seeds = [
            int(s) for s in np.random.SeedSequence(seed).generate_state(2 * len(spec.filters) + 2)
        ]
    inputs = keras.Input(shape=tuple(input_shape), name="spectrograms")
    x = inputs
    for i, filters in enumerate(spec.filters, start=1):
        x = conv_layer(
            spec.conv,
            filters,
            spec.kernel,
            spec.l1,
            spec.l2,
            name=f"conv{i}",
            seeds=seeds[2 * i - 2 : 2 * i],
        )(x)
        x = keras.layers.BatchNormalization(name=f"bn{i}")(x)
        x = keras.layers.Activation(spec.activation, name=f"act{i}")(x)
        x = keras.layers.MaxPooling2D(spec.pool, padding="same", name=f"pool{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dropout(spec.dropout, seed=seeds[-2], name="dropout")(x)
    outputs = keras.layers.Dense(
        n_classes,
        activation="softmax",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seeds[-1]),
        kernel_regularizer=keras.regularizers.L1L2(l1=spec.l1, l2=spec.l2),
        name="genre",
    )(x)
    return keras.Model(inputs, outputs, name=f"{spec.conv}_cnn")


def compile_model(model, spec: ModelSpec) -> None:
    """Compile with the optimizer and loss of ``spec``; the training metrics are accuracy and
    macro F1 over the epoch's batches (:func:`macro_f1_metric`), which change no weight."""
    import keras

    optimizer = keras.optimizers.get(
        {"class_name": spec.optimizer, "config": {"learning_rate": spec.learning_rate}}
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            macro_f1_metric(int(model.output_shape[-1])),
        ],
    )


def macro_f1_metric(n_classes: int):
    """A Keras metric: the macro F1 of the predictions of integer labels, from a confusion
    matrix summed over the batches since its reset (a class neither true nor predicted
    counts 0, as sklearn's ``f1_score(..., zero_division=0)`` counts it); backend-free."""
    import keras

    class SparseMacroF1(keras.metrics.Metric):
        def __init__(self, name="f1_macro", **kwargs):
            super().__init__(name=name, **kwargs)
            self.confusion = self.add_variable(
                shape=(n_classes, n_classes), initializer="zeros", name="confusion"
            )

        def update_state(self, y_true, y_pred, sample_weight=None):
            ops = keras.ops
            true = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), n_classes)
            predicted = ops.one_hot(ops.argmax(y_pred, axis=-1), n_classes)
            self.confusion.assign_add(ops.matmul(ops.transpose(true), predicted))

        def result(self):
            ops = keras.ops
            hits = ops.diagonal(self.confusion)
            both = ops.sum(self.confusion, axis=0) + ops.sum(self.confusion, axis=1)
            return ops.mean(ops.divide_no_nan(2 * hits, both))

        def reset_state(self):
            self.confusion.assign(keras.ops.zeros((n_classes, n_classes)))

    return SparseMacroF1()


def forward_flops(model) -> int:
    """Floating-point operations of one forward pass of one sample, counted from the layers.

    A multiply-add counts 2. Convolutions and the dense layer dominate; batch norm
    (inference: scale and shift, 2 per element), activations and pooling (1 per input
    element) are included for completeness.
    """
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        in_shape = tuple(layer.input.shape)
        out_shape = tuple(layer.output.shape)
        in_elems, out_elems = _prod(in_shape[1:]), _prod(out_shape[1:])
        if isinstance(layer, keras.layers.SeparableConv2D):
            kh, kw = layer.kernel_size
            h, w, c_in = out_shape[1], out_shape[2], in_shape[-1]
            total += 2 * h * w * kh * kw * c_in  # depthwise
            total += 2 * h * w * c_in * layer.filters  # pointwise
        elif isinstance(layer, keras.layers.Conv2D):
            kh, kw = layer.kernel_size
            total += 2 * out_elems * kh * kw * in_shape[-1]
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * in_elems * layer.units
        elif isinstance(layer, keras.layers.BatchNormalization):
            total += 2 * out_elems
        elif isinstance(layer, keras.layers.Activation | keras.layers.MaxPooling2D):
            total += in_elems
    return int(total)


def _prod(shape) -> int:
    out = 1
    for dim in shape:
        out *= int(dim)
    return out
