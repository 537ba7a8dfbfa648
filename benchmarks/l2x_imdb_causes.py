"""L2X on IMDB, one change at a time (issue 11): the runner's settings (`L2X_SETTINGS['imdb']`) overlaid with JSON options.

    python benchmarks/l2x_imdb_causes.py NAME DATA_JSON SETTINGS_JSON N_TRAIN EPOCHS [SEED] [N_TEST]

The runs in `benchmarks/results/l2x_imdb/` (8,000 training reviews x 2 epochs, 2,000 test reviews, seed 0):
    L0 '{}' '{"init": "torch", "selector": {"input_dropout": 0.2}, "approximator": {"dropout": 0.2, "divide_by": null}}' 8000 2
    L1 '{}' '{"init": "torch"}' 8000 2
    L2 '{}' '{"init": "keras"}' 8000 2
    L3 '{}' '{"init": "keras", "selector": {"input_dropout": 0.2}, "approximator": {"dropout": 0.2, "divide_by": null}}' 8000 2
(made before `init='auto'` and the runner's `init='keras'`, when the default was PyTorch's initialisation.)
DATA_JSON overrides the data options, e.g. '{"punctuation": false}' (a black box is trained for those data on first use)."""
import sys, json, time, torch
from amortex.core import seed_everything, untag
from amortex.data import load
from amortex.zoo import get_blackbox
from amortex.baselines import baseline
from amortex.metrics import evaluate
from amortex.reproduce.common import subset, holdout, fit_explainer
from amortex.reproduce.l2x import L2X_SETTINGS
name, data, init, n_train, epochs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
n_test = int(sys.argv[7]) if len(sys.argv) > 7 else 2000
data = dict(dict(max_vocab=5000, maxlen=400, side='pre'), **data)
bb = get_blackbox('l2x_imdb_cnn', 'imdb', progress=False, verbose=True, seed=0, **data)
full, test = load('imdb', 'train', **data), load('imdb', 'test', **data)
train, valid = holdout(full, 0.1, seed)
train, valid, test = subset(train, n_train or None, seed), subset(valid, 2500, seed), subset(test, n_test or None, seed)
st = dict(untag(L2X_SETTINGS['imdb']), epochs=epochs); st.update(init)
t0 = time.time()
l2x = fit_explainer('l2x', bb, train, valid, st, seed=seed, progress=False)
df = evaluate({'l2x': l2x, 'random': baseline('random', bb, test.features, seed=seed)}, bb, test, metrics=('posthoc_accuracy',), k=10, progress=False)
print(l2x.history.to_frame().to_string())
print("RESULT", name, f"seed={seed} n_train={len(train)} epochs={epochs} pa={df.loc['l2x','posthoc_accuracy']:.3f} random={df.loc['random','posthoc_accuracy']:.3f} bb_acc={bb.meta.get('test_acc'):.4f} fit={time.time()-t0:.0f}s", flush=True)
