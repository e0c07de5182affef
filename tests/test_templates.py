"""Templates users teach: a table of an unfamiliar layout that the user assigns a form and maps a column for is
saved as a template, and the next documents of that layout convert by themselves (engine, CLI, GUI)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pdfgen as g
from converters.catalogue import TEMPLATES_ENV, catalogue
from converters.pipeline import convert_document
from converters.review import ReviewSession
from converters.review.templates import export_templates, import_template, save_template, template_from_table

ROOT = Path(__file__).resolve().parent.parent
TITLE = "2024年部门开支明细一览表"


@pytest.fixture(autouse=True)
def no_templates(monkeypatch):
    """Each test starts without the templates another one saved."""
    monkeypatch.delenv(TEMPLATES_ENV, raising=False)
    catalogue.cache_clear()
    yield
    catalogue.cache_clear()


def unfamiliar(path, seed: int) -> Path:
    """A document of an unfamiliar province: its 支出总表 titled in its own words, its 合计 column headed 总额."""
    spec, _ = g.shanxi_expenditure_summary(g.make_budget(seed=seed), title=TITLE)
    spec.header = [[("总额" if c == "合计" else c) for c in row] for row in spec.header]
    g.build_pdf(g.DocSpec([spec]), path)
    return path


def taught(tmp_path) -> Path:
    """The user's correction of the first document, saved as a template; returns the template folder."""
    doc = convert_document(unfamiliar(tmp_path / "第一份.pdf", seed=1))
    session = ReviewSession(doc, data_dir=tmp_path / "data")
    [ti] = [k for k, t in enumerate(session.tables) if t.title.endswith("开支明细一览表")]
    session.set_form(ti, "expenditure_summary")
    source = next(k for k, (header, _) in enumerate(session.tables[ti].source_columns) if header.endswith("总额"))
    session.map_column(ti, source, "合计")
    template = template_from_table(session.tables[ti])
    assert template["forms"]["expenditure_summary"]["titles"] == ["部门开支明细一览表"]
    assert template["forms"]["expenditure_summary"]["synonyms"]["合计"][0].endswith("总额")
    folder = tmp_path / "templates"
    save_template(template, folder)
    return folder


def test_a_saved_template_converts_the_next_document_of_that_layout(tmp_path):
    taught(tmp_path)
    doc = convert_document(unfamiliar(tmp_path / "第二份.pdf", seed=2))
    [t] = doc.tables
    assert t.form == "expenditure_summary" and t.columns[:3] == ["科目编码", "科目名称", "合计"]
    assert t.extra_from is None and not [i for i in t.issues if i.severity == "error"]


def test_the_cli_applies_the_templates_of_a_folder(tmp_path, monkeypatch):
    folder = taught(tmp_path)
    monkeypatch.delenv(TEMPLATES_ENV, raising=False)
    (tmp_path / "in").mkdir()
    unfamiliar(tmp_path / "in" / "第三份.pdf", seed=3)
    run = lambda *extra: subprocess.run(  # noqa: E731
        [sys.executable, "main.py", "convert", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--overwrite",
         *extra], capture_output=True, text=True, cwd=ROOT)
    assert run().returncode == 0
    assert json.loads((tmp_path / "out" / "第三份" / "tables.json").read_text("utf-8"))["tables"][0]["form"] != \
        "expenditure_summary"
    assert run("--templates", str(folder)).returncode == 0
    data = json.loads((tmp_path / "out" / "第三份" / "tables.json").read_text("utf-8"))
    assert data["tables"][0]["form"] == "expenditure_summary" and "合计" in data["tables"][0]["columns"]
    missing = run("--templates", str(tmp_path / "没有"))
    assert missing.returncode == 2 and "模板文件夹不存在" in missing.stderr


def test_a_batch_worker_applies_the_batchs_templates_without_its_environment(tmp_path, monkeypatch):
    """A Dask worker inherits nothing of the batch's process: the templates travel in the batch's settings."""
    from converters.batch import BatchSettings, collect, plan, run_job
    folder = taught(tmp_path)
    monkeypatch.setenv(TEMPLATES_ENV, "")          # (restored after the test)
    catalogue.cache_clear()
    (tmp_path / "in").mkdir()
    unfamiliar(tmp_path / "in" / "第四份.pdf", seed=4)
    sources, _ = collect([tmp_path / "in"])
    settings = BatchSettings(out=tmp_path / "out", templates=(str(folder),))
    [job] = plan(sources, settings)
    assert run_job(job, settings).status == "converted"
    data = json.loads((tmp_path / "out" / "第四份" / "tables.json").read_text("utf-8"))
    assert data["tables"][0]["form"] == "expenditure_summary"


def test_templates_are_shared_as_one_file(tmp_path):
    folder = taught(tmp_path)
    shared = export_templates(folder, tmp_path / "财政局模板.json")
    other = tmp_path / "另一台电脑"
    import_template(shared, other)
    catalogue.cache_clear()
    assert catalogue().classify_title(TITLE).id == "expenditure_summary"
    (tmp_path / "坏.json").write_text("{", encoding="utf-8")
    from converters.model import ReportedError
    with pytest.raises(ReportedError, match="不是有效的模板文件"):
        import_template(tmp_path / "坏.json", other)


from gui_fixtures import WAIT, fake_dialogs, make_window, window  # noqa: E402,F401


def test_save_as_template_in_the_gui_and_the_next_document_follows_it(qtbot, window, fake_dialogs, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setenv(TEMPLATES_ENV, "")
    w = window

    def open_(path):
        old = w.session
        w.open_paths([str(path)])
        qtbot.waitUntil(lambda: w.session is not None and w.session is not old and w._job is None, timeout=WAIT)
    open_(unfamiliar(tmp_path / "第一份.pdf", seed=1))
    w.review.select_table(0)
    assert w.review.set_form("expenditure_summary")
    source = next(k for k, (header, _) in enumerate(w.session.tables[0].source_columns) if header.endswith("总额"))
    assert w.review.map_column(source, "合计")
    w.save_template_action.trigger()
    assert "已保存模板" in fake_dialogs.infos[-1][1] and list(w.templates_dir.glob("*.json"))
    open_(unfamiliar(tmp_path / "第二份.pdf", seed=2))
    assert w.session.tables[0].form == "expenditure_summary" and "合计" in w.session.tables[0].columns
