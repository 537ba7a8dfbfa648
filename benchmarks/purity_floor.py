"""The lowest purity any explainer can reach at K = 10 on AIM's text tasks (issue 11): an oracle that picks the K real words
of a text with the fewest stopwords and punctuation. A text of n <= K real words is selected whole, so its purity is its
own stopword share; a longer one needs max(0, s - (n - K)) contaminated picks among K (s: its contaminated words).
Both purity rules: ours (occurrences / words selected) and the authors' evaluate.py (distinct types / K, PAD clean).

    python benchmarks/purity_floor.py [TASK ...]      # default: imdb hatexplain ag_news

Scores the runner's 200 evaluation texts (seed 0) and the whole test split; writes `benchmarks/results/aim/purity_floor.csv`."""
import sys
from collections import Counter
from pathlib import Path
import pandas as pd
from amortex.metrics.text import contaminated, english_stopwords
from amortex.reproduce.aim import AIM_SIZES, AIM_TEXT, text_data
from amortex.reproduce.common import subset

K = 10

def floors(words:list[str], k:int=K, sw=None) -> tuple[float, float]:
    "(ours, authors') lowest purity of `k` picks among `words` (a text's real words)."
    bad = [w for w in words if contaminated(w, sw)]
    n, s = len(words), len(bad)
    if n == 0: return float('nan'), float('nan')
    if n <= k: return s / n, len(set(bad)) / k
    need = max(0, s - (n - k))  # contaminated picks forced once the clean words run out
    types, got = 0, 0
    for _, c in Counter(bad).most_common():  # fewest distinct types: repeat the most frequent ones
        if got >= need: break
        types, got = types + 1, got + c
    return need / k, types / k

def table(tasks) -> pd.DataFrame:
    sw, rows = english_stopwords(), {}
    for task in tasks:
        _, _, test = text_data(task, False, 0)
        for name, ds in (('200 evaluation texts', subset(test, AIM_SIZES['full']['text']['n_eval'], 0)), ('test split', test)):
            texts = [test.features.vocab.decode(x) for x in ds.x.tolist()]
            f = pd.DataFrame([floors(t, K, sw) for t in texts], columns=['ours', 'authors'])
            n = pd.Series([len(t) for t in texts])
            rows[(task, name)] = {'texts': len(texts), 'words (median)': n.median(), f'share with <= {K} words %': 100 * (n <= K).mean(),
                                  'purity floor % (ours)': 100 * f.ours.mean(), "purity floor % (authors' rule)": 100 * f.authors.mean(),
                                  'stopword share of the texts %': 100 * pd.Series([sum(contaminated(w, sw) for w in t) / max(len(t), 1) for t in texts]).mean()}
    return pd.DataFrame(rows).T

if __name__ == '__main__':
    df = table(sys.argv[1:] or list(AIM_TEXT))
    df.to_csv(Path(__file__).parent / 'results' / 'aim' / 'purity_floor.csv')
    print(df.to_string())
