"""The recorded full MEED run that `nbs/tutorials/meed.ipynb` shows: `amortex reproduce meed` at the full size, its tables as CSVs
and its example figures (masked images, highlighted reviews) from the fitted explainers, all under benchmarks/results/meed/.

    OMP_NUM_THREADS=1 python benchmarks/meed_full.py mnist fashion_mnist      # one process per core: the image tables
    OMP_NUM_THREADS=1 python benchmarks/meed_full.py imdb ablation sanity     # and the text ones

Each part's wall time is printed by the runner (`(mnist: N s)`) and written to `<part>_time.txt` (its figures' time not counted)."""
import argparse, html, time
from pathlib import Path
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from amortex.reproduce.meed import reproduce_meed, MEED_PARTS, MEED_TASKS
from amortex.viz import plot_masked_images, explanation_text_html

OUT = Path(__file__).resolve().parent / 'results' / 'meed'


def image_examples(task, o, n=8):
    "The paper's Figs. 4 / 5: the first n test images, then what the black box sees from the top-k pixels of MEED (the paper's objective and ours) and L2X."
    x, exs = o['test'].x[:n], o['explainers']
    expls = {m: exs[m].explain(x) for m in ('meed', 'meed_blackbox', 'l2x') if m in exs}
    names = o['test'].classes
    titles = [f"M: {names[int(p)]}" for p in next(iter(expls.values())).pred]
    axes = plot_masked_images(x, expls, k=MEED_TASKS[task]['k'], n=n, titles=titles)
    fig = axes[0, 0].figure; fig.tight_layout(); fig.savefig(OUT / f'examples_{task}.png', dpi=110); plt.close(fig)


def text_examples(o, n=4):
    "The paper's Fig. 2: the first n test reviews with MEED's and L2X's 10 words highlighted."
    x, exs, names = o['test'].x[:n], o['explainers'], o['test'].classes
    parts = []
    for m in ('meed', 'l2x'):
        e = exs[m].explain(x)
        parts += [explanation_text_html(e, i, k=10, title=f"{m}: review {i}, black box says {names[int(e.pred[i])]}") for i in range(n)]
    (OUT / 'examples_imdb.html').write_text('\n'.join(parts))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('parts', nargs='+', choices=MEED_PARTS)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    clock = [time.perf_counter()]

    def save(part, table, objects):  # each part is written as soon as it ends (the ablation and sanity parts reuse IMDB's MEED)
        table.to_csv(OUT / f'{part}.csv')
        (OUT / f'{part}_time.txt').write_text(f"{time.perf_counter() - clock[0]:.0f}\n")
        if part in ('mnist', 'fashion_mnist'): image_examples(part, objects)
        if part == 'imdb': text_examples(objects)
        clock[0] = time.perf_counter()

    reproduce_meed(a.parts, seed=a.seed, progress=False, on_part=save)


if __name__ == '__main__':
    main()
