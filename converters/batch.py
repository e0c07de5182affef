"""Batch conversion of whole collections: plan, run (local worker processes or a Dask cluster), resume, report.

Every document is converted and exported by a worker (`run_job`), under a time limit, into OUT/<name>/
(`output.workbook.export_document`). Its folder gets a marker, `.batch.json`, holding the source's content hash: a
re-run skips a document whose marker says it was exported from the same content, so an interrupted batch
resumes where it stopped. A folder with a marker is the batch's own and is replaced when its source changed
or its export was cut short; an export the batch did not make is never replaced without `overwrite`.
At the end the report, the consolidated workbooks and the dataset (output/dataset.py) are written for
every document of the batch, converted now or before.

Locally, documents run in a pool of worker processes (pebble: a document past its time limit is killed and
the pool goes on). With a Dask scheduler address, each document is one task on the cluster; its workers must
see the same input and output paths (a shared file system) and import this package.
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, Optional

from .catalogue import catalogue
from .model import failure_message
from .output.dataset import CONSOLIDATED_DIR, DocRecord, row_pages, write_outputs
from .output.workbook import atomic_write, export_document, previous_export
from .pipeline import Cancelled, convert_document
from .review import counts_summary, document_counts, file_hash
from .review.templates import activate_templates
from .settings import DEFAULT, ConversionSettings
from .sources import SUPPORTED_SUFFIXES
from .sources.processes import exit_with, watch_memory
from .workers import worker_context

DEFAULT_TIMEOUT = 900.0       # seconds per document; a 1,000-page PDF takes a few minutes
MARKER = ".batch.json"
TASKS_PER_WORKER = 50         # workers stay warm across documents; a fresh one now and then gives back what large
#                               documents left fragmented (each OCR page is given back as it ends, see processes.py)
SCHEDULER_CONNECT_TIMEOUT = "20s"
TAIL_POOL_DOCUMENTS = 10      # fewer documents write the batch's outputs in a moment: no processes started for them
MEMORY_EXIT = 86              # a worker's exit code when it stopped its document for using too much memory


class BatchError(Exception):
    """The batch as a whole cannot run (e.g. no Dask scheduler at the address). Chinese message."""


@dataclass(frozen=True)
class BatchSettings:
    out: Path
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = DEFAULT_TIMEOUT
    overwrite: bool = False
    scheduler: Optional[str] = None           # Dask scheduler address; None: local worker processes
    conversion: ConversionSettings = DEFAULT  # every document's conversion (page_workers set per run)
    templates: tuple = ()                     # folders of users' templates, applied in every worker (Dask too)


@dataclass(frozen=True)
class Source:
    path: Path
    key: str            # export folder name before de-duplication: path below the input folder, no suffix


@dataclass(frozen=True)
class Job:
    source: str         # path of the document
    name: str           # its export folder, relative to the output folder
    digest: str         # SHA-256 of its content
    replace: bool       # its folder may hold an export to replace


@dataclass
class Result:
    source: str
    name: str
    status: str                     # converted | skipped | failed | not_run
    message: str                    # Chinese, names the file
    notices: list = field(default_factory=list)
    tables: int = 0
    seconds: Optional[float] = None
    counts: dict = field(default_factory=dict)   # review.document_counts (converted or skipped documents)


@dataclass
class BatchRun:
    results: list                   # one Result per source, in the order planned
    interrupted: bool
    written: list                   # the report, consolidated workbooks and dataset files


# ---------------------------------------------------------------------------------------------- plan
def supported_suffixes() -> set:
    return set(SUPPORTED_SUFFIXES)


def collect(paths: list, exclude=None) -> tuple:
    """([Source], notices for skipped files). Folders are searched recursively; hidden files, Office lock
    files (~$…) and everything under `exclude` (the output folder) are left out."""
    supported = supported_suffixes()
    skip = Path(exclude).resolve() if exclude is not None else None
    sources, notices = [], []
    for p in map(Path, paths):
        if not p.is_dir():
            sources.append(Source(p, p.stem))
            continue
        for f in sorted(x for x in p.rglob("*") if x.is_file()):
            rel = f.relative_to(p)
            if any(part.startswith((".", "~$")) for part in rel.parts) or (
                    skip is not None and f.resolve().is_relative_to(skip)):
                continue
            if f.suffix.lower() in supported:
                sources.append(Source(f, rel.with_suffix("").as_posix()))
            elif f.suffix.lower() != ".json":
                notices.append(f"跳过 {f.name}：暂不支持此文件类型")
    return sources, notices


def unique_names(keys: list) -> list:
    """`keys` made unique (case-insensitively, as file systems may be): 'a', 'a_2', …; the folder of the
    consolidated workbooks is taken."""
    seen: dict = {CONSOLIDATED_DIR.casefold(): 1}
    out = []
    for key in keys:
        n = seen.get(key.casefold(), 0) + 1
        seen[key.casefold()] = n
        out.append(key if n == 1 else f"{key}_{n}")
    return out


def read_marker(folder: Path) -> Optional[dict]:
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_marker(folder: Path, data: dict) -> None:
    text = json.dumps(data, ensure_ascii=False)
    atomic_write(Path(folder) / MARKER, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def plan_one(path: Path, name: str, settings: BatchSettings):
    """A Job for one document, or its Result when nothing needs to run (unchanged, missing, protected)."""
    label = path.name
    if not path.is_file():
        return Result(str(path), name, "failed", f"{label}：文件不存在")
    try:
        digest = file_hash(path)
    except OSError as e:
        return Result(str(path), name, "failed", f"{label}：无法读取文件（{e.strerror or e}）")
    folder = settings.out / name
    marker = read_marker(folder)
    if not settings.overwrite:
        if (marker is not None and marker.get("state") == "done" and marker.get("sha256") == digest
                and (folder / "tables.json").is_file()):
            return marker_result(str(path), name, "skipped", f"{label}：已转换，文件未改变，跳过", marker)
        if marker is None and previous_export(folder):
            return Result(str(path), name, "failed", f"{label}：导出目录 {folder} 已存在（使用 --overwrite 覆盖）")
    return Job(str(path), name, digest, replace=settings.overwrite or marker is not None)


def plan(sources: list, settings: BatchSettings) -> list:
    """One Job or Result per source, in order."""
    names = unique_names([s.key for s in sources])
    return [plan_one(s.path, name, settings) for s, name in zip(sources, names)]


# ---------------------------------------------------------------------------------------------- one document
def timeout_message(name: str, timeout: float) -> str:
    return f"{name}：转换超时（超过 {timeout:g} 秒），已停止"


def marker_result(source: str, name: str, status: str, message: str, marker: dict) -> Result:
    """The Result of a document whose export an earlier run (or a worker that could not report back) finished:
    its figures from its folder's marker."""
    return Result(source, name, status, message, tables=marker.get("tables", 0), seconds=marker.get("seconds"),
                  counts=marker.get("counts", {}))


