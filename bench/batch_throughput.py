"""Batch throughput: documents per minute with N local worker processes, and on a Dask cluster.

    python bench/batch_throughput.py                              # ≥ 100 documents, 1 and 2 jobs, Dask with 2
    python bench/batch_throughput.py --docs 500 --jobs 1,2,4,8,16 --dask-workers 16     # a 16-core machine
    python bench/batch_throughput.py --no-dask

The collection is the text-layer PDFs (bench/speed.py's selection) copied until it holds at least --docs
documents, each copy with distinct bytes (a comment after the end of the file names the copy), so no copy is
recognised as another. Each configuration converts the whole collection into a fresh output folder with
converters.batch.run_batch, exactly as `main.py convert FOLDER --out OUT` does (workbooks, tables.json, the
report, the consolidated workbooks and the dataset included), one after the other in this run:
  local, N jobs    worker-process pool of N, for each N of --jobs → scaling ratio against the first
  dask             a LocalCluster of --dask-workers single-threaded worker processes started here, the batch
                   submitted to its scheduler address  → against local with the same number of processes, and
                   whether its dataset.csv is identical to that run's
Prints documents per minute for each and the ratios, then one JSON line.
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converters.batch import BatchSettings, collect, run_batch  # noqa: E402
from speed import dev_pdfs  # noqa: E402


def build_collection(pdfs: list, n_docs: int, folder: Path) -> int:
    """Copy `pdfs` round after round (copy<round>_<name>, distinct bytes) until `folder` holds at least `n_docs`
    files."""
    folder.mkdir(parents=True)
    rounds = -(-n_docs // len(pdfs))
    for r in range(rounds):
        for p in pdfs:
            (folder / f"copy{r:03d}_{p.name}").write_bytes(p.read_bytes() + b"\n%% copy %d\n" % r)
    return rounds * len(pdfs)


def dataset_rows(out: Path) -> list:
    """dataset.csv's rows without the columns that name the output folder (they differ between runs)."""
    import pandas as pd
    frame = pd.read_csv(out / "dataset.csv", dtype=str, keep_default_na=False)
    frame = frame.drop(columns=[c for c in frame.columns if c in ("folder", "导出目录")])
    return sorted(map(tuple, frame.itertuples(index=False, name=None)))


def timed_batch(collection: Path, out: Path, **settings) -> dict:
    sources, _ = collect([collection], exclude=out)
    start = time.perf_counter()
    run = run_batch(sources, BatchSettings(out=out, timeout=900, **settings))
    seconds = time.perf_counter() - start
    statuses = [r.status for r in run.results]
    return {"documents": len(statuses), "converted": statuses.count("converted"),
            "failed": statuses.count("failed"), "seconds": round(seconds, 1),
            "docs_per_minute": round(60 * len(statuses) / seconds, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100, help="at least this many documents (default 100)")
    ap.add_argument("--jobs", default="1,2", help="local worker counts to run, comma-separated (default 1,2)")
    ap.add_argument("--dask-workers", type=int, default=2, help="worker processes of the Dask LocalCluster")
    ap.add_argument("--no-dask", action="store_true", help="local runs only")
    a = ap.parse_args()
    counts = [int(j) for j in a.jobs.split(",")]
    pdfs = dev_pdfs()
    if not pdfs:
        print("没有找到开发语料（../shared/bench/dev）", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="batch_bench_") as tmp:
        tmp = Path(tmp)
        n = build_collection(pdfs, a.docs, tmp / "collection")
        print(f"{n} documents ({len(pdfs)} text-layer PDFs of the dev corpus, repeated)")
        results = {}
        for jobs in counts:
            results[f"local_{jobs}"] = timed_batch(tmp / "collection", tmp / f"local_{jobs}", jobs=jobs)
            print(f"local, {jobs} job(s): {results[f'local_{jobs}']}", flush=True)
        same_dataset = None
        if not a.no_dask:
            from distributed import LocalCluster
            with LocalCluster(n_workers=a.dask_workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster:
                results["dask"] = timed_batch(tmp / "collection", tmp / "dask",
                                              scheduler=cluster.scheduler_address)
            print(f"dask, {a.dask_workers} worker process(es): {results['dask']}")
            reference = tmp / f"local_{a.dask_workers if a.dask_workers in counts else counts[-1]}"
            same_dataset = dataset_rows(tmp / "dask") == dataset_rows(reference)

    rate = {k: v["docs_per_minute"] for k, v in results.items()}
    first = f"local_{counts[0]}"
    summary = {"documents": n, **rate,
               **{f"scaling_{j}_vs_{counts[0]}": round(rate[f"local_{j}"] / rate[first], 2) for j in counts[1:]}}
    for j in counts[1:]:
        print(f"scaling {j} jobs / {counts[0]}: {summary[f'scaling_{j}_vs_{counts[0]}']}x")
    if "dask" in rate:
        same = f"local_{a.dask_workers}" if f"local_{a.dask_workers}" in rate else f"local_{counts[-1]}"
        summary[f"dask_vs_{same}"] = round(rate["dask"] / rate[same], 2)
        summary["dask_dataset_identical"] = same_dataset
        print(f"dask / {same}: {summary[f'dask_vs_{same}']}x; dataset identical: {same_dataset}")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
