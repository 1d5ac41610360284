"""Checked summaries of long law families: named only when the laws span exactly the closed form."""

import pytest

from lieflow import census
from lieflow.algebra import Poly
from lieflow.census import Law
from lieflow.models import custom, linear, relu
from lieflow.summaries import _same_span, closed_form_laws, law_summary


def _count_linear(widths):
    return sum(n * (n + 1) // 2 for n in widths[1:-1])


@pytest.mark.parametrize("widths", [[2, 3, 2], [3, 3, 3, 2], [4, 4, 4]])
def test_linear_summary_counts_the_closed_form(widths):
    c = census(linear(widths))
    text = law_summary(c)
    assert text is not None and text.endswith(f": {_count_linear(widths)} laws")


@pytest.mark.parametrize("widths, bias", [([2, 3, 1], False), ([2, 3, 2, 1], True)])
def test_relu_summary_one_law_per_neuron(widths, bias):
    c = census(relu(widths, bias=bias))
    assert law_summary(c).endswith(f": {sum(widths[1:-1])} laws")
    assert ("bias^2" in law_summary(c)) == bias


def test_no_summary_when_the_laws_differ_from_the_closed_form():
    c = census(relu([2, 3, 1]))
    # drop one law and put a product of laws in its place: same number, a different space
    h = c.laws[0].poly * c.laws[1].poly
    forged = type(c)(**{**c.__dict__, "laws": (Law(h, h.as_expr()),) + c.laws[1:]})
    assert law_summary(forged) is None
    assert law_summary(census(custom(["x*y*z"]))) is None  # no closed form known
    assert closed_form_laws(census(linear([2, 2, 2]), flow="momentum").system) is None


def test_same_span_is_exact():
    c = census(linear([2, 2, 2]))
    polys = [law.poly for law in c.laws]
    assert _same_span(polys, list(reversed(polys)))
    mixed = [polys[0] + polys[1], polys[1], polys[2] * 3]
    assert _same_span(polys, mixed)
    assert not _same_span(polys, polys[:2] + [polys[2] + Poly(polys[0].ring, {(0,): 1})])


def test_the_report_summarizes_many_laws_and_expands_on_request():
    c = census(linear([4, 4, 4]))
    short, full = c.to_text(), c.to_text(expand=True)
    assert "10 — the entries on and above the diagonal" in short and "... 7 more" in short
    assert all(str(law) in full for law in c.laws) and "more (--expand" not in full
    small = census(linear([2, 2, 2]))  # 3 laws: listed as they are
    assert "the entries" not in small.to_text()


def test_cli_expand(capsys):
    from lieflow.cli import main

    assert main(["census", "relu", "2", "9", "1"]) == 0
    out = capsys.readouterr().out
    assert "9 — one law per hidden neuron" in out and "... 6 more" in out
    assert main(["census", "relu", "2", "9", "1", "--expand"]) == 0
    out = capsys.readouterr().out
    assert "one law per hidden neuron" not in out and out.count("u1_1_") == 9 + 9  # the variables line, then the laws
