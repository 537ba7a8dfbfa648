"""ID-ExpO: the runner through the command line at the quick size, and bad input at the library's entry points."""
from amortex.cli import main
import pytest
import torch
import torch.nn as nn
from amortex.core import TabularFeatures, PatchFeatures
from amortex.idexpo import finetune, SurrogateExplainer, GradCAM, IDExpO, AmortizedPhi
from amortex.testing import toy_tabular


def test_cli_reproduce_idexpo_tabular_quick(tmp_path, capsys):
    main(['reproduce', 'idexpo', '--quick', '--parts', 'tabular', '--out', str(tmp_path)])
    out = capsys.readouterr().out
    assert 'App. C: mean over 2 data sets' in out and 'QUICK size' in out
    written = {p.name for p in tmp_path.iterdir()}
    assert any(n.startswith('tabular_summary') for n in written), written


@pytest.fixture(scope='module')
def data():
    tr, va = toy_tabular(300, d=6, seed=0), toy_tabular(100, d=6, seed=1)
    return tr, va, nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))


def test_bad_input(data):
    tr, va, mlp = data
    with pytest.raises(ValueError, match='lam2 must be a number >= 0'): finetune(mlp, tr, va, lam2=-1.)
    with pytest.raises(ValueError, match='eta must be a number >= 0'): IDExpO(mlp, tr.features, eta=-2)
    with pytest.raises(TypeError, match='differentiable predictor'): finetune(lambda x: x, tr, va)
    frozen = nn.Linear(6, 2).requires_grad_(False)
    with pytest.raises(TypeError, match='differentiable predictor'): finetune(frozen, tr, va)
    with pytest.raises(ValueError, match='ill-posed'): SurrogateExplainer(tr.features, 'kernel_shap', n_samples=5, eps=0.)
    cnn = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.Flatten(), nn.Linear(2 * 64, 2))
    with pytest.raises(ValueError, match="no layer 'conv9'"): GradCAM(cnn, 'conv9', PatchFeatures((1, 8, 8), 2))
    with pytest.raises(TypeError, match='not a fitted amortized explainer'): AmortizedPhi(object())
    with pytest.raises(ValueError, match='refit_every must be'): AmortizedPhi(type('E', (), {'_scores': None, 'features': tr.features})(), refit_every=0)
