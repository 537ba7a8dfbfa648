"""Why does ID-ExpO's deletion regularizer fall in training with LIME on CIFAR-10 while the test deletion score does not move?

Fine-tunes the full run's pretrained CNN with ID-ExpO (LIME, λ1 = λ2 = LAM, EPOCHS epochs, the full run's M, subsets and seed), then
measures, on N test images, for the pretrained and the fine-tuned predictor, the deletion side four ways apart:

- target: the predicted class (the test metric's) or the label (what the regularizer trains on);
- masks: hard (the metric: the top-s superpixels replaced by the background) or soft (the regularizer: σ(T(φ − t_s)) blends);
- scale: the mean probability along the curve (what the deletion score averages) or the mean log-probability (what Del-A averages);
- φ from LIME with M = 200 (the test's) or with the training M.

Each value is the mean over the N images and the S = 32 steps (s = 1..S, the step the metric and Eq. 10 share).
Also the fine-tuned predictor's test scores as the full run computes them (all test images). Writes
benchmarks/results/idexpo/cifar10_deletion_probe_<TARGET>.csv.

    OMP_NUM_THREADS=1 python benchmarks/idexpo_cifar_deletion_probe.py                  # LAM = 1, EPOCHS = 2, N = 500, TARGET = label
    OMP_NUM_THREADS=1 python benchmarks/idexpo_cifar_deletion_probe.py 1 2 500 predicted  # the regularizers explain the predicted class
    OMP_NUM_THREADS=1 python benchmarks/idexpo_cifar_deletion_probe.py 1 2 500 label C    # Ω_Del in Appendix A's Del-C form

A fifth argument DELETION (A, B or C; default A, the paper's Eq. 10) picks Ω_Del's form; forms other than A write
cifar10_deletion_probe_<TARGET>_del<DELETION>.csv.
"""
import sys, time
from pathlib import Path
import pandas as pd, torch
from amortex.core import untag
from amortex.zoo import get_blackbox
from amortex.idexpo import finetune, score_predictor, SurrogateExplainer, soft_masks
from amortex.reproduce.idexpo import IDEXPO_SETTINGS, IDEXPO_SIZES, IDEXPO_CIFAR_PREDICTORS, cifar_data

OUT = Path(__file__).resolve().parent / 'results' / 'idexpo'
lam = float(sys.argv[1]) if len(sys.argv) > 1 else 1.
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
N = int(sys.argv[3]) if len(sys.argv) > 3 else 500
target = sys.argv[4] if len(sys.argv) > 4 else 'label'  # the class the regularizers explain in training (`IDExpO(target=)`)
deletion = sys.argv[5] if len(sys.argv) > 5 else 'A'  # Ω_Del's form (`IDExpO(deletion=)`)
stem = f'cifar10_deletion_probe_{target}' + ('' if deletion == 'A' else f'_del{deletion}')
st, size = untag(IDEXPO_SETTINGS['cifar10']), untag(IDEXPO_SIZES['full']['cifar10'])
pr = IDEXPO_CIFAR_PREDICTORS[st['predictor']]
pre = get_blackbox(pr['zoo'], 'cifar10', patch=4, progress=False, verbose=False).model.eval()
tr, va, te, f = cifar_data(size, 0)
x, y = te.x[:N], te.y[:N]
D = f.d; S = max(1, round(st['fraction'] * D))
@torch.no_grad()
def deletion_views(model, M, target):
    model = model.eval(); predict = lambda inp: model(inp).softmax(1)
    px = predict(x); tgt = px.argmax(1) if target == 'predicted' else y
    phi = SurrogateExplainer(f, 'lime', M, st['eps'])(predict, x, tgt, torch.Generator().manual_seed(1))
    order = phi.argsort(1, descending=True)
    hard = torch.ones(len(x), S, D)  # keep-masks: the top-s removed
    for s in range(1, S + 1): hard[torch.arange(len(x))[:, None], s - 1, order[:, :s]] = 0
    soft = 1 - soft_masks(phi, S)
    out = {}
    for kind, keep in (('hard', hard), ('soft', soft)):
        xs = f.relaxed(x.repeat_interleave(S, 0), keep.reshape(-1, D))
        p = predict(xs).gather(1, tgt.repeat_interleave(S)[:, None])[:, 0].view(len(x), S)
        out[f'{kind}_p'] = p.mean().item(); out[f'{kind}_logp'] = p.clamp_min(1e-12).log().mean().item()
        out[f'{kind}_del_a'] = (p.clamp_min(1e-12).log() - px.gather(1, tgt[:, None]).clamp_min(1e-12).log()).mean().item()
        if kind == 'hard':  # split by whether the predictor is right (there the predicted class is the label)
            ok = px.argmax(1) == y; out['hard_p_right'], out['hard_p_wrong'] = p[ok].mean().item(), p[~ok].mean().item()
    out['p_x'] = px.gather(1, tgt[:, None]).mean().item(); out['acc'] = (px.argmax(1) == y).float().mean().item()
    return out


views = lambda name, model: [dict(model=name, target=target, M=M, **deletion_views(model, M, target))
                             for target in ('predicted', 'label') for M in (st['n_samples'], size['n_samples'])]
rows = views('pretrained', pre); print(pd.DataFrame(rows).round(4).to_string(index=False), flush=True)
t0 = time.perf_counter()
m, h = finetune(pre, tr, va, features=f, method='idexpo', explainer='lime', lr=st['lr'], epochs=epochs, patience=epochs,
                batch_size=st['batch_size'], seed=0, progress=False, fraction=st['fraction'], eta=st['eta'], n_samples=size['n_samples'],
                eps=st['eps'], lam1=lam, lam2=lam, lam3=st['lam3'], stride=st['stride'], target=target, deletion=deletion)
fit_s = time.perf_counter() - t0

rows += views(f'idexpo (λ12 = {lam:g}, {epochs} ep, target {target}, Del-{deletion})', m)
sc = score_predictor(m, te, f, 'lime', st['fraction'], seed=0, n_samples=st['n_samples'], eps=st['eps'])  # the recorded run's test scores (all test images)
df = pd.DataFrame(rows); df['fit_s'] = fit_s; df['best_epoch'] = m.idexpo['best_epoch']
for k in ('acc', 'ins', '1-del'): df[f'test_{k}'] = sc[k]  # of the fine-tuned predictor
df.to_csv(OUT / f'{stem}.csv', index=False)
h.to_frame().to_csv(OUT / f'{stem}_epochs.csv', index=False)
pd.set_option('display.width', 200); print(df.round(4).to_string(index=False)); print(f'{fit_s:.0f} s fit')
