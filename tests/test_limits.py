"""Honest limits: a time limit and a memory cap bound the whole census, progress is shown, and
Ctrl-C at any moment leaves either nothing or a partial census whose bounds are valid.

Validity of partial results is checked independently of the modular code that produced them:
by ``Census.verify`` (sympy, exact), by exact evaluation and a rank modulo a *different* prime
(which can only under-estimate the rank over QQ), and by the closed forms of DESIGN §2.
"""

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from fractions import Fraction

import pytest

from lieflow import census
from lieflow.algebra import ModularEchelon, bracket, rank_mod
from lieflow.algebra.fields import BracketCache
from lieflow.budget import Budget, BudgetExceeded, parse_memory, resident_memory
from lieflow.cli import Progress, main
from lieflow.closure import closure
from lieflow.dynamics import gradient_flow
from lieflow.errors import BadArgumentError
from lieflow.laws import verify_law
from lieflow.models import linear, relu
from lieflow.models.zoo import resnet

OTHER_PRIME = 1_000_000_007


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _independent_rank(system, words, point):
    """Rank over QQ of the named brackets at the point, bounded below by a rank modulo another
    prime of their exact values (and above by their number)."""
    fields = dict(zip(system.generator_names, system.generators))

    def field(word):
        if word in fields:
            return fields[word]
        depth, cut = 0, None
        for i, ch in enumerate(word[1:-1], start=1):
            depth += ch == "["
            depth -= ch == "]"
            if ch == "," and depth == 0:
                cut = i
                break
        fields[word] = bracket(field(word[1:cut]), field(word[cut + 1 : -1]))
        return fields[word]

    rows = [list(field(w).evaluate(point)) for w in words]
    return rank_mod(rows, OTHER_PRIME) if rows else 0


def _check_partial(c):
    """A partial census is consistent: its rank is the rank of its brackets, its laws are laws."""
    assert c.lie_rank == len(c.certificate.brackets)
    assert _independent_rank(c.system, c.certificate.brackets, c.certificate.point) == c.lie_rank
    assert c.laws_upper == c.ambient_dim - c.lie_rank and c.laws_lower == len(c.laws) <= c.laws_upper
    assert all(verify_law(h.poly, c.system.generators) for h in c.laws)


# -- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["5", True, 0, -1, float("nan"), float("inf"), [5]])
def test_time_limit_is_validated(value):
    with pytest.raises(BadArgumentError, match="time_limit"):
        census(linear([2, 2, 2]), time_limit=value)


@pytest.mark.parametrize("value", ["lots", 0, -5, True, "G", 1.5, "4X"])
def test_max_memory_is_validated(value):
    with pytest.raises(BadArgumentError, match="max_memory"):
        census(linear([2, 2, 2]), max_memory=value)


def test_sizes():
    assert [parse_memory(v) for v in ("1K", "2M", "3G", "1T", "5GiB", "5gb", " 7 ", 9)] == [
        2**10, 2 * 2**20, 3 * 2**30, 2**40, 5 * 2**30, 5 * 2**30, 7, 9
    ]
    assert parse_memory("0.5G") == 2**29


def test_cli_validates_limits(capsys):
    for args, needle in ((["--time-limit", "0"], "time_limit"), (["--time-limit", "soon"], "time-limit"),
                         (["--max-memory", "lots"], "max_memory")):
        code, _, err = run(["census", "linear", "2", "2", "2", *args], capsys)
        assert code == 2 and needle in err and err.count("\n") == 1


def test_a_budget_given_with_its_own_limits_is_exclusive():
    with pytest.raises(BadArgumentError, match="time_limit"):
        census(linear([2, 2, 2]), budget=Budget(), time_limit=5)
    with pytest.raises(BadArgumentError, match="budget"):
        census(linear([2, 2, 2]), budget=5)


# -- the time limit bounds the whole census --------------------------------------------------

