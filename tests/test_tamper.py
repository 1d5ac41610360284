"""Forged census files are rejected, by ``Census.verify()`` and by ``lieflow verify FILE`` alike.

Each forgery edits an honest saved census the way a careless or dishonest hand might, and names
the check that must catch it (the first one whose claim the edit breaks).  Unusable files exit 2;
honest files from every kind of model verify.
"""

import copy
import json
import subprocess
import sys
from functools import lru_cache

import pytest

from lieflow import census, census_from_json
from lieflow.cli import main
from lieflow.dynamics.generators import from_fields, softmax_cross_entropy
from lieflow.errors import VerificationError
from lieflow.models import attention, conv, custom, icnn, linear, nmf, relu, resnet

#: name -> (model or system, census options): every kind of model and flow lieflow saves.
HONEST = {
    "linear": (lambda: linear([2, 2, 2]), {}),
    "deep linear": (lambda: linear([2, 2, 2, 1]), {}),
    "relu": (lambda: relu([2, 3, 1]), {}),
    "relu+bias": (lambda: relu([2, 2, 2], bias=True), {}),
    "nmf": (lambda: nmf([2, 2, 2]), {}),
    "icnn": (lambda: icnn([1, 2, 2], bias=True), {}),
    "mirror": (lambda: linear([2, 2, 2], metric="mirror"), {}),
    "matrix metric": (lambda: custom(["x*y", "y*z"], params="x,y,z", metric=[[1, 0, 0], [0, "x", 0], [0, 0, 1]]), {}),
    "conv": (lambda: conv(1, 2, 1, 2, 2), {}),
    "attention": (lambda: attention(1, 2, heads=2), {}),
    "attention, shared softmax": (lambda: attention(1, 2, heads=2, share_softmax=True), {}),
    "resnet": (lambda: resnet(1, blocks=2), {}),
    "resnet relu": (lambda: resnet((2, 1), blocks=2, activation="relu"), {}),
    "custom": (lambda: custom(["x*y*z", "x - y"]), {}),
    "one generator": (lambda: custom(["x**2*y + z"]), {"degree": 1}),
    "open": (lambda: linear([2, 2, 2]), {"degree": 1, "max_brackets": 1}),  # a closure cut short
    "fields": (lambda: from_fields([["y", "-x", 0], [0, "z", "-y"]], "x,y,z", names=["R", "T"]), {}),
    "softmax-ce": (lambda: softmax_cross_entropy(3, 2), {}),
    "heavy ball": (lambda: linear([2, 2, 1]), {"flow": "momentum", "tau": "1/2"}),
    "nesterov": (lambda: custom(["x1*y + x2*z"]), {"flow": "momentum", "damping": "nesterov"}),
    "no damping": (lambda: relu([2, 1, 1]), {"flow": "momentum", "damping": "none"}),
    "mirror momentum": (lambda: nmf([1, 2, 1]), {"flow": "momentum"}),
}


@lru_cache(maxsize=None)
def _honest_text(name: str) -> str:
    build, options = HONEST[name]
    return census(build(), **options).to_json()


def honest(name: str) -> dict:
    return copy.deepcopy(json.loads(_honest_text(name)))


