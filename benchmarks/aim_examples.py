"""Qualitative AIM examples from the full-size models (paper Table 3 and Fig. 3), written next to the recorded tables.

Fits AIM exactly as `amortex reproduce aim` does at the full size (same data, settings and seed, so the same model on a
CPU), then writes `examples_imdb.html` (reviews with the 10 words chosen for each class) and `examples_fashion_mnist.png`
(the 5 superpixels chosen for the predicted class). Usage:

    OMP_NUM_THREADS=1 python benchmarks/aim_examples.py [--out benchmarks/results/aim] [--quick]
"""
import argparse, time
from pathlib import Path
import torch
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from amortex.data import load
from amortex.reproduce.common import subset, holdout
from amortex.reproduce.aim import AIM_TEXT, AIM_IMAGE, AIM_SIZES, aim_blackbox, fit_aim, text_data
from amortex.viz import plot_image_explanations, explanation_text_html


def imdb_examples(out: Path, quick: bool, seed: int = 0, n_right: int = 2, n_wrong: int = 2):
    s = AIM_SIZES['quick' if quick else 'full']['text']
    bb = aim_blackbox('imdb', quick, seed, progress=False)
    train, valid, test = text_data('imdb', quick, seed)
    t0 = time.time()
    aim = fit_aim(bb, train, valid, 'imdb', quick, seed, None, progress=False)
    print(f'AIM fitted on {len(train):,} reviews in {time.time() - t0:.0f} s')
    ev = subset(test, s['n_eval'], seed)  # the texts the recorded tables were computed on
    e = aim.explain(ev.x)
    right = (e.pred == ev.y).nonzero().flatten()[:n_right].tolist()
    wrong = (e.pred != ev.y).nonzero().flatten()[:n_wrong].tolist()
    names = ev.classes
    parts = ['<h3>AIM on IMDB: the 10 words chosen for each class from one W<sub>x</sub> '
             f'(black box {bb.name}, first {n_right} correctly and {n_wrong} wrongly classified of the evaluated reviews)</h3>']
    for i in right + wrong:
        for c in range(len(names)):
            parts.append(explanation_text_html(e.for_class(c), i, k=10, title=(
                f"review {i}: truth {names[int(ev.y[i])]}, black box {names[int(e.pred[i])]}; the 10 words for {names[c].upper()}")))
    (out / 'examples_imdb.html').write_text('\n'.join(parts))
    print('wrote', out / 'examples_imdb.html')


def fashion_examples(out: Path, quick: bool, seed: int = 0, k: int = 5, n: int = 10):
    t, s = AIM_IMAGE['fashion_mnist'], AIM_SIZES['quick' if quick else 'full']['image']
    bb = aim_blackbox('fashion_mnist', quick, seed, progress=False)
    train, valid = holdout(load(t['dataset'], 'train', **t['data']), 0.1, seed)
    test = load(t['dataset'], 'test', **t['data'])
    train, valid, ev = subset(train, s['n_train'], seed), subset(valid, s['n_valid'], seed), subset(test, s['n_eval'], seed)
    aim = fit_aim(bb, train, valid, 'fashion_mnist', quick, seed, None, progress=False)
    x = ev.x[:n]
    e = aim.explain(x)
    plot_image_explanations(x, e, k=k, n=n, titles=[f"{ev.classes[int(p)]}" for p in e.pred])
    plt.suptitle(f'AIM, Fashion-MNIST: the {k} of 16 superpixels chosen for the predicted class', y=1.02)
    plt.savefig(out / 'examples_fashion_mnist.png', bbox_inches='tight', dpi=80)
    print('wrote', out / 'examples_fashion_mnist.png')


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--out', default='benchmarks/results/aim')
    p.add_argument('--quick', action='store_true')
    p.add_argument('--parts', default='fashion_mnist,imdb')
    a = p.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    for part in a.parts.split(','):
        {'imdb': imdb_examples, 'fashion_mnist': fashion_examples}[part](out, a.quick)
