"""Tests for amortex.metrics.text: AIM's word-level metrics (purity, brevity, IoU stability) and the multi-class pair
(class-specific faithfulness, pairwise IoU) on hand-made cases with known answers, batched-vs-loop checks, and `evaluate`."""
import itertools
import math
import os
import random

import pytest
import torch
from torch import nn

os.environ.setdefault('NLTK_DATA', '/work/shared/data/nltk_data')

from amortex.core import Explanation, TokenFeatures, TabularFeatures, REGISTRY, seed_everything
from amortex.data import Vocab
from amortex.blackbox import BlackBox
from amortex.metrics import evaluate, metric
from amortex.metrics import text as T

VOC = Vocab(['<pad>', '<unk>', 'the', 'good', 'great', 'movie', '.', 'bad', 'film', 'well'])
L = 6
TOK = TokenFeatures(L, pad_id=0, vocab=VOC)


def ids(*texts, maxlen=L):
    rows = [VOC.encode(t.split()) for t in texts]
    return torch.tensor([r + [0] * (maxlen - len(r)) for r in rows])


def expl_of(scores, x, target=0, features=TOK):
    return Explanation(torch.as_tensor(scores, dtype=torch.float), target, features, x=x)


class BagOfWords(nn.Module):
    def __init__(self, W):
        super().__init__()
        self.emb = nn.Embedding(*W.shape, padding_idx=0)
        with torch.no_grad(): self.emb.weight.copy_(W)

    def forward(self, x): return self.emb(x).sum(1)


class WordTable:
    "Explainer: a fixed score per word, the same in every text (so perfectly 'stable')."
    name = 'word_table'

    def __init__(self, bb, table, features=TOK):
        self.blackbox, self.table, self.features = bb, torch.as_tensor(table, dtype=torch.float), features

    def explain(self, x, target=None):
        pred = self.blackbox.predict(x)
        return Explanation(self.table[x], pred if target is None else target, self.features, pred, x)


def nan_equal(a, b, eps=1e-5):
    a, b = torch.as_tensor(a).float(), torch.as_tensor(b).float()
    return torch.equal(a.isnan(), b.isnan()) and torch.allclose(a.nan_to_num(), b.nan_to_num(), atol=eps)


# ---------------------------------------------------------------- purity
def test_purity_hand_case():
    x = ids('the good movie .')
    e = expl_of([[9., 8, 1, 7, 0, 0]], x)
    assert T.topk_words(e, 3) == [['the', 'good', '.']]
    assert torch.allclose(T.purity(e, 3), torch.tensor([2 / 3]))
    assert torch.allclose(T.purity(e, 3, stopwords=()), torch.tensor([1 / 3]))  # '.' stays punctuation
    assert T.purity(e, 2).item() == pytest.approx(.5)


def test_purity_never_counts_pad_and_short_texts():
    x = ids('bad .')  # two words, four PAD positions with the highest scores
    e = expl_of([[1., 2, 9, 9, 9, 9]], x)
    assert T.topk_words(e, 5) == [['.', 'bad']]
    assert T.purity(e, 5).item() == pytest.approx(.5)  # denominator: the 2 words selected, not k
    assert T.purity(expl_of(torch.zeros(1, L), torch.zeros(1, L, dtype=torch.long)), 3).isnan().all()


def test_punctuation_definition():
    assert all(T.is_punctuation(w) for w in ['.', ',', '!', '?!', '“', '”', '…', '—', '(', '_'])
    assert not any(T.is_punctuation(w) for w in ['a', "don't", 'x1', '3', '<unk>', ''])
    sw = T.english_stopwords()
    assert len(sw) > 100 and {'the', 'a', 'is', 'not'} <= sw and 'movie' not in sw


# ---------------------------------------------------------------- brevity
def test_wordnet_facts_used_by_the_tests():
    assert T.wordnet_synonyms('movie', 'film')
    assert T.wordnet_synonyms('good', 'well')
    assert not T.wordnet_synonyms('good', 'great')  # WordNet 3.1: no shared synset
    assert not T.wordnet_synonyms('good', 'bad')
    assert T.wordnet_synonyms('movies', 'film')     # inflections go through morphy


