"""MEED's image explainer network, small (8-16 channels, the library's default) vs the paper's Table 7 (32-64): FS-M and FU-M on the
MEED tutorial's image tasks at the full size, with M as its own approximator and λ = 1 (the `meed_blackbox` row's settings), one
seed. The measurements behind MEED's default `IMAGE_SELECTOR` (07b_explainers.meed, "Networks"); the Table 7 numbers are the
recorded tables' (benchmarks/results/meed/mnist.csv, fashion_mnist.csv).

    OMP_NUM_THREADS=1 python benchmarks/meed_selector.py mnist 8,16
    OMP_NUM_THREADS=1 python benchmarks/meed_selector.py fashion_mnist 8,16"""
import argparse, time
from amortex.core import overlay, paper, ours, untag
from amortex.reproduce.common import fit_explainer
from amortex.reproduce.meed import MEED_SIZES, MEED_TASKS, ours_settings, _data, _score


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('task', choices=['mnist', 'fashion_mnist'])
    p.add_argument('channels', help="comma-separated widths of the selector's conv layers, e.g. 8,16")
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    ch = tuple(int(c) for c in a.channels.split(','))
    size, k = untag(MEED_SIZES['full'][a.task]), MEED_TASKS[a.task]['k']
    bb, train, valid, test, fsa = _data(a.task, size, a.seed, False)
    st = overlay(ours_settings(a.task), {'k': paper(k), 'selector': ours(dict(channels=ch), 'the comparison')})
    t0 = time.time()
    ex = fit_explainer('meed', bb, train, valid, st, seed=a.seed, progress=False)
    df = _score({f'meed_blackbox {ch}': ex}, bb, test, fsa, k, {**size, 'n_fsa': 0, 'n_sen': 0}, a.seed, False)
    print(a.task, f"black box test accuracy {bb.meta.get('test_acc'):.4f}", df[['fs_m', 'fu_m', 'tps_ms', 'fit_s']].to_string(), f'{time.time() - t0:.0f}s', flush=True)


if __name__ == '__main__':
    main()