def test_the_time_limit_bounds_the_law_search():
    # the degree-4 search over 50 parameters takes several seconds; the closure a few ms
    t0 = time.perf_counter()
    c = census(linear([5, 5, 5]), degree=4, time_limit=1.0)
    elapsed = time.perf_counter() - t0
    assert elapsed < 2.5  # the limit plus a small slack (generous for a loaded machine)
    assert c.stats["stopped_in"] == "law search" and "time limit" in c.stats["stopped_by"]
    # the closure still ran in the time left: the closed form r(r + 1)/2 = 15 laws for r = 5
    assert c.closure_reason in ("closed", "target") and c.laws_upper == 15
    # proven only by a certificate: all 15 laws written, or the involutive closure in the time left
    assert not c.proven or c.laws_lower == 15 or c.count_proof == "involutive closure"
    assert "stopped in the law search" in c.to_text()
    assert c.verify()


def test_a_search_cut_during_verification_keeps_the_laws_it_verified(monkeypatch):
    real = Budget.check

    def limited(self, **info):
        real(self, **info)
        if self.phase_name == "law search" and self.info.get("step") == "verification":
            self.info["n"] = self.info.get("n", 0) + 1
            if self.info["n"] > 3:  # a few fields into the verification of the laws
                raise BudgetExceeded("time", self.phase_name, "test limit reached")

    monkeypatch.setattr(Budget, "check", limited)
    c = census(linear([3, 3, 3]), time_limit=60)
    monkeypatch.undo()
    assert c.stats["stopped_in"] == "law search" and c.stats["stopped_by"] == "test limit reached"
    assert 0 < c.law_space_dim < 6 and 0 < c.laws_lower < 6  # closed form: 6 laws in all
    assert all(verify_law(h.poly, c.system.generators) for h in c.laws)
    assert c.verify()


def test_the_closure_stops_at_the_limit_with_a_valid_rank():
    s = gradient_flow(relu([5, 5, 5, 5]))  # 625 generators
    res = closure(s.generators, time_limit=1e-9)
    assert res.reason == "limit" and res.rank == len(res.kept) < 100 - 15 and "time limit" in res.stats["stopped_by"]
    assert res.graph.number_of_nodes() == 625
    assert _independent_rank(s, res.kept_words, res.point) == res.rank


def test_a_large_relu_network_returns_within_its_limit():
    # the path lifting of relu [16, 16, 8, 5] has 10,240 components; unlimited, the census takes
    # several times longer than the limit
    t0 = time.perf_counter()
    c = census(relu([16, 16, 8, 5]), time_limit=1.5)
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.5 + 1.5
    assert "stopped_in" in c.stats and "time limit" in c.stats["stopped_by"]
    assert c.laws_lower <= 16 + 8 <= c.laws_upper  # one law per hidden neuron (DESIGN §2)
    _check_partial(c)


# -- the memory cap --------------------------------------------------------------------------

@pytest.mark.parametrize("phase", ["law search", "closure"])
def test_a_memory_cap_stops_each_phase(monkeypatch, phase):
    import lieflow.budget as budget_module

    current = {"phase": None}
    real_check = Budget.check

    def check(self, **info):
        current["phase"] = self.phase_name
        self._next_memory = 0.0  # read the (fake) memory at every checkpoint
        return real_check(self, **info)

    monkeypatch.setattr(Budget, "check", check)
    monkeypatch.setattr(budget_module, "resident_memory", lambda: 10 * 2**30 if current["phase"] == phase else 2**20)
    c = census(linear([3, 3, 3]), max_memory="1G")
    monkeypatch.undo()
    assert c.stats["stopped_in"] == phase and "memory cap of 1.0 GiB reached" in c.stats["stopped_by"]
    if phase == "law search":  # no law verified, but the closure ran: the closed form, 6 laws
        assert c.laws_lower == 0 and c.laws_upper == 6 and c.closure_reason == "closed"
    else:  # the generators' rank only (the closure checks its budget after 256 generators)
        assert c.laws_lower == 6 and c.closure_reason == "limit" and c.lie_rank <= 27 - 6
    assert c.verify()


