"""AIM on the planted suite's cells with other settings than its registered ones: one (task, draw) cell of `amortex bench planted`
at full size, scored exactly as the benchmark scores it, for each task and draw given. Used to decide AIM's settings on tabular
data (results in benchmarks/results/aim_reading/planted_tabular_probes.jsonl):

    OMP_NUM_THREADS=1 python benchmarks/aim_planted_probe.py default tabular_forest,tabular_mlp 0,1,2 '{}'
    OMP_NUM_THREADS=1 python benchmarks/aim_planted_probe.py selector tabular_forest,tabular_mlp 0,1,2 '{"init": {"inference": "selector"}}'
    OMP_NUM_THREADS=1 python benchmarks/aim_planted_probe.py steps5000 tabular_forest,tabular_mlp 0,1,2 '{"fit": {"min_steps": 5000}}'
    OMP_NUM_THREADS=1 python benchmarks/aim_planted_probe.py rl0 tabular_forest,tabular_mlp 0,1,2 '{"init": {"random_l1": 0}}'

Prints one JSON line per cell: recall of the planted features, post-hoc accuracy, fit time."""
import sys, json, time
import torch
torch.set_num_threads(1)
from amortex.benchmark import PLANTED_TASKS, PLANTED_SIZES, bench_cell
from amortex.explainers import AIM
tag, tasks, seeds, settings = sys.argv[1], sys.argv[2].split(','), [int(s) for s in sys.argv[3].split(',')], json.loads(sys.argv[4])
AIM.benchmark_defaults = classmethod(lambda cls, task: {'init': settings.get('init', {}), 'fit': settings.get('fit', {})})  # this process only
size = dict(PLANTED_SIZES['full'], name='full')
for t in tasks:
    for s in seeds:
        t0 = time.time()
        r = bench_cell('planted', t, PLANTED_TASKS[t], 'aim', s, size)
        print(json.dumps(dict(tag=tag, task=t, seed=s, recall=r['true_feature_recall'], posthoc=r['posthoc_accuracy'], fit_s=r['fit_s'], wall=time.time() - t0)), flush=True)
