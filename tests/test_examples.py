"""Every example in the package's docstrings runs and prints what it shows (doctest).

Examples that need a download (the datasets') are marked ``+SKIP`` in the docstring; the
datasets themselves are tested in tests/datasets against the real files.
"""
import doctest
import importlib
import inspect
import io
import pkgutil

import numpy
import pytest

import rosenblatt

MODULES = ["rosenblatt"] + sorted(m.name for m in pkgutil.walk_packages(rosenblatt.__path__, "rosenblatt.")
                                  if not m.name.endswith("__main__"))


def test_every_module_is_found():
    assert {"rosenblatt", "rosenblatt.tensor", "rosenblatt.nn.functional.conv", "rosenblatt.optim.adam"} <= set(MODULES)


#: the namespaces whose every public callable shows an example
NAMESPACES = ["rosenblatt", "rosenblatt.nn", "rosenblatt.nn.functional", "rosenblatt.optim",
              "rosenblatt.optim.lr_scheduler", "rosenblatt.special", "rosenblatt.distributions",
              "rosenblatt.testing", "rosenblatt.utils.checkpoint", "rosenblatt.func"]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_public_callable_has_an_example(namespace):
    module = importlib.import_module(namespace)
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    missing = [n for n in names if callable(obj := getattr(module, n, None)) and not inspect.ismodule(obj)
               and not isinstance(obj, numpy.dtype) and ">>>" not in (inspect.getdoc(obj) or "")]
    assert not missing, f"{namespace}: no example in the docstrings of {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    report = io.StringIO()
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.write)
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()
