"""`explore` and the stepper take explanations of every explainer and baseline in the library, on each `Features` kind.

Small fits on the toy tasks of `amortex.testing` (seconds): the widgets must render each method, mark what its controls say
(the top-k, or the explainer's own kept set), and refuse inputs they cannot draw with a clear message."""
import pytest
import torch
from amortex.core import REGISTRY, seed_everything, lookup
from amortex.blackbox import BlackBox
from amortex.baselines import baseline
from amortex.testing import toy_tabular, toy_images, toy_text, XorModel, PatchModel, WordModel
from amortex.widgets import explore, InsDelStepper, Explorer
import amortex.baselines, amortex.explainers  # noqa: F401  (fill the registry)

AMORTIZED = sorted(REGISTRY['explainer'])
BASELINES = sorted(REGISTRY['baseline'])


@pytest.fixture(scope='module')
def tabular():
    seed_everything(0)
    tr, va = toy_tabular(1500, seed=0), toy_tabular(100, seed=1)
    return tr, va, BlackBox(XorModel(0, 3), n_classes=2)


def _fit(name, features, bb, tr, va):
    ex = lookup('explainer', name)(features, 2, **({'k': 2} if name in ('l2x', 'meed') else {}))
    ex.fit(bb, tr, va, epochs=2, batch_size=100, progress=False)
    return ex


@pytest.mark.parametrize('name', AMORTIZED + BASELINES)
def test_explore_every_method_tabular(tabular, name):
    tr, va, bb = tabular
    ex = _fit(name, tr.features, bb, tr, va) if name in AMORTIZED else baseline(name, bb, tr.features, **({'seed': 0} if name in ('lime', 'kernel_shap', 'random') else {}))
    x = va.x[:6]
    w = explore({name: ex}, x=x, bb=bb, k=2)
    e, mask = w.current()
    if e.kept is not None and w.use_kept.value:  # MAGNEx: its own set by default
        assert torch.equal(mask, e.kept[0].cpu())
    else:
        assert torch.equal(mask, e[0].topk(2)[0].cpu())
    assert '<img ' in w.view.value and 'P(' in w.view.value
    w.sample.value = 5; assert w.shown['sample'] == 5
    st = InsDelStepper(bb, {name: e}); st.step.value = st.steps
    assert int(st.shown['present'].sum()) == 0


def test_explore_images_and_text():
    seed_everything(0)
    im = toy_images(300, seed=1); bbi = BlackBox(PatchModel(im.features, 5), n_classes=2)
    tx = toy_text(50, seed=1); bbt = BlackBox(WordModel(7), n_classes=2)
    for name in ('occlusion', 'integrated_gradients', 'lime'):
        w = explore({name: baseline(name, bbi, im.features, **({'seed': 0} if name == 'lime' else {}))}, x=im.x[:4], bb=bbi, k=3)
        assert w.kind == 'patches' and int(w.shown['mask'].sum()) == 3 and w.view.value.count('<img ') == 1
    w = explore({'occlusion': baseline('occlusion', bbt, tx.features)}, x=tx.x[:4], bb=bbt, k=2)
    assert w.kind == 'tokens' and w.view.value.count('amortex-selected') == 2


def test_explore_bad_input(tabular):
    tr, va, bb = tabular
    e = baseline('occlusion', bb, tr.features).explain(va.x[:4])
    with pytest.raises(ValueError, match='non-empty dict'): explore({})
    with pytest.raises(TypeError, match='neither an Explanation nor an explainer'): explore({'a': 3})
    with pytest.raises(ValueError, match='k must be an integer'): explore(e, k=0)
    with pytest.raises(ValueError, match="'insertion' or 'deletion'"): InsDelStepper(bb, e, mode='up')
    assert isinstance(explore(e), Explorer)  # no black box: the caption says what is shown, without probabilities