def test_brevity_hand_cases():
    x = ids('good great movie', 'movie film', 'good well movie film', 'movie movie the the', 'bad bad bad')
    e = expl_of(torch.tensor([[6., 5, 4, 3, 2, 1]]).repeat(5, 1), x)
    assert T.brevity(e, 4).tolist() == [3., 1., 2., 2., 1.]
    assert T.brevity(e, 1).tolist() == [1.] * 5
    # the authors' bug (every WordNet word merges) would give 1 for the first text; a custom relation is honoured
    assert T.brevity(e, 3, synonyms=lambda a, b: True).tolist() == [1.] * 5


def test_union_find_matches_brute_force_components():
    rng = random.Random(0)
    for _ in range(200):
        words = [rng.choice('abcdefgh') for _ in range(rng.randint(1, 10))]
        edges = {frozenset(rng.sample('abcdefgh', 2)) for _ in range(rng.randint(0, 6))}
        rel = lambda a, b: frozenset((a, b)) in edges
        # brute force: repeated merging until nothing changes
        comps = [{w} for w in dict.fromkeys(words)]
        changed = True
        while changed:
            changed = False
            for i, j in itertools.combinations(range(len(comps)), 2):
                if any(rel(a, b) for a in comps[i] for b in comps[j]):
                    comps[i] |= comps.pop(j); changed = True; break
        got = T.word_clusters(words, rel)
        assert sorted(map(sorted, got)) == sorted(map(sorted, comps))


def test_unk_never_merges():
    assert len(T.word_clusters(['<unk>', '<unk>', 'movie', 'film'])) == 3


# ---------------------------------------------------------------- stability
def _bb2():
    W = torch.zeros(10, 2); W[[3, 4], 1] = 2.; W[7, 0] = 2.  # positive iff good/great
    return BlackBox(BagOfWords(W))


def test_iou_identical_and_disjoint_sets():
    bb = _bb2()
    table = torch.tensor([0., 0, 1, 5, 4, 3, .5, 6, 2, 2.5])
    ex = WordTable(bb, table)
    # text 0 and 1: the same words in another order -> identical sets (IoU 1);
    # text 2 and 3: positive, no word in common with each other -> IoU 0
    x = ids('good movie', 'movie good', 'great well', 'good film')
    assert bb.predict(x).tolist() == [1, 1, 1, 1]
    pool = T.NeighbourPool(x, bb)
    nb = pool.neighbours(x, pool.pred, 1, 0)
    assert nb == [[1], [0], [0], [0]]  # text 2 shares no token with anyone: the lowest index wins the tie
    got = T.iou_stability(ex, x, 2, pool=pool, n_lexical=1, n_semantic=0)
    # 2: {great, well} vs {good, film} -> 0; 3: {good, film} vs {good, movie} -> 1/3
    assert torch.allclose(got, torch.tensor([1., 1., 0., 1 / 3]))
    assert T.set_iou({'a'}, {'a'}) == 1 and T.set_iou({'a'}, {'b'}) == 0 and T.set_iou(set(), set()) == 0


def test_iou_same_label_and_stopwords():
    bb = _bb2()
    x = ids('the good movie .', 'the good film .', 'great movie', 'bad movie .')
    first = WordTable(bb, torch.zeros(10))  # all ties -> first positions
    got = T.iou_stability(first, x, 2, n_lexical=1, n_semantic=0)
    assert nan_equal(got, [1., 1., 0., float('nan')])  # 'bad movie .' has no same-label neighbour
    # with pred/neighbours given explicitly the black box is not needed
    e = first.explain(x)
    assert nan_equal(T.iou_stability(first, x, 2, expl=e, pool=T.NeighbourPool(x, pred=e.pred), n_lexical=1, n_semantic=0), got)


