"Integration tests for amortex.explainers.aim (AIM, Vo et al. 2023) on problems with known answers."
import pytest, torch
from torch import nn
from amortex.core import TabularFeatures, seed_everything, lookup
from amortex.blackbox import BlackBox
from amortex.explainers.aim import AIM
from amortex.reproduce.aim import AIM_PAPER_SETTINGS
from amortex.testing import XorModel, toy_tabular, toy_text, WordModel, toy_images, PatchModel

FAST = dict(batch_size=100, progress=False)


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope='module')
def xor():
    "A fitted AIM on the XOR toy (noise masking), shared by several tests."
    torch.set_num_threads(1)
    seed_everything(2)
    tr, va = toy_tabular(6000, seed=4, how='noise'), toy_tabular(1000, seed=5, how='noise')
    bb = BlackBox(XorModel(0, 3), n_classes=2)
    ex = AIM(tr.features, 2)
    ex.fit(bb, tr, va, epochs=10, seed=2, **FAST)
    return ex, bb, tr, va


def _pair_hit(expl, relevant, k=2):
    return (expl.topk(k) & relevant).sum(1).eq(k).float()


def test_registered():
    assert lookup('explainer', 'aim') is AIM
    assert set(AIM_PAPER_SETTINGS) >= {'imdb', 'hatexplain', 'ag_news', 'mnist'}


def test_xor_top2_of_predicted_class_column(xor):
    ex, bb, tr, va = xor
    e = ex.explain(va.x)
    assert e.scores.shape == (1000, 6, 2) and e.multiclass
    assert torch.equal(e.target, bb.predict(va.x))
    hit = _pair_hit(e, va.relevant)
    assert hit.mean() > 0.8, hit.mean()
    # both classes are explained, not only the majority
    assert hit[e.pred == 0].mean() > 0.7 and hit[e.pred == 1].mean() > 0.7


def test_multiclass_for_class_ranks_own_feature_first():
    class ThreeWay(nn.Module):
        def forward(self, x): return 5 * x[:, :3]  # class c depends on feature c only
    seed_everything(2)
    X, Xv = torch.rand(3000, 6), torch.rand(600, 6)
    bb = BlackBox(ThreeWay(), n_classes=3)
    ex = AIM(TabularFeatures(6), 3)
    ex.fit(bb, X, Xv, epochs=5, seed=2, **FAST)
    e = ex.explain(Xv)
    for c in range(3):
        ec = e.for_class(c)
        assert torch.equal(ec.scores, e.scores[:, :, c]) and (ec.target == c).all()
        assert (ec.ranks()[:, c] == 1).float().mean() > 0.8
    # an explicit target picks the same column
    assert torch.equal(ex.explain(Xv[:20], target=1).target_scores, e.scores[:20, :, 1])
    # Captum-style attribute: the target column laid out like the input
    assert torch.equal(ex.attribute(Xv[:20], target=2), e.scores[:20, :, 2])


def test_text_signal_word_is_picked():
    seed_everything(3)
    tr, va = toy_text(2000, maxlen=20, vocab_size=30, word=7, seed=4, how='compact'), toy_text(400, maxlen=20, vocab_size=30, word=7, seed=5, how='compact')
    small = dict(explainer=dict(emb=16, hidden=(32,)), selector=dict(emb=16, hidden=16, dense=(16,)), approximator=dict(emb=16, channels=32))
    ex = AIM(tr.features, 2, **small)
    ex.fit(BlackBox(WordModel(7), n_classes=2), tr, va, epochs=5, seed=3, batch_size=50, progress=False)
    e = ex.explain(va.x)
    has7 = va.relevant.any(1)
    assert (e.topk(1) & va.relevant)[has7].any(1).float().mean() > 0.9
    assert not (e.topk(5) & (va.x == 0)).any()


@pytest.mark.parametrize('image_nets', ['context', 'patchwise'])
def test_images_relevant_patch(image_nets):
    seed_everything(4)
    tr, va = toy_images(1500, seed=6), toy_images(400, seed=7)
    bb = BlackBox(PatchModel(tr.features, 5), n_classes=2)
    nets = {} if image_nets == 'context' else \
           dict(explainer=dict(channels=(16, 16), hidden=(32,)), selector=dict(channels=(16, 16), hidden=(32,)))
    ex = AIM(tr.features, 2, image_nets=image_nets, approximator=dict(channels=(16,), hidden=32), **nets)
    # the whole-image networks learn this toy more slowly (seed 4: 0.5% after 5 epochs, 99% after 10)
    ex.fit(bb, tr, va, epochs=10 if image_nets == 'context' else 5, seed=4, **FAST)
    e = ex.explain(va.x)
    bright = e.pred == 1
    assert (e.topk(1) & va.relevant)[bright].any(1).float().mean() > 0.9


def test_sklearn_random_forest_black_box():
    from sklearn.ensemble import RandomForestClassifier
    seed_everything(5)
    tr, va = toy_tabular(6000, seed=8, how='noise'), toy_tabular(600, seed=9, how='noise')
    rf = BlackBox(RandomForestClassifier(n_estimators=30, min_samples_leaf=5, random_state=0).fit(tr.x.numpy(), tr.y.numpy()))
    assert not rf.differentiable
    ex = AIM(tr.features, 2)
    ex.fit(rf, tr, va, epochs=6, seed=5, **FAST)
    assert _pair_hit(ex.explain(va.x), va.relevant).mean() > 0.65


class _Spy(nn.Module):
    "XOR black box that records every batch it is asked about."
    def __init__(self):
        super().__init__(); self.seen = []; self.xor = XorModel(0, 3)
    def forward(self, x):
        self.seen.append(x.detach().clone()); return self.xor(x)


