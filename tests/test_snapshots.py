"""Snapshot regression tests of lieflow's own censuses, through the public ``census_snapshot``
fixture (stored in tests/__lieflow_snapshots__/; refresh with ``pytest --lieflow-update``).

Each stored file is re-verified by the independent checker on every run, and each census is
also checked against its closed form here, so a snapshot cannot silently pin a wrong answer.
"""

import pytest

from lieflow.models import custom, linear, nmf, relu
from lieflow.testing import assert_conserved, assert_law_count


def test_relu_readme_network(census_snapshot):
    c = census_snapshot(relu([2, 2, 5, 3]))
    assert_law_count(c, 2 + 5)  # one law per hidden neuron


@pytest.mark.parametrize("damping", ["heavy-ball", "nesterov"])
def test_linear_momentum(census_snapshot, damping):
    c = census_snapshot(linear([2, 2, 2]), flow="momentum", damping=damping)
    assert_law_count(c, 1)  # r(r-1)/2 antisymmetric entries for r = 2
    factor = "exp(t)" if damping == "heavy-ball" else "t**3"
    A = ("u1_1_1*v_u1_1_2 - u1_1_2*v_u1_1_1 + u1_2_1*v_u1_2_2 - u1_2_2*v_u1_2_1"
         " + u2_1_1*v_u2_2_1 + u2_1_2*v_u2_2_2 - u2_2_1*v_u2_1_1 - u2_2_2*v_u2_1_2")
    assert_conserved(f"{factor}*({A})", c)


def test_nmf_and_log_law(census_snapshot):
    c = census_snapshot(nmf([2, 3, 3]), name="nmf")
    assert_law_count(c, 3)  # one law per hidden unit: sum of U1's column minus sum of U2's row
    for k in (1, 2, 3):
        assert_conserved(f"u1_1_{k} + u1_2_{k} - u2_{k}_1 - u2_{k}_2 - u2_{k}_3", c)
    c = census_snapshot(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]), name="log")
    assert_law_count(c, 1)
    assert not c.laws[0].is_polynomial