def export_job(doc, job: Job, out: Path, started: float, counts: dict) -> Path:
    """Export `doc` to out/<job.name>/ between an 'exporting' and a 'done' marker (a cut-short export is
    redone on the next run); the marker keeps the document's `counts` for later runs."""
    folder = Path(out) / job.name
    folder.mkdir(parents=True, exist_ok=True)
    marker = {"source": job.source, "sha256": job.digest}
    write_marker(folder, {**marker, "state": "exporting"})
    export_document(doc, out, overwrite=job.replace, stem=job.name)
    write_marker(folder, {**marker, "state": "done", "seconds": round(time.monotonic() - started, 3),
                          "tables": len(doc.tables), "counts": counts,
                          "row_pages": [row_pages(t) for t in doc.tables]})
    return folder


_running: dict = {}           # in a local worker: the job it converts, its output folder, the page it reads


def run_job(job: Job, settings: BatchSettings, page_workers: int = 1) -> Result:
    """Convert and export one document (in a worker process or a Dask task); never raises. `page_workers` > 1
    reads a PDF's pages in that many processes (the cores the batch leaves idle)."""
    started = time.monotonic()
    name = Path(job.source).name
    activate_templates(*settings.templates)       # a Dask worker does not inherit the batch's environment
    _running.update(job=job, out=settings.out, page=1)

    def progress(done: int, total: int, _message: str):
        _running["page"] = min(done + 1, total) if total else done + 1
    try:
        doc = convert_document(job.source, replace(settings.conversion, page_workers=page_workers),
                               progress=progress, cancel=lambda: time.monotonic() - started > settings.timeout)
        counts = document_counts(doc.tables, len(doc.missing))
        folder = export_job(doc, job, settings.out, started, counts)
    except Cancelled:
        return _failed(job, timeout_message(name, settings.timeout), time.monotonic() - started)
    except Exception as e:  # noqa: BLE001 - one document must not stop the batch; say which and why
        return _failed(job, failure_message(name, e), time.monotonic() - started)
    return Result(job.source, job.name, "converted", f"{name}：{counts_summary(counts)} → {folder}",
                  list(doc.notices), len(doc.tables), round(time.monotonic() - started, 3), counts)


