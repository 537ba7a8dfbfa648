"""Every tutorial notebook runs end to end in quick mode (AMORTEX_FULL unset), and its results clear floors that a broken
explainer would not: each amortized explainer beats random scores on the same black box by a margin. The margins are about
half of what the quick sizes gave with seed 0 on the 2-core CPU (written beside each)."""
import os
from pathlib import Path
import pytest
from execnb.nbio import read_nb
from execnb.shell import CaptureShell

TUTORIALS = sorted((Path(__file__).resolve().parents[1] / 'nbs' / 'tutorials').glob('*.ipynb'))


def _above(table, row, col, floor_row, margin, what):
    got, floor = table.loc[row, col], table.loc[floor_row, col]
    print(f"{what}: {row} {col} = {got:.3f}, {floor_row} {floor:.3f}")
    assert got > floor + margin, f"{what}: {row} {col} = {got:.3f}, not above {floor_row}'s {floor:.3f} + {margin}\n{table.to_string()}"


def check_l2x(ns):
    t = ns['tables']
    # quick sizes, seed 0 (measured on the 2-core CPU): IMDB L2X 0.737 vs random 0.610; MNIST 3 vs 8 L2X 0.837 vs random 0.600
    _above(t['imdb'], 'l2x', 'posthoc_accuracy', 'random', 0.06, 'IMDB')
    _above(t['mnist'], 'l2x', 'posthoc_accuracy', 'random', 0.12, 'MNIST 3 vs 8')
    # median rank (lower is better), quick: L2X 1.50 / 2.50 / 2.98 / 3.17 against random 5.50 / 5.54 / 5.54 / 5.80
    for ds in ('xor', 'orange_skin', 'nonlinear_additive', 'switch'):
        d = t[f'synthetic_{ds}']
        print(f"{ds}: L2X median rank {d.loc['l2x', 'median_rank_mean']:.2f}, random {d.loc['random', 'median_rank_mean']:.2f}")
        assert d.loc['l2x', 'median_rank_mean'] < d.loc['random', 'median_rank_mean'] - 1.5, d.to_string()


def check_aim(ns):
    t = ns['tables']
    # Table 10 on admission, quick size, seed 0 (noise masking): AIM 91.9%, 3 random features of 7 73.1%
    _above(t['table10_admission'], 'aim', 'faithfulness (noise)', 'random', 10, 'admission')


def check_meed(ns):
    t = ns['tables']
    # quick sizes, seed 0: MNIST 3 vs 8 MEED FS-M 65% vs random 46%, SEN 21% vs random 73%; Fashion-MNIST L2X FS-M 76% vs random 64%
    # (MEED itself is at 54% there and at 53% on IMDB at the quick size. At the full size it reaches 97.5% on IMDB but stays at
    # 50.7% on Fashion-MNIST, below random: the tutorial's recorded run; no floor is asserted for it here)
    mnist, fashion = t['mnist'].T, t['fashion_mnist'].T  # the runner's tables have a row per metric
    _above(mnist, 'meed', 'fs_m', 'random', 9, 'MNIST 3 vs 8 FS-M')
    _above(mnist, 'random', 'sen', 'meed', 25, 'MNIST 3 vs 8 SEN (random above MEED)')
    _above(fashion, 'l2x', 'fs_m', 'random', 6, 'Fashion-MNIST FS-M')
    assert set(t) == {'imdb', 'mnist', 'fashion_mnist', 'ablation', 'sanity'}, list(t)


def check_magnex(ns):
    t = ns['tables']
    # quick size, seed 0 (4,000 images, 6 epochs), measured on the 2-core CPU: MAGNEx's sparsity / sufficiency 0.836 / 0.997 on the
    # CNN table and 0.794 / 0.998 on the forest's. Untrained, s is near 0.5 everywhere and the kept set is arbitrary (after 2 epochs
    # of 600 images the CNN's was 0.00 / 1.00: it first learns to keep enough, then to drop).
    for task in ('cnn', 'rf'):
        m = t[task].loc['magnex']
        print(f"{task}: MAGNEx sparsity {m['sparsity']:.3f}, sufficiency {m['sufficiency']:.3f}")
        assert m['sparsity'] > 0.5 and m['sufficiency'] > 0.95, t[task].to_string()
    assert set(t) == {'rf', 'cnn', 'imdb', 'sweep'}, list(t)


def check_tour(ns):
    b = ns['bench']
    # quick size, seed 0 (measured on the 2-core CPU): post-hoc accuracy L2X 0.96, MAGNEx 0.96 vs random 0.70 (k = 4 of 49 patches);
    # explain time per image L2X 0.3 ms, MAGNEx 0.1 ms vs LIME 136 ms
    for m in ('l2x', 'magnex'):
        _above(b, m, 'posthoc_accuracy', 'random', 0.12, 'tour')
        assert b.loc['lime', 'explain_s_per_sample'] > 50 * b.loc[m, 'explain_s_per_sample'], b.to_string()
    w = ns['w']; w.method.value = 'lime'; w.k.value = 4
    assert int(w.shown['mask'].sum()) == 4 and w.view.value.count('<img ') == 1
    st = ns['stepper']; st.step.value = 49
    assert int(st.shown['present'].sum()) == 0  # deletion: every patch gone at the last step


