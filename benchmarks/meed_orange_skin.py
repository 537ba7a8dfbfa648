"""MEED on the orange-skin synthetic set, by the black box's class: median rank of the true features and how often each
feature is in the top 4 (the 07b_explainers.meed notebook, "Measured on the synthetic benchmark"). Same black box and
data as `amortex bench synthetic --quick` (10,000 training samples, 5 epochs, batch 100), 1,000 test samples.

    OMP_NUM_THREADS=1 python benchmarks/meed_orange_skin.py '{}'
    OMP_NUM_THREADS=1 python benchmarks/meed_orange_skin.py '{"use_output": false}'
    OMP_NUM_THREADS=1 python benchmarks/meed_orange_skin.py '{"tau": 1.0, "fit": {"epochs": 20}}'

The JSON holds MEED constructor keywords, and under "fit" keywords of `fit`. The paper's objective unless the JSON names one
(`'{"objective": "auto"}'`: the library's default, M itself as the approximator)."""
import sys, json
from amortex.data import load
from amortex.zoo import get_blackbox
from amortex.explainers import MEED
from amortex.metrics import median_rank

over = {'objective': 'variational', **(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {})}
fit = dict(epochs=5, batch_size=100); fit.update(over.pop('fit', {}))
bb = get_blackbox('l2x_synthetic_mlp', 'orange_skin', n=20000, recipe={'epochs': 8}, seed=0, progress=False, formula='code')
tr = load('orange_skin', 'train', n=10000, seed=1, formula='code'); va = load('orange_skin', 'valid', n=1000, seed=0, formula='code')
te = load('orange_skin', 'test', n=1000, seed=0, formula='code')
ex = MEED(te.features, 2, k=4, **over); h = ex.fit(bb, tr, va, progress=False, lr=1e-3, **fit)
e = ex.explain(te.x); mr = median_rank(e, te.relevant)
print(f"{over} {fit}: median rank {mr.mean().item():.2f} (optimum 2.5)")
for c in (0, 1):
    s = e.pred == c
    print(f"  class {c}: {int(s.sum())} samples, median rank {mr[s].mean().item():.2f}, top-4 share per feature {e.topk(4)[s].float().mean(0).numpy().round(2)}")
print(h)