def _write(tmp_path, text, name="census.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- honest files --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HONEST))
def test_honest_files_verify(name, tmp_path, capsys):
    text = _honest_text(name)
    assert census_from_json(text).verify()
    assert main(["verify", _write(tmp_path, text)]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith("verified: ")
    assert "FAILED" not in out


def test_the_console_script_verifies_a_saved_census(tmp_path):
    run = lambda *args: subprocess.run([sys.executable, "-m", "lieflow", *args], capture_output=True, text=True)  # noqa: E731
    saved = census(relu([2, 2, 1])).to_json()
    ok = run("verify", _write(tmp_path, saved), "--format", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["verified"] is True
    d = json.loads(saved)
    d["laws"][0] = d["laws"][0].replace("**2", "**4", 1)
    bad = run("verify", _write(tmp_path, json.dumps(d), "forged.json"))
    assert bad.returncode == 1 and "NOT VERIFIED: law strings" in bad.stdout
    assert bad.stderr.startswith("lieflow: not verified: ") and bad.stderr.count("\n") == 1


# -- forgeries -------------------------------------------------------------------------------------


def _drop_last_law(d, *, dimension=True):
    d["laws"].pop()
    d["law_terms"].pop()
    d["laws_lower"] -= 1
    d["laws_upper"] -= 1
    if dimension:
        d["ambient_dim"] -= 1


def _hide_a_law_behind_a_bracket(d):
    # one law fewer, one bracket more: the sandwich still "meets", at 2
    _drop_last_law(d, dimension=False)
    d["lie_rank"] += 1
    d["certificate"]["brackets"].append("[X1,X3]")


def _duplicate_a_law(d):
    d["laws"].append(d["laws"][0])
    d["law_terms"].append(d["law_terms"][0])
    d["laws_lower"] += 1


def _set(path, value):
    """A forgery that sets ``d[k1][k2]... = value``."""

    def forge(d):
        *head, last = path
        for k in head:
            d = d[k]
        d[last] = value

    return forge


def _swap_parameters(d):
    p = d["parameters"]
    p[0], p[1] = p[1], p[0]


def _unkeep_a_node(d):
    node = next(n for n in d["graph"]["nodes"] if n[2])
    node[2] = False


def _claim(kind, *, certificate=True):
    def forge(d):
        d["count_proof"], d["proven"] = kind, kind is not None
        if certificate:
            d["count_certificate"] = None if kind is None else {"kind": kind}

    return forge


def _scale_law_coefficient(d):
    d["law_terms"][0][0][0] = "2"


def _rename_generator(d):
    d["generators"][0] = "Q"


#: (id, honest file, forgery, the check that must name it)
FORGERIES = [
    ("drop a law and shrink the dimension (the reported bug)", "linear", _drop_last_law, "ambient dimension"),
    ("hide a law behind an extra bracket", "linear", _hide_a_law_behind_a_bracket, "lie rank"),
    ("claim a larger Lie rank", "relu+bias", lambda d: d.update(lie_rank=d["lie_rank"] + 1, laws_upper=d["laws_upper"] - 1), "lie rank"),
    ("edit only a readable law", "linear", _set(("laws", 0), "u1_1_1**2 - u2_1_1**2"), "law strings"),
    ("change a law's exact coefficient", "relu+bias", _scale_law_coefficient, "explicit laws"),
    ("count one law twice", "linear", _duplicate_a_law, "law independence"),
    ("claim more independent laws", "custom", lambda d: d.update(laws_lower=d["laws_lower"] + 1), "law independence"),
    ("truncate the certificate point", "linear", lambda d: d["certificate"]["point"].pop(), "certificate"),
    ("a non-integer coordinate", "linear", _set(("certificate", "point", 0), "1.5"), "certificate"),
    ("a zero denominator", "linear", _set(("certificate", "point", 1), "1/0"), "certificate"),
    ("a coordinate as a JSON number", "custom", _set(("certificate", "point", 0), 3), "certificate"),
    ("a huge coordinate", "linear", _set(("certificate", "point", 2), "9" * 1000), "certificate"),
    ("a composite prime", "linear", _set(("certificate", "prime"), 2**31 - 3), "certificate"),
    ("a prime as a string", "custom", _set(("certificate", "prime"), "2147483647"), "certificate"),
    ("a malformed bracket word", "linear", _set(("certificate", "brackets", 4), "[X1,X2"), "certificate"),
    ("an unknown generator in a word", "linear", _set(("certificate", "brackets", 4), "[X1,X9]"), "certificate"),
    ("a word nested absurdly deep", "linear", _set(("certificate", "brackets", 4), "[X1," * 300 + "X2" + "]" * 300), "certificate"),
    ("a seed that is not an integer", "custom", _set(("certificate", "seed"), "0"), "certificate"),
    ("a missing key", "linear", lambda d: d.pop("lie_rank"), "format"),
    ("a count as a string", "linear", _set(("laws_lower",), "3"), "format"),
    ("a float dimension", "nmf", _set(("ambient_dim",), 8.0), "format"),
    ("swap two parameter names", "relu+bias", _swap_parameters, "parameters"),
    ("other widths in the header", "linear", _set(("widths",), [2, 2, 3]), "model"),
    ("an upper bound that does not follow from the rank", "linear", lambda d: d.update(laws_upper=d["laws_upper"] + 1), "upper bound"),
    ("laws of a higher degree than searched", "linear", _set(("degree",), 1), "law degrees"),
    ("a kept bracket missing from the graph", "linear", _unkeep_a_node, "bracket graph"),
    ("a graph edge between unrelated brackets", "linear", _set(("graph", "edges", 0), ["X3", "[X1,X2]"]), "bracket graph"),
    ("a bracket cut off from its factors", "linear", lambda d: d["graph"]["edges"].pop(), "bracket graph"),
    ("no count certificate at all", "linear", lambda d: d.pop("count_certificate"), "format"),
    ("an exponent of a billion", "relu+bias", _set(("law_terms", 0, 0, 1, 0, 1), 10**9), "law terms"),
    ("a law in an unknown variable", "relu+bias", _set(("law_terms", 0, 0, 1, 0, 0), "w"), "law terms"),
    ("an unknown model kind", "linear", _set(("model_spec", "kind"), "banana"), "model spec"),
    ("a model too large to rebuild", "linear", _set(("model_spec", "widths"), [150, 150]), "model spec"),
    # a metric
    ("call a mirror flow Euclidean", "mirror", _set(("metric",), "euclidean"), "metric"),
    ("drop the mirror from the model spec", "mirror", _set(("model_spec", "metric"), None), "metric"),
    ("call a matrix metric Euclidean", "matrix metric", _set(("metric",), "euclidean"), "metric"),
    ("nmf laws without the mirror", "nmf", _set(("model_spec", "kind"), "linear"), "model"),
    # momentum
    ("another time coordinate", "heavy ball", _set(("time_variable",), "t"), "flow"),
    ("another friction", "heavy ball", _set(("tau",), "1"), "law strings"),
    ("a friction with no damping", "heavy ball", _set(("damping",), "none"), "model spec"),
    ("a momentum census passed off as gradient flow", "heavy ball", _set(("flow",), "gradient"), "ambient dimension"),
    ("another Nesterov constant: t**3 A is no law for alpha = 2", "nesterov", _set(("alpha",), "2"), "explicit laws"),
    # custom models and the proofs of the count
    ("rename a generator", "fields", _rename_generator, "generators"),
    ("a one-generator count passed off as explicit laws", "one generator", _claim("explicit laws"), "count proof"),
    ("an open count claimed by one generator", "open", _claim("one generator"), "count proof"),
    ("an open count claimed full rank", "open", _claim("full rank"), "count proof"),
    ("proven without a proof", "open", lambda d: d.update(proven=True), "count proof"),
    ("a proof without its certificate", "one generator", _set(("count_certificate",), None), "count proof"),
    ("a certificate of another kind", "linear", _set(("count_certificate",), {"kind": "full rank"}), "count proof"),
    ("an unknown kind of proof", "linear", _claim("magic"), "count proof"),
    ("hide a proven count", "one generator", _claim(None), "count proof"),
    ("claim every law is written out", "one generator", _set(("laws_complete",), True), "count proof"),
]


@pytest.mark.parametrize("what, base, forge, check", FORGERIES, ids=[f[0] for f in FORGERIES])
def test_forgery_is_rejected(what, base, forge, check, tmp_path, capsys):
    d = honest(base)
    forge(d)
    text = json.dumps(d)
    # the Python side: loading it, or verifying what was loaded, names the check
    with pytest.raises(VerificationError) as err:
        census_from_json(text).verify()
    assert err.value.check == check, str(err.value)
    assert str(err.value).startswith(check + ": ")
    # the command line: exit 1, the failing check on the last lines and on stderr
    path = _write(tmp_path, text)
    assert main(["verify", path]) == 1
    out, errout = capsys.readouterr()
    lines = out.strip().splitlines()
    assert lines[-2].startswith(f"FAILED  {check}: ") and lines[-1].startswith(f"NOT VERIFIED: {check}: ")
    assert all(line.startswith("ok ") for line in lines[:-2])
    assert errout.startswith(f"lieflow: not verified: {path}: {check}: ")
    assert main(["verify", path, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["verified"] is False and report["failed"] == check and report["checks"][-1]["ok"] is False


def test_there_are_many_distinct_forgeries():
    assert len({f[0] for f in FORGERIES}) == len(FORGERIES) >= 15
    assert len({f[3] for f in FORGERIES}) >= 15  # and they exercise most checks
    assert {"linear", "heavy ball", "mirror", "matrix metric", "custom", "fields"} <= {f[1] for f in FORGERIES}


def test_a_forged_census_object_is_rejected_too():
    # verify() checks the census object as well as the text it was loaded from
    from dataclasses import replace

    loaded = census_from_json(_honest_text("linear"))
    assert loaded.verify()
    with pytest.raises(VerificationError) as err:
        replace(loaded, laws=loaded.laws[:-1], laws_lower=2, laws_upper=2, ambient_dim=7).verify()
    assert err.value.check == "ambient dimension"


# -- unusable files --------------------------------------------------------------------------------


UNUSABLE = [
    ("not JSON", "{"),
    ("empty", ""),
    ("a JSON list", "[1, 2, 3]"),
    ("not a census", json.dumps({"model": "linear"})),
    ("an unknown format version", json.dumps({"format_version": 99})),
    ("a boolean format version", json.dumps({"format_version": True})),
    ("nested too deep", "[" * 100_000 + "]" * 100_000),
    ("an integer beyond the parser's limit", '{"format_version": ' + "9" * 5000 + "}"),
]


@pytest.mark.parametrize("what, text", UNUSABLE, ids=[u[0] for u in UNUSABLE])
def test_unusable_files_exit_2(what, text, tmp_path, capsys):
    assert main(["verify", _write(tmp_path, text)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("lieflow: error: FILE: is unusable") and err.count("\n") == 1


def test_unreadable_files_exit_2(tmp_path, capsys):
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage\x80")
    for path in (str(binary), str(tmp_path), str(tmp_path / "missing.json")):
        assert main(["verify", path]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("lieflow: error: FILE: cannot be read") and err.count("\n") == 1


# -- random damage: never a crash, and both paths agree ---------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lieflow.certificates import verify_document  # noqa: E402
from lieflow.errors import LieflowError  # noqa: E402


def _paths(x, prefix=()):
    """Every place in a JSON document: (path, container kind)."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


JUNK = [None, True, 0, -1, 7, 10**30, 1.5, "", "x", "1/0", "-3/4", "[X1,X2]", [], [1, "2"], {}, {"kind": "full rank"}]
DAMAGED = ["linear", "heavy ball", "fields"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DAMAGED), st.data())
def test_random_damage_never_crashes_and_both_paths_agree(base, data):
    d = honest(base)
    path = data.draw(st.sampled_from(sorted(_paths(d), key=repr)))
    how = data.draw(st.sampled_from(["replace", "delete"]))
    *head, last = path
    parent = d
    for k in head:
        parent = parent[k]
    if how == "delete":
        del parent[last]
    else:
        parent[last] = copy.deepcopy(data.draw(st.sampled_from(JUNK)))
    text = json.dumps(d)
    report = verify_document(json.loads(text))  # never raises
    try:
        verified = census_from_json(text).verify()
    except VerificationError as exc:
        verified = False
        assert exc.check == report.failure.name
    except LieflowError:  # only an unusable document may fail otherwise
        assert path[0] == "format_version"
        return
    assert verified == report.verified
