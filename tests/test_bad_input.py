"""What a user sees when they get something wrong: one table of bad inputs and the message each one gets.

Each row is (what the user did, the call, the exception type, a piece of the message). The messages name the bad value
and say what would be valid; none of these fails deep inside a matmul, and none passes silently.
"""
import os, socket
import numpy as np
import pytest
import torch
from torch import nn

from amortex.core import TabularFeatures, Explanation, get_device
from amortex.blackbox import BlackBox
from amortex.data import load, find_file, DataNotFoundError
from amortex.explainers import L2X, AIM, NotFittedError
from amortex.baselines import LIME, Saliency
from amortex.metrics import posthoc_accuracy, median_rank, evaluate
from amortex.testing import XorModel, toy_tabular
from amortex.train import TrainingDiverged
from amortex.cli import main


@pytest.fixture(scope='module')
def case():
    "A fitted L2X on the XOR toy, its black box and data."
    torch.manual_seed(0)
    tr, va = toy_tabular(1500, seed=0), toy_tabular(200, seed=1)
    bb = BlackBox(XorModel(0, 3), n_classes=2)
    ex = L2X(tr.features, 2, k=2)
    ex.fit(bb, tr, va, epochs=2, batch_size=100, progress=False)
    return ex, bb, tr, va


def _nan(x, rows):
    x = x.clone(); x[rows, 0] = float('nan'); return x


class _Diverges(L2X):
    def training_step(self, batch, trainer): return {'loss': torch.tensor(float('nan'))}


BAD = [
    # what the user did                                    call (given the fitted case)                                                     error          message contains
    ("NaN in the inputs to explain",                       lambda ex, bb, tr, va: ex.explain(_nan(va.x, [3, 7])),                            ValueError,    "x hold NaN or Inf in 2 of 200 rows (rows 3, 7)"),
    ("Inf in the training data",                           lambda ex, bb, tr, va: L2X(tr.features, 2, k=2).fit(bb, _nan(tr.x, [5]) * float('inf'), epochs=1, progress=False), ValueError, "train inputs hold NaN or Inf"),
    ("NaN in a metric's inputs",                           lambda ex, bb, tr, va: posthoc_accuracy(bb, _nan(va.x, [0]), Explanation(torch.rand(200, 6), 0, va.features), 2), ValueError, "rows 0"),
    ("NaN in an explanation's scores",                     lambda ex, bb, tr, va: median_rank(Explanation(torch.full((2, 6), float('nan')), 0, va.features), va.relevant[:2]), ValueError, "scores hold NaN in 2 of 2 rows"),
    ("a training run that diverges before its first epoch",lambda ex, bb, tr, va: _Diverges(tr.features, 2, k=2).fit(bb, tr, epochs=2, progress=False), TrainingDiverged, "before the first epoch finished"),
    ("an explainer never fitted",                          lambda ex, bb, tr, va: L2X(tr.features, 2, k=2).explain(va.x),                    NotFittedError, "has not been fitted"),
    ("inputs of the wrong shape",                          lambda ex, bb, tr, va: ex.explain(torch.randn(4, 9)),                             ValueError,    "expects x of shape [B, 6], got [4, 9]"),
    ("integer inputs for float features",                  lambda ex, bb, tr, va: ex.explain(torch.ones(4, 6, dtype=torch.long)),            TypeError,     "expects floating-point x"),
    ("a Python object as inputs",                          lambda ex, bb, tr, va: ex.explain('not an array'),                                TypeError,     "must be a torch.Tensor or a numpy array"),
    ("k larger than the number of features",               lambda ex, bb, tr, va: L2X(tr.features, 2, k=7),                                  ValueError,    "k must be an integer in [1, d=6]"),
    ("k = 0 in a metric",                                  lambda ex, bb, tr, va: posthoc_accuracy(bb, va.x, ex.explain(va.x), 0),           ValueError,    "k must be an integer in [1, d=6]"),
    ("a class the black box does not have",                lambda ex, bb, tr, va: ex.explain(va.x, target=5),                                IndexError,    "target classes must lie in [0, 2)"),
    ("an explainer built for another number of classes",   lambda ex, bb, tr, va: L2X(tr.features, 3, k=2).fit(bb, tr, epochs=1, progress=False), ValueError, "built for 3 classes but the black box has 2"),
    ("a masking rule that does not exist",                 lambda ex, bb, tr, va: TabularFeatures(6, how='blur'),                            ValueError,    "unknown masking rule how='blur'"),
    ("the mean rule without a training mean",              lambda ex, bb, tr, va: TabularFeatures(6, how='mean'),                            ValueError,    "needs the training mean"),
    ("a gradient method on a scikit-learn model",          lambda ex, bb, tr, va: Saliency(_sklearn(tr), tr.features),                       TypeError,     "not differentiable; LIME, KernelSHAP or Occlusion work with any black box"),
    ("an unknown data set",                                lambda ex, bb, tr, va: load('imagenet'),                                          KeyError,      "unknown dataset 'imagenet'; known datasets:"),
    ("an unknown option of a data set",                    lambda ex, bb, tr, va: load('xor', 'train', colour=True),                         TypeError,     "unknown option(s) 'colour' for data set 'xor'"),
    ("an unknown metric",                                  lambda ex, bb, tr, va: evaluate({'l2x': ex}, bb, va, metrics=('accuracy',), k=2, progress=False), KeyError, "unknown metric 'accuracy'; known metrics:"),
    ("a device this machine does not have",                lambda ex, bb, tr, va: get_device('cuda:7' if torch.cuda.is_available() else 'cuda'), ValueError, "is not available"),
]


