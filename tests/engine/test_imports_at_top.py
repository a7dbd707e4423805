"""The package's own modules are imported at the top of a file, not inside functions: there is
no import cycle to dodge. The exceptions are deliberate: the CLI's commands import what they run
only when they run (so `tinygrad-edu --help` starts fast), the package's __getattr__ loads nn,
optim, viz … on first use, and optional third-party packages (matplotlib, tqdm, scikit-learn …)
are imported where they are needed."""
import ast
from pathlib import Path

import tinygrad_edu

PACKAGE = Path(tinygrad_edu.__file__).parent
DEFERRED_ON_PURPOSE = [PACKAGE / "__init__.py", PACKAGE / "commands"]   # lazy subpackages; the CLI's start-up


def _own_imports_inside_functions(path: Path) -> list:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                own = (isinstance(inner, ast.ImportFrom) and (inner.level > 0 or (inner.module or "").startswith(
                    "tinygrad_edu"))) or (isinstance(inner, ast.Import) and any(
                        a.name.startswith("tinygrad_edu") for a in inner.names))
                if own:
                    found.append(f"{path.relative_to(PACKAGE)}:{inner.lineno}")
    return found


def test_no_module_of_the_package_is_imported_inside_a_function():
    files = [p for p in PACKAGE.rglob("*.py") if "as_written" not in p.parts
             and not any(p == d or d in p.parents for d in DEFERRED_ON_PURPOSE)]
    assert len(files) > 50
    found = sorted({f for p in files for f in _own_imports_inside_functions(p)})
    assert found == []
