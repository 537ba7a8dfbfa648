"""Bounded memory when explaining a data set larger than memory: `Explainer.explain_to_npy` over a `DataLoader` of a data set generated
on the fly (an `IterableDataset` that makes each batch from its index: nothing is stored), with the scores written to a `.npy` file.
The peak resident memory while explaining (sampled every 5 ms from /proc/self/statm in a fresh child process per n; `ru_maxrss`, the
process's lifetime peak, is reported too but is set by the imports at small n) should stay flat as n grows; beside it, the same rows
materialized in memory and explained with one `explain` call (n up to --in-memory-max) grow linearly.

    OMP_NUM_THREADS=1 python benchmarks/streaming.py            # n = 10^4 ... 10^7 rows of d = 50 (10^7 x 50 float32 = 2 GB of inputs,
                                                                #  2 GB of scores on disk): about a minute on a 2-core CPU
    OMP_NUM_THREADS=1 python benchmarks/streaming.py --quick    # n = 10^4, 10^5 (seconds)

The explainer is L2X with the library's defaults (k = 5), trained one epoch on 2,000 generated rows, for a small MLP black box
(d -> 64 -> 64 -> 2, seeded random weights); the child processes load both from a checkpoint. The scores file goes to a temporary
directory (--tmp) and is deleted after it has been checked (its shape, and its first rows against `explain` on the same rows).
Writes streaming[_quick].csv to --out-dir.
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
import pandas as pd
import torch
from torch.utils.data import DataLoader, IterableDataset

HERE = Path(__file__).parent


class GeneratedRows(IterableDataset):
    "n rows of width d made on the fly, a batch at a time: batch i is N(0, 1) noise seeded by i (so any row can be made again)."
    def __init__(self, n, d, batch_size): self.n, self.d, self.bs = n, d, batch_size
    def batch(self, i): return torch.randn(min(self.bs, self.n - i * self.bs), self.d, generator=torch.Generator().manual_seed(i))
    def __iter__(self): return (self.batch(i) for i in range(-(-self.n // self.bs)))


def rss_mb():
    "Peak resident set size of this process so far, in MiB (Linux reports KiB)."
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    "Resident set size of this process now, in MiB (Linux: /proc/self/statm)."
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


class RSSWatch:
    "The highest resident set size seen while the block runs, sampled every `every` seconds by a thread (`ru_maxrss` cannot be reset)."
    def __init__(self, every=0.005): self.every, self.peak = every, 0.
    def _run(self):
        while not self.done.is_set(): self.peak = max(self.peak, current_rss_mb()); self.done.wait(self.every)
    def __enter__(self):
        import threading
        self.done = threading.Event(); self.peak = current_rss_mb()
        self.t = threading.Thread(target=self._run, daemon=True); self.t.start(); return self
    def __exit__(self, *exc):
        self.done.set(); self.t.join(); self.peak = max(self.peak, current_rss_mb())


def child(a):
    "Run in a fresh process: stream (or materialize) n rows through the explainer; print one JSON line."
    from amortex.blackbox import BlackBox
    from amortex.zoo import MLP
    from amortex.explainers import L2X
    base = rss_mb()
    model = MLP(a.d, 2, (64, 64)); model.load_state_dict(torch.load(Path(a.tmp) / 'bb.pt', weights_only=True))
    bb = BlackBox(model, n_classes=2)
    ex = L2X.load(Path(a.tmp) / 'l2x.pt', blackbox=bb)
    ds = GeneratedRows(a.n, a.d, a.batch_size)
    ex.explain(ds.batch(0)[:10])  # warm-up
    loaded = current_rss_mb()
    out = Path(a.tmp) / f'scores-{a.n}.npy'
    with RSSWatch() as watch:
        c, w = time.process_time(), time.perf_counter()
        if a.mode == 'stream':
            s, t = ex.explain_to_npy(DataLoader(ds, batch_size=None), out, progress=False, overwrite=True)
            shape = list(s.shape)
            del s, t
        else:
            x = torch.cat(list(ds))
            e = ex.explain(x)
            shape = list(e.scores.shape)
            del e, x
        c, w = time.process_time() - c, time.perf_counter() - w
    size, ok = 0, True
    if a.mode == 'stream':  # the file holds what explain gives on the same rows
        s = np.load(out, mmap_mode='r')
        ok = bool(np.allclose(np.asarray(s[:100]), ex.explain(ds.batch(0)[:100]).scores.numpy(), atol=1e-5))
        size = out.stat().st_size + out.with_name(out.stem + '.target.npy').stat().st_size
        del s; out.unlink(); out.with_name(out.stem + '.target.npy').unlink()
    print(json.dumps(dict(mode=a.mode, n=a.n, d=a.d, batch_size=a.batch_size, rss_before_mb=loaded, peak_rss_explaining_mb=watch.peak,
                          explain_rss_mb=watch.peak - loaded, ru_maxrss_mb=rss_mb(), rss_after_import_mb=base,
                          cpu_s=c, wall_s=w, rows_per_s=a.n / w, scores_shape=shape, file_mb=size / 2**20, first_rows_match_explain=ok)))


def prepare(a):
    "Train the explainer once (in this process) and save it with the black box for the children."
    from amortex.core import TabularFeatures, seed_everything
    from amortex.blackbox import BlackBox
    from amortex.zoo import MLP
    from amortex.explainers import L2X
    seed_everything(0)
    model = MLP(a.d, 2, (64, 64)); bb = BlackBox(model, n_classes=2)
    ex = L2X(TabularFeatures(a.d), 2, k=5)
    ex.fit(bb, torch.randn(2000, a.d, generator=torch.Generator().manual_seed(12345)), epochs=1, progress=False)
    torch.save(model.state_dict(), Path(a.tmp) / 'bb.pt'); ex.save(Path(a.tmp) / 'l2x.pt')


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help="n = 10^4, 10^5 only (in memory: 10^5)")
    p.add_argument('--ns', default=None, help="comma-separated n (default 1e4,1e5,1e6,1e7; quick 1e4,1e5)")
    p.add_argument('--d', type=int, default=50)
    p.add_argument('--batch-size', type=int, default=4096)
    p.add_argument('--in-memory-max', type=float, default=1e6, help="largest n also explained materialized in memory (default 1e6)")
    p.add_argument('--tmp', default=None, help="where the scores are written (default: a temporary directory)")
    p.add_argument('--out-dir', default=str(HERE / 'results' / 'speed'))
    p.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--mode', default='stream', help=argparse.SUPPRESS)
    p.add_argument('--n', type=int, default=0, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child: return child(a)
    ns = [int(float(v)) for v in (a.ns or ('1e4,1e5' if a.quick else '1e4,1e5,1e6,1e7')).split(',')]
    t0 = time.perf_counter()
    print(f"torch {torch.__version__}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}; command: {' '.join(sys.argv)}", flush=True)
    with tempfile.TemporaryDirectory(dir=a.tmp) as tmp:
        a.tmp = tmp
        prepare(a)
        rows = []
        for mode in ('stream', 'in memory'):
            for n in ns:
                if mode == 'in memory' and (n > a.in_memory_max or (a.quick and n < max(ns))): continue
                cmd = [sys.executable, __file__, '--child', '--mode', mode, '--n', str(n), '--d', str(a.d), '--batch-size', str(a.batch_size), '--tmp', tmp]
                r = subprocess.run(cmd, capture_output=True, text=True)
                if r.returncode: raise RuntimeError(f"child {mode} n={n} failed:\n{r.stderr[-3000:]}")
                rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
                print(f"  {mode:>9} n = {n:>10,}: peak RSS while explaining {rows[-1]['peak_rss_explaining_mb']:.0f} MiB "
                      f"(+{rows[-1]['explain_rss_mb']:.0f} over the loaded process), {rows[-1]['wall_s']:.1f}s, at {time.perf_counter() - t0:.0f}s", flush=True)
    df = pd.DataFrame(rows)
    df['input_mb'] = df.n * df.d * 4 / 2**20  # what the rows would take in memory (float32)
    cols = ['mode', 'n', 'd', 'batch_size', 'input_mb', 'rss_before_mb', 'peak_rss_explaining_mb', 'explain_rss_mb', 'ru_maxrss_mb', 'cpu_s', 'wall_s',
            'rows_per_s', 'file_mb', 'scores_shape', 'first_rows_match_explain']
    with pd.option_context('display.float_format', '{:.4g}'.format, 'display.width', 220, 'display.max_columns', 20):
        print('\n' + df[cols].to_string(index=False))
    st = df[df['mode'] == 'stream']
    if len(st) >= 2:
        k = np.polyfit(np.log10(st.n), np.log10(st.peak_rss_explaining_mb), 1)[0]
        print(f"\nstreamed: peak RSS while explaining from {st.peak_rss_explaining_mb.iloc[0]:.0f} MiB (n = {st.n.iloc[0]:,}) to "
              f"{st.peak_rss_explaining_mb.iloc[-1]:.0f} MiB (n = {st.n.iloc[-1]:,}, {st.input_mb.iloc[-1]:,.0f} MiB of inputs); "
              f"log-log slope of the peak RSS against n: {k:.3f}")
    im = df[df['mode'] == 'in memory']
    if len(im) >= 2:
        k = np.polyfit(np.log10(im.n), np.log10(im.explain_rss_mb.clip(lower=1)), 1)[0]
        print(f"in memory: the explaining adds {im.explain_rss_mb.iloc[0]:.0f} MiB (n = {im.n.iloc[0]:,}) to {im.explain_rss_mb.iloc[-1]:.0f} MiB "
              f"(n = {im.n.iloc[-1]:,}); log-log slope of that against n: {k:.2f}")
    out = Path(a.out_dir); out.mkdir(parents=True, exist_ok=True)
    path = out / f"streaming{'_quick' if a.quick else ''}.csv"
    df[cols].to_csv(path, index=False)
    print(f"wall time {time.perf_counter() - t0:.0f}s; wrote {path}")
    return df


if __name__ == '__main__':
    main()
