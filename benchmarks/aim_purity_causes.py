"""AIM's purity on a text task, one change at a time (issue 11): the runner's settings (`aim_settings(task)`, full size)
overlaid with JSON options, scored on the runner's evaluation texts at K = 10.

    python benchmarks/aim_purity_causes.py NAME TASK SETTINGS_JSON [SEED] [N_EVAL] [N_TRAIN]

N_TRAIN fits on a seeded subset of the training texts (a learning curve; default: all). E.g. `A1_beta_sum ag_news
'{"beta": 0.04}'` (the authors sum the l2,1 term over the batch of 400: beta 1e-4 x 400).
Prints the validation history (loss terms, mean keep probability, faithfulness when monitored) and one RESULT line:
purity with both denominators (the real words selected / K), faithfulness, brevity, and the share of the top-10 that are
stopwords, punctuation or `<unk>`; purity_authors is the authors' evaluate.py rule (distinct stopwords / K). The fitted
explainer's state is saved to `$AIM_PURITY_SAVE/NAME.pt` when that variable is set (to re-score without refitting). Logs in `benchmarks/results/aim_purity/`."""
import os, sys, json, time, torch
from amortex.core import untag
from amortex.reproduce.common import subset, fit_explainer
from amortex.reproduce.aim import AIM_SIZES, AIM_TEXT, aim_settings, aim_blackbox, text_data
from amortex.metrics import evaluate
from amortex.metrics import text as T

name, task, extra = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
n_eval = int(sys.argv[5]) if len(sys.argv) > 5 else AIM_SIZES['full']['text']['n_eval']
bb = aim_blackbox(task, False, seed, None, False)
train, valid, test = text_data(task, False, seed)
if len(sys.argv) > 6: train = subset(train, int(sys.argv[6]), seed)
ev = subset(test, n_eval, seed)
st = {**untag(aim_settings(task)), **extra}
t0 = time.time()
aim = fit_explainer('aim', bb, train, valid, st, seed=seed, progress=False)
fit_s = time.time() - t0
fr = aim.history.to_frame()
print(fr.to_string())
df = evaluate({'aim': aim}, bb, ev, metrics=('purity', 'brevity', 'posthoc_accuracy'), k=10, progress=False)
e = aim.explain(ev.x)
pk = T.purity(e, 10, denominator='k').nanmean().item()
pa = T.purity(e, 10, denominator='k', count='types').nanmean().item()  # the authors' evaluate.py: distinct stopwords / K
words = T.topk_words(e, 10)
unk = sum(w == '<unk>' for ws in words for w in ws) / max(sum(len(ws) for ws in words), 1)
keep = fr['val_keep'].iloc[aim.history.best_epoch] if 'val_keep' in fr else float('nan')  # no selector (explainer_only): no keep rate
print("RESULT", name, task, f"seed={seed} n_train={len(train)} n_eval={len(ev)} purity={100 * df.loc['aim', 'purity']:.1f} "
      f"purity_k={100 * pk:.1f} purity_authors={100 * pa:.1f} faithfulness={100 * df.loc['aim', 'posthoc_accuracy']:.1f} brevity={df.loc['aim', 'brevity']:.2f} "
      f"unk_share={100 * unk:.1f} best_epoch={aim.history.best_epoch} epochs={len(aim.history)} "
      f"val_keep_best={keep:.3f} fit={fit_s:.0f}s settings={json.dumps(extra)}", flush=True)
if os.environ.get('AIM_PURITY_SAVE'):
    torch.save({'state_dict': aim.state_dict(), 'settings': extra, 'task': task, 'seed': seed}, os.path.join(os.environ['AIM_PURITY_SAVE'], f'{name}.pt'))
