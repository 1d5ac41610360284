"""LaTeX output: the header stands outside the alignment, symbols are unambiguous, velocities are
dotted, the proof status reads as in the text report, and every line renders (matplotlib mathtext)."""

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.mathtext  # noqa: E402
import pytest  # noqa: E402
import sympy  # noqa: E402

from lieflow import census  # noqa: E402
from lieflow.dynamics import make_system  # noqa: E402
from lieflow.errors import BadArgumentError  # noqa: E402
from lieflow.io import census_latex_lines, count_status, latex_symbol, latex_symbol_names  # noqa: E402
from lieflow.models import custom, linear, relu, resnet  # noqa: E402

CASES = [
    lambda: census(linear([2, 2, 2]), flow="momentum"),
    lambda: census(linear([1, 2, 1]), flow="momentum", damping="nesterov"),
    lambda: census(relu([2, 2, 1], bias=True)),
    lambda: census(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"])),
    lambda: census(resnet([1, 1], blocks=1)),
    lambda: census(linear([2, 2, 2]), degree=1),  # proven with no law written
    lambda: census(custom(["x*y + z*w", "x*w"]), degree=1, max_brackets=1),  # not proven
]


def render(math: str) -> None:
    matplotlib.mathtext.math_to_image(f"${math}$", io.BytesIO(), format="png")


@pytest.mark.parametrize("make", CASES)
def test_every_line_renders_and_the_header_is_outside_the_alignment(make):
    c = make()
    head, laws = census_latex_lines(c)
    for line in head:
        render(line)
    for lhs, rhs in laws:
        render(f"{lhs} = {rhs}")
    tex = c.to_latex()
    assert tex.startswith(r"$$\begin{gathered}") and tex.endswith(r"\end{gathered}$$")
    if laws:
        before, after = tex.split(r"\begin{aligned}")
        assert all(line in before for line in head)  # the header is not aligned with the laws
        assert after.count("&=") == len(laws)
    else:
        assert r"\begin{aligned}" not in tex


@pytest.mark.parametrize("make", CASES)
def test_the_status_reads_as_in_the_text_report(make):
    c = make()
    status = count_status(c)  # the phrase of the text report
    head, _ = census_latex_lines(c)
    if c.proven:
        proof, count = re.fullmatch(r"PROVEN \((.+)\): #laws = (\d+)", status).groups()
        assert rf"\text{{PROVEN ({proof}):}}\ \#\text{{laws}} = {count}" in head[1]
    else:
        assert status == "not proven" and head[1].endswith(r"\text{not proven}")
    assert f"{c.laws_lower} \\leq \\#\\text{{laws}} \\leq {c.laws_upper}" in head[1]


def test_phase_space_dimension_is_not_called_d():
    c = census(linear([2, 2, 2]), flow="momentum")
    head, _ = census_latex_lines(c)
    assert "D = 8" in head[2] and r"\dim = 17" in head[2] and r"s = e^{\tau t}" in head[2]
    assert "D = 17" not in c.to_latex()
    head, _ = census_latex_lines(census(linear([2, 2, 2])))
    assert head[2].startswith("D = 8") and r"\dim" not in head[2]


@pytest.mark.parametrize(
    "model, flow",
    [(relu([2, 3, 2], bias=True), "gradient"), (linear([2, 2, 2]), "momentum"), (resnet([1, 2], blocks=2), "momentum")],
)
def test_symbols_are_unambiguous(model, flow):
    names = latex_symbol_names(make_system(model, flow=flow))
    assert len(set(names.values())) == len(names)  # distinct variables, distinct symbols
    for sym, tex in names.items():
        name = sym.name
        render(tex)
        assert " " not in tex  # no "u_{1 1 1}"
        m = re.fullmatch(r"(\\dot\{)?([a-z]+)\}?\^\{\((\d+)\)\}_\{(\d+(?:,\d+)*)\}", tex)
        if m:  # read the name back from the symbol (an independent parse)
            dotted, base, layer, idx = m.groups()
            assert name == ("v_" if dotted else "") + f"{base}{layer}_" + idx.replace(",", "_")


def test_latex_symbol_shapes():
    assert latex_symbol("u12_3_45") == "u^{(12)}_{3,45}"  # multi-digit indices stay separated
    assert latex_symbol("x10") == "x_{10}"
    assert latex_symbol("theta") == r"\theta"
    assert latex_symbol("b1_2", dot=True) == r"\dot{b}^{(1)}_{2}"
    with pytest.raises(BadArgumentError, match="name"):
        latex_symbol(3)


def test_a_law_with_a_logarithm():
    c = census(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))
    _, laws = census_latex_lines(c)
    assert laws == [("h_{1}", r"2 x_{2}^{2} - x_{3}^{2} - 6 \log|x_{3}|")]
    expr = sympy.sympify("2*x2**2 - x3**2 - 6*log(Abs(x3))")
    assert sympy.simplify(c.laws[0].expr - expr) == 0
