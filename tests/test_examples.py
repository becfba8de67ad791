"""Every example in the package's docstrings runs and prints what it shows (doctest).

Examples that need a download (the datasets') are marked ``+SKIP`` in the docstring; the
datasets themselves are tested in tests/datasets against the real files.
"""
import doctest
import importlib
import io
import pkgutil

import pytest

import rosenblatt

MODULES = sorted(m.name for m in pkgutil.walk_packages(rosenblatt.__path__, "rosenblatt.")
                 if not m.name.endswith("__main__"))


def test_every_module_is_found():
    assert {"rosenblatt.tensor", "rosenblatt.nn.functional.conv", "rosenblatt.optim.adam"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    report = io.StringIO()
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.write)
    assert runner.summarize(verbose=False).failed == 0, report.getvalue()
