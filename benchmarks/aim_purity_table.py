"""Collects the RESULT lines of `benchmarks/results/aim_purity/*.log` (written by `aim_purity_causes.py`) into one table,
`benchmarks/results/aim_purity/summary.csv`, which the AIM tutorial reads.

    python benchmarks/aim_purity_table.py"""
import json, re
from pathlib import Path
import pandas as pd

R = Path(__file__).parent / 'results' / 'aim_purity'

def parse(line:str) -> dict:
    "One RESULT line -> a row: run name, task, every key=value, and the JSON settings."
    head, settings = line.split(' settings=', 1)
    _, name, task, *kv = head.split()
    row = dict(run=name, task=task, settings=settings.strip())
    for k, v in (p.split('=', 1) for p in kv):
        v = v.rstrip('s') if k == 'fit' else v
        row[k] = float(v) if re.fullmatch(r'-?[\d.]+', v) else v
    row['beta'] = json.loads(settings).get('beta')
    return row

def collect(root:Path=R) -> pd.DataFrame:
    rows = []
    for f in sorted(root.glob('*.log')):
        res = [l for l in f.read_text().splitlines() if l.startswith('RESULT ')]
        if res: rows.append(parse(res[-1]))
    return pd.DataFrame(rows).set_index('run')

if __name__ == '__main__':
    df = collect()
    df.to_csv(R / 'summary.csv')
    print(df[['task', 'seed', 'purity', 'purity_k', 'purity_authors', 'faithfulness', 'val_keep_best', 'best_epoch', 'fit', 'settings']].to_string())
