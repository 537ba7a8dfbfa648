"""The recorded full ID-ExpO run that `nbs/tutorials/idexpo.ipynb` shows: `amortex reproduce idexpo` at the full size, its tables as
CSVs and its figures, under benchmarks/results/idexpo/.

    OMP_NUM_THREADS=1 python benchmarks/idexpo_full.py tabular             # one process per core
    OMP_NUM_THREADS=1 python benchmarks/idexpo_full.py cifar10 amortized
    OMP_NUM_THREADS=1 python benchmarks/idexpo_full.py tabular --reverse   # optional: a third process on the tabular grid

The tabular part is resumable: each (data set, split) is written to tabular/<data set>_<split>.csv as soon as it ends and is not
recomputed. Each part's wall time goes to `<part>_time.txt` (figures not counted; for a resumed tabular part, this run's time only)."""
import argparse, time
from pathlib import Path
import pandas as pd
import torch
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from amortex.reproduce.idexpo import (IDEXPO_PARTS, IDEXPO_SIZES, IDEXPO_SETTINGS, tabular_split, tabular_tables, cifar_task, amortized_task)
from amortex.core import untag
from amortex.idexpo import IDExpO
from amortex.metrics import insertion_curve, deletion_curve
from amortex.viz import plot_image_heatmaps, plot_curves

OUT = Path(__file__).resolve().parent / 'results' / 'idexpo'


def tabular(seed, reverse=False):
    size, st = untag(IDEXPO_SIZES['full']['tabular']), untag(IDEXPO_SETTINGS['tabular'])
    (OUT / 'tabular').mkdir(parents=True, exist_ok=True)
    order = lambda v: list(reversed(list(v))) if reverse else list(v)
    for ds in order(size['datasets']):
        for split in order(range(st['n_splits'])):
            f = OUT / 'tabular' / f'{ds}_{split}.csv'
            if f.exists(): continue
            t0 = time.perf_counter(); pd.DataFrame(tabular_split(ds, split, False, seed)).to_csv(f, index=False)
            print(f"{ds} split {split}: {time.perf_counter() - t0:.0f} s", flush=True)
    rows = pd.concat([pd.read_csv(f) for f in sorted((OUT / 'tabular').glob('*.csv'))], ignore_index=True)
    rows.to_csv(OUT / 'tabular_rows.csv', index=False)
    for k, v in tabular_tables(rows).items(): v.to_csv(OUT / f'tabular_{k}.csv')


def cifar_examples(o, n=3):
    "Fig. A.3 style: test images, their LIME and Grad-CAM heatmaps on the CE-only and the ID-ExpO predictor, and the curves."
    te, f, x = o['test'], o['features'], o['test'].x[:n]
    for ex in ('lime', 'gradcam'):
        expls, curves = {}, {'insertion': {}, 'deletion': {}}
        for method in ('ce', 'idexpo'):
            m = o['models'][(ex, method)]
            mod = IDExpO(m, f, ex, 'ce', layer=o['layer'], n_samples=200).eval()
            e = mod.scores(x, generator=torch.Generator().manual_seed(1)); expls[f'{ex}, {method}'] = e
            bb = lambda inp, mod=mod: mod.predict(inp).detach()
            S = round(0.5 * f.d)
            curves['insertion'][method] = insertion_curve(bb, x, e, steps=S, fraction=0.5)
            curves['deletion'][method] = deletion_curve(bb, x, e, steps=S, fraction=0.5)
        axes = plot_image_heatmaps(expls, idx=list(range(n)), k=8, class_names=te.classes)
        fig = axes[0, 0].figure; fig.savefig(OUT / f'cifar10_{ex}_heatmaps.png', dpi=100, bbox_inches='tight'); plt.close(fig)
        fig, ax = plt.subplots(1, 2, figsize=(8, 3.2))
        for a, mode in zip(ax, ('insertion', 'deletion')): plot_curves(curves[mode], mode, a)
        fig.suptitle(f'{ex}: mean over the {n} images (S = 50%)', fontsize=9); fig.tight_layout()
        fig.savefig(OUT / f'cifar10_{ex}_curves.png', dpi=100); plt.close(fig)
    per = {ex: {m: {k: v.tolist() for k, v in d.items()} for m, d in o['models'][(ex, 'per_sample')].items()} for ex in ('lime', 'gradcam')}
    pd.DataFrame([dict(explainer=ex, method=m, sample=i, ins=ins, dele=de) for ex, d in per.items() for m, v in d.items()
                  for i, (ins, de) in enumerate(zip(v['ins'], v['del']))]).to_csv(OUT / 'cifar10_per_sample.csv', index=False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('parts', nargs='+', choices=IDEXPO_PARTS)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--reverse', action='store_true', help="tabular: data sets and splits in reverse order (a second process meets the first in the middle; finished splits are skipped)")
    a = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for part in a.parts:
        t0 = time.perf_counter()
        if part == 'tabular': tabular(a.seed, a.reverse)
        elif part == 'cifar10':
            df, o = cifar_task(False, a.seed); df.to_csv(OUT / 'cifar10.csv')
        else: amortized_task(False, a.seed).to_csv(OUT / 'amortized.csv')
        (OUT / f'{part}_time.txt').write_text(f"{time.perf_counter() - t0:.0f}\n")
        print(f"{part}: {time.perf_counter() - t0:.0f} s", flush=True)
        if part == 'cifar10': cifar_examples(o)


if __name__ == '__main__':
    main()