def crash_message(name: str, detail) -> str:
    return f"{name}：转换进程意外退出（{detail}）"


def memory_message(name: str, page: int, used_mb: float, limit_mb: float) -> str:
    return f"{name}：内存不足：第 {page} 页（转换进程占用 {used_mb:.0f} MB，超过上限 {limit_mb:g} MB），已停止转换此文件"


def _out_of_memory(limit_mb: float, used_mb: float):
    """In a local worker whose document took more memory than allowed: leave the reason in the document's
    folder (its marker, which the batch reads back) and end the process, which frees the memory at once (its
    page readers follow it)."""
    job = _running.get("job")
    if job is not None:
        message = memory_message(Path(job.source).name, _running.get("page", 1), used_mb, limit_mb) + "；其余文件照常转换"
        try:
            folder = Path(_running["out"]) / job.name
            folder.mkdir(parents=True, exist_ok=True)
            write_marker(folder, {"source": job.source, "sha256": job.digest, "state": "failed", "message": message})
        except OSError:
            pass
    os._exit(MEMORY_EXIT)


def _memory_failure(job: Job, out: Path) -> Optional[str]:
    marker = read_marker(Path(out) / job.name) or {}
    return marker.get("message") if marker.get("state") == "failed" and marker.get("sha256") == job.digest else None


def _failed(job: Job, message: str, seconds: Optional[float] = None) -> Result:
    return Result(job.source, job.name, "failed", message, seconds=None if seconds is None else round(seconds, 3))


# ---------------------------------------------------------------------------------------------- runners
def _mp_context():
    """forkserver where there is one (workers fork from a clean process that imported the engine once),
    else spawn (`workers.worker_context`)."""
    return worker_context()


def _start_worker(ocr_threads: int, batch: int, memory_mb: float):
    """A worker's OCR runs on its share of the cores (workers that OCR side by side would oversubscribe them);
    the worker stops when the batch's process is killed (Ctrl+C stops the pool itself), and stops its document
    when it or one of its page readers uses more than `memory_mb`."""
    from .sources.ocr.recognize import set_threads
    set_threads(ocr_threads)
    exit_with(batch)
    watch_memory(memory_mb, lambda used: _out_of_memory(memory_mb, used))


