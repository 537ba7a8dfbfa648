"""Every tutorial notebook runs end to end in quick mode (AMORTEX_FULL unset)."""
import os
from pathlib import Path
import pytest
from execnb.nbio import read_nb
from execnb.shell import CaptureShell

TUTORIALS = sorted((Path(__file__).resolve().parents[1] / 'nbs' / 'tutorials').glob('*.ipynb'))


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
