"""amortex explainers speak Captum's calling convention: Captum's own metrics run on an amortized explainer and a baseline."""
import pytest
import torch
from captum.metrics import sensitivity_max, infidelity
from amortex.blackbox import BlackBox
from amortex.explainers import L2X
from amortex.baselines import Occlusion, Saliency
from amortex.testing import XorModel, toy_tabular


@pytest.fixture(scope='module')
def fitted():
    torch.manual_seed(0)
    tr, va = toy_tabular(1500, seed=0), toy_tabular(200, seed=1)
    bb = BlackBox(XorModel(0, 3), n_classes=2)
    l2x = L2X(tr.features, 2, k=2)
    l2x.fit(bb, tr, va, epochs=2, batch_size=100, progress=False)
    return bb, l2x, va


def _forward(bb):
    "Captum's forward function: the black box's probabilities, differentiable or not."
    return lambda x: bb.model(x).softmax(-1)


@pytest.mark.parametrize('which', ['l2x', 'occlusion', 'saliency'])
def test_sensitivity_max(fitted, which):
    bb, l2x, va = fitted
    ex = {'l2x': l2x, 'occlusion': Occlusion(bb, va.features), 'saliency': Saliency(bb, va.features)}[which]
    x = va.x[:16]
    # Captum passes the inputs as a 1-tuple and gets the attributions back as one; with a target it expands it per draw
    s = sensitivity_max(ex.attribute, x, n_perturb_samples=5)
    assert s.shape == (16,) and torch.isfinite(s).all() and (s >= 0).all()
    st = sensitivity_max(ex.attribute, x, n_perturb_samples=5, target=torch.zeros(16, dtype=torch.long))
    assert st.shape == (16,)
    out = ex.attribute((x,))
    assert isinstance(out, tuple) and len(out) == 1 and out[0].shape == x.shape


@pytest.mark.parametrize('which', ['l2x', 'occlusion'])
def test_infidelity(fitted, which):
    bb, l2x, va = fitted
    ex = {'l2x': l2x, 'occlusion': Occlusion(bb, va.features)}[which]
    x = va.x[:16]
    target = bb.predict(x)
    attr = ex.attribute(x, target=target)
    def perturb(inputs):
        noise = torch.randn_like(inputs) * 0.1
        return noise, inputs - noise
    inf = infidelity(_forward(bb), perturb, x, attr, target=target, n_perturb_samples=5)
    assert inf.shape == (16,) and torch.isfinite(inf).all()
