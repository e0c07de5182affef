"""Headless CLI: `python main.py convert FILES_OR_FOLDERS… --out DIR [--jobs N] [--scheduler ADDRESS]`.

The batch engine is converters/batch.py: documents run in parallel worker processes (or as Dask tasks), each
under a time limit, so a file that makes the parser hang or crash never stops the batch; a re-run skips the
documents already converted and unchanged. Here: arguments, the progress bar and the messages.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Optional

from tqdm import tqdm

from .batch import DEFAULT_TIMEOUT, BatchError, BatchSettings, Result, collect, run_batch
from .model import os_error_text, printable
from .output.dataset import REPORT_XLSX
from .review.templates import activate_templates
from .settings import DEFAULT, PDF_READERS

EXIT_OK, EXIT_FAILED, EXIT_NOTHING, EXIT_INTERRUPTED = 0, 1, 2, 130


def collect_inputs(paths: list) -> tuple:
    """(supported files, notices for skipped files). Folders are searched recursively."""
    sources, notices = collect(paths)
    return [s.path for s in sources], notices


class Progress:
    """The progress bar (documents done, tables found, failures; only on a terminal) and the per-document
    lines: done and skipped on stdout, one line per failure on stderr."""

    def __init__(self, total: int, mode: str = "lines"):
        self.failed = self.tables = 0
        self.mode = mode                  # lines | quiet (failures only) | json (one JSON object a document)
        self.interrupt_requested = False
        self.bar = tqdm(total=total, unit="个文档", desc="转换", disable=None if mode == "lines" else True,
                        dynamic_ncols=True)

    def __call__(self, result: Result):
        self.tables += result.tables
        self.failed += result.status == "failed"
        if self.mode == "json":
            print(json.dumps(result_record(result), ensure_ascii=False), flush=True)
        elif result.status == "failed":
            self.bar.write(printable(result.message), file=sys.stderr)
        elif self.mode == "lines":
            self.bar.write(printable(result.message), file=sys.stdout)
            for n in result.notices:
                self.bar.write(f"  提示：{printable(n)}", file=sys.stdout)
        self.bar.set_postfix_str(f"表格 {self.tables}，失败 {self.failed}", refresh=False)
        self.bar.update(1)
        if self.bar.n == self.bar.total:
            self.bar.set_description_str("写出汇总与数据集")
        if self.interrupt_requested:
            # Ctrl+C came while Python ran a finalizer, where its KeyboardInterrupt is only printed: stop here.
            raise KeyboardInterrupt

    def on_sigint(self, signum, frame):
        self.interrupt_requested = True
        raise KeyboardInterrupt

    def close(self):
        self.bar.close()


def result_record(result: Result) -> dict:
    """One document's line of `--json`: file, status, folder, the counts of its tables, message, notices."""
    counts = {"tables": result.tables, "flagged": None, "unrecognized": None, "missing": None, "issues": None}
    return {"file": result.source, "status": result.status,
            "folder": result.name if result.status in ("converted", "skipped") else None,
            **counts, **result.counts, "seconds": result.seconds, "message": result.message,
            "notices": list(result.notices)}


