"""Do the library's defaults hold on tasks it was not tuned on? L2X, AIM, MEED and MAGNEx, built and fitted with no extra keyword
(`L2X(features, n_classes, k=k)`, `AIM(features, n_classes)`, `MEED(features, n_classes, k=k)`, `MAGNEx(features, n_classes)`,
`.fit(blackbox, train)`), against Captum LIME (its default
1,000 samples) on the same black box, the same test samples and the same k. Reported: post-hoc accuracy at k (the black
box on the top-k features alone agrees with its prediction on the full input; the other features removed by the task's
rule), the random-k floor, and the training and explanation times.

    OMP_NUM_THREADS=1 python benchmarks/defaults_check.py                    # both tasks
    OMP_NUM_THREADS=1 python benchmarks/defaults_check.py --tasks adult_rf --n-test 200
    OMP_NUM_THREADS=1 python benchmarks/defaults_check.py --methods meed,magnex --out benchmarks/results/defaults

MAGNEx decides its own kept set; here it is scored like the others, by its top-k scores.

Tasks (not used to choose any default):
- mnist10: all ten MNIST digits, 7x7 grid of 4x4 patches (d = 49), k = 4; the zoo's L2X MNIST CNN trained on the ten digits;
  the explainers train on a seeded 10,000 of the training images (the default budget carves its own validation split).
- adult_rf: UCI Adult, 14 columns (integer codes, standardised), k = 3, removed columns set to the training mean; the zoo's
  scikit-learn random forest (100 trees): no gradients, every explainer sees only its probabilities.
"""
import argparse, time
import pandas as pd
import torch
from amortex.core import seed_everything
from amortex.data import load
from amortex.zoo import get_blackbox
from amortex.explainers import L2X, AIM, MEED, MAGNEx
from amortex.baselines import baseline
from amortex.metrics import evaluate
from amortex.reproduce.common import subset, show

TASKS = {
    'mnist10': dict(blackbox='l2x_mnist_cnn', dataset='mnist', data=dict(classes=None, patch=4), k=4, n_train=10_000),
    'adult_rf': dict(blackbox='random_forest', dataset='adult', data=dict(onehot=False), k=3, n_train=None),
}


def run(task, n_test=300, seed=0, progress=False, k=None, methods=('l2x', 'aim')):
    t = dict(TASKS[task], **({'k': k} if k else {}))
    bb = get_blackbox(t['blackbox'], t['dataset'], progress=progress, verbose=True, **t['data'])
    train, test = load(t['dataset'], 'train', **t['data']), load(t['dataset'], 'test', **t['data'])
    train, test = subset(train, t['n_train'], seed), subset(test, n_test, seed)
    C, k, ex = bb.n_classes, t['k'], {}
    makers = {'l2x': lambda: L2X(train.features, C, k=k), 'aim': lambda: AIM(train.features, C),
              'meed': lambda: MEED(train.features, C, k=k), 'magnex': lambda: MAGNEx(train.features, C)}
    for name in methods:
        make = makers[name]
        seed_everything(seed)
        ex[name] = make()
        t0 = time.time(); h = ex[name].fit(bb, train, progress=progress)
        extra = f", objective {ex[name].objective_}" if name in ('l2x', 'meed') else ''
        print(f"{task}: {name} default fit: {len(h)} epochs, {h.steps} steps, stopped by {h.stopped}, {time.time() - t0:.0f} s{extra}", flush=True)
    ex['lime'] = baseline('lime', bb, test.features, seed=seed)
    ex['random'] = baseline('random', bb, test.features, seed=seed)
    df = evaluate(ex, bb, test, metrics=('posthoc_accuracy',), k=k, progress=progress)
    df.attrs.update(task=task, k=k, C=C, n_train=len(train), n_test=len(test), how=test.features.how, bb_acc=bb.meta.get('test_acc'))
    return df


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--tasks', default='mnist10,adult_rf')
    p.add_argument('--n-test', type=int, default=300)
    p.add_argument('--k', type=int, default=None, help="override the task's k")
    p.add_argument('--methods', default='l2x,aim', help="amortized explainers to check (comma-separated: l2x, aim, meed, magnex)")
    p.add_argument('--out', default=None, help="a directory for the CSV tables")
    a = p.parse_args()
    for task in a.tasks.split(','):
        methods = a.methods.split(',')
        df = run(task, a.n_test, k=a.k, methods=methods)
        at = df.attrs
        show(f"== {task}: {at['C']} classes, k={at['k']}, removed features -> {at['how']}; black box test accuracy {at['bb_acc']:.3f}; "
             f"explainers trained on {at['n_train']:,}, scored on {at['n_test']} test samples", df,
             ['posthoc_accuracy', 'fit_s', 'explain_s_per_sample'])
        gap = {m: 100 * (df.loc['lime', 'posthoc_accuracy'] - df.loc[m, 'posthoc_accuracy']) for m in methods}
        print(f"LIME minus default explainer, points of post-hoc accuracy: " + ', '.join(f"{m} {g:+.1f}" for m, g in gap.items()))
        if a.out: df.to_csv(f"{a.out}/defaults_{task}_k{at['k']}_{'_'.join(methods)}.csv")
