"""Exact linear algebra: incremental echelon forms modulo a prime, ranks and null spaces over QQ.

Everything here is exact.  Modular ranks are certified *lower bounds* on ranks over QQ (the rank of
an integer matrix modulo a prime never exceeds its rank over QQ), which is the direction the
census certificates need.

>>> E = ModularEchelon(3)
>>> [E.add(v) for v in ([1, 2, 3], [2, 4, 6], [0, 1, 1])]
[True, False, True]
>>> E.rank
2
>>> rank_qq([[1, 2, 3], [2, 4, 6], [0, 1, 1]])
2
>>> nullspace_qq([{0: 1, 1: 1}], 3)
[{0: -1, 1: 1}, {2: 1}]
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import gcd, isqrt, lcm

from ..errors import BadArgumentError
from .rings import DEFAULT_PRIME, _norm

__all__ = ["ModularEchelon", "rank_qq", "rank_mod", "nullspace_qq", "rref_qq", "reduce_mod"]

_SLOT_BYTES = 10  # 80-bit slots: sums of < 2**18 products of two 31-bit residues never overflow


def reduce_mod(v, prime: int = DEFAULT_PRIME) -> list:
    """Reduce a vector of rationals modulo ``prime``.

    Raises
    ------
    BadArgumentError
        if ``prime`` divides a denominator.

    Examples
    --------
    >>> reduce_mod([Fraction(1, 2), -1], 7)
    [4, 6]
    """
    out = []
    for x in v:
        if isinstance(x, Fraction):
            if x.denominator % prime == 0:
                raise BadArgumentError("prime", prime, f"divides the denominator of {x}: no value modulo it")
            out.append(x.numerator * pow(x.denominator, -1, prime) % prime)
        else:
            out.append(int(x) % prime)
    return out


def is_prime(n: int) -> bool:
    """Deterministic primality test for ``n < 3.2e9`` (Miller-Rabin with bases 2, 3, 5, 7).

    >>> [p for p in range(20) if is_prime(p)], is_prime(2**31 - 1), is_prime(2**31 - 3)
    ([2, 3, 5, 7, 11, 13, 17, 19], True, False)
    """
    if n < 2:
        return False
    for p in (2, 3, 5, 7):
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in (2, 3, 5, 7):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


class ModularEchelon:
    """Incremental reduced row echelon form over GF(prime).

    ``add(v)`` reduces ``v`` against the rows kept so far and keeps it iff it raises the rank.
    Vectors are sequences of length ``ncols`` or sparse mappings ``{column: entry}``.

    The kept rows live in two blocks, each fully reduced in itself: a large *core* and a small
    *pending* block (at most about ``sqrt(2 ncols)`` rows).  Pending rows are zero in the core's
    pivot columns; core rows are cleared of the pending pivots only when the block is merged,
    one multiply-accumulate per core row instead of one row update per new pivot.  A candidate is
    reduced by the core, then by the pending block, each in one pass: a single big-integer
    multiply-accumulate over rows packed into fixed-width slots.

    A sparse candidate is first tested for membership in the row space without being reduced
    in full (:meth:`contains`): its residue vanishes at every pivot column by construction, so
    only the columns without a pivot need looking at.  With ``fingerprints=True`` even those are
    not looked at: the residue ``r`` is tested through ``r·w`` for two fixed random vectors ``w``
    (each kept row stores its own ``row·w``), which costs the number of entries of the candidate
    times the size of the pending block.  That test is one-sided: ``r·w ≠ 0`` proves ``r ≠ 0``;
    ``r·w = 0`` for both ``w`` while ``r ≠ 0`` has probability ``prime**-2``, and would only make
    a candidate look dependent — the rank stays a lower bound, the kept rows stay independent.

    Parameters
    ----------
    ncols : int
        Vector length.
    prime : int
        A prime below ``2**31`` (default ``2**31 - 1``).
    fingerprints : bool
        Test sparse candidates by random fingerprints (see above); default exact.

    Raises
    ------
    BadArgumentError
        for a negative ``ncols`` or a ``prime`` that is not a prime in ``[3, 2**31)``.

    Examples
    --------
    >>> E = ModularEchelon(4, 7, fingerprints=True)
    >>> [E.add(v) for v in ({0: 1, 1: 2}, {1: 1, 3: 1}, {0: 1, 3: 5})]
    [True, True, False]
    >>> E.rank
    2
    """

    def __init__(self, ncols: int, prime: int = DEFAULT_PRIME, *, fingerprints: bool = False):
        if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 0:
            raise BadArgumentError("ncols", ncols, "must be an integer >= 0")
        if isinstance(prime, bool) or not isinstance(prime, int) or not (2 < prime < 2**31) or not is_prime(prime):
            raise BadArgumentError("prime", prime, "must be a prime between 3 and 2**31")
        self.ncols = ncols
        self.prime = prime
        self._nbytes = _SLOT_BYTES * ncols
        self._block = max(4, isqrt(2 * ncols))
        # each block: pivot columns, rows as lists (pivot entry 1), the same rows packed, and
        # each row's fingerprint (row·w1, row·w2) mod prime
        self._core = ([], [], [], [])
        self._pending = ([], [], [], [])
        self._core_pos: dict = {}  # core pivot column -> position in the core block
        self._free = None  # the columns without a pivot (cached)
        self._w = None
        if fingerprints:
            import random

            rng = random.Random(ncols * 1_000_003 + prime)
            self._w = tuple(tuple(rng.randrange(prime) for _ in range(ncols)) for _ in range(2))

    @property
    def rank(self) -> int:
        return len(self._core[0]) + len(self._pending[0])

    @property
    def pivots(self) -> list:
        """The pivot column of each kept row, in the order the rows were kept."""
        return self._core[0] + self._pending[0]

    def _pack(self, row) -> int:
        return int.from_bytes(b"".join([x.to_bytes(_SLOT_BYTES, "little") for x in row]), "little")

    def _fingerprint(self, row) -> tuple:
        if self._w is None:
            return None
        p = self.prime
        return tuple(sum(a * b for a, b in zip(row, w) if a) % p for w in self._w)

    def _eliminate(self, r: list, block) -> list:
        """``r - sum_c r[c] row_c`` over a block's rows (mod prime), in one pass."""
        acc = 0
        for c, packed in zip(block[0], block[2]):
            f = r[c]
            if f:
                acc += f * packed
        return self._subtract(r, acc)

    def _dense(self, v) -> list:
        """``v`` (a sequence or a sparse mapping) as a list of residues mod prime."""
        p = self.prime
        if isinstance(v, Mapping):
            out = [0] * self.ncols
            for c, x in v.items():
                if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < self.ncols:
                    raise BadArgumentError("v", c, f"column index must be in 0..{self.ncols - 1}")
                out[c] = x % p
            return out
        if len(v) != self.ncols:
            raise BadArgumentError("v", len(v), f"vector length must be {self.ncols}")
        return [x % p for x in v]

    def contains(self, v) -> bool:
        """Whether ``v`` is in the span of the kept rows (mod prime).

        Exact, except for sparse ``v`` with ``fingerprints=True`` (see the class notes).

        Raises
        ------
        BadArgumentError
            for a dense ``v`` of the wrong length.

        Examples
        --------
        >>> E = ModularEchelon(4, 7)
        >>> E.add({0: 1, 2: 3}), E.contains({0: 2, 2: 6}), E.contains([1, 0, 3, 1])
        (True, True, False)
        """
        if not isinstance(v, Mapping):
            return not any(self.reduce(v))
        p = self.prime
        core_pos = self._core_pos
        cpiv, crows, cpacked, cfp = self._core
        ppiv, prows, ppacked, pfp = self._pending
        fcore = []  # (position in the core, multiplier)
        for c, x in v.items():
            i = core_pos.get(c)
            if i is not None:
                x %= p
                if x:
                    fcore.append((i, x))
        # multipliers of the pending rows: the entries at their pivots after the core's elimination
        fpend = []
        for k, c in enumerate(ppiv):
            f = v.get(c, 0)
            for i, x in fcore:
                y = crows[i][c]
                if y:
                    f -= x * y
            f %= p
            if f:
                fpend.append((k, f))
        if self._w is not None:
            for w, t in zip(self._w, range(2)):
                total = sum(x * w[c] for c, x in v.items())
                total -= sum(x * cfp[i][t] for i, x in fcore)
                total -= sum(f * pfp[k][t] for k, f in fpend)
                if total % p:
                    return False
            return True
        # exact: the residue v - Σ f row vanishes at every pivot column; look at the others only
        acc = 0
        for i, x in fcore:
            acc += x * cpacked[i]
        for k, f in fpend:
            acc += f * ppacked[k]
        if self._free is None:
            piv = set(self.pivots)
            self._free = [j for j in range(self.ncols) if j not in piv]
        sb = _SLOT_BYTES
        fb = int.from_bytes
        b = acc.to_bytes(self._nbytes + 8, "little") if acc else None
        for j in self._free:
            if (v.get(j, 0) - (fb(b[j * sb : (j + 1) * sb], "little") if b else 0)) % p:
                return False
        return True

    def reduce(self, v) -> list:
        """The residue of ``v`` (entries taken mod prime) after elimination by the kept rows."""
        v = self._dense(v)
        p = self.prime
        acc = 0
        for c, packed in zip(self._core[0], self._core[2]):
            f = v[c]
            if f:
                acc += f * packed
        if self._pending[0]:
            # after the core, the entry at a pending pivot c is v[c] - acc[c]; pending rows are
            # zero at the core pivots and reduced among themselves, so one more accumulation
            # clears the pending pivots without disturbing the core's
            sb = _SLOT_BYTES
            b = acc.to_bytes(self._nbytes + 8, "little") if acc else None
            for c, packed in zip(self._pending[0], self._pending[2]):
                f = (v[c] - (int.from_bytes(b[c * sb : (c + 1) * sb], "little") if b else 0)) % p
                if f:
                    acc += f * packed
        return self._subtract(v, acc)

    def _subtract(self, v: list, acc: int) -> list:
        """``v - acc`` slot by slot, mod prime (``acc`` packed)."""
        if not acc:
            return v
        b = acc.to_bytes(self._nbytes + 8, "little")
        fb = int.from_bytes
        sb = _SLOT_BYTES
        p = self.prime
        return [(x - fb(b[j * sb : (j + 1) * sb], "little")) % p for j, x in enumerate(v)]

    def add(self, v) -> bool:
        """Keep ``v`` if it is independent of the kept rows; return whether it was kept."""
        if isinstance(v, Mapping) and self.contains(v):
            return False
        r = self.reduce(v)
        if not any(r):
            return False
        self.insert(r)
        return True

    def insert(self, r) -> None:
        """Keep a nonzero residue ``r = self.reduce(v)`` (no row may have been kept since).

        ``add`` is ``reduce`` then ``insert``; calling them apart lets a caller decide, between
        the two, whether to keep the row (the rank changes only in ``insert``).

        Raises
        ------
        BadArgumentError
            for a zero residue or one of the wrong length.

        Examples
        --------
        >>> E = ModularEchelon(2, 7)
        >>> r = E.reduce([3, 1]); E.rank
        0
        >>> E.insert(r); E.rank, E.pivots
        (1, [0])
        """
        c0 = next((j for j, x in enumerate(r) if x), None)
        if c0 is None or len(r) != self.ncols:
            raise BadArgumentError("r", r, "expected a nonzero residue returned by reduce()")
        p = self.prime
        inv = pow(r[c0], -1, p)
        r = [x * inv % p for x in r]
        fp_r = self._fingerprint(r)
        piv, rows, packed, fps = self._pending
        for i, row in enumerate(rows):  # keep the pending block reduced in itself
            f = row[c0]
            if f:
                rows[i] = row = [(a - f * b) % p for a, b in zip(row, r)]
                packed[i] = self._pack(row)
                if fp_r is not None:
                    fps[i] = tuple((a - f * b) % p for a, b in zip(fps[i], fp_r))
        piv.append(c0)
        rows.append(r)
        packed.append(self._pack(r))
        fps.append(fp_r)
        self._free = None
        if len(piv) >= self._block:
            self._merge()

    def _merge(self) -> None:
        """Clear the pending pivots from the core rows and move the pending rows into the core."""
        cpiv, crows, cpacked, cfps = self._core
        ppiv, _, _, pfps = self._pending
        for i, row in enumerate(crows):
            new = self._eliminate(row, self._pending)
            if new is not row:
                if cfps[i] is not None:
                    fp = list(cfps[i])
                    for c, pf in zip(ppiv, pfps):
                        f = row[c]
                        if f:
                            fp = [a - f * b for a, b in zip(fp, pf)]
                    cfps[i] = tuple(a % self.prime for a in fp)
                crows[i] = new
                cpacked[i] = self._pack(new)
        for mine, theirs in zip(self._core, self._pending):
            mine.extend(theirs)
            theirs.clear()
        self._core_pos = {c: i for i, c in enumerate(cpiv)}


