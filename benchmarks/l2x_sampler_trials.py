"""L2X's 'blackbox' objective on 10-class MNIST (k = 4 of 49 patches): which sampler draws the training masks, at which
temperature, and whether the learning rate is halved on plateaus. One run per call; post-hoc accuracy on 1,000 test images.
These runs chose the defaults (`RelaxedTopK` at `blackbox_tau=0.5`, `lr_patience=2`); see the L2X notebook, *Defaults*.

    OMP_NUM_THREADS=1 python benchmarks/l2x_sampler_trials.py --sampler subset_concrete --tau 0.1 --plateau-from none --patience 15
    OMP_NUM_THREADS=1 python benchmarks/l2x_sampler_trials.py --sampler subset_concrete --tau 0.1 --plateau-from 22 --patience 8
    OMP_NUM_THREADS=1 python benchmarks/l2x_sampler_trials.py --sampler relaxed_topk --tau 0.1 --plateau-from 22 --patience 8
    OMP_NUM_THREADS=1 python benchmarks/l2x_sampler_trials.py --sampler relaxed_topk --tau 0.5 --plateau-from 22 --patience 8

Same task as `benchmarks/defaults_check.py --tasks mnist10` (10,000 seeded training images, the zoo's L2X MNIST CNN), the
default budget otherwise (validation split carved from the training images, early stopping from step 2,500), seed 0.
`--plateau-from E`: the learning rate halves after 2 epochs without a better validation loss, from epoch E on (the library's
default budget starts at the end of its minimum steps, epoch 36 here); `none`: constant.
"""
import argparse, time
from amortex.core import seed_everything
from amortex.data import load
from amortex.zoo import get_blackbox
from amortex.explainers import L2X
from amortex.samplers import SubsetConcrete, RelaxedTopK
from amortex.train import ReduceLROnPlateau
from amortex.metrics import evaluate
from amortex.reproduce.common import subset

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--sampler', choices=['subset_concrete', 'relaxed_topk'], required=True)
    p.add_argument('--tau', type=float, required=True)
    p.add_argument('--plateau-from', default='22', help="an epoch count, or 'none'")
    p.add_argument('--patience', type=int, default=8)
    p.add_argument('--n-test', type=int, default=1000)
    a = p.parse_args()
    data = dict(classes=None, patch=4)
    bb = get_blackbox('l2x_mnist_cnn', 'mnist', progress=False, verbose=True, **data)
    train, test = subset(load('mnist', 'train', **data), 10_000, 0), subset(load('mnist', 'test', **data), a.n_test, 0)
    L2X.defaults = {**L2X.defaults, 'lr_patience': None}  # the schedule is set here instead
    seed_everything(0)
    ex = L2X(train.features, 10, k=4)
    ex.topk_sampler = SubsetConcrete(4, a.tau) if a.sampler == 'subset_concrete' else RelaxedTopK(4, a.tau)
    cbs = [] if a.plateau_from == 'none' else [ReduceLROnPlateau(*ex.monitor, patience=2, min_epochs=int(a.plateau_from))]
    t0 = time.time(); h = ex.fit(bb, train, progress=False, callbacks=cbs, patience=a.patience)
    print(h.to_frame().to_string())
    df = evaluate({'l2x': ex}, bb, test, metrics=('posthoc_accuracy',), k=4, progress=False)
    print(f"{a.sampler} tau={a.tau} plateau from {a.plateau_from}, patience {a.patience}: {len(h)} epochs, {time.time() - t0:.0f} s, "
          f"final training loss {h.epochs[-1]['loss']:.2f}; post-hoc accuracy on {len(test)} test images {df.loc['l2x', 'posthoc_accuracy']:.3f}")
