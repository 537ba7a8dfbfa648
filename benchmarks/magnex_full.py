"""The recorded full MAGNEx run that `nbs/tutorials/magnex.ipynb` shows: `amortex reproduce magnex` at the full size, its tables as
CSVs and its example figures (an MNIST digit with MAGNEx's and LIME's kept pixels, reviews with MAGNEx's kept words), all under
benchmarks/results/magnex/.

    OMP_NUM_THREADS=1 python benchmarks/magnex_full.py rf imdb        # one process per core
    OMP_NUM_THREADS=1 python benchmarks/magnex_full.py cnn sweep      # (the sweep reuses the CNN table's fit)

Each part's wall time is written to `<part>_time.txt` (its figures' time not counted)."""
import argparse, time
from pathlib import Path
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from amortex.reproduce.magnex import reproduce_magnex, MAGNEX_PARTS
from amortex.viz import plot_masked_images, explanation_text_html

OUT = Path(__file__).resolve().parent / 'results' / 'magnex'


def image_examples(task, o, n=8):
    "MAGNEx Figs. 5-6 style: test digits, then what the black box sees from MAGNEx's and the baselines' kept pixels (black elsewhere)."
    x, names = o['test'].x[:n], o['test'].classes
    expls = {m: e[:n] for m, e in o['explanations'].items()}
    titles = [f"M: {names[int(p)]}, {int(k)} px" for p, k in zip(expls['magnex'].pred, expls['magnex'].kept.sum(1))]
    axes = plot_masked_images(x, expls, k=None, n=n, titles=titles)
    fig = axes[0, 0].figure; fig.tight_layout(); fig.savefig(OUT / f'examples_{task}.png', dpi=110); plt.close(fig)


def text_examples(o, n=4):
    "MAGNEx Fig. 3 style: the first n test reviews with MAGNEx's kept words highlighted."
    e, names = o['explanations']['magnex'], o['test'].classes
    parts = [explanation_text_html(e, i, k=None, title=f"MAGNEx: review {i}, black box says {names[int(e.pred[i])]}, "
                                                        f"{int(e.kept[i].sum())} words kept") for i in range(n)]
    (OUT / 'examples_imdb.html').write_text('\n'.join(parts))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('parts', nargs='+', choices=MAGNEX_PARTS)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    clock = [time.perf_counter()]

    def save(part, table, objects):
        table.to_csv(OUT / f'{part}.csv')
        (OUT / f'{part}_time.txt').write_text(f"{time.perf_counter() - clock[0]:.0f}\n")
        if part in ('rf', 'cnn'): image_examples(part, objects)
        if part == 'imdb': text_examples(objects)
        clock[0] = time.perf_counter()

    reproduce_magnex(a.parts, seed=a.seed, progress=False, on_part=save)


if __name__ == '__main__':
    main()