def rank_mod(rows, prime: int = DEFAULT_PRIME) -> int:
    """Rank of an integer (or rational) matrix modulo ``prime``; a lower bound on its QQ rank."""
    rows = [reduce_mod(r, prime) for r in rows]
    if not rows:
        return 0
    E = ModularEchelon(len(rows[0]), prime)
    for r in rows:
        E.add(r)
    return E.rank


def rank_qq(rows) -> int:
    """Exact rank over QQ by plain fraction-free Gaussian elimination (deliberately simple).

    >>> rank_qq([[Fraction(1, 2), 1], [1, 2]])
    1
    """
    m = []
    for r in rows:
        r = [Fraction(x) for x in r]
        den = 1
        for x in r:
            den = lcm(den, x.denominator)
        m.append([int(x * den) for x in r])
    rank = 0
    ncols = len(m[0]) if m else 0
    for col in range(ncols):
        piv = next((i for i in range(rank, len(m)) if m[i][col]), None)
        if piv is None:
            continue
        m[rank], m[piv] = m[piv], m[rank]
        pr = m[rank]
        for i in range(rank + 1, len(m)):
            f = m[i][col]
            if f:
                row = [pr[col] * a - f * b for a, b in zip(m[i], pr)]
                g = 0
                for a in row:
                    g = gcd(g, a)
                m[i] = [a // g for a in row] if g > 1 else row
        rank += 1
    return rank


def rref_qq(rows, *, budget=None):
    """Reduced row echelon form over QQ of sparse rows ``{col: coeff}``.

    Returns ``(piv_row, col_rows)``: ``piv_row`` maps each pivot column (the smallest column of its
    row) to its row (pivot coefficient 1, zero in every other pivot column); ``col_rows`` maps each
    non-pivot column to the set of pivot columns whose row contains it.  A ``budget``
    (:class:`lieflow.budget.Budget`) is checked once per row.

    >>> piv, _ = rref_qq([{0: 2, 1: 4}, {0: 1, 2: 1}])
    >>> sorted((c, sorted(r.items())) for c, r in piv.items())
    [(0, [(0, 1), (2, 1)]), (1, [(1, 1), (2, Fraction(-1, 2))])]
    """
    # Work with primitive integer rows (far cheaper than Fractions): the pivot entry is a positive
    # integer, other pivot columns are zero; rows are scaled to pivot 1 only on the way out.
    piv_row: dict = {}  # pivot column -> integer row (no other pivot columns)
    col_rows: dict = {}  # column -> set of pivot columns whose row contains it (non-pivot cols)
    check = budget.check if budget is not None else None
    for raw in rows:
        if check is not None:
            check()
        row = _integer_row(raw)
        if not row:
            continue
        # one pass suffices: kept rows are fully reduced
        for c in [c for c in row if c in piv_row]:
            f = row.get(c)
            if not f:
                continue
            prow = piv_row[c]
            g = gcd(prow[c], f)
            a, b = prow[c] // g, f // g
            if a != 1:
                row = {cc: a * x for cc, x in row.items()}
            for cc, x in prow.items():
                v = row.get(cc, 0) - b * x
                if v:
                    row[cc] = v
                else:
                    row.pop(cc, None)
        if not row:
            continue
        row = _primitive(row)
        c0 = min(row)
        p0 = row[c0]
        # eliminate c0 from kept rows that contain it
        for pc in list(col_rows.get(c0, ())):
            prow = piv_row[pc]
            g = gcd(p0, prow[c0])
            a, b = p0 // g, prow[c0] // g
            new = {cc: a * x for cc, x in prow.items()} if a != 1 else dict(prow)
            for cc, x in row.items():
                v = new.get(cc, 0) - b * x
                if v:
                    if cc not in prow:
                        col_rows.setdefault(cc, set()).add(pc)
                    new[cc] = v
                else:
                    new.pop(cc, None)
                    s_ = col_rows.get(cc)
                    if s_ is not None:
                        s_.discard(pc)
            piv_row[pc] = _primitive(new)
        col_rows.pop(c0, None)
        piv_row[c0] = row
        for cc in row:
            if cc != c0:
                col_rows.setdefault(cc, set()).add(c0)
    out = {}
    for c, row in piv_row.items():
        p = row[c]
        out[c] = row if p == 1 else {cc: _norm(Fraction(x, p)) for cc, x in row.items()}
    return out, col_rows


def _integer_row(raw) -> dict:
    row = {c: x for c, x in raw.items() if x}
    den = 1
    for x in row.values():
        if type(x) is not int:
            den = lcm(den, Fraction(x).denominator)
    if den != 1:
        row = {c: int(Fraction(x) * den) for c, x in row.items()}
    return {c: int(x) for c, x in row.items()}


def _primitive(row: dict) -> dict:
    """Divide by the content, pivot (smallest column) positive."""
    g = 0
    for x in row.values():
        g = gcd(g, x)
        if g == 1:
            break
    if row[min(row)] < 0:
        g = -g
    return row if g == 1 else {c: x // g for c, x in row.items()}


def nullspace_qq(rows, ncols: int, *, budget=None) -> list:
    """Basis of ``{x in QQ^ncols : row . x = 0 for every row}``; rows are sparse ``{col: coeff}``.

    The basis is the canonical one of the reduced row echelon form with pivots chosen left to
    right: one vector per free column ``f``, with ``x_f = 1`` and zeros on the other free columns.
    Returned vectors are sparse dicts with exact (int or Fraction) entries.  A ``budget`` is
    checked once per row (see :func:`rref_qq`).
    """
    piv_row, col_rows = rref_qq(rows, budget=budget)
    basis = []
    for f in range(ncols):
        if f in piv_row:
            continue
        vec = {f: 1}
        for pc in col_rows.get(f, ()):
            x = piv_row[pc].get(f)
            if x:
                vec[pc] = -x
        basis.append(dict(sorted(vec.items())))
    return basis
