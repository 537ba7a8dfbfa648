"""How the amortized explainers' cost grows with the number of features d and with the size n of the data set, on synthetic tabular
data made in code (x ~ N(0, 1)) and a small MLP black box (d -> 64 -> 64 -> 2, seeded random weights: speed does not depend on
what it learned). L2X, MEED, AIM and MAGNEx with the library's defaults (k = 5, their default batch sizes), one epoch of training.
L2X's default on a differentiable black box (the 'blackbox' objective) anneals its subset size from min(d/2, 64) down to k with a
relaxed top-k drawn in that many sequential softmaxes over d (`amortex.explainers.l2x.ANNEAL_START_MAX`; before it was capped, from
d/2, which cost O(d^2) time and memory and could not run at d >= 3,000); it is skipped where it would keep more than --max-gb for one
backward pass, and L2X with `anneal_steps=0` (k throughout, the same networks and explain()) is timed at every d beside it.

    d sweep  d = 10 ... 10,000 (n = --n-d rows to fit on and to explain): fit time per sample, explain() time per sample
    n sweep  n = 10^3 ... 10^6 (d = --d-n): fit time per sample for one epoch over the n rows, explain() time per sample over all n

    OMP_NUM_THREADS=1 python benchmarks/scaling.py            # full: a few minutes on a 2-core CPU
    OMP_NUM_THREADS=1 python benchmarks/scaling.py --quick    # d = 10, 100, 1,000; n = 10^3, 10^4: a few seconds

Times are this process's CPU time (`time.process_time`, one torch thread: the time other processes on a shared machine take is left
out) and wall clock beside it; explain() is the best of --repeats calls and includes the black box's pass it makes. Per-sample times
are fitted with a line in log-log (`numpy.polyfit`): slope 0 = constant cost per sample (total time linear), slope 1 = cost per
sample proportional to d (or n). Slopes are given over all points and over the upper half of the sweep, where fixed per-call
overheads no longer dominate. Writes scaling[_quick].csv, scaling_slopes[_quick].csv and scaling[_quick].png to --out-dir.
"""
import argparse, time, os, sys
from pathlib import Path
import numpy as np
import pandas as pd
import torch
from amortex.core import TabularFeatures, seed_everything
from amortex.blackbox import BlackBox
from amortex.zoo import MLP
from amortex.explainers import L2X, MEED, AIM, MAGNEx
from amortex.explainers.l2x import ANNEAL_START_MAX

HERE = Path(__file__).parent
EXPLAINERS = ('L2X', 'L2X anneal_steps=0', 'MEED', 'AIM', 'MAGNEx')


def build(name, f, C, k):
    return {'L2X': lambda: L2X(f, C, k=k), 'L2X anneal_steps=0': lambda: L2X(f, C, k=k, anneal_steps=0),
            'MEED': lambda: MEED(f, C, k=k), 'AIM': lambda: AIM(f, C), 'MAGNEx': lambda: MAGNEx(f, C)}[name]()


