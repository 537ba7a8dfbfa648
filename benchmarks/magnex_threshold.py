"""MAGNEx on the L2X synthetic sets (quick size: 10,000 training samples, 5 epochs, seed 0) as its threshold v and its draws per
input change: the median rank of the true features and post-hoc accuracy, with everything else at the registered benchmark
defaults. The measurements behind MAGNEx's default v (07d_explainers.magnex, "Benchmark defaults").

    OMP_NUM_THREADS=1 python benchmarks/magnex_threshold.py                     # v in 0.9, 0.95, 0.99; one and four draws
    OMP_NUM_THREADS=1 python benchmarks/magnex_threshold.py --sets nonlinear_additive --v 0.9 0.99"""
import argparse
import pandas as pd
from amortex.core import ours
from amortex.explainers.magnex import MAGNEx
from amortex.benchmark import synthetic_one

SETS = ['xor', 'orange_skin', 'nonlinear_additive', 'switch']


def run(ds, init):
    "MAGNEx's median rank and post-hoc accuracy on `ds` with `init` laid over its benchmark defaults."
    orig, base = MAGNEx.__dict__['benchmark_defaults'], MAGNEx.benchmark_defaults  # the descriptor, and the bound default
    def with_init(cls, task):
        d = base(task)
        d['init'].update({k: ours(v, 'sweep') for k, v in init.items()})
        return d
    MAGNEx.benchmark_defaults = classmethod(with_init)
    try: df = synthetic_one(ds, ['magnex'], quick=True, progress=False)
    finally: MAGNEx.benchmark_defaults = orig
    return df.loc['magnex', 'median_rank_mean'], df.loc['magnex', 'posthoc_accuracy']


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sets', nargs='+', default=SETS, choices=SETS)
    p.add_argument('--v', nargs='+', type=float, default=[0.9, 0.95, 0.99])
    p.add_argument('--draws', nargs='+', type=int, default=[1, 4])
    a = p.parse_args()
    rows = []
    for v in a.v:
        for n in a.draws:
            for ds in a.sets:
                mr, pa = run(ds, {'threshold': v, 'n_draws': n})
                rows.append(dict(v=v, n_draws=n, set=ds, median_rank=mr, posthoc_accuracy=pa))
                print(rows[-1], flush=True)
    print(pd.DataFrame(rows).pivot_table(index=['v', 'n_draws'], columns='set', values='median_rank').round(2).to_string())


if __name__ == '__main__':
    main()