def output_folder_problem(out: Path) -> Optional[str]:
    """Why the export folder cannot be used (it cannot be created, or is not writable), or None."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return f"无法创建导出目录 {printable(str(out))}：{os_error_text(e)}"
    if not os.access(out, os.W_OK | os.X_OK):
        return f"导出目录不可写（没有写入权限）：{printable(str(out))}"
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog=f"{Path(sys.executable).name} convert" if getattr(sys, "frozen", False)
                                 else "main.py convert", description="把部门预算公开文件转换为标准化 Excel 工作簿")
    ap.add_argument("inputs", nargs="+", help="文件或文件夹（含子文件夹）")
    ap.add_argument("--out", required=True, help="导出目录（每个文档一个子目录，另有汇总、合并表与数据集）")
    ap.add_argument("--overwrite", action="store_true", help="覆盖已存在的导出，并重新转换未改变的文档")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="每个文档的时间上限（秒）")
    ap.add_argument("--templates", metavar="DIR", action="append", default=[],
                    help="应用此文件夹中保存的模板（在界面中“保存为模板”或导出的 .json 文件；可多次给出）")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="并行转换的进程数（默认：全部 CPU 核心）")
    ap.add_argument("--memory-limit", type=float, default=DEFAULT.limits.memory_mb, metavar="MB",
                    help=f"每个转换进程（及其读页进程）的内存上限，超过即停止该文件并说明（默认 {DEFAULT.limits.memory_mb:g} MB）")
    ap.add_argument("--reader", choices=PDF_READERS, default=DEFAULT.pdf_reader,
                    help="PDF 读页方式：pdfium（默认，快）或 pdfplumber（参照实现，用于核对）")
    ap.add_argument("--scheduler", metavar="ADDRESS",
                    help="Dask 调度器地址（如 tcp://10.0.0.5:8786）：每个文档作为集群上的一个任务；"
                         "工作节点须能访问相同的输入与导出路径")
    shown = ap.add_mutually_exclusive_group()
    shown.add_argument("--quiet", action="store_true", help="只输出失败与中断的说明（stderr），不显示进度与每个文档的结果")
    shown.add_argument("--json", action="store_true",
                       help="每个文档在 stdout 输出一行 JSON（file、status、folder、tables、flagged、unrecognized、"
                            "missing、issues、seconds、message、notices），供脚本读取")
    a = ap.parse_args(argv)
    if a.jobs < 1:
        ap.error("--jobs 至少为 1")
    if a.memory_limit < 256:
        ap.error("--memory-limit 至少为 256（MB）")
    for folder in a.templates:
        if not Path(folder).is_dir():
            print(f"模板文件夹不存在：{folder}", file=sys.stderr)
            return EXIT_NOTHING
    activate_templates(*a.templates)
    settings = BatchSettings(out=Path(a.out), jobs=a.jobs, timeout=a.timeout, overwrite=a.overwrite,
                             scheduler=a.scheduler, templates=tuple(str(Path(t).resolve()) for t in a.templates),
                             conversion=replace(DEFAULT, pdf_reader=a.reader,
                                                limits=replace(DEFAULT.limits, memory_mb=a.memory_limit)))
    missing = [p for p in a.inputs if not Path(p).exists()]
    for p in missing:
        print(f"{printable(p)}：文件或文件夹不存在", file=sys.stderr)
    sources, notices = collect([p for p in a.inputs if p not in missing], exclude=settings.out)
    mode = "json" if a.json else "quiet" if a.quiet else "lines"
    for n in notices:
        if mode != "quiet":
            print(printable(n), file=sys.stdout if mode == "lines" else sys.stderr)
    if not sources:
        print("没有找到可转换的文件", file=sys.stderr)
        return EXIT_NOTHING
    problem = output_folder_problem(settings.out)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_NOTHING
    progress = Progress(len(sources), mode)
    previous = signal.signal(signal.SIGINT, progress.on_sigint)
    try:
        run = run_batch(sources, settings, progress)
    except BatchError as e:
        print(e, file=sys.stderr)
        return EXIT_NOTHING
    except KeyboardInterrupt:
        print("已中断：汇总未写出；已完成的文档导出已保留，再次运行同一命令即可继续", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as e:
        print(f"无法写出汇总：{os_error_text(e)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.close()
    c = Counter(r.status for r in run.results)
    if mode != "quiet":     # (--json: stdout holds only the documents' lines)
        print(f"共 {len(run.results)} 个文档：已转换 {c['converted']}，未改变跳过 {c['skipped']}，失败 {c['failed']}"
              + (f"，未转换 {c['not_run']}" if c["not_run"] else "") + f"；汇总：{settings.out / REPORT_XLSX}",
              file=sys.stdout if mode == "lines" else sys.stderr)
    if run.interrupted:
        print(f"已中断：已完成的 {c['converted'] + c['skipped']} 个文档已保留，{c['not_run']} 个未转换；"
              "再次运行同一命令即可继续", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED if c["failed"] or missing else EXIT_OK