def test_semantic_neighbours_use_the_embedding():
    bb = _bb2()
    x = ids('the good movie .', 'the good film .', 'great movie', 'bad movie .')
    E = torch.zeros(10, 2); E[[3, 4], 0] = 1.; E[5, 1] = 1.; E[8, 1] = -1.
    assert T.NeighbourPool(x, bb, embedding=E).neighbours(x, bb.predict(x), 0, 1) == [[2], [0], [0], []]
    # a custom sentence embedding callable wins over the matrix
    emb = lambda t: torch.stack([(t == 8).any(1).float(), torch.ones(len(t))], 1)  # 'film' or not
    assert T.NeighbourPool(x, bb, embed=emb).neighbours(x[:1], torch.tensor([1]), 0, 1) == [[2]]
    # default: the black box's own nn.Embedding, mean-pooled over non-PAD tokens
    p = T.NeighbourPool(x, bb)
    assert torch.allclose(p.embed(x[:1]), bb.model.emb.weight[[2, 3, 5, 6]].mean(0, keepdim=True))


def test_lexical_similarity_matches_python_sets():
    g = torch.Generator().manual_seed(0)
    a = torch.randint(0, 10, (7, L), generator=g); b = torch.randint(0, 10, (9, L), generator=g)
    a[0] = 0  # an empty text
    got = T.lexical_similarity(a, b)
    for i in range(7):
        for j in range(9):
            sa, sb = set(a[i].tolist()) - {0}, set(b[j].tolist()) - {0}
            want = len(sa & sb) / len(sa | sb) if sa | sb else 0.
            assert got[i, j].item() == pytest.approx(want)


def test_iou_batched_equals_per_sample_and_cache():
    seed_everything(0)
    bb = _bb2()
    g = torch.Generator().manual_seed(1)
    x = torch.randint(2, 10, (40, L), generator=g); x[::3, 4:] = 0
    ex = WordTable(bb, torch.rand(10, generator=g))
    pool = T.NeighbourPool(x, bb)
    full = T.iou_stability(ex, x, 3, pool=pool, n_lexical=3, n_semantic=3)
    one = torch.cat([T.iou_stability(ex, x[i:i+1], 3, pool=pool, n_lexical=3, n_semantic=3) for i in range(len(x))])
    assert nan_equal(full, one)
    # neighbours are distinct, of the same label, never the text itself
    nb = pool.neighbours(x, pool.pred, 3, 3)
    for i, js in enumerate(nb):
        assert len(js) == len(set(js)) and i not in js and all(pool.pred[j] == pool.pred[i] for j in js)


# ---------------------------------------------------------------- multi-class
def _bb3():
    W = torch.zeros(10, 3); W[7, 0] = W[3, 1] = W[5, 2] = 4.  # class j depends on one word: bad / good / movie
    return BlackBox(BagOfWords(W))


def _columns(x, words):
    return torch.stack([(x == VOC.stoi[w]).float() for w in words], 2)


def test_class_specific_faithfulness_linear_toy():
    bb = _bb3()
    x = ids('the bad good movie', 'good movie . the bad', 'movie bad good')
    right = Explanation(_columns(x, ['bad', 'good', 'movie']), 0, TOK, x=x)
    wrong = Explanation(_columns(x, ['the', 'the', 'the']), 0, TOK, x=x)
    assert torch.equal(T.class_specific_faithfulness(bb, x, right, 1), torch.ones(3, 3))
    assert torch.equal(T.class_specific_faithfulness(bb, x, wrong, 1)[:2], torch.tensor([[1., 0, 0], [1., 0, 0]]))
    assert torch.equal(T.per_class_mean(T.class_specific_faithfulness(bb, x, right, 1)), torch.ones(3))
    swapped = Explanation(_columns(x, ['good', 'bad', 'movie']), 0, TOK, x=x)
    assert torch.equal(T.per_class_mean(T.class_specific_faithfulness(bb, x, swapped, 1)), torch.tensor([0., 0, 1]))


