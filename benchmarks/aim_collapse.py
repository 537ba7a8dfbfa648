"""AIM's selector collapse on IMDB, and the two remedies (see `nbs/07c_explainers.aim.ipynb`, "The selector can collapse").

Trains AIM with `aim_settings('imdb')` of `amortex.reproduce.aim` (the paper's, plus our `selector_warmup=200`) and any constructor overrides
on the first N training reviews, then prints
the selector's mean keep probability on 200 test reviews, faithfulness at K = 10 (overall and per class) and purity.

    OMP_NUM_THREADS=1 python benchmarks/aim_collapse.py --n-train 22500 --epochs 1 --aim '{"selector_warmup": 200}'
    OMP_NUM_THREADS=1 python benchmarks/aim_collapse.py --n-train 22500 --epochs 1 --aim '{"selector_warmup": 0, "selector_lr": 1e-4}'
    OMP_NUM_THREADS=1 python benchmarks/aim_collapse.py --n-train 3000 --epochs 1 --aim '{"selector_warmup": 0}'   # collapses
"""
import argparse, json, time
import torch
from amortex.reproduce.common import subset
from amortex.reproduce.aim import text_data, aim_blackbox, fit_aim
from amortex.core import Explanation
from amortex.metrics import posthoc_accuracy, purity

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--n-train', type=int, default=22500)
ap.add_argument('--epochs', type=int, default=1)
ap.add_argument('--aim', type=json.loads, default={}, help='AIM constructor overrides, as JSON')
ap.add_argument('--save', default=None, help='save the fitted explainer here')
a = ap.parse_args()

bb = aim_blackbox('imdb', progress=False)
train, valid, test = text_data('imdb', False, 0)
train, valid, ev = subset(train, a.n_train, 0), subset(valid, 500, 0), subset(test, 200, 0)
t0 = time.time()
aim = fit_aim(bb, train, valid, 'imdb', False, 0, None, False, epochs=a.epochs, **a.aim)
print(f"fitted on {len(train):,} reviews, {a.epochs} epoch(s), overrides {a.aim}: {time.time() - t0:.0f} s")
for ep in aim.history.epochs: print({k: round(v, 4) for k, v in ep.items()})
if a.save: aim.save(a.save)
x = ev.x
e = aim.explain(x)
valid_ = ev.features.valid(x)
with torch.no_grad(): pi = aim.probs(x)
print(f"selector mean keep probability on {len(x)} test reviews: {float((pi * valid_).sum() / valid_.sum()):.3g}")
W = e.scores; centred = W - W.mean(-1, keepdim=True)  # softmax(Wᵀz) does not change when a row is shifted
def faith(scores, target=None, against='pred'):
    ex = Explanation(scores, e.target if target is None else target, e.features, e.pred, e.x, dict(e.meta))
    return float(posthoc_accuracy(bb, x, ex, 10, against=against).mean())  # the task's rule: compact
print(f"faithfulness@10: W {faith(W):.3f}, row-centred W {faith(centred):.3f}")
for c in range(2):
    tc = torch.full_like(e.target, c)
    print(f"class {c} faithfulness@10: W {faith(W, tc, 'target'):.3f}, row-centred W {faith(centred, tc, 'target'):.3f}")
print(f"purity@10: {float(purity(e, 10).mean()):.3f}")
