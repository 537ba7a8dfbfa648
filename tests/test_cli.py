"""The `amortex` console script: help, argument errors, and the main job at a tiny size."""
import subprocess, sys, os
import pandas as pd
import pytest
from amortex.cli import main


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as e: main(['--help'])
    assert e.value.code == 0
    out = capsys.readouterr().out
    for word in ('bench', 'reproduce', 'data'): assert word in out


def test_bench_help_names_the_synthetic_benchmark(capsys):
    with pytest.raises(SystemExit) as e: main(['bench', '--help'])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert 'synthetic' in out and '--quick' in out and '--out' in out


def test_unknown_benchmark_is_an_argument_error(capsys):
    with pytest.raises(SystemExit) as e: main(['bench', 'nope'])
    assert e.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_is_installed():
    r = subprocess.run(['amortex', '--help'], capture_output=True, text=True)
    assert r.returncode == 0 and 'reproduce' in r.stdout


def test_bench_synthetic_tiny_run_writes_csv(tmp_path, capsys):
    "The main job at a tiny size: the synthetic suite's rows, summary and rank table, printed and written."
    out = tmp_path / 'results'
    rc = main(['bench', 'synthetic', '--quick', '--datasets', 'xor', '--methods', 'l2x,occlusion,random',
               '--n-test', '40', '--out', str(out), '--no-progress'])
    assert rc == 0
    printed = capsys.readouterr().out
    assert 'synthetic suite (quick): 1 tasks x 3 methods' in printed and 'average rank per metric family' in printed
    assert '| xor | l2x |' in printed and 'median_rank' in printed
    assert {'synthetic.csv', 'synthetic_summary.csv', 'synthetic_ranks.csv', 'cells'} <= {p.name for p in out.iterdir()}
    df = pd.read_csv(out / 'synthetic.csv', index_col=0).set_index('method')
    assert list(df.index) == ['l2x', 'occlusion', 'random'] and (df.task == 'xor').all()
    assert {'median_rank', 'true_feature_recall', 'posthoc_accuracy', 'insertion_auc', 'max_sensitivity', 'fit_s', 'explain_s_per_sample'} <= set(df.columns)
    assert df['fit_s'].tolist()[0] > 0 and df['fit_s'].tolist()[1:] == [0, 0]
    # the random floor is the expected rank of a random pair (5.5); L2X must beat it clearly
    assert df.loc['l2x', 'median_rank'] < df.loc['random', 'median_rank'] - 1
    ranks = pd.read_csv(out / 'synthetic_ranks.csv', index_col=0)
    assert ranks.loc['l2x', 'ground truth'] < ranks.loc['random', 'ground truth']


def test_bench_rejects_unknown_dataset(capsys):
    assert main(['bench', 'synthetic', '--quick', '--datasets', 'mnist', '--no-progress']) == 2
    err = capsys.readouterr().err
    assert err.strip() == "amortex: error: unknown dataset 'mnist'; valid: xor, orange_skin, nonlinear_additive, switch"


def test_reproduce_lists_aim(capsys):
    with pytest.raises(SystemExit) as e: main(['reproduce', '--help'])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert 'aim' in out and 'l2x' in out


def test_reproduce_aim_tabular_writes_csv(tmp_path, capsys):
    rc = main(['reproduce', 'aim', '--quick', '--parts', 'admission', '--out', str(tmp_path), '--no-progress'])
    assert rc == 0
    printed = capsys.readouterr().out
    assert '== Table 10, admission: K=3' in printed and 'AIM settings for admission' in printed and 'paper' in printed
    df = pd.read_csv(tmp_path / 'table10_admission.csv', index_col=0)
    assert list(df.index) == ['aim', 'aim (paper)', 'l2x', 'lime', 'lime (paper)', 'random']
    assert list(df.columns) == ['faithfulness (mean)', 'faithfulness (noise)', '+Δlog-odds (mean)', '+Δlog-odds (noise)']
    assert df.loc['aim (paper)', 'faithfulness (mean)'] == 94.0  # the paper's column is carried, not computed
    # 3 random features of 7 keep the black box's prediction 73% of the time under noise masking (the table's own floor);
    # at this quick size and seed 0, AIM, L2X and LIME keep it 92-99% of the time. A broken explainer lands near the floor.
    for m in ('aim', 'l2x', 'lime'):
        assert df.loc[m, 'faithfulness (noise)'] > df.loc['random', 'faithfulness (noise)'] + 10, df.to_string()


def test_reproduce_aim_rejects_unknown_part(capsys):
    assert main(['reproduce', 'aim', '--quick', '--parts', 'cifar10', '--no-progress']) == 2
    assert "unknown part 'cifar10'; valid: imdb, hatexplain, ag_news" in capsys.readouterr().err


def test_data_lists_what_is_here(capsys):
    assert main(['data']) == 0
    out = capsys.readouterr().out
    assert 'data root:' in out and 'cache:' in out
    lines = {l.split()[0]: l for l in out.splitlines()[3:] if l.strip()}
    assert 'generated in code' in lines['xor'] and 'scikit-learn' in lines['wine']
    # every data set is listed with a status; files in the data root are reported as here
    assert {'mnist', 'imdb', 'adult', 'cifar10'} <= set(lines)
    if os.path.exists(os.path.join(os.environ.get('AMORTEX_DATA', ''), 'aclImdb_v1.tar.gz')): assert ' here ' in lines['imdb']


def test_version(capsys):
    with pytest.raises(SystemExit) as e: main(['--version'])
    assert e.value.code == 0 and capsys.readouterr().out.startswith('amortex 0.')


def test_bench_planted_tiny_run_resumes_from_out(tmp_path, capsys):
    "`amortex bench planted --out DIR` writes the suite's tables and keeps each finished cell in DIR/cells; the same command again recomputes nothing."
    out = tmp_path / 'results'
    argv = ['bench', 'planted', '--quick', '--datasets', 'tabular_forest', '--methods', 'l2x,lime,saliency,random', '--n-train', '300', '--n-test', '6',
            '--out', str(out), '--no-progress']
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert 'planted suite (quick)' in printed and 'average rank per metric family' in printed and 'quality bar' in printed
    df = pd.read_csv(out / 'planted.csv', index_col=0)
    assert df.method.tolist() == ['l2x', 'lime', 'saliency', 'random']
    # saliency needs gradients: on the random forest its row says so instead of failing the run
    assert df.set_index('method').loc['saliency', 'skipped'].startswith('needs gradients')
    assert {'planted_summary.csv', 'planted_ranks.csv', 'planted_bar.csv'} <= {p.name for p in out.iterdir()}
    cells = sorted(p.name for p in (out / 'cells' / 'planted').glob('*__seed*.json'))
    assert len(cells) == 4 and all(c.startswith('tabular_forest__seed0__') for c in cells)
    stamps = {p: p.stat().st_mtime_ns for p in (out / 'cells' / 'planted').iterdir()}
    assert main(argv) == 0
    assert {p: p.stat().st_mtime_ns for p in (out / 'cells' / 'planted').iterdir()} == stamps
    pd.testing.assert_frame_equal(pd.read_csv(out / 'planted.csv', index_col=0), df)