def test_resnet_stops_cleanly_under_a_small_memory_cap():
    # three residual blocks: each kept bracket of the degree-5 generators is expanded
    # symbolically, hundreds of MB each; without a cap the census grows by gigabytes
    cap = 320 * 2**20
    code = (
        "import resource, sys\n"
        "from lieflow.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    args = ["census", "resnet", "4", "--blocks", "3", "--degree", "1", "--max-memory", str(cap),
            "--time-limit", "60", "--format", "json"]
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - t0
    assert r.returncode == 0, r.stderr
    peak = int(r.stderr.split("peak")[1])
    # well before the 60 s time limit (the memory cap stopped it; slack for a loaded machine)
    assert peak < cap + 100 * 2**20 and elapsed < 55
    d = json.loads(r.stdout)
    assert d["closure"]["reason"] == "limit" and "memory cap" in d["closure"]["stopped_by"]
    system = gradient_flow(resnet(4, blocks=3))
    point = tuple(int(Fraction(x)) for x in d["certificate"]["point"])
    assert d["lie_rank"] == len(d["certificate"]["brackets"]) >= 16
    assert _independent_rank(system, d["certificate"]["brackets"], point) == d["lie_rank"]
    assert d["laws_upper"] == 96 - d["lie_rank"]


# -- Ctrl-C ----------------------------------------------------------------------------------

def _interrupt_at(monkeypatch, k):
    real = Budget.check
    calls = {"n": 0}

    def check(self, **info):
        calls["n"] += 1
        if calls["n"] == k:
            raise KeyboardInterrupt
        return real(self, **info)

    monkeypatch.setattr(Budget, "check", check)
    return calls


@pytest.mark.parametrize(
    "model, kwargs, step",
    [(linear([2, 2, 2]), {}, 1), (linear([2, 2, 2]), {"flow": "momentum"}, 9), (linear([3, 2, 3]), {}, 3)],
)
def test_ctrl_c_at_every_checkpoint_leaves_a_valid_census_or_nothing(monkeypatch, model, kwargs, step):
    calls = _interrupt_at(monkeypatch, 0)
    full = census(model, **kwargs)
    total = calls["n"]
    monkeypatch.undo()
    assert full.proven and total > 20
    phases = set()
    for k in range(1, total + 1, step):
        _interrupt_at(monkeypatch, k)
        try:
            c = census(model, **kwargs)
        except KeyboardInterrupt:
            continue
        finally:
            monkeypatch.undo()
        assert c.stats["stopped_by"] == "KeyboardInterrupt"
        phases.add(c.stats["stopped_in"])
        assert c.lie_rank == len(c.certificate.brackets)
        assert c.laws_lower <= full.laws_lower and c.laws_upper >= full.laws_upper
        assert c.verify()
    assert phases == {"law search", "closure"}


@pytest.mark.parametrize("method", ["add", "insert"])
def test_ctrl_c_right_after_the_echelon_counted_a_row(monkeypatch, method):
    # an interrupt right after the echelon form counted a row (the closure records a field first)
    s = gradient_flow(linear([3, 3, 3]))
    real = getattr(ModularEchelon, method)

    def counted_then_interrupted_at(k):
        calls = {"n": 0}

        def patched(self, *args):
            out = real(self, *args)
            calls["n"] += 1
            if calls["n"] == k:
                raise KeyboardInterrupt
            return out

        monkeypatch.setattr(ModularEchelon, method, patched)
        return calls

    for k in (1, 5, 9, 10, 12, 14):
        calls = counted_then_interrupted_at(k)
        res = closure(s.generators)
        monkeypatch.undo()
        assert (res.reason == "interrupted") == (calls["n"] >= k)
        assert res.rank == len(res.kept) and _independent_rank(s, res.kept_words, res.point) == res.rank
        calls = counted_then_interrupted_at(k)
        c = census(linear([3, 3, 3]), degree=1)
        monkeypatch.undo()
        assert (c.stats.get("stopped_by") == "KeyboardInterrupt") == (calls["n"] >= k)
        assert c.lie_rank == len(c.certificate.brackets)
        assert c.verify()


def test_ctrl_c_during_a_bracket_expansion(monkeypatch):
    s = gradient_flow(linear([3, 3, 3]))

    def interrupted(self, X, Y, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(BracketCache, "bracket", interrupted)
    res = closure(s.generators)
    assert res.reason == "interrupted" and res.rank == len(res.kept) == 9  # the generators only
    assert res.stats["brackets_expanded"] == 0


def test_cli_ctrl_c_while_building_or_printing_exits_130(monkeypatch, capsys):
    import lieflow.cli as cli

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "model_from_args", boom)
    code, out, err = run(["census", "linear", "2", "2", "2"], capsys)
    assert code == 130 and out == "" and err == "lieflow: interrupted\n"
    monkeypatch.undo()
    from lieflow.census import Census

    monkeypatch.setattr(Census, "to_text", boom)
    code, out, err = run(["census", "linear", "2", "2", "2"], capsys)
    assert code == 130 and out == "" and err == "lieflow: interrupted\n"