def test_pairwise_iou_matches_loop():
    g = torch.Generator().manual_seed(2)
    x = torch.randint(2, 10, (12, L), generator=g); x[::4, 3:] = 0
    S = torch.randn(12, L, 4, generator=g)
    e = Explanation(S, 0, TOK, x=x)
    got = T.pairwise_iou(e, 2)
    for b in range(12):
        valid = set(i for i in range(L) if x[b, i] != 0)
        sets = [set(torch.nonzero(e.for_class(c)[b].topk(2)[0]).flatten().tolist()) & valid for c in range(4)]
        want = sum(T.set_iou(sets[i], sets[j]) for i, j in itertools.combinations(range(4), 2)) / 6
        assert got[b].item() == pytest.approx(want)
    assert torch.equal(T.pairwise_iou(Explanation(_columns(x, ['bad', 'bad']), 0, TOK, x=x), 1), torch.ones(12))


def test_explain_classes_with_a_real_baseline():
    from amortex.baselines import baseline
    bb = _bb3()
    x = ids('the bad good movie', 'good movie . the bad')
    occ = baseline('occlusion', bb, TOK)
    em = T.explain_classes(occ, x)
    assert em.scores.shape == (2, L, 3) and em.x is x
    assert torch.equal(T.class_specific_faithfulness(bb, x, em, 1), torch.ones(2, 3))
    assert torch.equal(T.pairwise_iou(em, 1), torch.zeros(2))
    # purity / brevity / stability on a baseline's 2-D explanation
    e = occ.explain(x)
    assert T.topk_words(e, 1) == [['bad'], ['bad']]  # both predicted class 0 (ties -> 0), carried by 'bad'
    assert T.purity(e, 1).tolist() == [0., 0.]
    assert T.iou_stability(occ, x, 1, n_lexical=1, n_semantic=1).tolist() == [1., 1.]


# ---------------------------------------------------------------- 2-D vs 3-D, errors
def test_target_column_of_multiclass_scores():
    x = ids('the good movie .', 'great film well the .')
    s = torch.randn(2, L)
    W = torch.stack([torch.randn(2, L), s], 2)
    a, b = expl_of(s, x), Explanation(W, 1, TOK, x=x)
    for k in (1, 3, 5):
        assert nan_equal(T.purity(a, k), T.purity(b, k))
        assert torch.equal(T.brevity(a, k), T.brevity(b, k))
        assert T.topk_words(a, k) == T.topk_words(b, k)


def test_clear_errors():
    x = ids('the good movie .')
    e = expl_of([[9., 8, 1, 7, 0, 0]], x)
    tab = Explanation(torch.randn(1, 4), 0, TabularFeatures(4))
    for fn in (T.purity, T.brevity, T.topk_words):
        with pytest.raises(ValueError, match="needs a token explanation"): fn(tab, 1)
        with pytest.raises(ValueError, match=r"needs the token ids.*Explanation\.x"): fn(Explanation(e.scores, 0, TOK), 1)
        with pytest.raises(ValueError, match="needs a vocabulary"): fn(Explanation(e.scores, 0, TokenFeatures(L), x=x), 1)
        for k in (0, L + 1, 2.5):
            with pytest.raises(ValueError, match=r"k must be an integer in \[1, d=6\]"): fn(e, k)
    with pytest.raises(ValueError, match="iou_stability needs a token explanation"):
        T.iou_stability(object(), torch.randn(1, 4), 1, expl=tab)
    bb = _bb3()
    with pytest.raises(ValueError, match=r"needs multi-class explanations with scores \[B, d, C\].*explain_classes"):
        T.class_specific_faithfulness(bb, x, e, 1)
    with pytest.raises(ValueError, match="pairwise_iou needs multi-class"): T.pairwise_iou(e, 1)
    em = Explanation(_columns(x, ['bad', 'good', 'movie']), 0, TOK, x=x)
    with pytest.raises(ValueError, match="k must be an integer"): T.class_specific_faithfulness(bb, x, em, 7)
    with pytest.raises(ValueError, match="k must be an integer"): T.pairwise_iou(em, 0)
    with pytest.raises(ValueError, match="needs the black box"): T.NeighbourPool(x)
    with pytest.raises(ValueError, match="n_lexical \\+ n_semantic"): T.NeighbourPool(x, bb).neighbours(x, torch.tensor([0]), 0, 0)
    with pytest.raises(ValueError, match="no nn.Embedding"): T.NeighbourPool(x, pred=torch.tensor([0]), bb=lambda t: torch.ones(len(t), 2) / 2).neighbours(x, torch.tensor([1]), 0, 1)