def test_black_box_only_sees_hard_masks():
    seed_everything(6)
    # entries in {1, 2, 3}: a zero-masked query may only hold these values or 0; a relaxed mask would leave fractions
    X = torch.randint(1, 4, (400, 6)).float() * torch.where(torch.rand(400, 6) < 0.5, -1., 1.)
    spy = _Spy(); bb = BlackBox(spy, n_classes=2)
    ex = AIM(TabularFeatures(6), 2, random_l1=0)  # the paper's objective
    ex.fit(bb, X, epochs=2, **FAST)
    queries = torch.cat(spy.seen)
    assert queries.shape[0] == 400 + 2 * 400  # P_m(y|x) once, then one query per training sample and epoch
    spy.seen.clear()
    AIM(TabularFeatures(6), 2).fit(bb, X, epochs=2, **FAST)  # the default adds L1 on random masks: a second query per sample and epoch
    queries = torch.cat(spy.seen)
    assert queries.shape[0] == 2 * 2 * 400  # (P_m(y|x) of X is cached from the first fit)
    assert torch.isin(queries.abs(), torch.tensor([0., 1., 2., 3.])).all()
    assert (queries == 0).any()  # features were removed


def test_variants_and_inference():
    seed_everything(7)
    tr = toy_tabular(1000, seed=10, how='noise')
    spy = _Spy(); bb = BlackBox(spy, n_classes=2)
    so = AIM(tr.features, 2, variant='selector_only')
    so.fit(bb, tr.x, epochs=1, **FAST)
    assert len(torch.cat(spy.seen)) == 1000  # selector only: no black-box queries beyond P_m(y|x)
    assert so.explainer is None and so.inference == 'selector'
    assert so.explain(tr.x[:5]).scores.shape == (5, 6)
    eo = AIM(tr.features, 2, variant='explainer_only')
    eo.fit(bb, tr.x, epochs=1, **FAST)
    assert eo.selector is None and eo.approximator is None
    assert eo.explain(tr.x[:5]).scores.shape == (5, 6, 2)
    with pytest.raises(ValueError, match='trains no selector'): eo.inference = 'selector'
    with pytest.raises(ValueError, match='trains no explainer'): so.inference = 'W'


def test_tau_matters():
    seed_everything(8)
    ex = AIM(TabularFeatures(5), 2, tau=0.2)
    x = torch.randn(2000, 5)
    with torch.no_grad():
        cold, zc = ex.sample(x)
        ex.sampler.tau = 10.
        hot, zh = ex.sample(x)
    assert (cold - 0.5).abs().mean() > 0.3 > 0.1 > (hot - 0.5).abs().mean()
    # the hard masks for the black box are Bernoulli(π) at every τ
    assert abs(zc.mean() - zh.mean()) < 0.03


def test_save_load_roundtrip_and_refusals(xor, tmp_path):
    ex, bb, tr, va = xor
    path = ex.save(tmp_path / 'aim.pt')
    ex2 = AIM.load(path, blackbox=bb)
    assert torch.equal(ex2.explain(va.x[:50]).scores, ex.explain(va.x[:50]).scores)
    ex2.inference = 'selector'  # one checkpoint, both inference rules
    assert ex2.explain(va.x[:50]).scores.shape == (50, 6)
    with pytest.raises(ValueError, match='another configuration'):
        AIM(toy_tabular(10).features, 2).load_checkpoint(path)  # the task's masking rule is part of the configuration
    with pytest.raises(ValueError, match='another configuration'):
        AIM(tr.features, 2, variant='selector_only').load_checkpoint(path)


def test_bad_input(xor):
    ex, bb, tr, va = xor
    with pytest.raises(IndexError, match=r'target classes must lie in \[0, 2\)'): ex.explain(va.x[:4], target=2)
    with pytest.raises(IndexError, match='out of range'): ex.explain(va.x[:4]).for_class(-1)
    with pytest.raises(ValueError, match=r'k must be an integer in \[1, d=6\]'): ex.explain(va.x[:4]).topk(7)
    bb3 = BlackBox(nn.Linear(6, 3), n_classes=3)
    with pytest.raises(ValueError, match='built for 2 classes but the black box has 3'): ex.attach(bb3)
    with pytest.raises(ValueError, match='built for 3 classes but the black box has 2'): AIM(tr.features, 3).fit(bb, tr)
    with pytest.raises(TypeError, match="unexpected keyword argument 'how'"): AIM(tr.features, 2, how='mean')  # the rule is the task's
    with pytest.raises(ValueError, match='variant must be one of'): AIM(tr.features, 2, variant='lime')
    with pytest.raises(ValueError, match=r'shape \[B, 6\]'): ex.explain(torch.randn(3, 7))


def test_benchmark_table_and_class_specific_faithfulness(xor):
    from amortex.metrics import evaluate, posthoc_accuracy
    ex, bb, tr, va = xor
    from amortex.baselines import baseline
    df = evaluate({'aim': ex, 'random': baseline('random', bb, va.features, seed=0)}, bb, va, metrics=('posthoc_accuracy',), k=2, how='noise', progress=False)
    # XOR of features 0 and 3 with the others noise: 2 random features of 6 rarely hold the pair, AIM's top 2 do
    assert df.loc['aim', 'posthoc_accuracy'] > df.loc['random', 'posthoc_accuracy'] + 0.2, df.to_string()
    e = ex.explain(va.x[:200])
    own = posthoc_accuracy(bb, va.x[:200], e, k=2, how='noise', against='target')
    assert own.shape == (200,) and own.float().mean() > 0.7
