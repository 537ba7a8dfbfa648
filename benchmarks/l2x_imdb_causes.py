"""L2X on IMDB, one change at a time (issue 11): the runner's settings (`L2X_SETTINGS['imdb']`) overlaid with JSON options.

    python benchmarks/l2x_imdb_causes.py NAME DATA_JSON SETTINGS_JSON N_TRAIN EPOCHS [SEED] [N_TEST]

The runs in `benchmarks/results/l2x_imdb/` (8,000 training reviews x 2 epochs, 2,000 test reviews, seed 0):
    L0 '{}' '{"init": "torch", "selector": {"input_dropout": 0.2}, "approximator": {"dropout": 0.2, "divide_by": null}}' 8000 2
    L1 '{}' '{"init": "torch"}' 8000 2
    L2 '{}' '{"init": "keras"}' 8000 2
    L3 '{}' '{"init": "keras", "selector": {"input_dropout": 0.2}, "approximator": {"dropout": 0.2, "divide_by": null}}' 8000 2
(made before `init='auto'` and the runner's `init='keras'`, when the default was PyTorch's initialisation.)
DATA_JSON overrides the data options, e.g. '{"punctuation": false}' (a black box is trained for those data on first use).
Environment: TEST_EACH_EPOCH=N also logs `test_pa`, the post-hoc accuracy on the first N of the test reviews after every epoch
(to see what choosing the checkpoint on the test reviews, as the authors' code does, would give); BB_SEED (default 0);
BB_LEARN_PAD=1: the black box's PAD embedding is learned like any word's (Keras' Embedding without mask_zero, the authors' code)
instead of fixed at zero (a separate zoo entry, trained on first use)."""
import os, sys, json, time, torch
from amortex.core import seed_everything, untag
from amortex.data import load
import dataclasses
from torch import nn
from amortex.core import register
from amortex.zoo import get_blackbox, ZOO, l2x_imdb_cnn
from amortex.baselines import baseline
from amortex.metrics import evaluate
from amortex.reproduce.common import subset, holdout, fit_explainer
from amortex.reproduce.l2x import L2X_SETTINGS
from amortex.samplers import topk_mask
from amortex.train import Callback

class TestEachEpoch(Callback):
    "Log `test_pa`: post-hoc accuracy of the current weights on `x` (top-k of the selector's scores), after every epoch."
    def __init__(self, bb, x, k, chunk=500): self.bb, self.x, self.k, self.chunk = bb, x, k, chunk
    @torch.no_grad()
    def on_epoch_end(self, trainer, logs):
        m = trainer.module; was = m.training; m.eval(); agree = 0
        for i in range(0, len(self.x), self.chunk):
            xb = self.x[i:i + self.chunk]
            full = self.bb(xb).argmax(-1)
            kept = self.bb(m.features.hard(xb, topk_mask(m.scores(xb.to(m._device())).cpu(), self.k))).argmax(-1)
            agree += (full == kept).sum().item()
        m.train(was); logs['test_pa'] = agree / len(self.x)
name, data, init, n_train, epochs = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 0
n_test = int(sys.argv[7]) if len(sys.argv) > 7 else 2000
data = dict(dict(max_vocab=5000, maxlen=400, side='pre'), **data)
@register('blackbox', 'l2x_imdb_cnn_learned_pad')
def _learned_pad(ds):
    m = l2x_imdb_cnn(ds)
    m.emb.padding_idx = None
    with torch.no_grad(): nn.init.uniform_(m.emb.weight[0], -0.05, 0.05)  # Keras' init for the PAD row too
    return m
ZOO['l2x_imdb_cnn_learned_pad'] = dataclasses.replace(ZOO['l2x_imdb_cnn'], builder='l2x_imdb_cnn_learned_pad', note='PAD embedding learned')
bb = get_blackbox('l2x_imdb_cnn_learned_pad' if os.environ.get('BB_LEARN_PAD') else 'l2x_imdb_cnn', 'imdb', progress=False, verbose=True, seed=int(os.environ.get('BB_SEED', 0)), **data)
full, test = load('imdb', 'train', **data), load('imdb', 'test', **data)
train, valid = holdout(full, 0.1, seed)
train, valid, test = subset(train, n_train or None, seed), subset(valid, 2500, seed), subset(test, n_test or None, seed)
st = dict(untag(L2X_SETTINGS['imdb']), epochs=epochs); st.update(init)
n_each = int(os.environ.get('TEST_EACH_EPOCH', 0))
if n_each: st['callbacks'] = [TestEachEpoch(bb, test.x[:n_each], st['k'])]
t0 = time.time()
l2x = fit_explainer('l2x', bb, train, valid, st, seed=seed, progress=False)
df = evaluate({'l2x': l2x, 'random': baseline('random', bb, test.features, seed=seed)}, bb, test, metrics=('posthoc_accuracy',), k=10, progress=False)
print(l2x.history.to_frame().to_string())
h = l2x.history.to_frame()
sel = l2x.explain(test.x[:2000]).topk(10)
pad_share = (sel & (test.x[:2000] == test.features.pad_id)).sum().item() / sel.sum().item()
best = f" best_epoch={l2x.history.best_epoch} test_pa_at_best={h['test_pa'].iloc[l2x.history.best_epoch]:.3f} max_test_pa={h['test_pa'].max():.3f}@{int(h['test_pa'].idxmax())}" if n_each else ''
print("RESULT", name, f"seed={seed} n_train={len(train)} epochs={epochs} pa={df.loc['l2x','posthoc_accuracy']:.3f} random={df.loc['random','posthoc_accuracy']:.3f} bb_acc={bb.meta.get('test_acc'):.4f} fit={time.time()-t0:.0f}s pad_share={pad_share:.3f}" + best, flush=True)
