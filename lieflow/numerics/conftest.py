"""pytest hook: skip this optional extra's doctests when numpy/scipy (or matplotlib) are missing.

The exact core must install and test without the ``numerics`` extra; the tests in ``tests/`` use
``pytest.importorskip``, and this file does the same for the doctests collected here.
"""

import importlib


def _importable(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


if not (_importable("numpy") and _importable("scipy")):
    collect_ignore_glob = ["*.py"]
elif not _importable("matplotlib"):
    collect_ignore_glob = ["plots.py"]