def l2x_anneal_gb(d, batch_size=128):
    """Memory autograd keeps for L2X's default training step on a differentiable black box: `RelaxedTopK` draws min(d // 2, ANNEAL_START_MAX)
    subsets in sequence at the start of its annealing, each saving about three [batch, d] float tensors for the backward pass."""
    return min(d // 2, ANNEAL_START_MAX) * 3 * batch_size * d * 4 / 2**30


def clock(fn):
    "(result, CPU seconds, wall seconds) of fn()."
    c, w = time.process_time(), time.perf_counter()
    r = fn()
    return r, time.process_time() - c, time.perf_counter() - w


def one(d, n_fit, n_explain, repeats, sweep, x_value, k=5, C=2, max_gb=2.):
    "Rows for every explainer (and the black box) at d features, fit on n_fit rows, explaining n_explain rows."
    seed_everything(0)
    g = torch.Generator().manual_seed(d * 7919 + n_fit)
    x = torch.randn(max(n_fit, n_explain), d, generator=g)
    bb = BlackBox(MLP(d, C, (64, 64)), n_classes=C)
    f = TabularFeatures(d)
    xe = x[:n_explain]
    bb(xe[:10])
    rows = []
    best = lambda fn: min((clock(fn)[1:] for _ in range(repeats)))
    c, w = best(lambda: bb(xe))
    rows.append(dict(sweep=sweep, x=x_value, d=d, n=n_fit, method='black box', what='predict', cpu_s_per_sample=c / n_explain, wall_s_per_sample=w / n_explain))
    for name in EXPLAINERS:
        if name == 'L2X' and l2x_anneal_gb(d) > max_gb:
            print(f"    skipped L2X (defaults) at d = {d}: its annealed RelaxedTopK would keep ~{l2x_anneal_gb(d):.0f} GB for one backward pass", flush=True)
            continue
        seed_everything(0)
        ex = build(name, f, C, min(k, d - 1))
        _, c, w = clock(lambda: ex.fit(bb, x[:n_fit], epochs=1, progress=False))
        rows.append(dict(sweep=sweep, x=x_value, d=d, n=n_fit, method=name, what='fit (1 epoch)', cpu_s_per_sample=c / n_fit, wall_s_per_sample=w / n_fit))
        ex.explain(xe[:10])
        c, w = best(lambda: ex.explain(xe))
        rows.append(dict(sweep=sweep, x=x_value, d=d, n=n_fit, method=name, what='explain()', cpu_s_per_sample=c / n_explain, wall_s_per_sample=w / n_explain))
    return rows


def slopes(df, col='cpu_s_per_sample'):
    "Log-log slope of `col` against the swept value, per sweep, method and quantity: over all points and over the upper half."
    out = []
    for (sweep, method, what), g in df.groupby(['sweep', 'method', 'what'], sort=False):
        g = g.sort_values('x'); lx, ly = np.log10(g.x.values.astype(float)), np.log10(g[col].values)
        up = lx >= np.median(lx)
        s_all = np.polyfit(lx, ly, 1)[0] if len(g) >= 2 else np.nan
        s_up = np.polyfit(lx[up], ly[up], 1)[0] if up.sum() >= 2 else np.nan
        out.append(dict(sweep=sweep, method=method, what=what, slope_all=s_all, slope_upper=s_up,
                        upper_from=int(10 ** lx[up].min()), x_min=int(g.x.min()), x_max=int(g.x.max()),
                        per_sample_at_min=g[col].iloc[0], per_sample_at_max=g[col].iloc[-1]))
    return pd.DataFrame(out)


def plot(df, sl, path):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 2, figsize=(12, 9))
    for i, (sweep, xlabel) in enumerate((('d', 'number of features d'), ('n', 'data set size n'))):
        for j, what in enumerate(('fit (1 epoch)', 'explain()')):
            ax = axes[i, j]
            for method in EXPLAINERS + (('black box',) if what == 'explain()' else ()):
                g = df[(df.sweep == sweep) & (df.method == method) & (df.what == (what if method != 'black box' else 'predict'))].sort_values('x')
                if not len(g): continue
                s = sl[(sl.sweep == sweep) & (sl.method == method) & (sl.what == (what if method != 'black box' else 'predict'))].iloc[0]
                ax.loglog(g.x, g.cpu_s_per_sample, marker='o', ls='--' if method == 'black box' else '-',
                          label=f"{method}{' predict' if method == 'black box' else ''}: slope {s.slope_all:.2f} (upper half {s.slope_upper:.2f})")
            ax.set_xlabel(xlabel); ax.set_ylabel('CPU seconds per sample'); ax.grid(True, which='both', alpha=.3)
            ax.set_title(f"{what} vs {sweep}" + (f" (n = {int(df[df.sweep == 'd'].n.iloc[0]):,})" if sweep == 'd' else f" (d = {int(df[df.sweep == 'n'].d.iloc[0])})"))
            ax.legend(fontsize=8)
    fig.suptitle('amortized explainers: cost per sample, log-log (synthetic tabular data, MLP black box, one CPU thread)')
    fig.tight_layout(); fig.savefig(path, dpi=110); plt.close(fig)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quick', action='store_true', help="d = 10, 100, 1,000 and n = 10^3, 10^4 (a few seconds)")
    p.add_argument('--ds', default=None, help="comma-separated d values (default 10,30,100,300,1000,3000,10000)")
    p.add_argument('--ns', default=None, help="comma-separated n values (default 1000,10000,100000,1000000)")
    p.add_argument('--n-d', type=int, default=None, help="rows fitted on and explained in the d sweep (default 2000; quick 500)")
    p.add_argument('--d-n', type=int, default=20, help="features in the n sweep (default 20)")
    p.add_argument('--n-explain-max', type=int, default=None, help="explain at most this many rows in the n sweep (default: all n)")
    p.add_argument('--repeats', type=int, default=None, help="explain() timings: best of (default 3; quick 1)")
    p.add_argument('--max-gb', type=float, default=2., help="skip L2X's default fit where its annealing would keep more than this (default 2 GB)")
    p.add_argument('--out-dir', default=str(HERE / 'results' / 'speed'))
    a = p.parse_args(argv)
    ds = [int(float(v)) for v in (a.ds or ('10,100,1000' if a.quick else '10,30,100,300,1000,3000,10000')).split(',')]
    ns = [int(float(v)) for v in (a.ns or ('1000,10000' if a.quick else '1000,10000,100000,1000000')).split(',')]
    n_d, reps = a.n_d or (500 if a.quick else 2000), a.repeats or (1 if a.quick else 3)
    t0 = time.perf_counter()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}; command: {' '.join(sys.argv)}", flush=True)
    one(10, 200, 200, 1, 'warm-up', 10)  # the first fit in a process pays one-off initialisation
    rows = []
    for d in ds:
        rows += one(d, n_d, n_d, reps, 'd', d, max_gb=a.max_gb); print(f"  d = {d:>6}: done at {time.perf_counter() - t0:.0f}s", flush=True)
    for n in ns:
        rows += one(a.d_n, n, min(n, a.n_explain_max or n), reps, 'n', n, max_gb=a.max_gb); print(f"  n = {n:>8}: done at {time.perf_counter() - t0:.0f}s", flush=True)
    df = pd.DataFrame(rows)
    sl = pd.concat([slopes(df[df.sweep == s]) for s in ('d', 'n')], ignore_index=True)
    sl_wall = slopes(df, 'wall_s_per_sample')
    sl['slope_all_wall'], sl['slope_upper_wall'] = sl_wall.slope_all.values, sl_wall.slope_upper.values
    with pd.option_context('display.float_format', '{:.3g}'.format, 'display.width', 220, 'display.max_columns', 20, 'display.max_rows', 200):
        for s in ('d', 'n'):
            t = df[df.sweep == s].pivot_table(index='x', columns=['what', 'method'], values='cpu_s_per_sample', sort=False)
            print(f"\nCPU seconds per sample against {s}\n{t.to_string()}")
        print("\nLog-log slopes of the per-sample time (CPU; 0 = constant per sample, 1 = proportional)\n" + sl.to_string(index=False))
    out = Path(a.out_dir); out.mkdir(parents=True, exist_ok=True)
    tag = '_quick' if a.quick else ''
    df.to_csv(out / f'scaling{tag}.csv', index=False); sl.to_csv(out / f'scaling_slopes{tag}.csv', index=False)
    plot(df, sl, out / f'scaling{tag}.png')
    print(f"\nwall time {time.perf_counter() - t0:.0f}s; wrote {out / f'scaling{tag}.csv'}, {out / f'scaling_slopes{tag}.csv'}, {out / f'scaling{tag}.png'}")
    return df, sl


if __name__ == '__main__':
    main()
