"""Headless CLI: `python main.py convert FILES_OR_FOLDERS… --out DIR`.

Each document is converted in a worker process with a time limit, so a file that makes the parser hang or
crash never stops the batch.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

from .export import ExportExistsError, export_document
from .model import ConversionError
from .pipeline import SUPPORTED_SUFFIXES, TABLE_READERS, convert_document

DEFAULT_TIMEOUT = 900.0   # seconds per document; a 1,000-page PDF takes a few minutes


def collect_inputs(paths: list) -> tuple:
    """(supported files, notices for skipped files). Folders are searched recursively."""
    files, notices = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                if f.suffix.lower() in SUPPORTED_SUFFIXES | set(TABLE_READERS):
                    files.append(f)
                elif not f.name.startswith(".") and not f.name.endswith(".json"):
                    notices.append(f"跳过 {f.name}：暂不支持此文件类型")
        else:
            files.append(p)
    return files, notices


def _convert_and_export(path: str, out: str, overwrite: bool, queue) -> None:
    """Worker: convert one document and write its export; report (ok, message) on the queue.
    (The engine is imported by the parent, so forked workers start without importing it again.)"""
    try:
        doc = convert_document(path)
        folder = export_document(doc, out, overwrite=overwrite)
        queue.put((True, f"{Path(path).name}：{len(doc.tables)} 张表 → {folder}", doc.notices))
    except (ConversionError, ExportExistsError) as e:
        queue.put((False, str(e), []))
    except MemoryError:
        queue.put((False, f"{Path(path).name}：内存不足，无法转换", []))
    except Exception as e:  # a bug must not stop the batch; say which file and what
        queue.put((False, f"{Path(path).name}：转换失败（内部错误：{type(e).__name__}: {e}）", []))


def convert_one(path: Path, out: Path, overwrite: bool, timeout: float) -> tuple:
    """(ok, message, notices) for one document, run in its own process under a time limit."""
    if not path.exists():
        return False, f"{path.name}：文件不存在", []
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_convert_and_export, args=(str(path), str(out), overwrite, queue), daemon=True)
    proc.start()
    deadline = time.monotonic() + timeout
    result = None
    while result is None:
        try:
            result = queue.get(timeout=0.2)
        except Exception:
            if not proc.is_alive():
                break
            if time.monotonic() > deadline:
                proc.kill()
                proc.join()
                return False, f"{path.name}：转换超时（超过 {timeout:g} 秒），已停止", []
    proc.join(5)
    if result is None:
        return False, f"{path.name}：转换进程意外退出（代码 {proc.exitcode}）", []
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="main.py convert", description="把部门预算公开 PDF 转换为标准化 Excel 工作簿")
    ap.add_argument("inputs", nargs="+", help="PDF 文件或文件夹")
    ap.add_argument("--out", required=True, help="导出目录（每个文档一个子目录）")
    ap.add_argument("--overwrite", action="store_true", help="覆盖已存在的导出")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="每个文档的时间上限（秒）")
    a = ap.parse_args(argv)
    files, notices = collect_inputs(a.inputs)
    for n in notices:
        print(n)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for f in files:
        ok, message, doc_notices = convert_one(f, out, a.overwrite, a.timeout)
        if ok:
            print(message)
            for n in doc_notices:
                print(f"  提示：{n}")
        else:
            failed += 1
            print(message, file=sys.stderr)
    if not files:
        print("没有找到可转换的文件", file=sys.stderr)
        return 2
    return 1 if failed else 0
