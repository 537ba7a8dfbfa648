"""Does the default budget's floor of 1,000 optimizer steps cost the real suite's text cells time for nothing?

On IMDB and AG News several amortized explainers reach their best validation epoch early (IMDB MEED epoch 3, MAGNEx 6) but
train on to the floor (25 epochs of 5,000 texts at batch 128; `benchmarks/results/bench/real/jobs2_seed0_check.csv`). This
fits one cell exactly as `amortex bench real` does (registered benchmark defaults, full sizes) but with a lower `min_steps`,
scores it with the suite's metrics (`bench_cell`) and sets it beside the recorded cell. Appends one JSON line per run to
benchmarks/results/text_budget/probe.jsonl.

    OMP_NUM_THREADS=1 python benchmarks/text_budget_probe.py METHOD TASK [SEED] [MIN_STEPS]    # e.g. meed imdb 0 200
"""
import json, sys, time
from pathlib import Path
import amortex.benchmark as B

method, task = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
min_steps = int(sys.argv[4]) if len(sys.argv) > 4 else 200
HERE = Path(__file__).resolve().parent
OUT = HERE / 'results' / 'text_budget'; OUT.mkdir(parents=True, exist_ok=True)
QUALITY = B.METRIC_FAMILIES['fidelity']  # the suite's fidelity columns (the real suite has no ground truth)

defaults = B.default_settings
B.default_settings = lambda name, t: {**defaults(name, t), 'min_steps': min_steps}  # the one change: the floor of the default budget
size = dict(B.REAL_SIZES['full'], name='full')
t0 = time.perf_counter()
row = B.bench_cell('real', task, B.REAL_TASKS[task], method, seed, size)
wall = time.perf_counter() - t0
rec = json.loads((HERE / 'results' / 'bench' / 'real' / 'cells' / 'real' / f'{task}__seed{seed}__{method}.json').read_text())
out = dict(task=task, method=method, seed=seed, min_steps=min_steps, fit_s=row['fit_s'], fit_epochs=row['fit_epochs'], best_epoch=row['best_epoch'],
           stopped=row['stopped'], wall_s=wall, **{c: row[c] for c in QUALITY}, recorded={c: rec[c] for c in QUALITY + ('fit_s',)})
print(json.dumps(out, indent=1))
with open(OUT / 'probe.jsonl', 'a') as f: f.write(json.dumps(out) + '\n')
