"""Why does MAGNEx rank low on post-hoc accuracy in the real suite's Fashion-MNIST task (k = 4 of 49 patches)?

Fits MAGNEx exactly as `amortex bench real` does (its registered benchmark defaults, the suite's full sizes, one seed) and
looks at its scores on the 100 test images: how many patches its mask keeps (s > ε = 0.5) and whether the top-k order is
decided by the scores or by ties at s = 1. Then asks whether breaking the tie would help: post-hoc accuracy and FU-M at k
with the top k read from s (as the suite does) and from the same network's pre-sigmoid logits (one strict order). Writes benchmarks/results/magnex_ties/fashion_mnist_seed<SEED>.txt.

    OMP_NUM_THREADS=1 python benchmarks/magnex_real_ties.py [SEED]     # default seed 1
"""
import sys, time
from pathlib import Path
import torch
from amortex.benchmark import REAL_TASKS, REAL_SIZES, task_data, task_blackbox, default_settings, BenchTask
from amortex.reproduce.common import fit_explainer

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
OUT = Path(__file__).resolve().parent / 'results' / 'magnex_ties'; OUT.mkdir(parents=True, exist_ok=True)
size = dict(REAL_SIZES['full'], name='full'); task = REAL_TASKS['fashion_mnist']; dev = torch.device('cpu')
bb = task_blackbox(task, seed, dev, False, size)
train, valid, test = (task_data(task, s, size[f'n_{s}'], seed) for s in ('train', 'valid', 'test'))
st = default_settings('magnex', BenchTask('fashion_mnist', 'real', test.features, bb.n_classes, task.k, 'full', size['n_train']))
t0 = time.perf_counter(); ex = fit_explainer('magnex', bb, train, valid, st, seed=seed, device=dev, progress=False); fit_s = time.perf_counter() - t0
s = ex.explain(test.x).scores.float().flatten(1)
top = s.sort(1, descending=True).values; kept = (s > 0.5).sum(1).float(); k = task.k
lines = [f"MAGNEx on fashion_mnist (real suite, full sizes), seed {seed}, settings {st}, fit {fit_s:.0f} s",
         f"features per image: {s.shape[1]}; k = {k}",
         f"kept (s > 0.5) per image: mean {kept.mean():.1f}, min {kept.min():.0f}, max {kept.max():.0f}",
         f"images with at least k + 1 scores >= 0.999 (the top-k is a tie): {(top[:, k] >= 0.999).float().mean():.2f}",
         f"mean of the sorted scores, ranks 1-8: {[round(v, 3) for v in top[:, :8].mean(0).tolist()]}"]
print('\n'.join(lines), flush=True)

# Does the tie matter? Post-hoc accuracy at k with the top k read from s (what the suite scores; ties broken by sort order)
# and from the pre-sigmoid logits of the same network (one order, no ties), same fit, same test images.
from amortex.core import Explanation
from amortex.metrics.evaluation import evaluate
pred = bb(test.x).argmax(-1)
by_s = ex.explain(test.x)
by_logit = Explanation(ex.logits(test.x.to(dev)).detach().float().reshape(by_s.scores.shape), pred, test.features, x=test.x)
ev = evaluate({'s (suite)': by_s, 'logits': by_logit}, bb, test, metrics=('posthoc_accuracy', 'fidelity_removed'), k=k, progress=False)
lines2 = [f"post-hoc accuracy / FU-M at k = {k} on the same {len(test.x)} test images, top k read from:"] + \
         [f"  {name}: post-hoc accuracy {ev.loc[name, 'posthoc_accuracy']:.3f}, fidelity_removed {ev.loc[name, 'fidelity_removed']:.3f}" for name in ev.index]
(OUT / f'fashion_mnist_seed{seed}.txt').write_text('\n'.join(lines + lines2) + '\n'); print('\n'.join(lines2))
