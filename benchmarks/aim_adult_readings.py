"""One AIM fit with the library's defaults on Adult (the defaults check's random forest on integer codes, or the zoo's MLP on one-hot
columns), read three ways on the same 1,000 test rows: W_x ranked by sign (the paper's inference, §3.3), W_x ranked by magnitude
(what `amortex bench` does with signed scores), and the selector's π_x. Post-hoc accuracy at k = 3; LIME (by magnitude) and a random
ranking beside it. Results in benchmarks/results/aim_reading/adult_readings.log.

    OMP_NUM_THREADS=1 python benchmarks/aim_adult_readings.py adult_rf
    OMP_NUM_THREADS=1 python benchmarks/aim_adult_readings.py adult_mlp"""
import sys, time, copy
import torch
torch.set_num_threads(1)
from amortex.core import seed_everything
from amortex.data import load
from amortex.zoo import get_blackbox
from amortex.explainers import AIM
from amortex.baselines import baseline
from amortex.metrics import evaluate
from amortex.reproduce.common import subset
from amortex.benchmark import Unkept
task = sys.argv[1]
blackbox, data, k = {'adult_rf': ('random_forest', dict(onehot=False), 3), 'adult_mlp': ('tabular_mlp', {}, 3)}[task]
bb = get_blackbox(blackbox, 'adult', progress=False, verbose=False, **data)
train, test = load('adult', 'train', **data), subset(load('adult', 'test', **data), 1000, 0)
seed_everything(0); a = AIM(train.features, bb.n_classes); t0 = time.time(); a.fit(bb, train, progress=False)
s = copy.deepcopy(a); s.inference = 'selector'
ex = {'aim_W_abs': Unkept(a, absolute=True), 'aim_W_signed': a, 'aim_selector': s,
      'lime_abs': Unkept(baseline('lime', bb, test.features, seed=0), absolute=True), 'random': baseline('random', bb, test.features, seed=0)}
df = evaluate(ex, bb, test, metrics=('posthoc_accuracy',), k=k, progress=False)
print(task, f'fit {time.time() - t0:.0f} s'); print(df[['posthoc_accuracy']].to_string(), flush=True)
