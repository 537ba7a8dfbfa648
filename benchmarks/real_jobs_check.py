"""The real suite in two processes (`amortex bench real --jobs 2`) against the recorded one-process run, seed by seed.

    python benchmarks/real_jobs_check.py DIR [RECORDED]

DIR is the `--out` of `amortex bench real --seeds 1 --jobs 2 --out DIR` (its `start` / `end` files hold the run's Unix times, written
by the shell around the command); RECORDED defaults to the kept cells of the recorded run. Prints whether every quality column
equals the recorded cell's, the amortized cells' fit times and epochs beside the recorded fit times, and the command's wall time; writes
DIR/jobs_check.csv (one row per cell: the largest absolute difference of its quality columns, its fit times in both runs).
"""
import json, sys
from pathlib import Path
import pandas as pd
from amortex.benchmark import METRIC_FAMILIES

QUALITY = [c for f in ('ground truth', 'fidelity', 'robustness') for c in METRIC_FAMILIES[f]] + ['max_sensitivity_median', 'blackbox_test_acc']

def cells(d: Path) -> dict:
    return {p.stem: json.loads(p.read_text()) for p in sorted((d / 'cells' / 'real').glob('*__seed*.json'))}

def quality_diff(r: dict, o: dict) -> float:
    "The largest absolute difference between two cells' quality columns (where both have a value)."
    return max((abs(r[c] - o[c]) for c in QUALITY if r.get(c) is not None and o.get(c) is not None and r[c] == r[c] and o[c] == o[c]), default=0.)

def main(out: Path, recorded: Path):
    new, old = cells(out), cells(recorded)
    rows = []
    for name, r in new.items():
        o = old.get(name)
        if o is None: rows.append(dict(cell=name, task=r['task'], method=r['method'], recorded=False)); continue
        nan_same = all((r.get(c) is None or r.get(c) != r.get(c)) == (o.get(c) is None or o.get(c) != o.get(c)) for c in QUALITY)
        rows.append(dict(cell=name, task=r['task'], method=r['method'], kind=r.get('kind'), recorded=True, max_abs_diff=quality_diff(r, o),
                         same_missing=nan_same, fit_s=r.get('fit_s'), fit_s_recorded=o.get('fit_s'), fit_epochs=r.get('fit_epochs'),
                         best_epoch=r.get('best_epoch'), stopped=r.get('stopped'), explain_s_per_sample=r.get('explain_s_per_sample')))
    df = pd.DataFrame(rows); df.to_csv(out / 'jobs_check.csv', index=False)
    wall = None
    if (out / 'start').exists() and (out / 'end').exists(): wall = int((out / 'end').read_text()) - int((out / 'start').read_text())
    print(f"{len(df)} cells; {df.recorded.sum()} recorded before; identical quality columns (|diff| < 1e-9): {(df.max_abs_diff < 1e-9).sum()}; "
          f"largest difference {df.max_abs_diff.max():.3g}")
    print(df[df.max_abs_diff >= 1e-9][['cell', 'max_abs_diff']].to_string(index=False) if (df.max_abs_diff >= 1e-9).any() else 'every cell equal')
    print('\nper task: fit seconds (this run, recorded), epochs trained / best epoch of the amortized cells')
    am = df[df.kind == 'amortized']
    print(am[['task', 'method', 'fit_s', 'fit_s_recorded', 'fit_epochs', 'best_epoch', 'stopped']].round(1).to_string(index=False))
    print(f"\nsum of fit seconds: {df.fit_s.sum():.0f} (recorded run, the same cells: {df.fit_s_recorded.sum():.0f})")
    if wall is not None: print(f"wall time of the command: {wall} s ({wall / 3600:.2f} h)")

if __name__ == '__main__':
    a = sys.argv[1:]
    main(Path(a[0]), Path(a[1]) if len(a) > 1 else Path(__file__).parent / 'results' / 'bench' / 'real')