def check_idexpo(ns):
    t = ns['tables']
    assert {'tabular_rows', 'tabular_summary', 'tabular_tests', 'cifar10', 'amortized'} <= set(t), list(t)
    s = t['tabular_summary']
    # quick size, seed 0 (wine and breast cancer, one split, 2 epochs; measured on the 2-core CPU): accuracy 0.964 for every
    # fine-tuned method with LIME and KernelSHAP. The quick budget is too small for the regularizers to move the scores: no floor on them
    assert set(s.index.get_level_values(1)) == {'pretrained', 'ce', 'idexpo', 'expo_stability', 'expo_fidelity'}
    assert (s['acc'] > 0.9).all() and s[['ins', '1-del']].apply(lambda c: c.between(0, 1)).all().all(), s.to_string()
    c = t['cifar10']
    # quick: the small CNN after one epoch on the 50,000 training images, 0.312 on 64 test images (chance 0.1)
    assert (c['acc'] > 0.2).all() and set(c.index.get_level_values(0)) == {'lime', 'gradcam'}, c.to_string()


def check_benchmark(ns):
    # the recorded full run is read back whole: 4 tasks x (12 methods + the reference row) x 3 seeds
    rows = ns['rows']
    assert set(rows.task) == {'tabular_mlp', 'tabular_forest', 'image_cnn', 'text_cnn'} and sorted(rows.seed.unique()) == [0, 1, 2], rows.shape
    assert len(ns['bar']) == 16 and {'recall_ok', 'rank_ok'} <= set(ns['bar'].columns)
    d = ns['tables']['planted'].set_index(['task', 'method'])
    # quick run, seed 0 (measured on the 2-core CPU): L2X recalls the planted features far above the random ranking on both tasks
    for task in ('tabular_forest', 'text_cnn'):
        print(task, d.loc[(task, 'l2x'), 'true_feature_recall'], d.loc[(task, 'random'), 'true_feature_recall'])
        assert d.loc[(task, 'l2x'), 'true_feature_recall'] > d.loc[(task, 'random'), 'true_feature_recall'] + 0.3, d.to_string()
    # integrated gradients cannot run on the random forest: the row says why
    assert d.loc[('tabular_forest', 'integrated_gradients'), 'skipped'].startswith('needs gradients')
    r = ns['real']
    assert r['median_rank'].isna().all() and r['posthoc_accuracy'].between(0, 1).all()
    # the recorded synthetic suite: 4 sets x 3 seeds, with the reference row of the true features (recall 1 by construction)
    syn = ns['syn']
    assert set(syn.task) == {'xor', 'orange_skin', 'nonlinear_additive', 'switch'} and sorted(syn.seed.unique()) == [0, 1, 2]
    assert (syn[syn.method == 'true_features'].true_feature_recall == 1).all() and 'true_features' not in ns['syn_ranks'].index
    # the real suite's recorded full run is read back whole from its cells (nothing recomputed): 6 tasks x 12 methods x 3 seeds
    from amortex.benchmark import REAL_TASKS
    assert set(ns['done']) == set(REAL_TASKS) and set(ns['real_rows'].task) == set(REAL_TASKS) and len(ns['real_rows']) == 36 * 6


CHECKS = {'l2x': check_l2x, 'idexpo': check_idexpo, 'aim': check_aim, 'meed': check_meed, 'magnex': check_magnex, 'tour': check_tour,
          'benchmark': check_benchmark}


def check_explore(ns, name):
    "Every tutorial ends with an explore section: its widgets were built on the run's results and show them."
    from amortex.widgets import Explorer, View
    views = [v for v in ns.values() if isinstance(v, View)]
    explorers = [v for v in views if isinstance(v, Explorer)]
    assert explorers, f"{name}: no explore() widget in the notebook's namespace"
    for w in views: assert w.view.value, f"{name}: {type(w).__name__} renders nothing"
    for w in explorers:  # what is drawn is what the controls say: the k marked features (or the explainer's own set)
        e, mask = w.current()
        if w.shown['k'] is not None: assert int(mask.sum()) == min(w.k.value, int(mask.numel())) or w.kind == 'tokens', w.shown
        else: assert (mask == e.kept[w.sample.value].cpu()).all()


def test_every_tutorial_has_checks():
    assert {p.stem for p in TUTORIALS} <= set(CHECKS), "a new tutorial needs its result checks here"


@pytest.mark.parametrize('path', TUTORIALS, ids=[p.stem for p in TUTORIALS])
def test_tutorial_runs_quick(path, monkeypatch):
    monkeypatch.delenv('AMORTEX_FULL', raising=False)
    monkeypatch.setenv('MPLBACKEND', 'Agg')
    monkeypatch.chdir(path.parent)
    nb = read_nb(path)
    shell = CaptureShell()
    shell.run_all(nb, exc_stop=True)
    # the quick run printed the size it ran at
    outs = ''.join(o.get('text', '') if isinstance(o.get('text', ''), str) else ''.join(o['text'])
                   for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', []))
    assert 'size: quick' in outs
    CHECKS[path.stem](shell.user_ns)
    check_explore(shell.user_ns, path.stem)
