"""L2X's default image selector: post-hoc accuracy and fitting time against the selector's width, with the library's default
training budget, on the L2X paper's MNIST 3 vs 8 task (k = 4 of 49 patches, the zoo's CNN, 1,000 test images).

    OMP_NUM_THREADS=1 python benchmarks/l2x_selector_width.py --channels 8,16,16 --seeds 0,1,2 --n-train 2000

Each seed changes the initialisation of the networks (the training's own draws are seeded by `fit`).
"""
import argparse, time
import torch
from amortex.core import seed_everything
from amortex.data import load
from amortex.zoo import get_blackbox
from amortex.explainers import L2X
from amortex.baselines import baseline
from amortex.metrics import posthoc_accuracy

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--channels', default='8,16,16', help="the selector's conv channels")
p.add_argument('--seeds', default='0')
p.add_argument('--n-train', type=int, default=2000)
a = p.parse_args()
channels = tuple(int(c) for c in a.channels.split(','))
train, test = load('mnist', 'train', classes=(3, 8), patch=4), load('mnist', 'test', classes=(3, 8), patch=4)
bb = get_blackbox('l2x_mnist_cnn', patch=4, progress=False, verbose=False)
tr = train.subset(torch.randperm(len(train), generator=torch.Generator().manual_seed(0))[:a.n_train])
x = test.x[:1000]
floor = posthoc_accuracy(bb, x, baseline('random', bb, test.features, seed=0).explain(x), k=4).mean().item()
for s in (int(v) for v in a.seeds.split(',')):
    seed_everything(s)
    l2x = L2X(train.features, 2, k=4, selector=dict(channels=channels))
    t0 = time.time(); h = l2x.fit(bb, tr, progress=False); t = time.time() - t0
    acc = posthoc_accuracy(bb, x, l2x.explain(x), k=4).mean().item()
    print(f"channels {channels} seed {s}: post-hoc accuracy {acc:.3f} (random {floor:.3f}); {h.steps} steps, {t:.0f} s")
