"""Probes beside the recorded CIFAR-10 run of benchmarks/idexpo_full.py: ID-ExpO with λ1 = λ2 = LAM for one explainer and EPOCHS
epochs, everything else as the full run (same pretrained CNN, subsets, seed, M). These probes chose the full run's λ12 = 0.3 and 6 epochs.
Writes benchmarks/results/idexpo/cifar10_probe_<explainer>_lam<LAM>_ep<EPOCHS>.csv (test scores, best epoch and its validation
valscore) and the per-epoch validation log (..._epochs.csv).

    OMP_NUM_THREADS=1 python benchmarks/idexpo_cifar_probe.py lime 0.1 4      # explainer, λ12 (default 0.1), epochs (default: the full run's)
    OMP_NUM_THREADS=1 python benchmarks/idexpo_cifar_probe.py gradcam 0.3 6
    OMP_NUM_THREADS=1 python benchmarks/idexpo_cifar_probe.py lime 1 3 100   # and M, LIME's perturbations while fine-tuning (default: the full run's)

A probe with another M than the full run's is written as ..._M<M>.csv."""
import sys, time
from pathlib import Path
import pandas as pd
from amortex.core import untag
from amortex.zoo import get_blackbox
from amortex.idexpo import finetune, score_predictor
from amortex.reproduce.idexpo import IDEXPO_SETTINGS, IDEXPO_SIZES, IDEXPO_CIFAR_PREDICTORS, cifar_data

OUT = Path(__file__).resolve().parent / 'results' / 'idexpo'
ex, lam = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
st, size = untag(IDEXPO_SETTINGS['cifar10']), untag(IDEXPO_SIZES['full']['cifar10'])
epochs = int(sys.argv[3]) if len(sys.argv) > 3 else size['epochs']
M = int(sys.argv[4]) if len(sys.argv) > 4 else size['n_samples']
name = f'cifar10_probe_{ex}_lam{lam:g}_ep{epochs}' + (f'_M{M}' if M != size['n_samples'] else '')
pr = IDEXPO_CIFAR_PREDICTORS[st['predictor']]
pre = get_blackbox(pr['zoo'], 'cifar10', patch=4, progress=False, verbose=False).model.eval()
tr, va, te, f = cifar_data(size, 0)
t0 = time.perf_counter()
m, h = finetune(pre, tr, va, features=f, method='idexpo', explainer=ex, lr=st['lr'], epochs=epochs, patience=epochs,
                batch_size=st['batch_size'], seed=0, progress=False, fraction=st['fraction'], eta=st['eta'], n_samples=M, eps=st['eps'],
                lam1=lam, lam2=lam, lam3=st['lam3'], stride=st['stride'], layer=pr['layer'])
sc = score_predictor(m, te, f, ex, st['fraction'], seed=0, n_samples=st['n_samples'], eps=st['eps'], layer=pr['layer'])
pd.DataFrame([dict(explainer=ex, method=f'idexpo (λ12 = {lam})', **{k: v for k, v in sc.items() if k != 'per_sample'}, best_epoch=m.idexpo['best_epoch'],
                   best_valscore=m.idexpo['best_valscore'], M=M, fit_s=time.perf_counter() - t0)]).to_csv(OUT / f'{name}.csv', index=False)
h.to_frame().to_csv(OUT / f'{name}_epochs.csv', index=False)
print(ex, sc['acc'], sc['ins'], sc['1-del'], m.idexpo['best_epoch'], time.perf_counter() - t0)
