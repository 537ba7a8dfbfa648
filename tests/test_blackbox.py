"Integration tests for amortex.zoo: the zoo's train-and-cache path on real (small) data."
import os, pathlib
_shared = pathlib.Path(__file__).resolve().parents[1].parent / 'shared' / 'data'
if _shared.exists(): os.environ.setdefault('AMORTEX_DATA', str(_shared))

import pytest, torch
from amortex.blackbox import BlackBox
from amortex.zoo import get_blackbox, ZOO, lookup, _SKLEARN_MEMO
from amortex.train import train_classifier
from amortex.data import load

FAST = dict(progress=False, verbose=False)


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_synthetic_mlp_trains_and_caches(tmp_path):
    kw = dict(n=4000, recipe=dict(epochs=4), cache=tmp_path, **FAST)
    bb = get_blackbox('l2x_synthetic_mlp', 'orange_skin', **kw)
    assert bb.meta['source'].startswith('saved') and bb.meta['epochs'] <= 4
    # orange skin is easy: well above chance after a few epochs
    assert bb.meta['test_acc'] > 0.75, bb.meta
    ck = list((tmp_path / 'blackboxes').glob('l2x_synthetic_mlp-orange_skin-*.pt'))
    assert len(ck) == 1
    saved = torch.load(ck[0], weights_only=True)
    assert set(saved) == {'state_dict', 'config', 'meta'}
    assert saved['config']['data_options']['n'] == 4000 and saved['config']['recipe']['epochs'] == 4
    # second call: loaded, same function, same reported accuracy
    bb2 = get_blackbox('l2x_synthetic_mlp', 'orange_skin', **kw)
    assert bb2.meta['source'].startswith('loaded')
    test = load('orange_skin', 'test', n=4000)
    assert torch.allclose(bb(test.x), bb2(test.x), atol=1e-6)
    assert bb2.meta['test_acc'] == pytest.approx(bb2.accuracy(test))
    # retrain=True trains again (seeded: the same weights) and overwrites the file
    bb3 = get_blackbox('l2x_synthetic_mlp', 'orange_skin', retrain=True, **kw)
    assert bb3.meta['source'].startswith('saved')
    assert torch.allclose(bb3(test.x), bb(test.x), atol=1e-5)
    # another seed is another checkpoint
    get_blackbox('l2x_synthetic_mlp', 'orange_skin', seed=1, **kw)
    assert len(list((tmp_path / 'blackboxes').glob('*.pt'))) == 2


def test_changed_data_is_a_new_checkpoint(tmp_path):
    "The cache key covers the data: other loader options never reuse a checkpoint trained on other data."
    get_blackbox('l2x_synthetic_mlp', 'xor', n=1000, recipe=dict(epochs=1), cache=tmp_path, **FAST)
    bb = get_blackbox('l2x_synthetic_mlp', 'xor', n=1000, seed=0, recipe=dict(epochs=1), cache=tmp_path, **FAST)
    assert bb.meta['source'].startswith('loaded')
    bb = get_blackbox('l2x_synthetic_mlp', 'xor', n=1200, recipe=dict(epochs=1), cache=tmp_path, **FAST)
    assert bb.meta['source'].startswith('saved')


def test_tampered_checkpoint_is_refused(tmp_path):
    kw = dict(n=800, recipe=dict(epochs=1), cache=tmp_path, **FAST)
    get_blackbox('l2x_synthetic_mlp', 'switch', **kw)
    (path,) = (tmp_path / 'blackboxes').glob('*.pt')
    ck = torch.load(path, weights_only=True)
    torch.save({**ck, 'config': {**ck['config'], 'recipe': {**ck['config']['recipe'], 'lr': 1.0}}}, path)
    with pytest.raises(ValueError, match='different config'):
        get_blackbox('l2x_synthetic_mlp', 'switch', **kw)
    # retrain=True replaces it
    assert get_blackbox('l2x_synthetic_mlp', 'switch', retrain=True, **kw).meta['source'].startswith('saved')
    assert get_blackbox('l2x_synthetic_mlp', 'switch', **kw).meta['source'].startswith('loaded')


def test_random_forest_on_tabular(tmp_path):
    bb = get_blackbox('random_forest', 'admission', cache=tmp_path, **FAST)
    assert not bb.differentiable and bb.n_classes == 2
    assert bb.meta['test_acc'] > 0.75, bb.meta
    test = load('admission', 'test')
    p = bb(test.x)
    assert p.shape == (len(test), 2) and torch.allclose(p.sum(1), torch.ones(len(test)))
    assert bb.meta['test_acc'] == pytest.approx(bb.accuracy(test))
    with pytest.raises(TypeError, match='gradient methods need a torch model'):
        bb.forward_grad(test.x)
    with pytest.raises(ValueError, match=r'shape \[B, '):
        bb(test.x[:, :3])  # features are checked
    # fitted once per process, pickled to the cache for the next one
    assert get_blackbox('random_forest', 'admission', cache=tmp_path, **FAST).model is bb.model
    (path,) = (tmp_path / 'blackboxes').glob('random_forest-admission-*.joblib')
    _SKLEARN_MEMO.clear()
    bb2 = get_blackbox('random_forest', 'admission', cache=tmp_path, **FAST)
    assert bb2.meta['source'].startswith('loaded') and bb2.model is not bb.model
    assert torch.equal(bb2(test.x), p)


def test_logistic_regression_adult(tmp_path):
    bb = get_blackbox('logistic_regression', 'adult', cache=tmp_path, **FAST)
    assert bb.meta['test_acc'] > 0.8, bb.meta


def test_text_blackbox_end_to_end(tmp_path):
    "A word CNN on AG News (short sequences, two epochs): ids in, four-class probabilities out, robust to all-PAD inputs."
    bb = get_blackbox('aim_agnews_cnn', 'ag_news', maxlen=40, recipe=dict(epochs=2, batch_size=32), cache=tmp_path, **FAST)
    test = load('ag_news', 'test', max_vocab=None, min_freq=5, maxlen=40, side='post')
    assert bb.n_classes == 4 and bb.meta['test_acc'] > 0.4, bb.meta
    p = bb.predict_dataset(test)
    assert p.shape == (len(test), 4) and bb.predict_dataset(test) is p
    masked = test.features.hard(test.x[:8], torch.zeros(8, 40))
    assert (masked == 0).all() and torch.isfinite(bb(masked)).all()


def test_every_zoo_entry_has_a_builder():
    for name, e in ZOO.items():
        assert callable(lookup('blackbox', e.builder)), name
        assert e.datasets, name
