"""Batch throughput: documents per minute with 1 and with 2 local worker processes, and on a Dask cluster.

    python bench/batch_throughput.py                 # the dev corpus's text-layer PDFs, repeated to ≥ 100
    python bench/batch_throughput.py --docs 200      # repeated to ≥ 200 documents
    python bench/batch_throughput.py --dask-workers 2

The collection is the text-layer PDFs (bench/speed.py's selection) copied under distinct names until it holds
at least --docs documents. Each configuration converts the whole collection into a fresh output folder with
converters.batch.run_batch, exactly as `main.py convert FOLDER --out OUT` does (workbooks, tables.json, the
report, the consolidated workbooks and the dataset included), one after the other in this run:
  local, 1 job     worker-process pool of 1
  local, 2 jobs    worker-process pool of 2            → scaling ratio against 1 job
  dask             a LocalCluster of --dask-workers single-threaded worker processes started here, the batch
                   submitted to its scheduler address  → against local with the same number of processes
Prints documents per minute for each and the ratios, then one JSON line.
"""
import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from converters.batch import BatchSettings, collect, run_batch  # noqa: E402
from speed import dev_pdfs  # noqa: E402


def build_collection(pdfs: list, n_docs: int, folder: Path) -> int:
    """Copy `pdfs` round after round (copy_<round>_<name>) until `folder` holds at least `n_docs` files."""
    folder.mkdir(parents=True)
    rounds = -(-n_docs // len(pdfs))
    for r in range(rounds):
        for p in pdfs:
            shutil.copyfile(p, folder / f"copy{r:03d}_{p.name}")
    return rounds * len(pdfs)


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
    ap.add_argument("--dask-workers", type=int, default=2, help="worker processes of the Dask LocalCluster")
    a = ap.parse_args()
    pdfs = dev_pdfs()
    if not pdfs:
        print("没有找到开发语料（../shared/bench/dev）", file=sys.stderr)
        return 2
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="batch_bench_") as tmp:
        tmp = Path(tmp)
        n = build_collection(pdfs, a.docs, tmp / "collection")
        print(f"{n} documents ({len(pdfs)} text-layer PDFs of the dev corpus, repeated)")
        results = {}
        for jobs in (1, 2):
            results[f"local_{jobs}"] = timed_batch(tmp / "collection", tmp / f"local_{jobs}", jobs=jobs)
            print(f"local, {jobs} job(s): {results[f'local_{jobs}']}")
        with LocalCluster(n_workers=a.dask_workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            results["dask"] = timed_batch(tmp / "collection", tmp / "dask", scheduler=cluster.scheduler_address)
        print(f"dask, {a.dask_workers} worker process(es): {results['dask']}")

    rate = {k: v["docs_per_minute"] for k, v in results.items()}
    same = f"local_{a.dask_workers}" if f"local_{a.dask_workers}" in rate else "local_2"
    summary = {"documents": n, **rate, "scaling_2_vs_1": round(rate["local_2"] / rate["local_1"], 2),
               f"dask_vs_{same}": round(rate["dask"] / rate[same], 2)}
    print(f"scaling 2 jobs / 1 job: {summary['scaling_2_vs_1']}x; dask / {same}: {summary[f'dask_vs_{same}']}x")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
