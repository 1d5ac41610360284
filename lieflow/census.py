"""One call from a model to a proven count of conservation laws, with the laws and a certificate.

>>> from lieflow.models import relu
>>> c = census(relu([2, 2, 1]))
>>> c.laws_lower, c.laws_upper, c.proven, c.count_proof, c.laws_complete
(2, 2, True, 'explicit laws', True)
>>> print(c.laws[0])
u1_1_1**2 + u1_2_1**2 - u2_1_1**2
>>> c.verify()
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import networkx as nx
import sympy

from .algebra import Poly
from .algebra.primes import prime_for
from .budget import Budget, BudgetExceeded, default_max_memory, gc_paused, parse_memory, parse_time_limit
from .certificates import CountProof, Facts, RankCertificate, choose_count_proof
from .closure import ClosureResult, closure, random_point
from .dynamics import System, make_system
from .errors import BadArgumentError, LimitExceededError, VerificationError
from .laws import independent_laws
from .models.base import Model

__all__ = ["census", "Census", "Law", "Certificate"]

#: The rank certificate (kept bracket words, point, prime, seed): see
#: :class:`lieflow.certificates.RankCertificate`.
Certificate = RankCertificate


@dataclass(frozen=True)
class Law:
    """An explicit, exactly verified conservation law: a polynomial, or a polynomial plus logarithms.

    Attributes
    ----------
    poly : Poly
        The law as a polynomial in the system's variables (θ; or θ, v and the time coordinate).
        For a law with logarithms, its polynomial part ``P`` only (the whole law is ``log_law``).
    time_expr : sympy.Expr
        The law as a function of the parameters (and velocities and ``t``): the time
        coordinate ``s`` of heavy-ball flows is written ``exp(tau*t)``.
    log_law : LogLaw or None
        For a law ``P + Σ_j Q_j log|ℓ_j|`` with at least one logarithm (see
        :mod:`lieflow.loglaws`), the law itself; ``None`` for a polynomial law.

    Examples
    --------
    >>> from lieflow.models import custom
    >>> c = census(custom(["2*x1 + x2*x3**2 + 3*x2", "x1**2"]))
    >>> law = c.laws[0]
    >>> print(law)
    2*x2**2 - x3**2 - 6*log(Abs(x3))
    >>> law.is_polynomial, law.degree, law.poly
    (False, 2, Poly(2*x2**2 - x3**2))
    """

    poly: Poly
    time_expr: object
    log_law: object = None

    @property
    def is_polynomial(self) -> bool:
        """True for a polynomial law (no logarithm)."""
        return self.log_law is None

    @property
    def expr(self):
        """The law as a sympy expression in the system's own variables."""
        if self.log_law is not None:
            return self.log_law.as_expr()
        return self.poly.as_expr()

    @property
    def degree(self) -> int:
        """The degree (a logarithm counting as degree 1, see :attr:`lieflow.loglaws.LogLaw.degree`)."""
        if self.log_law is not None:
            return self.log_law.degree
        return self.poly.degree

    def __str__(self):
        # in the system's own variables, print in lieflow's canonical term order (parseable by sympy)
        if self.log_law is not None:
            return str(self.log_law) if self.time_expr == self.log_law.as_expr() else str(self.time_expr)
        if self.time_expr == self.poly.as_expr():
            return str(self.poly)
        return str(self.time_expr)

    def _sympystr(self, printer):
        return printer._print(self.time_expr)

    def _latex(self, printer):
        if self.log_law is None:
            return printer._print(self.time_expr)
        from .io import law_latex

        return law_latex(self.time_expr)

    def _repr_latex_(self):
        if self.log_law is None:
            return f"${sympy.latex(self.time_expr)}$"
        from .io import law_latex

        return f"${law_latex(self.time_expr)}$"