def run_local(jobs: list, settings: BatchSettings) -> Iterator[Result]:
    """Results as documents finish, from `settings.jobs` worker processes. Fewer documents than jobs (one
    large document is the common case) share the spare cores out as page readers."""
    from pebble import ProcessExpired, ProcessPool
    processes = max(1, min(settings.jobs, len(jobs)))
    page_workers = max(1, settings.jobs // processes)
    pool = ProcessPool(max_workers=processes, max_tasks=TASKS_PER_WORKER, context=_mp_context(),
                       initializer=_start_worker,
                       initargs=(max(1, (os.cpu_count() or 1) // processes), os.getpid(),
                                 settings.conversion.limits.memory_mb))
    finished = False
    try:
        futures = {pool.schedule(run_job, (job, settings, page_workers), timeout=settings.timeout): job
                   for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            name = Path(job.source).name
            try:
                yield future.result()
            except FutureTimeout:
                yield _failed(job, timeout_message(name, settings.timeout))
            except ProcessExpired as e:
                memory = _memory_failure(job, settings.out) if e.exitcode == MEMORY_EXIT else None
                yield _failed(job, memory or crash_message(name, f"代码 {e.exitcode}"))
            except Exception as e:  # noqa: BLE001 - e.g. a result that could not be sent back
                yield _failed(job, failure_message(name, e))
        finished = True
    finally:
        if finished:
            pool.close()
        else:
            pool.stop()
        pool.join()


def connect(address: str):
    try:
        from distributed import Client
    except ImportError as e:
        import sys
        if getattr(sys, "frozen", False):      # build.spec leaves Dask out of the double-click app
            raise BatchError(f"无法使用 Dask 调度器 {address}：安装包版不含 Dask 集群模式（--scheduler），"
                             "请在装有本项目及 dask[distributed] 的 Python 环境中运行 main.py convert") from e
        raise BatchError(f"无法使用 Dask 调度器 {address}：未安装 dask[distributed]（{e}）") from e
    try:
        return Client(address, timeout=SCHEDULER_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        raise BatchError(f"无法连接 Dask 调度器 {address}：{e}") from e


def run_dask(jobs: list, settings: BatchSettings) -> Iterator[Result]:
    """Results as documents finish, each document one task on the Dask cluster at settings.scheduler."""
    client = connect(settings.scheduler)
    from distributed import KilledWorker
    from distributed import as_completed as dask_completed
    futures = []
    try:
        futures = client.map(run_job, jobs, settings=settings, pure=False)
        job_of = {f.key: job for f, job in zip(futures, jobs)}
        for future in dask_completed(futures):
            job = job_of[future.key]
            try:
                yield future.result()
            except KilledWorker:
                yield _failed(job, crash_message(Path(job.source).name, "Dask 工作进程多次退出"))
            except Exception as e:  # noqa: BLE001 - a task that could not run on the cluster
                yield _failed(job, failure_message(Path(job.source).name, e))
    finally:
        client.cancel(futures)
        client.close()


# ---------------------------------------------------------------------------------------------- the batch
def load_record(out: Path, result: Result) -> DocRecord:
    """The report's view of one document: its export read back from out/<name>/."""
    if result.status not in ("converted", "skipped", "earlier"):
        error = result.message if result.status == "failed" else None
        return DocRecord(result.source, result.status, None, result.seconds, error)
    folder = Path(out) / result.name
    try:
        data = json.loads((folder / "tables.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        message = f"{Path(result.source).name}：无法读取导出结果 {folder / 'tables.json'}（{e}）"
        return DocRecord(result.source, "failed", result.name, result.seconds, message)
    pages = (read_marker(folder) or {}).get("row_pages") or []
    return DocRecord(result.source, result.status, result.name, result.seconds, None, data, pages)


def _finished_before_the_stop(job: Job, out: Path) -> Optional[Result]:
    """A document whose worker finished its export before the batch was stopped, though its result had not come
    back yet: its folder's marker says so (done, from the same content)."""
    marker = read_marker(Path(out) / job.name)
    if not marker or marker.get("state") != "done" or marker.get("sha256") != job.digest:
        return None
    return marker_result(job.source, job.name, "converted", f"{Path(job.source).name}：{marker.get('tables', 0)} 张表",
                         marker)


def run_batch(sources: list, settings: BatchSettings,
              on_result: Callable[[Result], None] = lambda r: None) -> BatchRun:
    """Convert `sources` (from `collect`): skip the unchanged, run the rest, then write the report, the
    consolidated workbooks and the dataset. Ctrl+C (KeyboardInterrupt) stops the workers; what finished is
    kept and reported, the rest is reported as not run."""
    items = plan(sources, settings)
    results = {i: item for i, item in enumerate(items) if isinstance(item, Result)}
    for result in results.values():
        on_result(result)
    pending = {item.name: i for i, item in enumerate(items) if isinstance(item, Job)}
    runner = run_dask if settings.scheduler else run_local
    interrupted = False
    try:
        if pending:
            with closing(runner([items[i] for i in pending.values()], settings)) as finished:
                for result in finished:
                    results[pending[result.name]] = result
                    on_result(result)
    except KeyboardInterrupt:
        interrupted = True
    for i in pending.values():
        job = items[i]
        if i not in results:
            results[i] = _finished_before_the_stop(job, settings.out) or Result(
                job.source, job.name, "not_run", f"{Path(job.source).name}：未转换（已中断）")
    ordered = [results[i] for i in range(len(items))]
    described = ordered + earlier_results(settings.out, {r.name for r in ordered})
    with tail_pool(settings, len(described)) as pool:
        written = write_outputs([load_record(settings.out, r) for r in described], settings.out, pool)
    return BatchRun(ordered, interrupted, written)


def tail_pool(settings: BatchSettings, documents: int):
    """Processes for the batch's last step (the dataset, the report, a consolidated workbook per form) when it has
    several jobs and enough documents for that to pay; a context without one otherwise."""
    from contextlib import nullcontext
    if settings.jobs <= 1 or documents < TAIL_POOL_DOCUMENTS:
        return nullcontext(None)
    from concurrent.futures import ProcessPoolExecutor
    return ProcessPoolExecutor(min(settings.jobs, len(catalogue().forms) + 2), mp_context=_mp_context(),
                               initializer=activate_templates, initargs=settings.templates)


def earlier_results(out: Path, names: set) -> list:
    """Documents an earlier run exported into `out` that this run did not name: the report, the consolidated
    workbooks and the dataset describe every document under `out`, so a second run never shrinks them."""
    found = []
    for path in sorted(Path(out).rglob(MARKER)):
        folder = path.parent
        name = folder.relative_to(out).as_posix()
        marker = read_marker(folder)
        if name in names or not marker or marker.get("state") != "done" or not (folder / "tables.json").is_file():
            continue
        source = str(marker.get("source") or name)
        found.append(marker_result(source, name, "earlier", f"{Path(source).name}：此前已转换", marker))
    return found
