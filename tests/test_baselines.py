"Integration tests of amortex.baselines: every registered baseline on tiny models whose relevant features are known."
import pytest
import torch
from torch import nn
from amortex.core import TabularFeatures, PatchFeatures, TokenFeatures, Explanation, REGISTRY, lookup, seed_everything
from amortex.blackbox import BlackBox
from amortex.baselines import Baseline, baseline, LIME, KernelSHAP, Occlusion, GradientXInput, IntegratedGradients

NAMES = sorted(REGISTRY['baseline'])
GRADIENT = ['saliency', 'gradient_x_input', 'taylor', 'integrated_gradients', 'deeplift']
PERTURBATION = ['lime', 'kernel_shap', 'occlusion']
FAST = {'lime': {'n_samples': 150}, 'kernel_shap': {'n_samples': 150}, 'integrated_gradients': {'n_steps': 16}}


def build(name, bb, features, **kw):
    return baseline(name, bb, features, seed=0, **{**FAST.get(name, {}), **kw})


def test_registry():
    assert set(GRADIENT + PERTURBATION + ['random']) <= set(NAMES)
    for n in NAMES: assert issubclass(lookup('baseline', n), Baseline)


# -- tiny models with known relevant features ------------------------------------------------------
def tabular():
    lin = nn.Linear(6, 2)
    with torch.no_grad():
        lin.weight.zero_(); lin.bias.zero_(); lin.weight[1, 0], lin.weight[1, 3] = 1.5, 2.
    seed_everything(1)
    return BlackBox(lin, n_classes=2), TabularFeatures(6), torch.rand(5, 6) + 0.5


class PatchNet(nn.Module):
    "Looks only at patch 2 (top right) of a 2x3 grid of 3x3 patches on 2x6x9 images."
    def __init__(self):
        super().__init__()
        m = torch.zeros(1, 2, 3); m[0, 0, 2] = 1
        self.register_buffer('mask', m.repeat_interleave(3, 1).repeat_interleave(3, 2))
        self.conv, self.act, self.fc = nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.Linear(4 * 54, 3)
        with torch.no_grad():
            self.conv.weight.abs_(); self.conv.bias.zero_()
            self.fc.weight.zero_(); self.fc.bias.zero_(); self.fc.weight[2] = 0.1
    def forward(self, x): return self.fc(self.act(self.conv(x * self.mask)).flatten(1))


def patches():
    seed_everything(2)
    return BlackBox(PatchNet(), n_classes=3), PatchFeatures((2, 6, 9), 3), torch.rand(3, 2, 6, 9) + 0.1


class TokenNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb, self.lin, self.act, self.out = nn.Embedding(12, 3, padding_idx=0), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 2)
        with torch.no_grad():
            self.emb.weight.fill_(-1.); self.emb.weight[0] = 0.; self.emb.weight[5] = 1.
            self.lin.weight.copy_(torch.eye(3)); self.lin.bias.zero_()
            self.out.weight.zero_(); self.out.weight[1] = 1.; self.out.bias.copy_(torch.tensor([0.05, 0.]))
    def forward(self, ids): return self.out(self.act(self.lin(self.emb(ids))).mean(1))


def tokens():
    seed_everything(3)
    ids = torch.randint(1, 12, (4, 10)); ids[ids == 5] = 7
    pos = torch.tensor([0, 3, 6, 2]); ids[torch.arange(4), pos] = 5; ids[:, 8:] = 0
    return BlackBox(TokenNet(), n_classes=2), TokenFeatures(10), ids, pos


def sklearn_model():
    from sklearn.linear_model import LogisticRegression
    seed_everything(4)
    X = torch.randn(400, 6); y = (X[:, 0] - X[:, 3] > 0).long()
    bb = BlackBox(LogisticRegression().fit(X.numpy(), y.numpy()))
    s = torch.tensor([1., -1, 1, -1, 1])[:, None]
    x = (torch.rand(5, 6) - 0.5) * 0.4; x[:, 0] = s[:, 0] * 1.2; x[:, 3] = -s[:, 0] * 0.9  # 0 and 3 agree
    return bb, TabularFeatures(6), x


def only(expl, relevant):
    want = torch.zeros(expl.d, dtype=torch.bool); want[relevant] = True
    return bool((expl.topk(len(relevant)) == want).all())