@dataclass(frozen=True)
class Census:
    """The result of :func:`census`: bounds on the number of laws, the laws, and the evidence.

    Attributes
    ----------
    system : System
    ambient_dim : int
        D (gradient flows) or 2D + 1 (momentum).
    lie_rank : int
        Exact rank of the kept brackets at the certificate point.
    laws_upper : int
        ``ambient_dim - lie_rank``: no more independent laws can exist.
    laws_lower : int
        Number of independent explicit laws, each verified exactly.
    proven : bool
        The count is proven: ``#laws == laws_upper``, by the certificate ``count_certificate``,
        which :meth:`verify` re-checks.
    count_proof : str or None
        Which proof (see :mod:`lieflow.certificates.counts`): ``"explicit laws"`` (independent
        explicit laws meet the upper bound), ``"one generator"`` (a single nonzero field spans its
        own Lie algebra: generic rank 1, exactly ``D - 1`` local laws by the flow-box theorem,
        polynomial or not), ``"full rank"`` (the Lie algebra fills the space: no law),
        ``"involutive closure"``; ``None`` when only the bounds are proven.
    laws_complete : bool
        ``laws_lower == laws_upper``: every independent law is written out in ``laws``.
    laws : tuple of Law
        The independent explicit laws: polynomial ones first, then any with logarithms (searched
        only when the polynomial laws do not reach ``laws_upper``).
    law_space_dim : int
        Dimension of the space of laws searched (products of laws count there; with logarithms
        when those were searched).
    certificate : RankCertificate
        The kept bracket words and the point where they are independent (the upper bound).
    count_certificate : CountProof or None
        The proof of the count (its ``kind`` is ``count_proof``).
    graph : networkx.DiGraph
        Every bracket computed (see :mod:`lieflow.closure`).
    closure_reason : str
    seconds : float
    timings, stats : dict
    """

    system: System
    ambient_dim: int
    lie_rank: int
    laws_upper: int
    laws_lower: int
    proven: bool
    laws: tuple
    law_space_dim: int
    certificate: Certificate
    graph: nx.DiGraph = field(compare=False)
    closure_reason: str = "closed"
    count_proof: str | None = None
    laws_complete: bool = False
    count_certificate: CountProof | None = None
    degree: int = 2
    time_degree: int | None = None
    seconds: float = 0.0
    timings: dict = field(default_factory=dict, compare=False)
    stats: dict = field(default_factory=dict, compare=False)
    #: The JSON text a loaded census came from (``verify`` re-checks it too); None if computed.
    source: str | None = field(default=None, compare=False, repr=False)

    @property
    def model(self) -> Model:
        return self.system.model

    @property
    def parameters(self) -> tuple:
        return self.system.ring.symbols

    # -- re-verification -------------------------------------------------------------------
    def verify(self) -> bool:
        """Re-check the census from scratch, trusting nothing but its model spec.

        The census is written out as its JSON document and handed to the independent verifier
        (:func:`lieflow.certificates.verify_document`): the system is rebuilt from the model
        spec, the generators again with plain sympy, and every stored number is compared with
        what the rebuild gives — dimension, parameters, flow, metric, generators, the rank of the
        kept brackets over QQ, each law's exact terms (annihilated by every generator, gradients
        independent), their printed form, and the proof of the count.  A census loaded with
        :func:`lieflow.census_from_json` has its source text checked first.

        Returns
        -------
        True

        Raises
        ------
        VerificationError
            naming the first check that failed (also in ``exc.check``).

        Examples
        --------
        >>> from lieflow.models import custom
        >>> census(custom(["x*y"])).verify()
        True
        """
        from .certificates import verify_census

        return verify_census(self)

    # -- output ----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        from .io import census_to_dict

        return census_to_dict(self)

    def to_json(self, **kwargs) -> str:
        from .io import census_to_json

        return census_to_json(self, **kwargs)

    def to_text(self, *, expand: bool = False) -> str:
        """The text report (``expand=True``: every law, never a summary of them)."""
        from .io import census_to_text

        return census_to_text(self, expand=expand)

    def to_latex(self) -> str:
        from .io import census_to_latex

        return census_to_latex(self)

    def __str__(self):
        return self.to_text()

    def _repr_latex_(self):
        return self.to_latex()

    def _sympystr(self, printer):
        return self.to_text()


