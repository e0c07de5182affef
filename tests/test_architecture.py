"""The layers of docs/architecture.md hold: converters/ as ground → sources → tables → standard → output → the
pipeline on top, the GUI above the engine; no import cycle (imports inside functions included); no module over 600
lines; a settings object and registries instead of lookups by name."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600
MAX_TOP_LEVEL = 10

# Lower layers never import higher ones; modules of one layer may import each other (without a cycle).
LAYERS = [
    ("ground", ["converters.model", "converters.catalogue", "converters.settings", "converters.version"]),
    ("sources", ["converters.sources"]),
    ("tables", ["converters.tables"]),
    ("standard", ["converters.standard"]),
    ("output", ["converters.output"]),
    ("top", ["converters.pipeline", "converters.review", "converters.batch", "converters.workers", "converters.cli"]),
    ("gui", ["gui", "main"]),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def python_files() -> list:
    return sorted([*(ROOT / "converters").rglob("*.py"), *(ROOT / "gui").rglob("*.py"), ROOT / "main.py"])


def imports_of(path: Path) -> set:
    """The project modules a file imports, anywhere in it (module level or inside functions)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            found |= {f"{target}.{a.name}" for a in node.names}     # `from . import raster` imports a module
    modules = {module_name(p) for p in python_files()}
    return {m for m in found if m in modules and m != name}


@pytest.fixture(scope="module")
def graph() -> dict:
    return {module_name(p): imports_of(p) for p in python_files()}


def layer_of(module: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} belongs to no layer of docs/architecture.md")


def test_every_module_belongs_to_a_layer_and_imports_only_downward(graph):
    upward = [(m, i) for m, targets in graph.items() for i in targets if layer_of(i) > layer_of(m)]
    assert not upward


def test_no_import_cycle(graph):
    state, cycles = {}, []

    def visit(m, path):
        state[m] = "open"
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                cycles.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = "done"
    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles


def test_the_engine_never_imports_qt(graph):
    engine = [m for m in graph if m.startswith("converters")]
    for path in python_files():
        if module_name(path) in engine:
            assert "PySide6" not in path.read_text(encoding="utf-8"), path


def test_nothing_is_imported_by_name():
    for path in python_files():
        text = path.read_text(encoding="utf-8")
        assert "import_module(" not in text and "__import__(" not in text, path


def test_no_module_is_over_600_lines_and_the_engine_top_level_stays_small():
    files = python_files() + sorted((ROOT / "tests").glob("*.py")) + sorted((ROOT / "bench").glob("*.py")) \
        + sorted((ROOT / "packaging").glob("*.py"))
    long = {str(p.relative_to(ROOT)): n for p in files if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long
    assert len(list((ROOT / "converters").glob("*.py"))) <= MAX_TOP_LEVEL


def test_the_architecture_page_names_every_package():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in ("converters/sources", "converters/tables", "converters/standard", "converters/output",
                   "resources/families", "gui/"):
        assert folder in text


# ---------------------------------------------------------------------------------------------- seams
def test_settings_resolve_from_none_a_dict_or_an_instance():
    from converters.settings import DEFAULT, ConversionSettings
    assert ConversionSettings.resolve(None) is DEFAULT
    s = ConversionSettings.resolve({"page_workers": 3, "ocr": {"scale": 3.0}})
    assert (s.page_workers, s.ocr.scale, s.ocr.min_score) == (3, 3.0, DEFAULT.ocr.min_score)
    assert ConversionSettings.resolve(s) is s
    with pytest.raises(ValueError):
        ConversionSettings.resolve({"page_wrokers": 2})
    with pytest.raises(ValueError):
        ConversionSettings.resolve({"page_workers": 0})
    with pytest.raises(Exception):
        s.page_workers = 1                       # frozen: a stage cannot change what another one reads


def test_every_suffix_has_a_reader_class_of_one_of_the_two_kinds():
    from converters.sources import READERS, PageSource, SheetSource, reader_for
    from converters.model import ConversionError
    assert set(READERS) == {".pdf", ".docx", ".xlsx", ".xls"}
    assert all(issubclass(r, (PageSource, SheetSource)) for r in READERS.values())
    with pytest.raises(ConversionError, match="暂不支持"):
        reader_for(Path("预算.ofd"))


def test_a_template_family_file_adds_titles_and_synonyms(tmp_path, monkeypatch):
    """A province is data: a file in resources/families adds title keywords and header synonyms to the forms."""
    import shutil
    import sys
    from converters import catalogue as cat
    shutil.copytree(ROOT / "resources", tmp_path / "resources")
    (tmp_path / "resources" / "families" / "testprov.json").write_text(json.dumps({
        "id": "testprov", "name": "测试省", "rank": 99, "report": {"forms": ["budget_summary"], "title_markers": []},
        "forms": {"budget_summary": {"titles": ["收支一览表"], "synonyms": {"收入预算数": ["年初预算"]}}}},
        ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    cat.catalogue.cache_clear()
    try:
        c = cat.catalogue()
        assert c.classify_title("2024年部门收支一览表").id == "budget_summary"
        assert cat.match_score(c.get("budget_summary").column("收入预算数"), ["年初预算"], False)[0]
        assert c.families[-1].id == "testprov"
    finally:
        monkeypatch.undo()
        cat.catalogue.cache_clear()
    assert cat.catalogue().classify_title("2024年部门收支一览表") is None
