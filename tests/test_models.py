"""The CNNs: the paper's parameter claim, architecture, FLOP count."""

import pytest

from sepconv.learning.models import ModelSpec, build_model, conv_layer, forward_flops


@pytest.mark.parametrize(("conv", "weights"), [("standard", 81), ("separable", 27 + 9)])
def test_paper_parameter_claim(conv, weights):
    """3 channels, 3 filters, 3x3 field, no bias: 9k = 81 weights vs 3k + 9 = 36."""
    layer = conv_layer(conv, filters=3, kernel=(3, 3))
    layer.build((None, 128, 458, 3))
    assert layer.count_params() == weights


def test_architecture_and_regularisation():
    spec = ModelSpec.from_config(
        dict(representation="stems3", conv="separable", filters=(4, 8), pool=(4, 4))
    )
    model = build_model((128, 458, 3), n_classes=6, spec=spec)
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == [
        "SeparableConv2D", "BatchNormalization", "Activation", "MaxPooling2D",
        "SeparableConv2D", "BatchNormalization", "Activation", "MaxPooling2D",
        "Flatten", "Dropout", "Dense",
    ]  # fmt: skip
    assert model.output.shape == (None, 6)
    assert model.get_layer("dropout").rate == 0.5
    conv1, dense = model.get_layer("conv1"), model.get_layer("genre")
    assert conv1.depthwise_regularizer.l1 == pytest.approx(1e-5)
    assert conv1.pointwise_regularizer.l2 == pytest.approx(1e-4)
    assert dense.kernel_regularizer.l1 == pytest.approx(1e-5)
    assert not conv1.use_bias
    # 128 x 458 -> pool 4 -> 32 x 115 -> pool 4 -> 8 x 29, 8 filters
    assert model.get_layer("flatten").output.shape == (None, 8 * 29 * 8)


def test_forward_flops_counts_convolutions_and_dense():
    spec = ModelSpec.from_config(
        dict(representation="mix", filters=(2,), pool=(2, 2), kernel=(3, 3))
    )
    model = build_model((4, 6, 1), n_classes=3, spec=spec)
    conv = 2 * (4 * 6 * 2) * 9 * 1
    bn = 2 * 4 * 6 * 2
    act = pool = 4 * 6 * 2
    dense = 2 * (2 * 3 * 2) * 3
    assert forward_flops(model) == conv + bn + act + pool + dense


def test_spec_from_config_resolves_epochs_and_rejects_unknown_conv():
    spec = ModelSpec.from_config({"representation": "mix", "epochs": None}, default_epochs=6)
    assert spec.epochs == 6 and spec.filters == (8, 16)
    with pytest.raises(ValueError, match="conv must be one of"):
        ModelSpec.from_config({"representation": "mix", "conv": "dilated"})


def test_tensorflow_is_the_default_backend(monkeypatch):
    from sepconv.learning.backend import backend_name

    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert backend_name() == "tensorflow"
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert backend_name() == "jax"