def _sklearn(tr):
    from sklearn.ensemble import RandomForestClassifier
    return BlackBox(RandomForestClassifier(n_estimators=5, random_state=0).fit(tr.x.numpy(), tr.y.numpy()))


@pytest.mark.parametrize('what, call, exc, msg', BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_clearly(case, what, call, exc, msg):
    with pytest.raises(exc) as e: call(*case)
    assert msg in str(e.value), f"{what}: got {e.value!r}"


GOOD = [
    ("a numpy float64 array to explain",  lambda ex, bb, tr, va: ex.explain(va.x.double().numpy())),
    ("a float64 tensor to explain",       lambda ex, bb, tr, va: ex.explain(va.x.double())),
    ("a float64 tensor to fit",           lambda ex, bb, tr, va: L2X(tr.features, 2, k=2).fit(bb, tr.x.double(), epochs=1, progress=False) and None),
    ("a numpy array to a metric",         lambda ex, bb, tr, va: posthoc_accuracy(bb, va.x.numpy(), ex.explain(va.x), 2)),
]


@pytest.mark.parametrize('what, call', GOOD, ids=[g[0] for g in GOOD])
def test_converted_at_the_boundary(case, what, call):
    "numpy arrays and float64 tensors are converted once, where they enter, and give the float32 result."
    ex, bb, tr, va = case
    out = call(*case)
    if isinstance(out, Explanation): assert torch.equal(out.scores, ex.explain(va.x).scores) and out.x.dtype == torch.float32


def test_missing_data_with_no_network(tmp_path, monkeypatch):
    "A data file that is not in the data root nor the cache, and cannot be downloaded: the error says where to put it."
    monkeypatch.setenv('AMORTEX_DATA', str(tmp_path / 'root')); monkeypatch.setenv('AMORTEX_CACHE', str(tmp_path / 'cache'))
    with socket.socket() as s:  # a local port that nobody listens on: the download fails at once, as with no network
        s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    with pytest.raises(DataNotFoundError, match=r"neither in the data root .* and downloading it from http://127\.0\.0\.1:\d+/x\.csv failed.*AMORTEX_DATA"):
        find_file('tabular/x.csv', url=f'http://127.0.0.1:{port}/x.csv')


CLI = [
    (['bench', 'synthetic', '--datasets', 'mnist'], "unknown dataset 'mnist'; valid: xor, orange_skin, nonlinear_additive, switch"),
    (['bench', 'synthetic', '--methods', 'l2x,shapley'], "unknown method 'shapley'; valid: l2x, aim, meed, magnex, lime"),
    (['bench', 'synthetic', '--n-test', '0'], "--n-test must be >= 1, got 0"),
    (['bench', 'synthetic', '--n-train', '-5'], "--n-train must be >= 100, got -5"),
    (['bench', 'synthetic', '--seed', 'one'], "argument --seed: invalid int value: 'one'"),
    (['bench', 'synthetic', '--device', 'tpu'], "--device: unknown device 'tpu'"),
    (['reproduce', 'l2x', '--parts', 'cifar10'], "unknown part 'cifar10'; valid: synthetic, imdb, mnist"),
    (['reproduce', 'magnex', '--parts', 'bert'], "unknown part 'bert'; valid: rf, cnn, imdb, sweep"),
    (['reproduce', 'shap'], "argument paper: invalid choice: 'shap'"),
]
if not torch.cuda.is_available(): CLI.append((['bench', 'synthetic', '--device', 'cuda'], "--device: device 'cuda' is not available"))


@pytest.mark.parametrize('argv, msg', CLI, ids=[' '.join(a) for a, _ in CLI])
def test_cli_user_errors_are_one_line(argv, msg, capsys):
    try: code = main(argv)
    except SystemExit as e: code = e.code
    err = capsys.readouterr().err
    assert code == 2 and msg in err and len(err.strip().splitlines()) == 1, err


def test_cli_unwritable_out_is_refused_before_work(tmp_path, capsys):
    "An --out that cannot be created (here under a file; as root, permissions would not stop it) fails at once, not after the run."
    f = tmp_path / 'a_file'; f.write_text('')
    target = f / 'results'
    assert main(['bench', 'synthetic', '--quick', '--out', str(target)]) == 2
    err = capsys.readouterr().err
    assert f"--out '{target}' is not a writable directory" in err and len(err.strip().splitlines()) == 1


def test_cli_out_file_is_refused_before_work(tmp_path, capsys):
    f = tmp_path / 'synthetic.csv'; f.write_text('')
    assert main(['bench', 'synthetic', '--quick', '--out', str(f)]) == 2
    assert "takes a directory" in capsys.readouterr().err
