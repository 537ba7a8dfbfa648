"""Small fits for `tests/test_distributed.py`, run either as one plain process or under
`torchrun --standalone --nproc_per_node 2` (the same code: the `Trainer`'s default `distributed='auto'` turns DDP on under torchrun).

Each process writes `<out>/rank<R>/result.json` (its histories, a digest of every fitted module's weights, its explanations) and
keeps what it prints in `<out>/rank<R>/stdout.txt` / `stderr.txt`; every fit is given a checkpoint path inside `<out>/rank<R>/`,
so that the test can see which ranks wrote one.

    python tests/ddp_fit.py OUT [--l2x-seeds 0 1 2 3] [--device cpu|cuda] [--distributed auto|true]
    python -m torch.distributed.run --standalone --nproc_per_node 2 tests/ddp_fit.py OUT
"""
import argparse, contextlib, hashlib, json, os, sys
from pathlib import Path
import torch
from torch import nn
from amortex.data import load
from amortex.train import Trainer, Classifier, BestCheckpoint, EarlyStopping, is_main_process
from amortex.explainers import L2X, MEED, AIM, MAGNEx


class XorBlackBox(nn.Module):
    "The XOR set's true class probabilities as a black box: P(y=1 | x) = 1 / (1 + exp(x0 x1)), i.e. logits (0, -x0 x1). No training needed."
    def forward(self, x):
        f = x[:, 0] * x[:, 1]
        return torch.stack([torch.zeros_like(f), -f], 1)


def digest(module: nn.Module) -> str:
    "A digest of the module's state_dict (names and exact bytes): equal digests, equal modules."
    h = hashlib.sha256()
    for k, v in module.state_dict().items():
        h.update(k.encode()); h.update(v.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def logs(history):
    return [{k: v for k, v in e.items() if k != 'time_s'} for e in history.epochs]


def main(out: Path, l2x_seeds, device, distributed='auto'):
    rank = int(os.environ.get('RANK', 0))
    mine = out / f'rank{rank}'
    tr, va = load('xor', 'train', n=1600), load('xor', 'valid', n=400)
    res = {'rank': rank, 'world_size': int(os.environ.get('WORLD_SIZE', 1))}

    # 1. a deterministic module (no dropout, no BatchNorm, no sampling): a plain classifier on XOR's labels.
    #    1600 samples = 25 global batches of 64 = 2 shards of 32: DDP's mean of the ranks' mean gradients is the batch's mean gradient
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 2))
    trainer = Trainer(max_epochs=5, batch_size=64, lr=1e-2, device=device, progress=True, desc='classifier',
                      callbacks=[BestCheckpoint('val_loss'), EarlyStopping('val_loss', patience=2)], checkpoint=mine / 'classifier.pt', distributed=distributed)
    h = trainer.fit(Classifier(mlp), (tr.x, tr.y), (va.x, va.y))
    res['classifier'] = {'history': logs(h), 'best_epoch': h.best_epoch, 'steps': h.steps, 'digest': digest(mlp),
                         'distributed': trainer.dist is not None, 'device': str(trainer.device)}

    # 2. L2X (the paper's variational objective: subset-concrete samples, a BatchNorm approximator) through `AmortizedExplainer.fit`
    bb = XorBlackBox().to(device)
    for seed in l2x_seeds:
        torch.manual_seed(seed)
        ex = L2X(tr.features, 2, k=2, objective='variational')
        h = ex.fit(bb, tr, va, epochs=4, batch_size=100, seed=seed, device=device, progress=is_main_process(),
                   checkpoint=mine / f'l2x_{seed}.pt', distributed=distributed)
        sc = ex.explain(va.x[:64].to(device)).scores
        res[f'l2x_{seed}'] = {'history': logs(h), 'digest': digest(ex), 'keys': sorted(ex.state_dict()),
                              'scores': sc.cpu().tolist(), 'scores_device': str(sc.device),
                              'top2_is_x0_x1': float((sc.topk(2, 1).indices.sort(1).values.cpu() == torch.tensor([0, 1])).all(1).float().mean())}
        if seed == l2x_seeds[0] and is_main_process(): ex.save(out / 'l2x.pt')  # the script's own files: rank 0 only

    # 3. resuming a distributed run: 2 epochs, then 4 from that checkpoint (read by every rank), against the uninterrupted 4 epochs
    #    of L2X seed 0 above; with the same number of processes the resumed run continues each rank's random draws exactly
    ck = out / 'l2x_resume.pt'
    torch.manual_seed(l2x_seeds[0]); L2X(tr.features, 2, k=2, objective='variational').fit(
        bb, tr, va, epochs=2, batch_size=100, seed=l2x_seeds[0], device=device, progress=False, checkpoint=ck, distributed=distributed)
    torch.manual_seed(123); ex = L2X(tr.features, 2, k=2, objective='variational')  # another initialisation: the checkpoint replaces it
    h = ex.fit(bb, tr, va, epochs=4, batch_size=100, seed=l2x_seeds[0], device=device, progress=False, checkpoint=ck, resume=ck, distributed=distributed)
    res['l2x_resumed'] = {'history': logs(h), 'digest': digest(ex)}

    # 4. the other explainers, 2 epochs each: ranks must agree, losses stay finite. MEED steps two optimizers per batch (the
    #    paper's approximators, then the explainer); AIM has a BatchNorm approximator; MAGNEx keeps a running baseline (a buffer)
    for name, make in [('meed', lambda: MEED(tr.features, 2, k=2, objective='variational')), ('aim', lambda: AIM(tr.features, 2)),
                       ('magnex', lambda: MAGNEx(tr.features, 2))]:
        torch.manual_seed(0); ex = make()
        h = ex.fit(bb, tr, va, epochs=2, batch_size=100, device=device, progress=False, distributed=distributed)
        res[name] = {'history': logs(h), 'digest': digest(ex)}
    (mine / 'result.json').write_text(json.dumps(res))


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('out', type=Path)
    ap.add_argument('--l2x-seeds', type=int, nargs='+', default=[0])
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--distributed', default='auto', choices=['auto', 'true'], help="the Trainer's distributed= ('true': also a world of one process)")
    a = ap.parse_args()
    mine = a.out / f"rank{os.environ.get('RANK', 0)}"
    mine.mkdir(parents=True, exist_ok=True)
    with open(mine / 'stdout.txt', 'w') as so, open(mine / 'stderr.txt', 'w') as se, contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        main(a.out, a.l2x_seeds, a.device, True if a.distributed == 'true' else 'auto')