def _check_int(name, value, lo):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise BadArgumentError(name, value, f"must be an integer >= {lo}")
    return value


def _check_options(*, degree, time_degree, time_limit, max_brackets) -> None:
    """Refuse bad limits before any work (the closure would find them only after the law search)."""
    from numbers import Real

    from .limits import check

    check("max_degree", degree, "degree", degree, "degree of the law search")
    if time_degree is not None:
        check("max_degree", time_degree, "time_degree", time_degree, "time degree of the law search")
    if time_limit is not None and (isinstance(time_limit, bool) or not isinstance(time_limit, Real) or not time_limit > 0):
        raise BadArgumentError("time_limit", time_limit, "must be a positive number of seconds")
    _check_int("max_brackets", max_brackets, 1)


def _with_log_laws(system, chosen, point, *, degree, time_degree, prime, time_limit):
    """Extend independent polynomial laws by independent laws with logarithms.

    The search (:meth:`System.find_log_laws`, same degrees) returns a basis whose polynomial part
    spans the same polynomial laws; its laws with logarithms are added greedily after the given
    polynomial laws (:func:`lieflow.loglaws.independent_log_laws`), so those stay as they are.
    With a ``time_limit`` the search gets that many seconds of its own.

    Returns ``(laws, dimension of the space searched or None, one word on how it went)``.
    """
    from .loglaws import independent_log_laws

    deadline = None if time_limit is None else time.perf_counter() + time_limit
    try:
        found = system.find_log_laws(degree=degree, time_degree=time_degree, deadline=deadline)
        with_logs = [h for h in found if not h.is_polynomial]
        kept = independent_log_laws(list(chosen) + with_logs, point, prime=prime) if with_logs else chosen
    except (LimitExceededError, BadArgumentError) as exc:  # too large, too slow, or a log argument vanishing at the point
        return chosen, None, f"skipped: {exc}"
    new = [h for h in kept if not isinstance(h, Poly)]
    if len(kept) - len(new) != len(chosen):  # the polynomial laws are independent: never expected
        raise VerificationError("the independent polynomial laws became dependent in the log law search")
    return tuple(chosen) + tuple(new), len(found), "searched"


def _make_law(system, h) -> Law:
    if isinstance(h, Poly):
        return Law(h, system.time_expr(h))
    from .loglaws import log_law_time_expr

    return Law(h.poly, log_law_time_expr(system, h), h)