def test_cli_prints_the_partial_census_of_an_interrupted_run_and_exits_130(monkeypatch, capsys):
    _interrupt_at(monkeypatch, 200)  # inside the closure of the momentum flow
    code, out, err = run(["census", "linear", "2", "2", "2", "--flow", "momentum", "--format", "json"], capsys)
    assert code == 130 and err.count("\n") == 1 and "interrupted" in err
    d = json.loads(out)
    assert d["closure"]["reason"] == "interrupted" and d["closure"]["stopped_by"] == "KeyboardInterrupt"


@pytest.mark.parametrize(
    "args, phase",
    [
        (["linear", "5", "5", "5", "--degree", "4"], "law search"),  # a search of several seconds
        (["resnet", "4", "--blocks", "3", "--degree", "1", "--max-memory", "2G"], "closure"),
    ],
)
def test_sigint_to_a_running_census(args, phase):
    cmd = [sys.executable, "-m", "lieflow.cli", "census", *args, "--time-limit", "60", "--progress", "always"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline:  # wait until the census reports its phase
            ready, _, _ = select.select([proc.stderr], [], [], 1.0)
            if ready:
                line = proc.stderr.readline()
                if line.startswith(f"lieflow: {phase}") or not line:
                    break
        assert line.startswith(f"lieflow: {phase}"), line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err
    messages = [ln for ln in err.splitlines() if not re.match(r"lieflow: [a-z ]+, \d+ s", ln)]  # not progress
    assert len(messages) == 1 and "interrupted" in messages[0]
    assert "stopped in the" in out and "KeyboardInterrupt" in out  # the partial census, printed


# -- progress --------------------------------------------------------------------------------

class _Stream:
    def __init__(self, tty):
        self.text, self.tty = "", tty

    def write(self, s):
        self.text += s

    def flush(self):
        pass

    def isatty(self):
        return self.tty


def test_progress_is_delayed_rate_limited_and_in_place():
    s = _Stream(True)
    p = Progress(s, in_place=True, delay=2.0, interval=10.0)
    p({"phase": "closure", "elapsed": 1.0, "rank": 1})
    assert s.text == ""  # quiet for the first seconds
    p({"phase": "closure", "elapsed": 2.5, "rank": 3, "brackets": 7})
    p({"phase": "closure", "elapsed": 2.6, "rank": 4})  # within the interval: dropped
    assert s.text == "\rlieflow: closure, 2 s, rank 3, 7 brackets evaluated\x1b[K"
    p.close()
    assert s.text.endswith("\r\x1b[K")


def test_census_reports_its_phases():
    seen = []
    census(linear([3, 3, 3]), degree=3, progress=seen.append)
    phases = [d["phase"] for d in seen]
    assert phases[0] == "building" and "law search" in phases and "closure" in phases
    assert all(d["elapsed"] >= 0 for d in seen)


def test_cli_progress_only_on_a_terminal(monkeypatch, capsys):
    import lieflow.cli as cli

    monkeypatch.setattr(cli, "PROGRESS_DELAY", 0.0)
    code, _, err = run(["census", "linear", "3", "3", "3"], capsys)
    assert code == 0 and err == ""  # capsys's stderr is not a terminal
    code, _, err = run(["census", "linear", "3", "3", "3", "--progress", "always"], capsys)
    assert code == 0 and err.startswith("lieflow: building") and "\r" not in err
    fake = _Stream(True)
    monkeypatch.setattr(sys, "stderr", fake)
    assert main(["census", "linear", "3", "3", "3"]) == 0
    assert fake.text.startswith("\rlieflow: building") and fake.text.endswith("\r\x1b[K")
    code, _, err = run(["census", "linear", "3", "3", "3", "--progress", "never"], capsys)
    assert err == ""
