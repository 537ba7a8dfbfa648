"""Explanation speed on one black box, measured in one run: L2X, MEED and MAGNEx vs Captum LIME and KernelSHAP vs the black box itself.
The timed L2X is the tutorial's (selector 8-16-16); the scores of the library's default selector (32-64-64) are timed too.
MEED (library defaults, the same k) reads the black box's output, so it is timed with that forward pass (`explain()`) and
without it (scores from a given y). MAGNEx (library defaults) keeps its own set of patches (s > ε).

    python benchmarks/explain_speed.py            # MNIST 3 vs 8, the L2X paper's CNN black box, k = 4 of 49 patches
    python benchmarks/explain_speed.py --n 2000 --n-perturb 40

Per-sample times are wall clock (time.perf_counter) over whole batches, best of `--repeats`; LIME and KernelSHAP
use 1,000 perturbations per explained image (Captum, batched 200 perturbations per black-box call). L2X is trained
for `--epochs` epochs first (its speed does not depend on how well it is trained; its training time is reported too).
"""
import argparse, time, platform
import pandas as pd
import torch
from amortex.core import seed_everything, get_device, untag
from amortex.data import load
from amortex.zoo import get_blackbox
from amortex.baselines import baseline
from amortex.explainers.l2x import L2X
from amortex.explainers.meed import MEED
from amortex.explainers.magnex import MAGNEx
from amortex.reproduce.l2x import L2X_SETTINGS


def best_time(fn, repeats):
    best = float('inf')
    for _ in range(repeats):
        if torch.cuda.is_available(): torch.cuda.synchronize()
        t = time.perf_counter(); fn()
        if torch.cuda.is_available(): torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--n', type=int, default=1000, help="test images timed for L2X and the black box (default 1000)")
    p.add_argument('--n-perturb', type=int, default=20, help="test images timed for LIME and KernelSHAP (default 20)")
    p.add_argument('--samples', type=int, default=1000, help="perturbations per image for LIME / KernelSHAP (default 1000)")
    p.add_argument('--epochs', type=int, default=2, help="L2X training epochs before timing (default 2)")
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--device', default=None)
    p.add_argument('--out', default=None, help="write the table as CSV")
    a = p.parse_args(argv)
    seed_everything(0); dev = get_device(a.device)
    bb = get_blackbox('l2x_mnist_cnn', device=dev, progress=False, verbose=False)
    train, test = load('mnist', 'train', classes=(3, 8), patch=4), load('mnist', 'test', classes=(3, 8), patch=4)
    t = untag(L2X_SETTINGS['mnist'])  # the same explainer as the L2X tutorial
    l2x = L2X(train.features, 2, k=t['k'], tau=t['tau'], selector=t.get('selector'), objective=t['objective'])
    l2x_default = L2X(train.features, 2, k=t['k'])  # the library's default networks (speed does not depend on training)
    l2x.fit(bb, train, epochs=a.epochs, batch_size=100, progress=False, device=dev)
    meed = MEED(train.features, 2, k=t['k'])
    meed.fit(bb, train, epochs=a.epochs, batch_size=100, progress=False, device=dev)
    magnex = MAGNEx(train.features, 2)
    magnex.fit(bb, train, epochs=a.epochs, batch_size=100, progress=False, device=dev)
    x = test.x[:a.n].to(dev); xs = test.x[:a.n_perturb].to(dev)
    bb(x[:10]); l2x.explain(x[:10]); meed.explain(x[:10]); magnex.explain(x[:10])  # warm-up
    rows = {}
    rows['black box predict'] = best_time(lambda: bb(x), a.repeats) / len(x)
    with torch.no_grad(): rows['L2X explain (scores only)'] = best_time(lambda: l2x.eval().scores(x), a.repeats) / len(x)
    rows['L2X explain() incl. black-box prediction'] = best_time(lambda: l2x.explain(x), a.repeats) / len(x)
    with torch.no_grad(): rows['L2X default selector (scores only)'] = best_time(lambda: l2x_default.eval().to(dev).scores(x), a.repeats) / len(x)
    y = bb(x)
    with torch.no_grad(): rows['MEED explain (scores only, y given)'] = best_time(lambda: meed.eval().scores(x, y), a.repeats) / len(x)
    rows['MEED explain() incl. black-box output'] = best_time(lambda: meed.explain(x), a.repeats) / len(x)
    with torch.no_grad(): rows['MAGNEx explain (scores only)'] = best_time(lambda: magnex.eval().scores(x), a.repeats) / len(x)
    rows['MAGNEx explain() incl. black-box prediction'] = best_time(lambda: magnex.explain(x), a.repeats) / len(x)
    for name in ('lime', 'kernel_shap'):
        b = baseline(name, bb, test.features, n_samples=a.samples, seed=0, progress=False)
        rows[f'Captum {name} ({a.samples} samples)'] = best_time(lambda: b.explain(xs), 1) / len(xs)
    df = pd.DataFrame({'s_per_sample': rows})
    base = rows['black box predict']; l2 = rows['L2X explain() incl. black-box prediction']
    df['x black box'] = df['s_per_sample'] / base
    df['x L2X explain()'] = df['s_per_sample'] / l2
    print(f"device {dev}, torch threads {torch.get_num_threads()}, {platform.processor() or platform.machine()}; "
          f"L2X trained {a.epochs} epochs in {l2x.fit_s:.1f}s, MEED in {meed.fit_s:.1f}s, MAGNEx in {magnex.fit_s:.1f}s; black box test accuracy {bb.meta.get('test_acc', float('nan')):.4f}")
    with pd.option_context('display.float_format', '{:.4g}'.format, 'display.width', 160, 'display.max_columns', 10):
        print(df)
    me, ms = rows['MEED explain() incl. black-box output'], rows['MEED explain (scores only, y given)']
    print(f"\nMEED explain() / black-box predict = {me / base:.2f}x (without the black box's pass: {ms / base:.2f}x);  "
          f"LIME / MEED = {rows[f'Captum lime ({a.samples} samples)'] / me:,.0f}x")
    mg = rows['MAGNEx explain() incl. black-box prediction']
    print(f"MAGNEx explain() / black-box predict = {mg / base:.2f}x (scores only: {rows['MAGNEx explain (scores only)'] / base:.2f}x);  "
          f"LIME / MAGNEx = {rows[f'Captum lime ({a.samples} samples)'] / mg:,.0f}x")
    print(f"L2X explain() / black-box predict = {l2 / base:.2f}x;  "
          f"LIME / L2X = {rows[f'Captum lime ({a.samples} samples)'] / l2:,.0f}x;  "
          f"KernelSHAP / L2X = {rows[f'Captum kernel_shap ({a.samples} samples)'] / l2:,.0f}x")
    if a.out: df.to_csv(a.out)
    return df


if __name__ == '__main__':
    main()
