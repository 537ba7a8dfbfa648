"""AIM's IMDB rows with the paper's own black box, the bidirectional GRU (`zoo` entry `aim_imdb_bigru`, issue 11), beside
the recorded rows on the CNN that stood in for it (`benchmarks/results/aim/table*_imdb.csv`). Same data, explainer
settings, evaluation texts and seed as the runner's full size; only AIM is fitted (L2X and LIME keep their CNN rows).

    python benchmarks/aim_imdb_bigru.py

Trains (or loads from the zoo cache) the BiGRU first: 5 epochs took 1,711 s on this 2-core CPU, test accuracy 0.889.
Writes `benchmarks/results/aim/table{2,5,11}_imdb_bigru.csv`."""
import time
from pathlib import Path
from amortex.reproduce.aim import text_task

out = Path(__file__).parent / 'results' / 'aim'
t0 = time.time()
tables, fitted = text_task('imdb', quick=False, blackbox='aim_imdb_bigru', methods=('aim',), progress=False)
for name, df in tables.items():
    df.to_csv(out / f'{name}_imdb_bigru.csv')
    print(f'== {name}', {k: v for k, v in df.attrs.items()}, df.to_string(), sep='\n', flush=True)
print(f'wall {time.time() - t0:.0f}s', flush=True)
