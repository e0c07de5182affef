"""Batch conversion of a collection: parallel workers, a failing document in the middle, the report, the
consolidated workbooks, the long dataset, resuming after a kill, Ctrl+C, and the same batch on Dask."""
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import badfiles
import pdfgen as g
from converters import batch
from converters.batch import MARKER, BatchSettings, Job, Result, collect, read_marker, run_batch, unique_names
from converters.model import Document, Table
from converters.output.dataset import (CONSOLIDATED_DIR, FRONT_COLUMNS, REPORT_CSV, REPORT_XLSX, consolidated_name,
                                       held_record)
from converters.catalogue import catalogue

ROOT = Path(__file__).resolve().parent.parent
WAIT = 120


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """2023/甲局.pdf, 2024/乙局.pdf, 2024/坏.pdf (not a PDF: fails, in the middle), 2024/甲局.pdf, 说明.txt."""
    root = tmp_path_factory.mktemp("collection")
    for sub in ("2023", "2024"):
        (root / sub).mkdir()
    spec, _ = g.sample_document(seed=1, unit="甲县财政局", year=2023)
    g.build_pdf(spec, root / "2023" / "甲局.pdf")
    spec, _ = g.sample_document(seed=2, unit="甲县财政局", year=2024)
    g.build_pdf(spec, root / "2024" / "甲局.pdf")
    b = g.make_budget(seed=3, unit="乙县教育局", year=2024)
    exp, _ = g.shanxi_expenditure_summary(b)
    tp, _ = g.three_public(b)
    g.build_pdf(g.DocSpec([exp, tp]), root / "2024" / "乙局.pdf")
    badfiles.not_a_pdf(root / "2024" / "坏.pdf")
    (root / "说明.txt").write_text("不是预算文件", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def converted(collection, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    sources, notices = collect([collection], exclude=out)
    seen = []
    run = run_batch(sources, BatchSettings(out=out, jobs=2, timeout=120), seen.append)
    return out, run, notices, seen


def tables_json(out, name):
    return json.loads((out / name / "tables.json").read_text(encoding="utf-8"))


def run_cli(*args, **kw):
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "convert", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


def wait_for(predicate, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.1)


def done(folder: Path) -> bool:
    return (read_marker(folder) or {}).get("state") == "done"


# ------------------------------------------------------------------------------------------ planning
def test_collect_names_and_exclusions(collection, tmp_path):
    out = collection / "导出"                   # an output folder inside the collection is not an input
    (out / "x").mkdir(parents=True)
    (out / "x" / "01_表.pdf").write_bytes(b"%PDF")
    (collection / "2024" / "~$甲局.pdf").write_bytes(b"lock")
    try:
        sources, notices = collect([collection], exclude=out)
    finally:
        (collection / "2024" / "~$甲局.pdf").unlink()
        (out / "x" / "01_表.pdf").unlink()
    assert [s.key for s in sources] == ["2023/甲局", "2024/乙局", "2024/坏", "2024/甲局"]
    assert notices == ["跳过 说明.txt：暂不支持此文件类型"]
    assert unique_names(["a", "A", "b", "a", "合并"]) == ["a", "A_2", "b", "a_3", "合并_2"]


# ------------------------------------------------------------------------------------------ one batch
def test_failing_document_in_the_middle_does_not_stop_the_batch(converted):
    out, run, notices, seen = converted
    assert not run.interrupted
    status = {r.name: r.status for r in run.results}
    assert status == {"2023/甲局": "converted", "2024/乙局": "converted", "2024/坏": "failed",
                      "2024/甲局": "converted"}
    bad = next(r for r in run.results if r.status == "failed")
    assert bad.message.startswith("坏.pdf") and "不是 PDF" in bad.message
    assert sorted(r.name for r in seen) == sorted(status)          # every document reported as it finished
    for name in ("2023/甲局", "2024/乙局", "2024/甲局"):
        assert (out / name / "tables.json").is_file() and done(out / name)
    assert not (out / "2024" / "坏").exists()


def test_report(converted):
    out, run, _, _ = converted
    csv = pd.read_csv(out / REPORT_CSV)
    assert list(csv["status"]) == ["converted", "converted", "failed", "converted"]
    assert list(csv["folder"].fillna("")) == ["2023/甲局", "2024/乙局", "", "2024/甲局"]
    first = csv.iloc[0]
    data = tables_json(out, "2023/甲局")
    assert first["unit"] == "甲县财政局" and first["year"] == 2023 and first["template"] == "shanxi13"
    assert first["tables"] == len(data["tables"]) and first["pages"] == data["pages"]
    for form in {t["form"] for t in data["tables"]}:
        assert first[form] == sum(t["form"] == form for t in data["tables"])
    assert first["checks_failed"] == sum(i["severity"] == "error" for t in data["tables"] for i in t["issues"])
    assert first["seconds"] > 0 and pd.isna(first["error"])
    assert "不是 PDF" in csv.iloc[2]["error"] and pd.isna(csv.iloc[2]["tables"])

    ws = load_workbook(out / REPORT_XLSX).active
    header = [c.value for c in ws[1]]
    assert header[:8] == ["文件", "导出目录", "状态", "单位名称", "年度", "模板", "页数", "表格数"]
    assert {"预算收入总表", "校验错误", "用时（秒）", "错误"} <= set(header)
    assert ws.max_row == 5 and ws.freeze_panes == "A2"
    row = [c.value for c in ws[2]]
    assert row[2] == "已转换" and row[5] == "山西13表" and row[3] == "甲县财政局"
    assert ws.cell(row=4, column=3).value == "失败"


def test_consolidated_workbooks(converted):
    out, _, _, _ = converted
    docs = {name: tables_json(out, name) for name in ("2023/甲局", "2024/乙局", "2024/甲局")}
    forms = {t["form"] for d in docs.values() for t in d["tables"] if t["form"] != "unknown"}
    assert {p.name for p in (out / CONSOLIDATED_DIR).glob("*.xlsx")} == {consolidated_name(catalogue().get(f)) for f in forms}
    ws = load_workbook(out / CONSOLIDATED_DIR / consolidated_name(catalogue().get("expenditure_summary"))).active
    header = [c.value for c in ws[1]]
    assert tuple(header[:len(FRONT_COLUMNS)]) == FRONT_COLUMNS
    expected = [(name, t) for name, d in docs.items() for t in d["tables"] if t["form"] == "expenditure_summary"]
    assert len(expected) == 3
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(got) == sum(len(t["rows"]) for _, t in expected)
    n = 0
    for name, t in expected:
        for data_row in t["rows"]:
            row = got[n]
            assert row[0] == t["unit_name"] and row[1] == t["year"] and row[3].endswith(name + ".pdf")
            values = dict(zip(t["columns"], data_row))              # the catalogue's other columns stay empty
            assert dict(zip(header[len(FRONT_COLUMNS):], row[len(FRONT_COLUMNS):])) == {
                c: values.get(c) for c in header[len(FRONT_COLUMNS):]}
            n += 1
    code_col = header.index("科目编码") + 1
    amount_col = header.index("合计") + 1
    assert all(ws.cell(row=r, column=code_col).data_type == "s" for r in range(2, ws.max_row + 1)
               if ws.cell(row=r, column=code_col).value is not None)
    assert ws.cell(row=2, column=amount_col).number_format == "#,##0.00"
    units = {r[0] for r in got}
    assert units == {"甲县财政局", "乙县教育局"}


def test_dataset_matches_the_per_document_tables(converted):
    out, _, _, _ = converted
    frame = pd.read_parquet(out / "dataset.parquet")
    assert list(frame.columns[:4]) == ["source", "unit", "year", "form"]
    assert {"row_key", "code", "name", "column", "value", "page"} <= set(frame.columns)
    assert frame["value"].dtype == "float64" and str(frame["year"].dtype) == "Int64"
    csv = pd.read_csv(out / "dataset.csv", dtype={"code": str, "row_key": str})
    assert len(csv) == len(frame) and list(csv.columns) == list(frame.columns)
    assert csv["value"].tolist() == pytest.approx(frame["value"].tolist())

    for name in ("2023/甲局", "2024/乙局", "2024/甲局"):
        data = tables_json(out, name)
        part = frame[frame["source"].str.endswith(name + ".pdf")]
        cells = {(r.table, r.row, r.column): r for r in part.itertuples()}
        expected = 0
        for k, t in enumerate(data["tables"]):
            kinds = catalogue().column_kinds(t["form"], t["columns"])
            for i, row in enumerate(t["rows"]):
                for col, kind, value in zip(t["columns"], kinds, row):
                    if kind in ("amount", "count") and isinstance(value, (int, float)):
                        assert cells[(k, i, col)].value == pytest.approx(value)
                        expected += 1
        assert expected == len(part)
    rev = frame[(frame["form"] == "revenue_summary") & frame["code"].notna()]
    assert rev["code"].str.fullmatch(r"\d{3}(\d{2}){0,2}").all()          # codes stay text
    assert (rev["row_key"] == rev["code"]).all() and rev["page"].notna().all()
    total = frame[(frame["form"] == "revenue_summary") & frame["code"].isna()]
    assert set(total["row_key"]) <= {"合计"} and len(total)


WRITE_WITHOUT_PYARROW = """
import sys
sys.modules["pyarrow"] = None                  # as in the double-click app, which leaves pyarrow out
from pathlib import Path
import pandas as pd
from converters.output.dataset import CSV_ENCODING, DATASET_DTYPES, write_dataset
frame = pd.read_csv(sys.argv[1], dtype={"code": str, "row_key": str}, encoding=CSV_ENCODING)
write_dataset(frame.astype(DATASET_DTYPES), Path(sys.argv[2]))
"""


def test_dataset_parquet_is_the_same_without_pyarrow(converted, tmp_path):
    out, _, _, _ = converted
    r = subprocess.run([sys.executable, "-c", WRITE_WITHOUT_PYARROW, str(out / "dataset.csv"), str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=WAIT)
    assert r.returncode == 0, r.stderr
    frame = pd.read_parquet(tmp_path / "dataset.parquet")
    assert str(frame["year"].dtype) == str(frame["page"].dtype) == "Int64"
    pd.testing.assert_frame_equal(frame, pd.read_parquet(out / "dataset.parquet"))


# ------------------------------------------------------------------------------------------ re-runs
def test_rerun_skips_unchanged_and_redoes_changed_or_unfinished(collection, tmp_path):
    out = tmp_path / "out"
    settings = BatchSettings(out=out, jobs=2, timeout=120)
    sources, _ = collect([collection / "2024"], exclude=out)
    run_batch(sources, settings)
    before = {n: (out / n / "tables.json").stat().st_mtime_ns for n in ("乙局", "甲局")}
    # 甲局's export was cut short (marker still 'exporting'); 乙局 unchanged.
    marker = read_marker(out / "甲局")
    (out / "甲局" / MARKER).write_text(json.dumps({**marker, "state": "exporting"}), encoding="utf-8")
    run = run_batch(sources, settings)
    assert {r.name: r.status for r in run.results} == {"乙局": "skipped", "坏": "failed", "甲局": "converted"}
    assert (out / "乙局" / "tables.json").stat().st_mtime_ns == before["乙局"]
    assert pd.read_csv(out / REPORT_CSV)["status"].tolist() == ["skipped", "failed", "converted"]
    assert len(pd.read_parquet(out / "dataset.parquet")["source"].unique()) == 2     # skipped ones included

    # A changed source is converted again (its folder is the batch's own).
    changed = tmp_path / "changed"
    changed.mkdir()
    b = g.make_budget(seed=9, unit="乙县教育局", year=2024)
    exp, _ = g.shanxi_expenditure_summary(b)
    g.build_pdf(g.DocSpec([exp]), changed / "乙局.pdf")
    run = run_batch(collect([changed])[0], settings)
    assert run.results[0].status == "converted" and len(tables_json(out, "乙局")["tables"]) == 1


def test_resume_after_the_batch_is_killed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i, seed in enumerate((1, 2)):
        spec, _ = g.sample_document(seed=seed)
        g.build_pdf(spec, src / f"{i}_小.pdf")
    badfiles.huge_pdf(src / "2_大.pdf", pages=60)
    badfiles.huge_pdf(src / "3_大.pdf", pages=60)
    out = tmp_path / "out"
    proc = run_cli(src, "--out", out, "--jobs", "1")
    try:
        wait_for(lambda: done(out / "0_小"))
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    finished = {p.name for p in out.iterdir() if p.is_dir() and done(p)}
    assert "0_小" in finished and "3_大" not in finished
    mtimes = {n: (out / n / "tables.json").stat().st_mtime_ns for n in finished}

    proc = run_cli(src, "--out", out, "--jobs", "2")
    stdout, stderr = proc.communicate(timeout=WAIT)
    assert proc.returncode == 0, stderr
    status = dict(pd.read_csv(out / REPORT_CSV)[["folder", "status"]].values)
    assert {n for n, s in status.items() if s == "skipped"} == finished
    assert {n for n, s in status.items() if s == "converted"} == {"0_小", "1_小", "2_大", "3_大"} - finished
    assert all((out / n / "tables.json").stat().st_mtime_ns == t for n, t in mtimes.items())
    assert "已转换，文件未改变，跳过" in stdout


def _live_members(group: int) -> list:
    """Processes of a process group that are still running (not zombies)."""
    out = []
    for d in Path("/proc").iterdir():
        try:
            fields = d.joinpath("stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if d.name.isdigit() and int(fields[2]) == group and fields[0] != "Z":
            out.append(int(d.name))
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_stop_when_the_batch_is_killed(tmp_path):
    """A batch killed outright (not Ctrl+C) leaves no worker converting on in the background."""
    src = tmp_path / "src"
    src.mkdir()
    badfiles.huge_pdf(src / "a.pdf", pages=300)
    badfiles.huge_pdf(src / "b.pdf", pages=300)
    proc = run_cli(src, "--out", tmp_path / "out", "--jobs", "2")
    try:
        wait_for(lambda: len(_live_members(proc.pid)) >= 4)     # the CLI, its forkserver, two workers
        proc.kill()
        proc.wait()                       # (not communicate: the workers hold the output pipes)
        wait_for(lambda: not _live_members(proc.pid), timeout=10)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_ctrl_c_stops_cleanly_and_keeps_the_finished(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    spec, _ = g.sample_document()
    g.build_pdf(spec, src / "a.pdf")
    badfiles.huge_pdf(src / "b.pdf", pages=60)
    badfiles.huge_pdf(src / "c.pdf", pages=60)
    out = tmp_path / "out"
    proc = run_cli(src, "--out", out, "--jobs", "1")
    try:
        wait_for(lambda: done(out / "a"))
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=WAIT)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)       # leftovers, if any (there should be none)
        except ProcessLookupError:
            pass
    assert proc.returncode == 130
    assert "已中断" in stderr and "再次运行" in stderr and "Traceback" not in stderr
    assert (out / "a" / "tables.json").is_file()
    report = pd.read_csv(out / REPORT_CSV)
    assert report.loc[report["file"].str.endswith("a.pdf"), "status"].item() == "converted"
    assert "not_run" in set(report["status"])


def test_a_document_exported_just_before_ctrl_c_counts_as_converted(tmp_path, monkeypatch):
    """The worker finished a's export, its result was still on its way back when Ctrl+C came: a's folder marker
    says it is done, so the report says converted (and a re-run skips it)."""
    src = tmp_path / "src"
    src.mkdir()
    spec, _ = g.sample_document()
    g.build_pdf(spec, src / "a.pdf")
    g.build_pdf(spec, src / "b.pdf")

    def interrupted(jobs, settings):
        batch.run_job(jobs[0], settings)           # exported, but its result never comes back
        raise KeyboardInterrupt
        yield                                      # a generator, as the runners are
    monkeypatch.setattr(batch, "run_local", interrupted)
    sources, _ = collect([src])
    run = run_batch(sources, BatchSettings(out=tmp_path / "out", jobs=1))
    assert run.interrupted and [r.status for r in run.results] == ["converted", "not_run"]


def _hangs(job, settings, page_workers=1):
    """Stands in for run_job: 'hang.pdf' never returns (no page loop that could notice the time limit)."""
    while "hang" in job.source:
        time.sleep(1)
    return Result(job.source, job.name, "converted", "ok")


def test_a_hung_document_is_killed_and_the_pool_goes_on(monkeypatch, tmp_path):
    monkeypatch.setattr(batch, "run_job", _hangs)
    monkeypatch.setattr(batch, "_mp_context", lambda: multiprocessing.get_context("fork"))   # keeps the patch
    jobs = [Job(f"/in/{n}.pdf", n, "0", False) for n in ("hang", "a", "b")]
    results = {r.name: r for r in batch.run_local(jobs, BatchSettings(out=tmp_path, jobs=1, timeout=1))}
    assert results["hang"].status == "failed" and "超时" in results["hang"].message
    assert results["a"].status == results["b"].status == "converted"


def _reports_its_share(job, settings, page_workers=1):
    from converters.sources.ocr import recognize as ocr
    return Result(job.source, job.name, "converted", f"{page_workers} {ocr._threads.get(os.getpid())}")


@pytest.mark.parametrize("documents, processes, page_workers", [(1, 1, 2), (3, 2, 1)])
def test_cores_are_shared_out(monkeypatch, tmp_path, documents, processes, page_workers):
    """A lone document gets the spare cores as page readers; every worker's OCR its share of the cores."""
    monkeypatch.setattr(batch, "run_job", _reports_its_share)
    monkeypatch.setattr(batch, "_mp_context", lambda: multiprocessing.get_context("fork"))   # keeps the patch
    jobs = [Job(f"/in/{n}.pdf", str(n), "0", False) for n in range(documents)]
    results = list(batch.run_local(jobs, BatchSettings(out=tmp_path, jobs=2, timeout=60)))
    threads = max(1, os.cpu_count() // processes)
    assert [r.message for r in results] == [f"{page_workers} {threads}"] * documents


PAGE_READERS_OF_A_KILLED_PROCESS = """
import os, sys
sys.path.insert(0, sys.argv[2])
import multiprocessing as mp
from converters.settings import DEFAULT
from converters.sources import pdf as pdf_reader
pool = mp.get_context("fork").Pool(2, initializer=pdf_reader._open_in_worker, initargs=(sys.argv[1], "pdfium", DEFAULT.ocr, 1, os.getpid()))
import time
busy = [pool.apply_async(time.sleep, (120,)) for _ in range(2)]      # readers stuck on a page
time.sleep(0.5)
print(" ".join(str(p.pid) for p in pool._pool), flush=True)
os._exit(9)      # killed at its time limit: the pool is never closed
"""


def test_page_readers_stop_when_their_process_is_killed(tmp_path):
    pdf = tmp_path / "a.pdf"
    g.build_pdf(g.sample_document(seed=1)[0], pdf)
    out = subprocess.run([sys.executable, "-c", PAGE_READERS_OF_A_KILLED_PROCESS, str(pdf), str(ROOT)],
                         capture_output=True, text=True, timeout=WAIT)
    readers = [int(p) for p in out.stdout.split()]
    assert len(readers) == 2

    def alive(pid):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z" if Path(f"/proc/{pid}").exists() else True
    deadline = time.monotonic() + 30
    while any(map(alive, readers)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(map(alive, readers))


# ------------------------------------------------------------------------------------------ Dask
def test_the_same_batch_on_a_dask_cluster(collection, converted, tmp_path):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "dask"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        sources, _ = collect([collection], exclude=out)
        run = run_batch(sources, BatchSettings(out=out, timeout=120, scheduler=cluster.scheduler_address))
    local_out, local_run, _, _ = converted
    assert [(r.name, r.status) for r in run.results] == [(r.name, r.status) for r in local_run.results]
    for r in run.results:
        if r.status == "converted":
            assert tables_json(out, r.name)["tables"] == tables_json(local_out, r.name)["tables"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "dataset.parquet"),
                                  pd.read_parquet(local_out / "dataset.parquet"))
    assert (out / REPORT_XLSX).is_file()


def test_records_of_documents_held_in_memory(tmp_path):
    """The GUI's batch: the documents in memory (corrections included), failed ones with their reason."""
    doc = Document(source=str(tmp_path / "a.pdf"), pages=1, tables=[
        Table(form="three_public", title="三公", columns=["项目", "合计"], rows=[["公务接待费", 1.0]], pages=[1])])
    out = tmp_path / "out"
    record = held_record("a.pdf", "converted", doc, exported=out / "sub" / "a", root=out)
    assert (record.status, record.folder, record.error) == ("converted", "sub/a", None)
    assert record.data["tables"][0]["rows"] == [["公务接待费", 1.0]] and record.row_pages == [[1]]
    assert held_record("a.pdf", "converted", doc, exported=tmp_path / "elsewhere", root=out).folder is None
    assert held_record("a.pdf", "converted", doc, root=out).folder is None
    failed = held_record("b.pdf", "failed", error="b.pdf：不是 PDF 文件")
    assert (failed.status, failed.error, failed.data) == ("failed", "b.pdf：不是 PDF 文件", None)
    assert held_record("c.pdf", "not_run", error="已取消").error is None



def test_a_second_run_with_other_inputs_never_shrinks_the_batch_outputs(collection, tmp_path):
    """The report, the dataset and 合并/ describe every document under --out, earlier runs' included."""
    out = tmp_path / "out"
    first = run_batch(collect([collection / "2023"])[0], BatchSettings(out=out, timeout=120, jobs=1))
    assert [r.status for r in first.results] == ["converted"]
    second = run_batch(collect([collection / "2024" / "乙局.pdf"])[0], BatchSettings(out=out, timeout=120, jobs=1))
    assert [r.status for r in second.results] == ["converted"]         # this run's documents only
    report = pd.read_csv(out / REPORT_CSV)
    assert sorted(report["status"]) == ["converted", "earlier"]
    assert set(report["folder"]) == {"甲局", "乙局"}
    assert len(pd.read_parquet(out / "dataset.parquet")["source"].unique()) == 2


def test_the_last_step_written_side_by_side_gives_the_same_files(converted, tmp_path):
    """The batch's outputs written by a pool of processes (several jobs) are those written one after the other."""
    from concurrent.futures import ProcessPoolExecutor

    from converters.output.dataset import write_outputs
    out, run, _, _ = converted
    records = [batch.load_record(out, r) for r in run.results]
    with ProcessPoolExecutor(2, mp_context=batch._mp_context()) as pool:
        parallel = write_outputs(records, tmp_path / "pool", pool)
    serial = write_outputs(records, tmp_path / "serial")
    assert ([p.relative_to(tmp_path / "pool") for p in parallel]
            == [p.relative_to(tmp_path / "serial") for p in serial])
    for a, b in zip(parallel, serial):
        if a.suffix == ".xlsx":
            assert list(load_workbook(a).active.values) == list(load_workbook(b).active.values)
        elif a.suffix == ".csv":
            assert a.read_bytes() == b.read_bytes()
    assert len([p for p in parallel if p.parent.name == CONSOLIDATED_DIR]) >= 3


def test_the_last_step_gets_processes_only_where_they_pay(tmp_path):
    with batch.tail_pool(BatchSettings(out=tmp_path, jobs=2), batch.TAIL_POOL_DOCUMENTS) as pool:
        assert pool.submit(sum, [1, 2]).result() == 3
    for jobs, documents in ((1, 500), (2, batch.TAIL_POOL_DOCUMENTS - 1)):
        with batch.tail_pool(BatchSettings(out=tmp_path, jobs=jobs), documents) as pool:
            assert pool is None