def census(
    model,
    *,
    flow: str = "gradient",
    damping: str | None = None,
    tau=None,
    alpha=None,
    degree: int = 2,
    time_degree: int | None = None,
    seed: int = 0,
    confirm: bool = False,
    early_stop: bool = True,
    time_limit: float | None = None,
    max_brackets: int | None = None,
    prime: int | None = None,
    max_memory=None,
    progress=None,
    budget: Budget | None = None,
) -> Census:
    """Count the conservation laws of a model's flow, find them, and prove the count.

    1. explicit polynomial laws of degree ``≤ degree`` by exact null space, each verified
       exactly; a maximal independent family gives the lower bound;
    2. the closure algorithm at a seeded random point gives the rank ``r`` of the Lie algebra's
       trace there, hence the upper bound ``ambient_dim - r``; with ``early_stop`` it stops as
       soon as the bounds meet (that is a proof, not a guess);
    3. only if the bounds still differ: laws ``P + Σ_j Q_j log|ℓ_j|`` of the same degree
       (:mod:`lieflow.loglaws`), each verified exactly; the independent ones are added after the
       polynomial laws.  The closure ran to its end in that case (it stops early only when the
       bounds meet), so its upper bound stands, and no work is spent on logarithms otherwise.

    Parameters
    ----------
    model : Model or System
        A catalog model (``lieflow.models``) or a prepared :class:`~lieflow.dynamics.System`.
    flow : {"gradient", "momentum"}
    damping : {"heavy-ball", "nesterov", "none"}, optional
        Momentum flows only (default heavy-ball).
    tau, alpha : rational, optional
        Heavy-ball friction τ (default 1) or Nesterov-type α in τ(t) = α/t (default 3).
    degree : int
        Maximal degree of the explicit laws in the parameters (and velocities), default 2.
    time_degree : int, optional
        Maximal degree in the time coordinate (momentum flows).
    seed : int
        Seed of the random certificate point (recorded in the certificate).
    confirm : bool
        Also run the full closure at a second, independent point and keep the larger rank.
    early_stop : bool
        Stop the closure when the rank reaches ``ambient_dim - laws_lower`` (default True).
    time_limit : float, optional
        Seconds for the whole census (law search and closure).  When it runs out the census
        returns what it has proven so far: laws already verified, the closure's rank so far
        (``closure_reason="limit"``), and ``stats["stopped_in"]`` / ``stats["stopped_by"]`` say
        which phase was cut and why.  The law search gets at most half of the time (the rest is
        left to the closure); the log law search of step 3 gets what is left after the closure,
        and if it runs out (or its system is too large) the polynomial laws stay and
        ``stats["log_law_search"]`` says why.
    max_brackets : int, optional
        Stop the closure after this many candidate brackets.
    prime : int, optional
        Modulus of the modular ranks (certificate point, law independence, the equations the
        law search imposes first): a prime below ``2**31`` that divides no numerator or
        denominator of any coefficient of the generators.  By default the largest such prime;
        if that census is not proven although its closure completed, the modular steps are run
        once more with the next such prime (a prime can make the reduced system degenerate by
        chance) and the better bounds are kept.  The prime used is ``certificate.prime``.
    max_memory : int or str, optional
        Resident memory cap (bytes, or a size such as ``"4G"``); default half of the machine's
        memory.  Reaching it stops the census like a time limit.
    progress : callable, optional
        Called a few times per second with a dict (``phase``, ``elapsed``, and e.g. ``rank``,
        ``brackets``), see :class:`lieflow.budget.Budget`.
    budget : Budget, optional
        A :class:`lieflow.budget.Budget` made by the caller (e.g. one whose clock started
        before the model was built), used instead of ``time_limit``, ``max_memory`` and
        ``progress``, which must then be left unset.

    Returns
    -------
    Census
        On KeyboardInterrupt during the law search or the closure, the census proven so far
        (``stats["stopped_by"] == "KeyboardInterrupt"``; ``closure_reason="interrupted"`` unless
        the closure had finished); it passes :meth:`Census.verify`.  A KeyboardInterrupt while
        the system is being built propagates.

    Raises
    ------
    BadArgumentError
        for bad options (each error names the option and the value), among them a ``prime`` that
        divides a coefficient of the system.
    VerificationError
        if the computed bounds contradict each other (a bug; never expected).

    Notes
    -----
    Python's cyclic garbage collector is paused while the census runs (and restored after): the
    objects built are acyclic, and the collector's repeated full passes over millions of small
    polynomials would otherwise dominate the running time of large models.

    Examples
    --------
    >>> from lieflow.models import linear
    >>> c = census(linear([2, 2, 2]))
    >>> (c.ambient_dim, c.lie_rank, c.laws_lower, c.proven)
    (8, 5, 3, True)
    >>> from lieflow.models import custom
    >>> c = census(custom(["x*y/2147483647"]))
    >>> c.laws_lower, c.proven, c.certificate.prime
    (1, True, 2147483629)
    """
    t_start = time.perf_counter()
    degree = _check_int("degree", degree, 1)
    time_degree = _check_int("time_degree", time_degree, 0)
    _check_options(degree=degree, time_degree=time_degree, time_limit=time_limit, max_brackets=max_brackets)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise BadArgumentError("seed", seed, "must be an integer")
    max_brackets = _check_int("max_brackets", max_brackets, 1)
    if budget is None:
        budget = Budget(
            time_limit=parse_time_limit(time_limit),
            max_memory=default_max_memory() if max_memory is None else parse_memory(max_memory),
            progress=progress,
            start=t_start,
        )
    elif not isinstance(budget, Budget):
        raise BadArgumentError("budget", budget, "expected a lieflow.budget.Budget")
    else:
        for name, value in (("time_limit", time_limit), ("max_memory", max_memory), ("progress", progress)):
            if value is not None:
                raise BadArgumentError(name, value, "give it to the Budget passed as budget= instead")
    with gc_paused():
        with budget.phase("building"):
            system = _system(model, flow, damping, tau, alpha)
            chosen_prime = prime_for(system.generators, prime, names=system.generator_names)
        run = _Run(system, degree, time_degree, seed, budget)
        run.search_laws(chosen_prime)
        run.prove(chosen_prime, early_stop, max_brackets)
        if confirm:
            run.confirm(chosen_prime)
        if prime is None and run.worth_another_prime():
            run.prove(prime_for(system.generators, skip={chosen_prime}), early_stop, max_brackets)
        run.search_log_laws()
        run.prove_count()
        return run.assemble(t_start)


