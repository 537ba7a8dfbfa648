"""LIME's rows of AIM's Tables 2 and 5 with the LIME package's text sampling (issue 11): the recorded rows
(`benchmarks/results/aim/table2_*.csv`) used Captum's default (Bernoulli(1/2) over all positions, PAD included, cosine
kernel of width 1); these use `LIME(sampling='lime_text')`, the library's text default (a uniform number of the real words
removed, the kept ones compacted; kernel width 25 on 100 x cosine distance). Same black boxes (zoo cache), same 200
evaluation texts, same neighbour pool, same seed and number of perturbations as the runner's full size.

    python benchmarks/aim_lime_text.py [TASK ...]     # default: imdb hatexplain ag_news

Writes `benchmarks/results/aim/lime_text_{task}.csv` (Table 2's metrics, then Table 5's class-specific faithfulness)."""
import sys, time
import pandas as pd
from amortex.baselines import baseline
from amortex.metrics import evaluate, NeighbourPool
from amortex.reproduce.common import subset
from amortex.reproduce.aim import AIM_SIZES, AIM_TEXT, T2_METRICS, aim_blackbox, text_data

tasks = sys.argv[1:] or list(AIM_TEXT)
s, seed = AIM_SIZES['full']['text'], 0
for task in tasks:
    bb = aim_blackbox(task, False, seed, None, False)
    train, valid, test = text_data(task, False, seed)
    ev = subset(test, s['n_eval'], seed)
    lime = baseline('lime', bb, test.features, n_samples=s['lime_samples'], seed=seed, progress=False)
    t0 = time.time()
    pool = NeighbourPool(ev.x, bb, pad_id=test.features.pad_id)
    r = evaluate({'lime': lime}, bb, ev, metrics=T2_METRICS, k=10, progress=True, pool=pool).loc['lime']
    c = evaluate({'lime': lime}, bb, subset(ev, s['n_class'], seed), metrics=('class_faithfulness', 'pairwise_iou'), k=10, progress=True).loc['lime']
    row = {'purity': 100 * r['purity'], 'brevity': r['brevity'], 'faithfulness': 100 * r['posthoc_accuracy'], 'iou': 100 * r['iou_stability'],
           'log_odds_pos': r['log_odds_pos'], 'log_odds_neg': r['log_odds_neg'], 'explain_s_per_sample': r['explain_s_per_sample'],
           'time_min': len(test) * r['explain_s_per_sample'] / 60,
           **{k: 100 * v for k, v in c.items() if str(k).startswith('class_faithfulness_') or k == 'pairwise_iou'},
           'sampling': lime.sampling, 'n_samples': lime.n_samples, 'n_eval': len(ev), 'n_class': s['n_class'], 'wall_s': time.time() - t0}
    df = pd.DataFrame({'lime (lime_text)': row}).T
    print('==', task); print(df.T.to_string(), flush=True)
    df.to_csv(f'benchmarks/results/aim/lime_text_{task}.csv')