# ---------------------------------------------------------------- registry and evaluate
def test_registered_and_directions():
    for name, hib in [('purity', False), ('brevity', False), ('iou_stability', True), ('class_faithfulness', True), ('pairwise_iou', False)]:
        assert name in REGISTRY['metric'] and metric(name).higher_is_better is hib


def test_evaluate_batches_agree_with_one_batch():
    bb = _bb2()
    g = torch.Generator().manual_seed(3)
    x = torch.randint(2, 10, (30, L), generator=g); x[::2, 4:] = 0
    ex = WordTable(bb, torch.rand(10, generator=g))
    pool = T.NeighbourPool(x, bb)
    ms = ('purity', 'brevity', 'iou_stability', 'class_faithfulness', 'pairwise_iou', 'posthoc_accuracy', 'log_odds_pos')
    d1, v1 = evaluate({'t': ex}, bb, x, metrics=ms, k=2, batch_size=7, pool=pool, progress=False, per_sample=True)
    d2, v2 = evaluate({'t': ex}, bb, x, metrics=ms, k=2, batch_size=64, pool=pool, progress=False, per_sample=True)
    for m in ms: assert nan_equal(v1['t'][m], v2['t'][m]), m
    assert v1['t']['class_faithfulness'].shape == (30, 2)  # [N, C]: one column per class
    cf = v1['t']['class_faithfulness'].reshape(30, 2).mean(0)
    assert d1.loc['t', 'class_faithfulness_0'] == pytest.approx(cf[0].item())
    assert d1.loc['t', 'class_faithfulness'] == pytest.approx(cf.mean().item())
    assert d1.loc['t', 'iou_stability'] == pytest.approx(T.iou_stability(ex, x, 2, pool=pool).nanmean().item(), abs=1e-6)


def test_l2x_text_explainer_end_to_end():
    """A trained L2X on the toy text task (the label is whether word 7 occurs) against random scores: the text metrics accept
    its 2-D explanations and tell the two apart, and brevity equals the number of distinct selected words (no synonyms here)."""
    from amortex.testing import toy_text, WordModel
    from amortex.explainers.l2x import L2X
    from amortex.baselines import baseline
    seed_everything(0)
    tr, te = toy_text(n=2500, maxlen=12, seed=0), toy_text(n=200, maxlen=12, seed=1)
    bb = BlackBox(WordModel(7), n_classes=2)
    ex = L2X(tr.features, 2, k=1, tau=0.5, optimizer='rmsprop')
    ex.fit(bb, tr, epochs=6, batch_size=50, progress=False)
    rnd = baseline('random', bb, te.features, seed=0)
    df = evaluate({'l2x': ex, 'random': rnd}, bb, te, metrics=('purity', 'brevity', 'iou_stability', 'posthoc_accuracy', 'class_faithfulness', 'pairwise_iou'),
                  k=2, progress=False, pool=T.NeighbourPool(te.x, bb, embedding=torch.eye(30)), n_semantic=5, n_lexical=5)
    assert (df['purity'] == 0.).all()  # toy words w2..w29 are no stopwords
    e = ex.explain(te.x)
    distinct = torch.tensor([float(len(set(w))) for w in T.topk_words(e, 2)])
    assert df.loc['l2x', 'brevity'] == pytest.approx(distinct.mean().item())
    # L2X keeps word 7 where it occurs: the black box keeps its prediction for every text, and same-label neighbours share
    # the selected word; random positions keep 'present' only when they hit word 7 (about 2 in 9)
    assert df.loc['l2x', 'posthoc_accuracy'] > df.loc['random', 'posthoc_accuracy'] + 0.2, df.to_string()
    # both ignore the explained class, so on two classes the black box agrees with exactly one of the two columns
    assert (df['class_faithfulness'] == 0.5).all(), df.to_string()
    assert df.loc['l2x', 'iou_stability'] > df.loc['random', 'iou_stability'] + 0.1, df.to_string()
    assert df.loc['l2x', 'pairwise_iou'] == 1.  # L2X's selection does not depend on the explained class
    print(df.to_string())