def _system(model, flow, damping, tau, alpha) -> System:
    if isinstance(model, System):
        given = {"flow": flow if flow != "gradient" else None, "damping": damping, "tau": tau, "alpha": alpha}
        for name, value in given.items():
            if value is not None:
                raise BadArgumentError(name, value, "a System already fixes its flow; pass the Model instead")
        return model
    if isinstance(model, Model):
        return make_system(model, flow=flow, damping=damping, tau=tau, alpha=alpha)
    raise BadArgumentError("model", model, "expected a lieflow Model (see lieflow.models) or System")


class _Run:
    """The phases of one census and what each has proven so far.

    Every phase leaves its part of the evidence valid whatever stops it: ``chosen`` is always an
    independent family of verified laws, ``res`` a closure result with ``rank == len(kept)``.
    A limit or Ctrl-C is recorded in ``stop`` (phase, cause); after Ctrl-C no further phase runs.
    """

    def __init__(self, system, degree, time_degree, seed, budget):
        self.system, self.degree, self.time_degree, self.seed = system, degree, time_degree, seed
        self.budget = budget
        self.D = system.ambient_dim
        self.found = ()
        self.chosen = ()
        self.res = None
        self.cert_seed = seed
        self.skipped = None
        self.stop = None  # (phase, cause) of the first limit or interrupt
        self.interrupted = False
        self.confirmed = None
        self.primes_tried = []
        self.prime = None
        self.timings = {"laws": 0.0, "closure": 0.0}
        self.space_dim = None
        self.chosen_at = None  # (point, prime) where ``chosen`` was found independent
        self.log_search = None
        self.involutive = None  # InvolutiveClosure, when the involutive check proved the count
        self.involutive_note = None  # why it did not (or was not run), in one phrase

    def _stopped(self, phase: str, cause: str, interrupted: bool = False) -> None:
        if self.stop is None:
            self.stop = (phase, cause)
        self.interrupted = self.interrupted or interrupted

    def search_laws(self, prime: int) -> None:
        """Explicit laws, each verified exactly (a search cut short keeps the verified ones)."""
        self.prime = prime
        t0 = time.perf_counter()
        with self.budget.phase("law search", share=0.5):
            try:
                self.found = self.system.find_laws(
                    degree=self.degree, time_degree=self.time_degree, prime=prime, budget=self.budget
                )
            except BudgetExceeded as exc:
                self.found = tuple(exc.partial or ())
                self._stopped("law search", exc.cause)
            except LimitExceededError as exc:  # too many unknowns: still give the closure's upper bound
                self.skipped = str(exc)
            except KeyboardInterrupt as exc:
                self.found = tuple(getattr(exc, "partial", ()) or ())
                self._stopped("law search", "KeyboardInterrupt", interrupted=True)
        self.timings["laws"] += time.perf_counter() - t0

    def _independent(self, point, prime) -> tuple:
        """A maximal independent family of the found laws (interrupted: the family so far).

        Not bounded by the budget's deadline: the laws were verified in the time given to the
        search, and choosing among them costs one gradient evaluation each."""
        try:
            return independent_laws(self.found, point, prime=prime)
        except KeyboardInterrupt as exc:
            self._stopped("law search", "KeyboardInterrupt", interrupted=True)
            return tuple(getattr(exc, "partial", ()) or ())

    def prove(self, prime: int, early_stop: bool, max_brackets) -> None:
        """Independence of the laws and the closure, modulo ``prime``; keep the better bounds."""
        if self.interrupted:
            return
        first = not self.primes_tried
        self.primes_tried.append(prime)
        t0 = time.perf_counter()
        point = random_point(self.D, self.seed, prime=prime)
        with self.budget.phase("law search"):
            chosen = self._independent(point, prime)
        if len(chosen) > len(self.chosen) or self.chosen_at is None:
            self.chosen, self.chosen_at = chosen, (point, prime)
        res = None
        if not self.interrupted:
            target = self.D - len(self.chosen) if early_stop else None
            res = closure(
                self.system.generators, names=self.system.generator_names, point=point, prime=prime,
                target_rank=target, max_brackets=max_brackets, budget=self.budget,
            )
            self._note_closure_stop(res, "closure" if first else "closure with a second prime")
        if res is not None and (self.res is None or res.rank > self.res.rank):
            self.res, self.cert_seed = res, self.seed
        self.timings["closure"] += time.perf_counter() - t0

    def _note_closure_stop(self, res, phase: str) -> None:
        if res.reason == "interrupted":
            self._stopped(phase, "KeyboardInterrupt", interrupted=True)
        elif "stopped_by" in res.stats:
            self._stopped(phase, res.stats["stopped_by"])

    def confirm(self, prime: int) -> None:
        """The full closure at a second, independent point; the larger rank is the certificate."""
        if self.interrupted:
            return
        other_seed = self.seed + 1_000_003
        other = closure(
            self.system.generators, names=self.system.generator_names, seed=other_seed, prime=prime, budget=self.budget
        )
        self._note_closure_stop(other, "confirmation closure")
        self.confirmed = other.rank
        if other.rank > self.res.rank:  # a larger rank is the better certificate (still a valid bound)
            self.res, self.cert_seed = other, other_seed

    def worth_another_prime(self) -> bool:
        """Unproven although nothing stopped the closure: the prime may have degenerated the system."""
        res = self.res
        return (
            not self.interrupted and self.stop is None and res is not None and res.reason == "closed"
            and len(self.chosen) < self.D - res.rank and len(self.primes_tried) == 1
        )

    def search_log_laws(self) -> None:
        """Step 3, only when the polynomial laws leave a gap below a complete closure's bound."""
        res = self.res
        if self.interrupted or self.skipped is not None or res is None or len(self.chosen) >= self.D - res.rank:
            return
        point, prime = self.chosen_at
        if self.stop is not None:  # a limit already cut a phase: the larger search would not finish
            self.log_search = f"skipped: a limit stopped the {self.stop[0]}"
            return
        remaining = self.budget.remaining()
        if remaining is not None and remaining <= 0:
            self.log_search = "skipped: no time left"
            return
        t0 = time.perf_counter()
        try:
            with self.budget.phase("log law search"):
                chosen, space, self.log_search = _with_log_laws(
                    self.system, self.chosen, point, degree=self.degree, time_degree=self.time_degree,
                    prime=prime, time_limit=remaining,
                )
        except KeyboardInterrupt:
            self._stopped("log law search", "KeyboardInterrupt", interrupted=True)
            self.log_search = "interrupted"
        except BudgetExceeded as exc:
            self._stopped("log law search", exc.cause)
            self.log_search = f"skipped: {exc}"
        else:
            self.chosen = chosen
            self.space_dim = space
        self.timings["laws"] += time.perf_counter() - t0

    def prove_count(self) -> None:
        """Step 4, only when the laws found fall short of a *complete* closure's bound: the
        involutive-closure certificate (:mod:`lieflow.certificates.involutive`) proves the count
        exactly, or the census says why not.  Never run on a closure cut short (its kept fields
        were not bracketed with every generator): that is no proof."""
        res = self.res
        if self.interrupted or res is None:
            return
        facts = Facts(ambient_dim=self.D, generators=len(self.system.generators), rank=res.rank,
                      laws_lower=len(self.chosen))
        if choose_count_proof(facts) is not None:
            return
        if res.reason != "closed":
            self.involutive_note = f"not run: the closure did not finish ({res.reason})"
            return
        from .certificates.involutive import InvolutiveClosure, decide_involutive

        remaining = self.budget.remaining()
        if remaining is not None and remaining <= 0:
            self.involutive_note = "not run: no time left"
            return
        t0 = time.perf_counter()
        try:
            with self.budget.phase("involutive check"):
                verdict = decide_involutive(
                    self.system.generators, res.kept, names=self.system.generator_names, point=res.point,
                    prime=res.prime, deadline=self.budget.deadline,
                )
        except KeyboardInterrupt:
            self._stopped("involutive check", "KeyboardInterrupt", interrupted=True)
            self.involutive_note = "not proven: interrupted"
        except LimitExceededError as exc:  # the deadline, or a search too large to run
            self.involutive_note = str(exc) if str(exc).startswith("not proven") else f"not proven: {exc}"
        else:
            if verdict.proven:
                self.involutive = InvolutiveClosure.of(verdict.certificate)
            else:
                # the upper bound stands either way (a rank at a point never exceeds the generic rank)
                self.involutive_note = f"not proven: {verdict.failed_word} is {verdict.reason}"
        self.timings["involutive"] = time.perf_counter() - t0

    def assemble(self, t_start: float) -> Census:
        system, D = self.system, self.D
        res = self.res
        if res is None:  # interrupted before the closure started: the trivial bound
            prime = self.primes_tried[-1] if self.primes_tried else self.prime
            res = ClosureResult(0, D, (), random_point(D, self.seed, prime=prime), prime, self.seed,
                                "interrupted", nx.DiGraph(), 0)
        upper = D - res.rank
        lower = len(self.chosen)
        if lower > upper:
            raise VerificationError(f"{lower} independent laws but the Lie algebra has rank {res.rank} in dimension {D}")
        proof = choose_count_proof(
            Facts(ambient_dim=D, generators=len(system.generators), rank=res.rank, laws_lower=lower)
        ) or self.involutive
        laws = tuple(_make_law(system, h) for h in self.chosen)
        stats = dict(res.stats)
        stats.pop("stopped_in", None)
        stats.pop("stopped_by", None)
        stats["closure_rounds"] = res.rounds
        if self.confirmed is not None:
            stats["confirm_rank"] = self.confirmed
        if self.skipped is not None:
            stats["law_search_skipped"] = self.skipped
        if self.log_search is not None:
            stats["log_law_search"] = self.log_search
        if self.involutive_note is not None:
            stats["involutive_check"] = self.involutive_note
        if len(self.primes_tried) > 1:
            stats["primes_tried"] = list(self.primes_tried)
        if self.stop is not None:
            stats["stopped_in"], stats["stopped_by"] = self.stop
        return Census(
            system=system,
            ambient_dim=D,
            lie_rank=res.rank,
            laws_upper=upper,
            laws_lower=lower,
            proven=proof is not None,
            laws=laws,
            law_space_dim=max(len(self.found), self.space_dim or 0),
            certificate=RankCertificate(res.point, res.prime, res.kept_words, self.cert_seed),
            graph=res.graph,
            closure_reason=res.reason,
            count_proof=None if proof is None else proof.kind,
            laws_complete=lower == upper,
            count_certificate=proof,
            degree=self.degree,
            time_degree=self.time_degree,
            seconds=time.perf_counter() - t_start,
            timings=dict(self.timings),
            stats=stats,
        )

