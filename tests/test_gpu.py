"""The CUDA path of the `Trainer`: device placement, mixed precision (AMP, a `GradScaler`), explanations computed on the GPU, and
distributed training over NCCL (`torchrun`, one process per GPU: `cuda:LOCAL_RANK`). Skipped where CUDA is unavailable."""
import json, os, subprocess, sys
from pathlib import Path
import pytest
import torch
from torch import nn

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
HERE = Path(__file__).parent


class XorBlackBox(nn.Module):
    "The XOR set's true class probabilities: logits (0, -x0 x1)."
    def forward(self, x):
        f = x[:, 0] * x[:, 1]
        return torch.stack([torch.zeros_like(f), -f], 1)


def _finite(history):
    return all(torch.isfinite(torch.tensor(float(v))) for e in history.epochs for v in e.values())


@pytest.fixture(scope='module')
def xor():
    from amortex.data import load
    return load('xor', 'train', n=2000), load('xor', 'valid', n=400)


def test_trainer_amp_on_cuda(xor):
    from amortex.train import Trainer, Classifier
    tr, va = xor
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 2))
    t = Trainer(max_epochs=3, batch_size=100, lr=1e-2, device='cuda', amp=True, progress=False)
    assert t.device.type == 'cuda' and t.amp and t.scaler is not None
    h = t.fit(Classifier(mlp), (tr.x, tr.y), (va.x, va.y))
    assert next(mlp.parameters()).device.type == 'cuda' and _finite(h) and len(h) == 3
    assert h['val_acc'][-1] > 0.5  # it learns something of XOR's labels


@pytest.mark.parametrize('name', ['l2x_variational', 'l2x_blackbox', 'meed', 'aim', 'magnex'])
def test_explainer_fits_and_explains_on_cuda_with_amp(xor, name):
    from amortex.explainers import L2X, MEED, AIM, MAGNEx
    tr, va = xor
    make = {'l2x_variational': lambda: L2X(tr.features, 2, k=2, objective='variational'),
            'l2x_blackbox': lambda: L2X(tr.features, 2, k=2, objective='blackbox', anneal_steps=0),
            'meed': lambda: MEED(tr.features, 2, k=2), 'aim': lambda: AIM(tr.features, 2), 'magnex': lambda: MAGNEx(tr.features, 2)}
    torch.manual_seed(0)
    ex = make[name]()
    h = ex.fit(XorBlackBox().cuda(), tr, va, epochs=3, batch_size=100, device='cuda', amp=True, progress=False)
    assert len(h) == 3 and _finite(h), h.epochs
    assert all(p.device.type == 'cuda' for p in ex.parameters())
    e = ex.explain(va.x[:128].cuda())
    assert e.scores.device.type == 'cuda' and e.scores.shape[:2] == (128, 10) and torch.isfinite(e.scores).all()


def test_distributed_over_nccl(tmp_path):
    "`torchrun` with one process per GPU (at most 2; a world of one process with distributed=True on a one-GPU machine)."
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_nccl_available()): pytest.skip("this PyTorch build has no NCCL backend")
    n = min(2, torch.cuda.device_count())
    env = {k: v for k, v in os.environ.items() if k not in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT', 'AMORTEX_DEVICE')}
    env.update(OMP_NUM_THREADS='1', PYTHONPATH=os.pathsep.join([str(HERE.parent), env.get('PYTHONPATH', '')]))
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', str(n), HERE / 'ddp_fit.py', tmp_path,
           '--device', 'cuda', '--distributed', 'true']
    p = subprocess.run(cmd, cwd=HERE.parent, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-6000:]
    res = [json.loads((tmp_path / f'rank{r}' / 'result.json').read_text()) for r in range(n)]
    for r, x in enumerate(res):
        assert x['classifier']['distributed'] and x['classifier']['device'] == f'cuda:{r}'
        assert x['l2x_0']['scores_device'].startswith('cuda')
        for name in ('classifier', 'l2x_0', 'l2x_resumed', 'meed', 'aim', 'magnex'):
            assert x[name]['history'] == res[0][name]['history'] and x[name]['digest'] == res[0][name]['digest'], (r, name)
            assert all(abs(v) < float('inf') for e in x[name]['history'] for v in e.values()), (r, name)
    assert (tmp_path / 'rank0' / 'classifier.pt').exists() and not any(list((tmp_path / f'rank{r}').glob('*.pt')) for r in range(1, n))
