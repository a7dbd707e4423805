"""The docs cannot drift from what the code computes: their generated blocks equal a fresh run of
docs/update.py, and the README's figures are the code's."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_blocks_are_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "docs" / "update.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_counts_the_errata():
    from tinygrad_edu.documents.errata import collect
    readme = (ROOT / "README.md").read_text()
    assert f"{len(collect())} errata" in readme


def test_readme_is_short_and_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    first_block = readme.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert [line.split("#")[0].strip() for line in first_block] == [
        "python3 bootstrap.py demo", "python3 bootstrap.py test"]


def test_every_local_link_in_the_docs_exists():
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md"), ROOT / "benchmarks" / "README.md"]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_benchmark_table_is_the_harness_own_with_every_workload():
    from benchmarks.harness import COLUMNS, README, RESULTS_BLOCK
    from benchmarks.workloads import WORKLOADS
    block = RESULTS_BLOCK.search(README.read_text())
    assert block, "benchmarks/README.md has no results block"
    text = README.read_text()[block.end(1):block.start(2)]
    assert "| " + " | ".join(COLUMNS) + " |" in text
    for w in WORKLOADS:
        assert f"| {w.title} |" in text, f"no row for the {w.name} workload: run python -m benchmarks --write-readme"
