"""A batch on a dask.distributed cluster (two worker processes) writes the same bytes as a local run."""

from __future__ import annotations

from pathlib import Path

import pytest

import citekit
from citekit.writers import available_writers
from conftest import CORPUS, IN_CI, corpus_files

FORMATS = [n for n in ("citekit-json", "jats", "epub", "csl-json", "biblatex", "bibtex", "ris")
           if n in available_writers()]


def outputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "citekit-report.json"}


def test_batch_on_a_local_dask_cluster_matches_a_local_run(tmp_path: Path) -> None:
    if IN_CI:
        # The dask extra is part of CI's test install: there a missing one must fail, not skip.
        import distributed
    distributed = pytest.importorskip("distributed")

    local = citekit.convert([str(CORPUS)], to=FORMATS, out_dir=tmp_path / "local", jobs=1, combine=True)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        remote = citekit.convert([str(CORPUS)], to=FORMATS, out_dir=tmp_path / "dask",
                                 executor=client.get_executor(), combine=True)
        workers = client.run(lambda: __import__("os").getpid())
    assert len(workers) == 2
    assert remote.totals.converted == local.totals.converted > len(corpus_files()) // 2
    local_files, remote_files = outputs(tmp_path / "local"), outputs(tmp_path / "dask")
    assert len(local_files) == local.totals.converted * len(FORMATS) + len(remote.combined)
    assert remote_files == local_files
    assert [e.outputs for e in remote.inputs] == [e.outputs for e in local.inputs]
