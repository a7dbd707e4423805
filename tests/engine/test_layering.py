"""The package imports whatever module Python loads first (no import-order luck): each module
below is imported first, in a fresh interpreter, before the package's own __init__ runs."""
import pkgutil
import subprocess
import sys

import pytest

import tinygrad_edu

ENGINE_MODULES = ["grad_mode", "observer", "function", "tensor", "autograd", "compile", "anomaly", "functional",
                  "gradcheck", "ops", "nn", "optim"] + [
                      f"ops.{m.name}" for m in pkgutil.iter_modules(tinygrad_edu.ops.__path__)]

FIRST_IMPORT = """
import importlib, importlib.util, sys, types
spec = importlib.util.find_spec("tinygrad_edu")
package = types.ModuleType("tinygrad_edu")
package.__path__, package.__spec__ = spec.submodule_search_locations, spec
sys.modules["tinygrad_edu"] = package
importlib.import_module("tinygrad_edu.{module}")   # this module first, before __init__
spec.loader.exec_module(package)                  # then the package's __init__
import tinygrad_edu as tg
x = tg.Tensor([1.0, 2.0], requires_grad=True)
(x * x).sigmoid().sum().backward()
print(" ".join(f"{v:.6f}" for v in x.grad.numpy()))
"""


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_any_module_can_be_imported_first(module):
    result = subprocess.run([sys.executable, "-c", FIRST_IMPORT.replace("{module}", module)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0.393224 0.070651"