# -- tests ------------------------------------------------------------------------------------------
@pytest.mark.parametrize('name', NAMES)
def test_tabular(name):
    bb, f, x = tabular()
    ex = build(name, bb, f)
    e = ex.explain(x)
    assert isinstance(e, Explanation) and e.scores.shape == (5, 6)
    assert torch.equal(e.target, bb.predict(x)) and torch.equal(e.pred, e.target)
    assert e.meta['method'] == ex.name and e.meta['explain_s'] >= 0 and 'n_evals' in e.meta and e.x is x
    assert ex.blackbox is bb and ex.class_behaviour == ('ignores target' if name == 'random' else 'by target')
    assert ex.attribute(x).shape == x.shape
    if name != 'random': assert only(e, [0, 3]), e.scores
    e1 = ex.explain(x, target=torch.tensor([0, 1, 0, 1, 0]))
    assert e1.target.tolist() == [0, 1, 0, 1, 0]


@pytest.mark.parametrize('name', [n for n in NAMES if n != 'random'])
def test_patches(name):
    bb, f, x = patches()
    ex = build(name, bb, f)
    e = ex.explain(x)
    assert e.scores.shape == (3, 6) and (e.target == 2).all()
    assert only(e, [2]), e.scores
    assert ex.attribute(x).shape == x.shape


@pytest.mark.parametrize('name', [n for n in NAMES if n != 'random'])
def test_tokens(name):
    bb, f, ids, pos = tokens()
    ex = build(name, bb, f)
    e = ex.explain(ids)
    assert e.scores.shape == (4, 10) and (e.target == 1).all()
    assert torch.equal(e.topk(1).float().argmax(1), pos), e.scores
    assert ex.attribute(ids).shape == (4, 10)


@pytest.mark.parametrize('name', PERTURBATION + ['random'])
def test_sklearn_perturbation(name):
    bb, f, x = sklearn_model()
    e = build(name, bb, f).explain(x)
    assert e.scores.shape == (5, 6)
    if name != 'random': assert only(e, [0, 3]), e.scores


@pytest.mark.parametrize('name', GRADIENT)
def test_sklearn_gradient_refused(name):
    bb, f, x = sklearn_model()
    with pytest.raises(TypeError, match="LIME, KernelSHAP or Occlusion work with any black box"):
        build(name, bb, f)


def test_raw_module_is_wrapped():
    bb, f, x = tabular()
    e = Occlusion(bb.model, f).explain(x)  # a bare nn.Module becomes a BlackBox
    assert only(e, [0, 3])


def test_seed_reproducible_and_private():
    bb, f, x = tabular()
    state = torch.random.get_rng_state()
    a = LIME(bb, f, n_samples=60, seed=7).explain(x).scores
    b = LIME(bb, f, n_samples=60, seed=7).explain(x).scores
    assert torch.equal(a, b) and torch.equal(torch.random.get_rng_state(), state)


def test_kernel_shap_efficiency_and_ig_completeness():
    bb, f, x = tabular()
    gap = bb(x)[:, 1] - bb(torch.zeros_like(x))[:, 1]
    assert torch.allclose(KernelSHAP(bb, f, n_samples=100, seed=0).explain(x).scores.sum(1), gap, atol=1e-3)
    assert torch.allclose(IntegratedGradients(bb, f).explain(x).scores.sum(1), gap, atol=1e-4)


def test_chunking_and_progress():
    bb, f, x = tabular()
    x = torch.rand(23, 6) + 0.5
    full = GradientXInput(bb, f).explain(x).scores
    chunked = GradientXInput(bb, f, batch_size=4, progress=True).explain(x).scores
    assert torch.allclose(full, chunked)


def test_errors():
    bb, f, x = tabular()
    with pytest.raises(IndexError, match=r"\[0, 2\)"): Occlusion(bb, f).explain(x, target=5)
    with pytest.raises(ValueError, match="entries for a batch"): Occlusion(bb, f).explain(x, target=torch.tensor([0, 1]))
    with pytest.raises(ValueError, match=r"shape \[B, 6\]"): Occlusion(bb, f).explain(torch.rand(2, 5))
    with pytest.raises(TypeError, match="Features object"): Occlusion(bb, 6)
    with pytest.raises(ValueError, match="nn.Embedding"): GradientXInput(bb, TokenFeatures(6))


class TruncTokenNet(TokenNet):
    "Drops trailing PADs before embedding, as the zoo's recurrent black boxes do."
    def forward(self, ids):
        n = int((ids != 0).long().cumsum(1).argmax(1).max()) + 1
        return super().forward(ids[:, :n])


@pytest.mark.parametrize('name', GRADIENT)
def test_tokens_truncating_model(name):
    _, f, ids, pos = tokens()
    e = build(name, BlackBox(TruncTokenNet(), n_classes=2), f).explain(ids)
    assert torch.equal(e.topk(1).float().argmax(1), pos)
    assert (e.scores[:, 8:] == 0).all()  # never embedded
