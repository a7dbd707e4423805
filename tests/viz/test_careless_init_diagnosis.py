"""The lecture's story on the digits (recipes.careless_init): every planted fault is named by
TrainingMonitor.diagnose(), the fixed networks get an empty list, and each fix lowers the
validation loss."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.recipes import fix_step_by_step, stages_table, tanh_mlp


@pytest.fixture(scope="module")
def stages():
    return fix_step_by_step(epochs=2)


def kinds(stage):
    return {(f.kind, f.where) for f in stage.findings}


def test_the_careless_network_is_overconfident_and_saturated(stages):
    found = kinds(stages[0])
    assert ("overconfident_init", None) in found
    assert {("saturated", "1"), ("saturated", "3"), ("saturated", "5")} <= found
    assert stages[0].first_loss > 2 * np.log(10)


def test_scaling_the_last_layer_fixes_the_first_loss_not_the_saturation(stages):
    found = kinds(stages[1])
    assert not any(kind == "overconfident_init" for kind, _ in found)
    assert ("saturated", "1") in found
    assert stages[1].first_loss == pytest.approx(np.log(10), abs=0.05)


def test_gain_over_root_fan_in_and_batch_norm_leave_nothing_to_say(stages):
    assert stages[2].findings == [] and stages[3].findings == []


def test_each_fix_lowers_the_validation_loss_of_the_careless_network(stages):
    assert stages[0].val_loss > stages[1].val_loss > stages[2].val_loss
    assert stages[3].val_loss < stages[1].val_loss
    assert stages[2].val_accuracy > 0.9


def test_the_table_shows_findings_and_losses(stages):
    table = stages_table(stages)
    assert "overconfident_init" in table and "saturated: layer 1 Tanh" in table
    assert table.count("none") == 2 and f"{stages[2].val_loss:.3f}" in table


def test_the_stages_networks():
    careless, last, gain, norm = (tanh_mlp(s) for s in range(4))
    assert careless[0].weight.data.std() == pytest.approx(1.0, abs=0.05)
    assert np.abs(last[-1].weight.data).max() < 0.1 and not last[-1].bias.data.any()
    assert gain[0].weight.data.std() == pytest.approx((5 / 3) / 8, rel=0.1)   # fan_in 64
    assert isinstance(norm[1], nn.BatchNorm1d) and norm[0].bias is None
